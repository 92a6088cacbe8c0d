"""The demo's own records are right (`make demo` ingests examples/, which ships with the repo):
the key events of the example reports, fused, as SCHEMA.md codes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khorasan.pipeline import ingest, open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    store = open_store(tmp_path_factory.mktemp("demo") / "k.db")
    assert not ingest([EXAMPLES], store).failures
    return [e.row() for e in store.events(mentions=False)]


def one(events: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    found = [e for e in events if all(e[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, found)
    return found[0]


def test_kunduz_mosque_bombing_is_one_claimed_event_with_its_toll(
    events: list[dict[str, Any]],
) -> None:
    e = one(events, date="2021-10-08", admin1="Kunduz")
    assert (e["perpetrator"], e["attribution"]) == ("IS-K", "claimed")
    assert e["killed_best"] == 46
    assert e["target_type"] == "religious"
    # the mosque's proper name is no district in Wardak
    assert not [x for x in events if x["admin1"] == "Wardak" or x["place"] == "Sayedabad"]


def test_moab_strike_is_the_us_strike_on_militants_not_an_is_claim(
    events: list[dict[str, Any]],
) -> None:
    e = one(events, date="2017-04-13")
    assert (e["perpetrator"], e["attack_type"], e["target_type"]) == (
        "US",
        "airstrike",
        "militants",
    )
    assert e["attribution"] != "claimed"
    assert e["killed_best"] == 94


def test_kerman_bombings_and_the_background_drone_strike(events: list[dict[str, Any]]) -> None:
    kerman = one(events, date="2024-01-03")
    assert (kerman["perpetrator"], kerman["attribution"]) == ("IS-K", "claimed")
    assert kerman["killed_best"] == 84  # the revised toll, not the earlier one
    strike = one(events, country="Iraq")
    assert (strike["perpetrator"], strike["attack_type"]) == ("US", "airstrike")
    assert strike["date"] == "2020"


def test_bajaur_rally_bombing_keeps_its_wounded(events: list[dict[str, Any]]) -> None:
    e = one(events, date="2023-07-30")
    assert e["wounded_best"] == 200
    # the hospitals the wounded were flown to are no scene of their own
    assert not [x for x in events if x["place"] == "Peshawar"]


def test_background_siege_is_dated(events: list[dict[str, Any]]) -> None:
    e = one(events, place="Beslan")
    assert (e["date"], e["attack_type"]) == ("2004", "hostage_taking")


def test_crocus_attack_is_the_branchs(events: list[dict[str, Any]]) -> None:
    e = one(events, date="2024-03-22")
    assert (e["perpetrator"], e["killed_best"]) == ("IS-K", 133)
