"""Who did what to whom: the perpetrator and attribution of hand-written wire-style reports.

Each report is made up in newsroom style; the expected fields are what an analyst would code
from it under SCHEMA.md's conventions for Perpetrator and Attribution.
"""

from __future__ import annotations

from typing import Any

import pytest
from fuse_helpers import make_doc

from khorasan.annotate.actors import find_actors
from khorasan.extract import extract_document

PUBLISHED = "2022-06-18"


def records(text: str) -> list[dict[str, Any]]:
    return list(extract_document(make_doc("report.txt", text, PUBLISHED))["incidents"])


def who(text: str) -> tuple[str, str]:
    found = records(text)
    assert found, text
    return found[0]["perpetrator"], found[0]["attribution"]


MARKET = "A bomb exploded at a crowded market in Jalalabad on Friday, killing nine people. "


# ------------------------------------------------------------- IS or IS-K, per incident
@pytest.mark.parametrize(
    "name",
    [
        "the regional affiliate of Islamic State",
        "the local IS affiliate",
        "the Islamic State branch in Afghanistan",
        "Islamic State's regional chapter",
        "the Afghan Islamic State",
    ],
)
def test_a_description_of_the_branch_is_isk(name: str) -> None:
    text = f"Officials said {name} had claimed the bombing."
    assert "IS-K" in [a.canonical for a in find_actors(text)], text


def test_islamic_state_alone_stays_core() -> None:
    assert [a.canonical for a in find_actors("Islamic State claimed the bombing.")] == [
        "Islamic State"
    ]


def test_acronym_after_a_branch_description_is_the_branch() -> None:
    text = "The attack was claimed by the regional chapter of the Islamic State (IS)."
    assert {a.canonical for a in find_actors(text)} == {"IS-K"}


def test_daesh_claim_is_islamic_state() -> None:
    assert who(MARKET + "Daesh claimed responsibility in a statement.") == (
        "Islamic State",
        "claimed",
    )


def test_branch_named_as_attacker_makes_the_claim_isk() -> None:
    text = (
        MARKET
        + "Islamic State claimed responsibility for the bombing on its Amaq news agency. "
        + "Islamic State Khorasan Province has carried out dozens of attacks in the east."
    )
    assert who(text) == ("IS-K", "claimed")


def test_branch_named_in_passing_leaves_islamic_state() -> None:
    text = (
        MARKET
        + "Islamic State claimed responsibility for the bombing on its Amaq news agency. "
        + "The US commander in Kabul has vowed to defeat the local IS affiliate this year."
    )
    assert who(text) == ("Islamic State", "claimed")
