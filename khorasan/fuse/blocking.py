"""Candidate pairs: only mentions close in time and compatible in place are ever compared.

:func:`is_candidate` is the one rule; :class:`BlockIndex` (in memory, for a full fuse) and
:func:`khorasan.fuse.incremental.candidate_mentions` (the store's SQL, for incremental updates)
each start from a superset of it, which the rule then filters, so both paths compare exactly
the same pairs.

Blocks are (country, admin1); inside a block dated mentions are sorted by their first possible
day, so a dated mention's candidates are found by bisection in the few blocks it is compatible
with. An undated mention (no date of its own: "the attack", "Friday's bombing" unresolved) spans
the year before its document's publication; one in an undated document spans all time and is
compared with its whole block.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator

from khorasan.fuse.mention import MIN_DAY, Mention
from khorasan.kb.geo import EARTH_RADIUS_KM
from khorasan.kb.scene import (
    BOUND_MARGIN_KM,
    KM_PER_DEGREE_LATITUDE,
    NEIGHBOURING_PROVINCE_KM,
    region_compatible,
    within_km,
)

__all__ = [
    "DATE_WINDOW_DAYS",
    "NEIGHBOURING_PROVINCE_KM",
    "UNDATED_LOOKBACK_DAYS",
    "BlockIndex",
    "is_candidate",
    "near_across_provinces",
    "place_compatible",
]

# Two reports of one event disagree on its day by a day or two (time zones, "on Thursday"
# resolved against the publication date, night attacks reported the next day): in the eval data
# the largest gap between two day-precision dates of one event is 1 day. 3 leaves margin while
# keeping weekly repeats (Friday-prayer bombings a week apart) in separate blocks.
DATE_WINDOW_DAYS = 3
# An undated mention in a dated document is about something the report calls recent enough not
# to date ("the attack", "Friday's bombing"): retrospectives name the year. A year back from
# publication keeps the dev set's undated links (43 days at most) and bounds the block.
UNDATED_LOOKBACK_DAYS = 365


def place_compatible(a: Mention, b: Mention) -> bool:
    """Same country and province where both are known (a missing one is compatible), or two
    places within :data:`NEIGHBOURING_PROVINCE_KM` of each other across a provincial line
    (:func:`khorasan.kb.scene.region_compatible`, beside extraction's place rules)."""
    return region_compatible(
        a.country, a.admin1, (a.latitude, a.longitude),
        b.country, b.admin1, (b.latitude, b.longitude),
    )  # fmt: skip


def near_across_provinces(a: Mention, b: Mention) -> bool:
    """Both located within :data:`NEIGHBOURING_PROVINCE_KM` of each other."""
    return within_km((a.latitude, a.longitude), (b.latitude, b.longitude), NEIGHBOURING_PROVINCE_KM)


def time_compatible(a: Mention, b: Mention) -> bool:
    """The two mentions' possible days overlap, within :data:`DATE_WINDOW_DAYS` when both give a
    day (a month or a year is its own span: "2019" and "2020-01-03" do not meet)."""
    window = DATE_WINDOW_DAYS if a.date_precision == b.date_precision == "day" else 0
    return a.lo - window <= b.hi and b.lo - window <= a.hi


def dates_meet(a: Mention, b: Mention) -> bool:
    """Like :func:`time_compatible`, but on the dates the mentions give (not the wider span of a
    borrowed date): False when only a borrowed date's doubt makes them candidates."""
    window = DATE_WINDOW_DAYS if a.date_precision == b.date_precision == "day" else 0
    return a.date_lo - window <= b.date_hi and b.date_lo - window <= a.date_hi


def is_candidate(a: Mention, b: Mention) -> bool:
    """Whether two mentions may be one event and so are scored.

    Never within one document (a document reports each event once: it is a cannot-link), never
    two undated mentions without a country or a province between them (nothing to block on),
    never across countries, provinces or a date gap wider than the window.
    """
    if a.document_id == b.document_id:
        return False
    if not a.dated and not b.dated and not (a.country or b.country):
        return False
    if not a.dated and not b.dated and not (a.admin1 or b.admin1):
        # two undated mentions need a province between them to be compared at all; one that
        # names none ("the killing of a journalist") is compared with another report that places
        # it (scoring holds an undated pair under the threshold without strong evidence: dev
        # merge F1 0.950 -> 0.952, folds and seeds unchanged, no false link more)
        return False
    return place_compatible(a, b) and time_compatible(a, b)


# Dated mentions are kept in lists by how wide their possible dates are, so that a lookup scans
# back only as far as the widest member of each list needs (a day, a month, or a year and the
# lookback of an undated mention) instead of a year for every mention of a busy block.
_SPAN_CLASSES = (1, 31)  # days, months; wider ones (years, undated lookbacks) in a third list


class _Sorted:
    __slots__ = ("los", "mentions", "span")

    def __init__(self) -> None:
        self.los: list[int] = []
        self.mentions: list[Mention] = []
        self.span = 0  # longest (hi - lo) of a member

    def add(self, m: Mention) -> None:
        i = bisect.bisect_right(self.los, m.lo)
        self.los.insert(i, m.lo)
        self.mentions.insert(i, m)
        self.span = max(self.span, m.hi - m.lo)

    def overlapping(self, lo: int, hi: int) -> list[Mention]:
        start = bisect.bisect_left(self.los, lo - DATE_WINDOW_DAYS - self.span)
        stop = bisect.bisect_right(self.los, hi + DATE_WINDOW_DAYS)
        return self.mentions[start:stop]


def _may_reach(lat: float, lon: float, box: list[float], km: float) -> bool:
    """Whether some point of ``box`` (lat_lo, lat_hi, lon_lo, lon_hi) may lie within ``km`` of
    (``lat``, ``lon``): False only when a lower bound of the haversine over the box says not.
    North to south the distance is at least the latitude gap; east to west at least
    2R asin(cos(highest latitude) sin(longitude gap / 2)), while every longitude difference
    stays within half a turn."""
    lat_lo, lat_hi, lon_lo, lon_hi = box
    limit = km + BOUND_MARGIN_KM
    if max(0.0, lat_lo - lat, lat - lat_hi) * KM_PER_DEGREE_LATITUDE > limit:
        return False
    gap = max(0.0, lon_lo - lon, lon - lon_hi)
    widest = max(abs(lon - lon_lo), abs(lon - lon_hi))
    highest = max(abs(lat), abs(lat_lo), abs(lat_hi))
    if gap == 0.0 or widest > 180.0 or highest >= 90.0:
        return True
    h = math.cos(math.radians(highest)) * math.sin(math.radians(gap) / 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, h)) <= limit


class _Block:
    __slots__ = ("box", "classes", "undated")

    def __init__(self) -> None:
        self.classes: list[_Sorted] = [_Sorted() for _ in range(len(_SPAN_CLASSES) + 1)]
        self.undated: list[Mention] = []  # no date, no publication date: any time
        self.box: list[float] | None = None  # lat_lo, lat_hi, lon_lo, lon_hi of located members

    def add(self, m: Mention) -> None:
        if m.latitude is not None and m.longitude is not None:
            lat, lon = m.latitude, m.longitude
            if self.box is None:
                self.box = [lat, lat, lon, lon]
            else:
                box = self.box
                box[0], box[1] = min(box[0], lat), max(box[1], lat)
                box[2], box[3] = min(box[2], lon), max(box[3], lon)
        if m.lo > MIN_DAY:  # dated, or bounded by its publication date
            width = m.hi - m.lo
            k = next((i for i, w in enumerate(_SPAN_CLASSES) if width <= w), len(_SPAN_CLASSES))
            self.classes[k].add(m)
        else:
            self.undated.append(m)

    def overlapping(self, lo: int, hi: int) -> Iterator[Mention]:
        for dated in self.classes:
            yield from dated.overlapping(lo, hi)
        yield from self.undated


class BlockIndex:
    """Mentions indexed by (country, admin1) and first possible day."""

    def __init__(self, mentions: Iterable[Mention] = ()) -> None:
        self._blocks: dict[str | None, dict[str | None, _Block]] = defaultdict(dict)
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        by_admin1 = self._blocks[m.country]
        block = by_admin1.get(m.admin1)
        if block is None:
            block = by_admin1[m.admin1] = _Block()
        block.add(m)

    def _blocks_for(self, m: Mention) -> Iterator[_Block]:
        countries = list(self._blocks) if m.country is None else [m.country, None]
        for country in countries:
            by_admin1 = self._blocks.get(country)
            if not by_admin1:
                continue
            if m.admin1 is None:
                yield from by_admin1.values()
            elif m.latitude is not None and m.longitude is not None:
                # a located mention may match a neighbouring province's located mentions
                # within NEIGHBOURING_PROVINCE_KM (place_compatible): only provinces whose
                # located mentions' box comes that near are looked in
                lat, lon = m.latitude, m.longitude
                for admin1, block in by_admin1.items():
                    if admin1 is None or admin1 == m.admin1 or (
                        block.box is not None
                        and _may_reach(lat, lon, block.box, NEIGHBOURING_PROVINCE_KM)
                    ):  # fmt: skip
                        yield block
            else:
                for admin1 in (m.admin1, None):
                    if admin1 in by_admin1:
                        yield by_admin1[admin1]

    def neighbours(self, m: Mention, skip: Container[int] = ()) -> list[Mention]:
        """Every indexed mention that :func:`is_candidate` pairs with ``m``, but those whose
        id is in ``skip`` (pairs already known)."""
        out = []
        for block in self._blocks_for(m):
            for other in block.overlapping(m.lo, m.hi):
                if other is not m and other.id not in skip and is_candidate(m, other):
                    out.append(other)
        return out
