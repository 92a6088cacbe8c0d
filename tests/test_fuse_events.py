"""Fusion over a real SQLite store with hand-built mentions: order independence, incremental
updates, wire copies, reconciliation and flags."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fuse_helpers import JALALABAD, KABUL, get_event, make_doc, query_events, record

from khorasan.fuse import fuse, update_events
from khorasan.store import Store

# Five reports of one Kabul bombing (one undated, one a day late), one of a Jalalabad attack the
# same day, one of a different Kabul bombing three weeks later.
DOCS: list[tuple[str, str, str | None, str, list[dict[str, Any]]]] = [
    (
        "a.txt",
        "Suicide bombing at Kabul mosque kills 13 worshippers.",
        "2022-05-13",
        "Wire A",
        [
            record(
                "A suicide bomber struck the Shia mosque in Kabul on Friday, "
                "killing 13 worshippers.",
                date="2022-05-12",
                date_precision="day",
                **KABUL,
                perpetrator="IS-K",
                attribution="claimed",
                attack_type="bombing",
                target_type="religious",
                killed=13,
                wounded=30,
                claimed_killed=20,
            )
        ],
    ),
    (
        "b.txt",
        "Death toll at Kabul mosque rises to 18.",
        "2022-05-14",
        "Daily B",
        [
            record(
                "The toll from Friday's suicide bombing at the Shia mosque in Kabul rose to 18.",
                date="2022-05-12",
                date_precision="day",
                **KABUL,
                perpetrator="IS-K",
                attribution="attributed",
                attack_type="bombing",
                target_type="religious",
                killed=18,
                wounded=35,
            )
        ],
    ),
    (
        "c.txt",
        "Kabul mosque bombing: officials.",
        "2022-05-13",
        "Times C",
        [
            record(
                "Officials said 13 worshippers died when a bomber hit the Shia mosque in Kabul.",
                date="2022-05-13",
                date_precision="day",
                **KABUL,
                perpetrator="unknown",
                attack_type="bombing",
                target_type="religious",
                killed=13,
            )
        ],
    ),
    (
        "d.txt",
        "Mosque bombing recalled.",
        "2022-05-20",
        "Review D",
        [
            record(
                "The suicide bombing of the Shia mosque in Kabul killed 13 worshippers.",
                **KABUL,
                perpetrator="Islamic State",
                attribution="suspected",
                attack_type="bombing",
                target_type="religious",
                killed=13,
            )
        ],
    ),
    (
        "e.txt",
        "Jalalabad checkpoint attack.",
        "2022-05-12",
        "Wire A",
        [
            record(
                "Gunmen attacked a police checkpoint in Jalalabad, killing four policemen.",
                date="2022-05-12",
                date_precision="day",
                **JALALABAD,
                perpetrator="unknown",
                attack_type="armed_assault",
                target_type="security_forces",
                killed=4,
            )
        ],
    ),
    (
        "f.txt",
        "Blast at Kabul ministry.",
        "2022-06-02",
        "Daily B",
        [
            record(
                "A car bomb exploded outside the ministry of interior in Kabul, "
                "killing six guards.",
                date="2022-06-02",
                date_precision="day",
                **KABUL,
                perpetrator="unknown",
                attack_type="bombing",
                target_type="government",
                killed=6,
            )
        ],
    ),
]


def _ingest(store: Store, order: list[int], batch: int = 1) -> None:
    for i in range(0, len(order), batch):
        ids = []
        for k in order[i : i + batch]:
            name, text, published, outlet, recs = DOCS[k]
            doc = make_doc(name, text + "\n" + " ".join(r["evidence"] for r in recs), published,
                           outlet)  # fmt: skip
            store.add_document(doc, {"incidents": recs}, "test")
            ids.append(doc.id)
        update_events(store, ids)


def _snapshot(store: Store) -> list[tuple[Any, ...]]:
    return sorted(
        (e["id"], e["date"], e["admin1"], e["perpetrator"], e["attribution"], e["killed_low"],
         e["killed_best"], e["killed_high"], e["claimed_killed"], e["n_sources"],
         tuple(sorted(m["doc"] for m in e["mentions"])))
        for e in query_events(store)
    )  # fmt: skip


@pytest.fixture
def fused(store_url: str) -> Iterator[Store]:
    with Store(store_url) as store:
        _ingest(store, list(range(len(DOCS))))
        yield store


def _kabul_mosque(store: Store) -> dict[str, Any]:
    return next(e for e in query_events(store) if e["n_mentions"] == 4)


def test_fuse_groups_reports_of_one_event(fused: Store) -> None:
    events = query_events(fused)
    assert sorted(len(e["mentions"]) for e in events) == [1, 1, 4]
    mosque = _kabul_mosque(fused)
    assert {m["doc"] for m in mosque["mentions"]} == {"a.txt", "b.txt", "c.txt", "d.txt"}


@pytest.mark.parametrize("order", [[5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2], [2, 4, 0, 3, 5, 1]])
def test_fuse_result_does_not_depend_on_ingestion_order(
    more_store_urls: Callable[[str], str], fused: Store, order: list[int]
) -> None:
    with Store(more_store_urls("other.db")) as other:
        _ingest(other, order, batch=2)
        assert _snapshot(other) == _snapshot(fused)


def test_fuse_incremental_updates_equal_a_full_fuse(fused: Store) -> None:
    before = _snapshot(fused)
    fuse(fused)
    assert _snapshot(fused) == before


def test_fuse_reconciles_figures_low_best_high(fused: Store) -> None:
    e = _kabul_mosque(fused)
    # 13, 18, 13, 13 from four sources; best is the most recent exact figure: d.txt (05-20)
    assert (e["killed_low"], e["killed_best"], e["killed_high"]) == (13, 13, 18)
    assert (e["wounded_low"], e["wounded_high"]) == (30, 35)
    flags = {f["field"]: f for f in e["detail"]["flags"]}
    assert set(flags["killed"]["values"]) == {"13", "18"}
    assert "wounded" in flags
    assert "perpetrator" not in flags  # IS-K and "Islamic State": the branch and its core


def test_fuse_reconciles_date_place_and_attribution(fused: Store) -> None:
    e = _kabul_mosque(fused)
    assert (e["date"], e["date_precision"]) == ("2022-05-12", "day")
    assert "date" in {f["field"] for f in e["detail"]["flags"]}  # c.txt said the 13th
    assert (e["country"], e["admin1"]) == ("Afghanistan", "Kabul")
    assert (e["perpetrator"], e["attribution"]) == ("IS-K", "claimed")
    assert e["attack_type"] == "bombing"


def test_fuse_keeps_the_perpetrators_claim_apart(fused: Store) -> None:
    e = _kabul_mosque(fused)
    assert e["claimed_killed"] == 20 and e["killed_high"] == 18
    claim_ids = e["detail"]["provenance"]["claimed_killed"]
    assert [m["doc"] for m in e["mentions"] if m["id"] in claim_ids] == ["a.txt"]


def test_fuse_links_every_value_to_mentions(fused: Store) -> None:
    e = _kabul_mosque(fused)
    ids = {m["id"] for m in e["mentions"]}
    for name, linked in e["detail"]["provenance"].items():
        assert set(linked) <= ids, name
    assert e["detail"]["provenance"]["killed"]
    for m in e["mentions"]:
        assert m["evidence"] and len(m["span"]) == 2


def test_fuse_counts_wire_copies_as_one_source(store_url: str) -> None:
    store = Store(store_url)
    body = (
        "KABUL (Wire) - A suicide bomber struck a Shia mosque in the west of Kabul on "
        "Friday, killing 13 worshippers and wounding 30 others, officials said. No group "
        "has claimed the attack, which bore the hallmarks of the Islamic State. "
    ) * 3
    ids = []
    for name, tail, killed in (("w1.txt", "", 13), ("w2.txt", "Reporting by X.", 40)):
        doc = make_doc(name, body + tail, "2022-05-13")
        rec = record("A suicide bomber struck a Shia mosque in Kabul on Friday.",
                     date="2022-05-12", date_precision="day", **KABUL,
                     attack_type="bombing", killed=killed)  # fmt: skip
        assert store.add_document(doc, {"incidents": [rec]}, "test").status in ("new", "wire_copy")
        ids.append(doc.id)
    update_events(store, ids)
    (event,) = query_events(store)
    assert event["n_mentions"] == 2 and event["n_sources"] == 1
    assert len({m["wire_story_id"] for m in event["mentions"]}) == 1
    store.close()


def test_fuse_never_merges_two_incidents_of_one_document(store_url: str) -> None:
    store = Store(store_url)
    recs = [record("A bomb hit a Kabul mosque, killing 13.", date="2022-05-12",
                   date_precision="day", **KABUL, attack_type="bombing", killed=13)
            for _ in range(2)]  # fmt: skip
    doc = make_doc("two.txt", "Two blasts in Kabul on one day.", "2022-05-12")
    store.add_document(doc, {"incidents": recs}, "test")
    update_events(store, [doc.id])
    assert len(query_events(store)) == 2
    store.close()


def test_fuse_reextraction_updates_the_touched_events(fused: Store) -> None:
    mosque = _kabul_mosque(fused)
    b_id = next(m["document_id"] for m in mosque["mentions"] if m["doc"] == "b.txt")
    fused.replace_extracted(b_id, {"incidents": []}, "test")  # b.txt now reports nothing
    update_events(fused, [b_id])
    e = _kabul_mosque_after(fused)
    assert e["killed_high"] == 13 and e["n_mentions"] == 3
    snapshot = _snapshot(fused)
    fuse(fused)
    assert _snapshot(fused) == snapshot


def _kabul_mosque_after(store: Store) -> dict[str, Any]:
    return next(e for e in query_events(store) if e["n_mentions"] == 3)


def test_fuse_get_event_by_prefix(fused: Store) -> None:
    e = _kabul_mosque(fused)
    assert get_event(fused, e["id"][:8])["id"] == e["id"]
    assert get_event(fused, "zzzz") is None


@pytest.mark.parametrize("field", ["country", "admin1", "perpetrator", "attack_type"])
def test_fuse_query_events_filters(fused: Store, field: str) -> None:
    e = _kabul_mosque(fused)
    hits = query_events(fused, **{field: e[field]})
    assert e["id"] in {h["id"] for h in hits}


def test_fuse_query_events_date_window(fused: Store) -> None:
    assert len(query_events(fused, date_from="2022-06")) == 1
    assert len(query_events(fused, date_to="2022-05")) == 2


def test_fuse_query_events_take_lists_of_canonical_values(fused: Store) -> None:
    """The store matches any of a list of canonical values; khorasan.analyse resolves aliases
    and the actor hierarchy into such lists (issue 9)."""
    from khorasan.analyse import resolve_filters

    e = _kabul_mosque(fused)
    assert e["perpetrator"] == "IS-K"
    ids = {h["id"] for h in query_events(fused, perpetrator=["TTP", "is-k"])}
    assert e["id"] in ids
    assert query_events(fused, perpetrator=["TTP"]) == []
    for filters in ({"perpetrator": "ISKP"}, {"perpetrator": "Islamic State"},
                    {"admin1": "Kabul Province"}, {"country": "afghanistan"}):  # fmt: skip
        hits = {h["id"] for h in query_events(fused, **resolve_filters(filters))}
        assert e["id"] in hits, filters
    assert query_events(fused, **resolve_filters({"perpetrator": "Taliban"})) == []
