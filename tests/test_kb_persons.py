"""persons.csv: loads, resolves spellings to one entry, and bad rows name file:line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from khorasan.annotate.persons import find_persons
from khorasan.errors import KnowledgeBaseError
from khorasan.kb import load_persons, person_by_id
from khorasan.kb.persons import PERSON_COLUMNS

HEADER = ",".join(PERSON_COLUMNS) + "\n"


def test_shipped_persons_load() -> None:
    names = {p.name for p in load_persons()}
    assert {"Hafiz Saeed Khan", "Shahab al-Muhajir", "Abu Bakr al-Baghdadi", "Mullah Omar",
            "Ayman al-Zawahiri", "Haibatullah Akhundzada"} <= names  # fmt: skip
    assert person_by_id("shahab_al_muhajir").group == "isk"


@pytest.mark.parametrize(
    "spelling",
    ["Shahab al-Muhajir", "Shahab Al-Muhajir", "Sanaullah Ghafari", "Sanaullah Ghaffari"],
)
def test_persons_spellings_are_one_person(spelling: str) -> None:
    [m] = find_persons(f"Reports say {spelling} leads the group.")
    assert (m.person_id, m.name, m.group) == ("shahab_al_muhajir", "Shahab al-Muhajir", "IS-K")


def test_persons_longest_spelling_wins_and_offsets_point_into_text() -> None:
    text = "Abu Bakr al-Baghdadi declared a caliphate; Baghdadi was killed in 2019."
    found = find_persons(text)
    assert [text[m.start : m.end] for m in found] == ["Abu Bakr al-Baghdadi", "Baghdadi"]
    assert {m.name for m in found} == {"Abu Bakr al-Baghdadi"}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "persons.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "where", "field"),
    [
        ("x,Some One,nosuchgroup,leader,\n", "persons.csv:2", "group"),
        ("x,,isk,leader,\n", "persons.csv:2", "name"),
        ("x,A B,isk,leader,\ny,C D,isk,leader,a b\n", "persons.csv:3", "aliases"),
        ("x,A B,isk,leader,\nx,C D,isk,leader,\n", "persons.csv:3", "id"),
    ],
)
def test_persons_bad_rows_name_file_line_and_field(
    tmp_path: Path, body: str, where: str, field: str
) -> None:
    with pytest.raises(KnowledgeBaseError) as info:
        load_persons(_write(tmp_path, body))
    assert info.value.subject == where
    assert f"field '{field}'" in info.value.reason


def test_persons_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="header"):
        load_persons(path)
