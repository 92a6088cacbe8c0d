"""Record mentions in a real SQLite store: replace per document, filter, merge across documents,
and the statistic audit beside our own tally."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from khorasan.analyse import audit_statistics, merge_records
from khorasan.model import Document
from khorasan.store import Store


def doc(name: str, text: str, published: str = "2024-01-01") -> Document:
    return Document(text=text, name=name, source=name, published=published, outlet=name,
                    id=name[:16].ljust(16, "0"), content_hash=name.ljust(64, "0"),
                    simhash=0)  # fmt: skip


def rec(**fields: Any) -> dict[str, Any]:
    return {**fields, "evidence": "e", "span": [0, 1], "spans": {}, "confidence": 0.8}


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url, wire_copy_max_distance=-1) as s:
        for name in ("a.txt", "b.txt"):
            s.add_document(doc(name, f"text of {name}"))
        yield s


def test_records_replace_per_document_and_kind(store: Store) -> None:
    store.replace_extracted("a.txt".ljust(16, "0"), {"strength":
                    [rec(group="IS-K", date="2019", low=5500, high=5500)]}, "v1")  # fmt: skip
    store.replace_extracted("a.txt".ljust(16, "0"), {"strength":
                    [rec(group="IS-K", date="2021-08", low=3000, high=3500)]}, "v2")  # fmt: skip
    rows = store.records("strength")
    assert [(r["date"], r["extractor_version"]) for r in rows] == [("2021-08", "v2")]


def test_records_strength_series_keeps_every_source(store: Store) -> None:
    estimate = rec(group="IS-K", date="2023-08", low=4000, high=6000, unit="fighters")
    store.replace_extracted("a.txt".ljust(16, "0"), {"strength": [estimate]}, "v1")
    store.replace_extracted("b.txt".ljust(16, "0"), {"strength": [
        estimate, rec(group="IS-K", date="2019", low=5500, high=5500)]}, "v1")  # fmt: skip
    merged = merge_records("strength", store.records("strength", group="is-k"))
    assert [(m["date"], len(m["sources"])) for m in merged] == [("2019", 1), ("2023-08", 2)]
    assert store.records("strength", date_from="2020") == store.records(
        "strength", date_from="2020", date_to="2024"
    )


def test_records_relations_graph_merges_unordered_pairs(store: Store) -> None:
    store.replace_extracted("a.txt".ljust(16, "0"), {"relations": [
        rec(a="Taliban", b="IS-K", kind="war", date="2015-01")]}, "v1")  # fmt: skip
    store.replace_extracted("b.txt".ljust(16, "0"), {"relations": [
        rec(a="IS-K", b="Taliban", kind="war", date="2015-01"),
        rec(a="TTP", b="Taliban", kind="allegiance", date=None)]}, "v1")  # fmt: skip
    merged = merge_records("relations", store.records("relations", group="Taliban"))
    assert sorted((m["kind"], len(m["sources"])) for m in merged) == [("allegiance", 1),
                                                                      ("war", 2)]  # fmt: skip
    assert len(store.records("relations", relation="war")) == 2


def test_records_leaders_timeline_collects_roles_and_statuses(store: Store) -> None:
    store.replace_extracted("a.txt".ljust(16, "0"), {"leaders": [
        rec(group="IS-K", person="Hafiz Saeed Khan", role="emir", status=None)]}, "v1")  # fmt: skip
    store.replace_extracted("b.txt".ljust(16, "0"), {"leaders": [
        rec(group="IS-K", person="Hafiz Saeed Khan", role="leader",
            status="killed by US")]}, "v1")  # fmt: skip
    [leader] = merge_records("leaders", store.records("leaders", person="hafiz saeed khan"))
    assert leader["roles"] == ["emir", "leader"] and leader["statuses"] == ["killed by US"]
    assert len(leader["sources"]) == 2


def test_records_audit_sets_statistic_beside_our_tally(store: Store) -> None:
    store.replace_extracted("a.txt".ljust(16, "0"), {"incidents": [
        {"date": "2022-03-01", "country": "Afghanistan", "perpetrator": "IS-K",
         "killed": {"value": 10, "qualifier": "exact"}, "evidence": "x", "span": [0, 1],
         "confidence": 0.9},
        {"date": "2025-01-01", "country": "Afghanistan", "perpetrator": "IS-K",
         "killed": {"value": 5, "qualifier": "exact"}, "evidence": "y", "span": [0, 1],
         "confidence": 0.9},
    ]}, "v1")  # fmt: skip
    store.replace_extracted("b.txt".ljust(16, "0"), {"statistics": [
        rec(subject="IS-K: killed", **{"from": "2021-08-15", "to": "2024-05-03"},
            source="ICM", killed=429, incidents=73),
        rec(subject="IS-K: percent", percent=90)]}, "v1")  # fmt: skip
    [row] = audit_statistics(store)
    assert row["quoted"] == "ICM: 429 killed in 73 incidents, 2021-08-15 - 2024-05-03"
    assert (row["ours"]["incidents"], row["ours"]["killed"]) == (1, 10)
    assert row["difference"] == {"incidents": -72, "killed": -419}
    assert row["ours_sentence"].startswith("this database: 10 killed in 1 incidents")
