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
from khorasan.extract.incidents.perpetrator import _claims_this

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


# ------------------------------------------------- an actor named for attacks in general
@pytest.mark.parametrize(
    "aside",
    [
        "Islamic State has claimed similar attacks in the past.",
        "The Islamic State group has claimed several previous attacks on Shi'ite targets.",
        "The Hazaras have borne the brunt of attacks claimed by Islamic State in the city.",
        "ISIS has often targeted Shi'ite worshippers in the east.",
        "The Taliban movement's claim to have restored security has been shaken.",
    ],
)
def test_an_actor_named_for_attacks_in_general_is_not_the_perpetrator(aside: str) -> None:
    text = MARKET + "No group has yet said it carried out the bombing. " + aside
    assert who(text) == ("unknown", "none")


@pytest.mark.parametrize(
    ("sentence", "this"),
    [
        ("ISKP claimed the attack on the university.", True),
        ("ISKP has claimed several previous attacks on the city.", False),
        ("ISKP has claimed a number of attacks, including the assault on the university.", True),
        ("Police claimed four people were killed.", False),
        ("The group claimed credit for plotting most of the attacks this year.", False),
    ],
)
def test_a_claim_of_this_attack_or_of_others(sentence: str, this: bool) -> None:
    start = sentence.index("claim")
    assert _claims_this(sentence, start, len(sentence)) is this


def test_a_claim_outside_the_incident_sentences_is_lent_to_the_incident_before() -> None:
    text = (
        "A suicide bomber blew himself up at a shrine in Kabul on Friday, killing 30 people. "
        "ISIS claimed responsibility, saying the attack targeted Shi'ites celebrating the "
        "new year, which comes after weeks of escalating violence in the capital."
    )
    assert who(text) == ("Islamic State", "claimed")


def test_a_claim_for_both_goes_to_both_incidents() -> None:
    text = (
        "In February, 80 people were killed in a suicide attack on a shrine in Sehwan. "
        "About 50 people were killed in another attack on a shrine in Hub on November 12, 2016. "
        "ISIL claimed responsibility for both."
    )
    found = records(text)
    assert len(found) == 2
    assert {(r["perpetrator"], r["attribution"]) for r in found} == {("Islamic State", "claimed")}


def test_seizing_power_is_no_attack() -> None:
    text = MARKET + "It was the deadliest attack since the Taliban seized power in 2021."
    assert who(text) == ("unknown", "none")
