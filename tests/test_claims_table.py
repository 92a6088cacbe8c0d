"""Claims from the store's narrow read (``Store.event_claim_table``: the claimed events as
plain tuples and their sums by period and target type in SQL, turned into the answer by
``analyse.claims_of_table``) equal claims computed the old way, every selected event read and
summed in Python by ``claims_vs_reported``: on SQLite and PostgreSQL, under every kind of
filter, after an incremental fusion and after review edits; the CLI and the API print the
same bytes as that reference."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from serve_helpers import served

from khorasan import review
from khorasan.analyse import (
    claims_of_table,
    claims_vs_reported,
    describe_scope,
    scoped_filters,
)
from khorasan.cli import cli
from khorasan.cli._common import json_text
from khorasan.model import Event
from khorasan.store import Store
from khorasan.store.synthetic import build_event_store

FILTERS: list[dict[str, Any]] = [
    {},
    scoped_filters({}),  # claims' default scope: the IS-K family
    {"perpetrator": "TTP"},
    {"country": "afghanistan", "date_from": "2019-05", "date_to": "2023-06-15"},
    {"killed_min": 1, "killed_max": 30},
    {"text": "town"},
    {"review_status": "any"},
    {"review_status": "rejected"},
    {"target_type": "CIVILIANS", "attribution": "claimed"},
    {"admin1": "Kabul Province", "attack_type": "bombing"},
]


def edge_events(n: int = 60) -> list[Event]:
    """Events with a claim whose values try every branch of claims: a place missing or
    empty (the province shows), dates to the day, month or year, empty or none, a target type
    empty or none, a reported toll of 0 or none, ratios on a rounding tie (1/16, 5/8, 1/2000)
    and whole ratios (2.0), names in several cases."""
    cases = [(1, 16), (5, 8), (1, 2000), (4, 2), (0, 7), (9, None), (3, 0), (2000, 3), (7, 7)]
    dates = ["2021-05-17", "2021-05", "2021", "", None, "2019-12-31", "2023-06-15", "2023-06"]
    out = []
    for i in range(n):
        claimed, reported = cases[i % len(cases)]
        out.append(Event(
            id=f"edge{i:012d}", date=dates[i % len(dates)],
            country=["Afghanistan", "AFGHANISTAN", "Pakistan", None][i % 4],
            admin1=["Kabul", "KABUL", None, "Nangarhar", ""][i % 5],
            place=["Town A", "", None][i % 3],
            perpetrator=["IS-K", "is-k", "Islamic State", "TTP", None][i % 5],
            attribution=["claimed", "Claimed", None][i % 3],
            attack_type=["bombing", "Bombing", None][i % 3],
            target_type=["civilians", "CIVILIANS", "", None, "religious"][i % 5],
            killed_low=reported, killed_best=reported,
            killed_high=None if reported is None else reported + i % 3,
            claimed_killed=claimed, n_mentions=1, n_sources=1,
            review_status=[None, None, "confirmed", "rejected"][i % 4],
            detail={"provenance": {}, "flags": [], "killed_by_category": {}},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
    return out


def reference(store: Store, by: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Claims the old way: every selected event, whole, summed in Python."""
    every = [e.as_dict() for e in store.events(mentions=False, **filters)]
    return claims_vs_reported(every, by=by)


def fast(store: Store, by: str, filters: dict[str, Any]) -> dict[str, Any]:
    return claims_of_table(*store.event_claim_table(by=by, **filters), by=by)


def assert_same_claims(store: Store) -> None:
    for filters in FILTERS:
        for by in ("year", "month"):
            expected = reference(store, by, filters)
            got = fast(store, by, filters)
            # the same values, keys in the same order, ints as ints and floats as floats
            assert json.dumps(got) == json.dumps(expected), (filters, by)
            assert got == expected


@pytest.fixture()
def claims_store(store_url: str) -> Any:
    """Synthetic events with mentions, then an incremental fusion that replaces the events
    of sixty mentions by the edge cases."""
    with build_event_store(store_url, 600) as store:
        fresh = edge_events()
        with store.fusion() as tx:
            tx.replace_events(fresh, [(m, fresh[m % len(fresh)].id, None) for m in range(1, 121)])
        yield store


def test_claims_table_equals_claims_of_every_event(claims_store: Store) -> None:
    some = claims_store.event_claim_table(**scoped_filters({}))[0]
    assert len(some) > 20  # the synthetic claims and the edge cases both
    assert_same_claims(claims_store)


def test_claims_table_after_an_incremental_fusion_and_review_edits(claims_store: Store) -> None:
    before = fast(claims_store, "year", {})
    # a second incremental fusion: some edge events replaced again, others made
    again = edge_events(12)
    for e in again:
        e.id = "re" + e.id[2:]
        e.claimed_killed = (e.claimed_killed or 0) + 3
    with claims_store.fusion() as tx:
        tx.replace_events(again, [(m, again[m % 12].id, None) for m in range(1, 25)])
    assert fast(claims_store, "year", {}) != before
    assert_same_claims(claims_store)
    # review edits: a claim added, one changed, a reported toll set to 0, a target type and a
    # date corrected, an event rejected
    edits = [("claimed_killed", "12"), ("claimed_killed", "33"), ("killed_best", "0"),
             ("target_type", "religious"), ("date", "2016-02")]  # fmt: skip
    for i, (field, value) in enumerate(edits):
        # read again each time: an edit may re-fuse the events around it
        every = claims_store.events(mentions=False)
        claimed = [e for e in every if e.claimed_killed is not None]
        target = next(e for e in every if e.claimed_killed is None) if i == 0 else claimed[i]
        review.correct(claims_store, target.id, field, value, user="ana", reason="a check")
    listed = [e for e in claims_store.events(mentions=False) if e.claimed_killed is not None]
    review.reject(claims_store, listed[6].id, user="ana", reason="not an attack")
    assert fast(claims_store, "year", {}) != before
    assert_same_claims(claims_store)


@pytest.mark.parametrize("args", [[], ["--by", "month"], ["--all"], ["--perpetrator", "TTP"],
                                  ["--country", "Afghanistan", "--from", "2019-05"]])  # fmt: skip
def test_claims_cli_and_api_print_what_the_reference_gives(
    claims_store: Store, store_url: str, args: list[str]
) -> None:  # fmt: skip
    by = "month" if "--by" in args else "year"
    every = "--all" in args
    given: dict[str, Any] = {}
    if "--perpetrator" in args:
        given["perpetrator"] = "TTP"
    if "--country" in args:
        given |= {"country": "Afghanistan", "date_from": "2019-05"}
    expected = reference(claims_store, by, scoped_filters(given, every))
    expected["scope"] = describe_scope(given.get("perpetrator"), every)
    claims_store.close()

    result = CliRunner().invoke(cli, ["claims", "--db", store_url, "--json", *args])
    assert result.exit_code == 0, result.output
    assert result.output == json_text(expected, indent=2) + "\n"

    query = {"by": by, "all": every, "perpetrator": given.get("perpetrator"),
             "country": given.get("country"), "since": given.get("date_from")}  # fmt: skip
    with served(store_url) as client:
        response = client.get("/api/claims", params={k: v for k, v in query.items() if v})
    assert response.status_code == 200, response.text
    assert json.dumps(response.json()) == json.dumps(expected)  # ints stay ints, floats floats
