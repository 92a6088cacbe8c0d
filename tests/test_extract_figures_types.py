"""Casualty figures, attack type, suicide and target type as SCHEMA.md's coding conventions
ask, on short hand-written reports in newsroom style."""

from __future__ import annotations

from typing import Any

import pytest
from fuse_helpers import make_doc

from khorasan.extract import extract_document

PUBLISHED = "2023-05-20"  # a Saturday


def records(text: str, published: str | None = PUBLISHED) -> list[dict[str, Any]]:
    return list(extract_document(make_doc("report.txt", text, published))["incidents"])


def first(text: str, published: str | None = PUBLISHED) -> dict[str, Any]:
    found = records(text, published)
    assert found, text
    return found[0]


def value(record: dict[str, Any], field: str) -> int | None:
    figure = record[field]
    return None if figure is None else int(figure["value"])


# ---------------------------------------------------------------------------- suicide
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a suicide word: the attacker meant to die
        ("A suicide bomber struck a market in Kabul on Friday, killing nine people.", True),
        ("At least six people were killed in a suicide bomb attack in Kabul on Friday.", True),
        ("Two attackers detonated their explosive vests at a shrine in Kabul on Friday, "
         "killing 12 people.", True),
        # a means that is no suicide attack
        ("Gunmen opened fire on worshippers at a mosque in Herat on Friday, killing six.", False),
        ("A magnetic bomb attached to a car exploded in Kabul on Friday, killing two people.",
         False),
        ("A US drone strike killed four militants in Nangarhar on Friday.", False),
        # a blast with no word on how it was set off
        ("An explosion at a mosque in Kunduz killed seven worshippers on Friday.", None),
        ("A car bomb exploded outside a bank in Kandahar on Friday, killing five people.", None),
    ],
)
def test_suicide_is_said_or_left_open(text: str, expected: bool | None) -> None:
    assert first(text)["suicide"] is expected
