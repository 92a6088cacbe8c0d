"""Cheap bounds before the haversine, and place-bounded blocks: they skip only what the exact
rule would reject, so the pairs compared (and the events) stay the same."""

from __future__ import annotations

import random
from typing import Any

from khorasan.fuse import is_candidate
from khorasan.fuse.blocking import BlockIndex, _may_reach
from khorasan.fuse.mention import Mention, mention_from_row
from khorasan.kb.geo import distance_km
from khorasan.kb.scene import NEIGHBOURING_PROVINCE_KM, within_km


def test_within_km_latitude_bound_agrees_with_haversine() -> None:
    rng = random.Random(3)
    for _ in range(20000):
        lat1, lon1 = rng.uniform(-80, 80), rng.uniform(-179, 179)
        lat2, lon2 = lat1 + rng.uniform(-1.5, 1.5), lon1 + rng.uniform(-1.5, 1.5)
        km = rng.choice([10.0, 40.0, 60.0, 150.0])
        assert within_km((lat1, lon1), (lat2, lon2), km) == (
            distance_km(lat1, lon1, lat2, lon2) <= km
        )


def test_may_reach_is_never_wrong_when_a_point_is_near() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        lat, lon = rng.uniform(-70, 70), rng.uniform(-170, 170)
        points = [(lat + rng.uniform(-2, 2), lon + rng.uniform(-3, 3)) for _ in range(5)]
        box = [min(p[0] for p in points), max(p[0] for p in points),
               min(p[1] for p in points), max(p[1] for p in points)]  # fmt: skip
        if any(distance_km(lat, lon, a, b) <= NEIGHBOURING_PROVINCE_KM for a, b in points):
            assert _may_reach(lat, lon, box, NEIGHBOURING_PROVINCE_KM)


_ids = iter(range(1, 10**6))


def _mention(**fields: Any) -> Mention:
    row = {"id": next(_ids), "document_id": f"doc{next(_ids)}", "seq": 0, "evidence": "",
           "country": "Afghanistan", **fields}  # fmt: skip
    return mention_from_row(row)


def test_block_index_finds_what_the_rule_pairs_across_provinces() -> None:
    """Located mentions of many provinces, some a few km across a provincial line: the index's
    neighbours are exactly the mentions :func:`is_candidate` pairs with each."""
    rng = random.Random(9)
    mentions = []
    for i in range(600):
        province = rng.randrange(12)
        located = rng.random() < 0.8
        lat = 31 + (province % 4) * 0.5 + rng.random() * 0.6  # boxes overlap a little
        lon = 64 + (province // 4) * 0.6 + rng.random() * 0.6
        mentions.append(_mention(
            admin1=None if i % 17 == 0 else f"P{province}",
            latitude=lat if located else None, longitude=lon if located else None,
            date=f"2021-03-{rng.randrange(1, 20):02d}" if i % 9 else None,
            published="2021-03-25",
        ))  # fmt: skip
    index = BlockIndex(mentions)
    for m in mentions:
        expected = {o.id for o in mentions if o is not m and is_candidate(m, o)}
        assert {o.id for o in index.neighbours(m)} == expected


def test_intervals_find_exactly_the_overlapping() -> None:
    from khorasan.fuse.incremental import _Intervals

    rng = random.Random(11)
    items = []
    for i in range(500):
        lo = rng.randrange(0, 5000)
        items.append((lo, lo + rng.choice([0, 0, 3, 30, 400, 2000, 6000]), i))
    index = _Intervals(items)
    for _ in range(300):
        lo = rng.randrange(-100, 6000)
        hi = lo + rng.choice([0, 7, 60, 900])
        expected = {i for a, b, i in items if a <= hi and b >= lo}
        assert set(index.overlapping(lo, hi)) == expected
