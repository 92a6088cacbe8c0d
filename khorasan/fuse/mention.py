"""The view of one stored incident mention that fusion works on: :class:`Mention`.

Built from an ``incident_mentions`` row joined with its document (published date, wire story),
so that scoring and reconciliation never go back to the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["Mention", "date_interval", "mention_from_row"]

# Ordinal day bounds used for "no date": any day from year 1 to year 9999.
MIN_DAY = date(1, 1, 1).toordinal()
MAX_DAY = date(9999, 12, 31).toordinal()

_STOP = frozenset(
    """about after against also among at attack attacks been before being between both claimed
    could during from have into killed killing least more most near news officials other over
    people reported said says since some such than that their them there these they this those
    three through under until were when where which while who with would wounded wounding year
    years""".split()
)
_WORD = re.compile(r"[^\W\d_]{4,}")


def _parse(value: str) -> tuple[int, int] | None:
    """(first day, last day) of an ISO date at day, month or year precision."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            d = date(*parts).toordinal()
            return d, d
        if len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first.toordinal(), nxt.toordinal() - 1
        if len(parts) == 1:
            return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
    except (ValueError, TypeError):
        return None
    return None


def date_interval(value: str | None, published: str | None) -> tuple[int, int, bool]:
    """The days an event may have happened on: ``(first, last, dated)``.

    An undated mention happened within ``UNDATED_LOOKBACK_DAYS`` before its document's
    publication (and up to a day after: time zones), or at any time at all when the document
    is undated too.
    """
    from khorasan.fuse.blocking import UNDATED_LOOKBACK_DAYS

    if value:
        span = _parse(value)
        if span is not None:
            return span[0], span[1], True
    if published:
        pub = _parse(published)
        if pub is not None:
            return pub[0] - UNDATED_LOOKBACK_DAYS, pub[1] + 1, False
    return MIN_DAY, MAX_DAY, False


def _precision(value: str | None, stated: str | None) -> str | None:
    if not value:
        return None
    if stated in ("day", "month", "year"):
        return stated
    return {3: "day", 2: "month", 1: "year"}.get(len(value.split("-")))


@dataclass(slots=True, eq=False)
class Mention:
    """One incident mention with what fusion needs. ``key`` is stable across databases."""

    id: int
    document_id: str
    seq: int
    wire_story_id: str
    published: str | None
    doc: str
    outlet: str | None
    date: str | None
    date_precision: str | None
    lo: int  # first possible day (ordinal)
    hi: int  # last possible day (ordinal)
    dated: bool
    country: str | None
    admin1: str | None
    admin2: str | None
    place: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: str | None
    perpetrator: str | None
    attribution: str | None
    attack_type: str | None
    suicide: bool | None
    target_type: str | None
    target: str | None
    killed: int | None
    killed_qualifier: str | None
    wounded: int | None
    wounded_qualifier: str | None
    claimed_killed: int | None
    claimed_wounded: int | None
    evidence: str
    span: tuple[int, int]
    record: dict[str, Any] = field(repr=False)
    words: frozenset[str] = field(repr=False, default=frozenset())

    @property
    def key(self) -> str:
        """Canonical identity: content-hash document id and order in it (not the row id)."""
        return f"{self.document_id}:{self.seq:05d}"


def mention_from_row(row: Mapping[str, Any]) -> Mention:
    """A :class:`Mention` from an ``incident_mentions`` row plus ``published``,
    ``wire_story_id``, ``doc`` and ``outlet`` of its document."""
    lo, hi, dated = date_interval(row.get("date"), row.get("published"))
    evidence = row.get("evidence") or ""
    record = row.get("record") or {}
    text = " ".join(str(x) for x in (evidence, row.get("place"), row.get("target")) if x)
    words = frozenset(w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP)
    return Mention(
        id=int(row["id"]),
        document_id=row["document_id"],
        seq=int(row["seq"]),
        wire_story_id=row.get("wire_story_id") or row["document_id"],
        published=row.get("published"),
        doc=row.get("doc") or row["document_id"],
        outlet=row.get("outlet"),
        date=row.get("date"),
        date_precision=_precision(row.get("date"), row.get("date_precision")),
        lo=lo,
        hi=hi,
        dated=dated,
        country=row.get("country"),
        admin1=row.get("admin1"),
        admin2=row.get("admin2"),
        place=row.get("place"),
        latitude=row.get("latitude"),
        longitude=row.get("longitude"),
        geo_precision=row.get("geo_precision"),
        perpetrator=row.get("perpetrator"),
        attribution=row.get("attribution"),
        attack_type=row.get("attack_type"),
        suicide=row.get("suicide"),
        target_type=row.get("target_type"),
        target=row.get("target"),
        killed=row.get("killed"),
        killed_qualifier=row.get("killed_qualifier"),
        wounded=row.get("wounded"),
        wounded_qualifier=row.get("wounded_qualifier"),
        claimed_killed=row.get("claimed_killed"),
        claimed_wounded=row.get("claimed_wounded"),
        evidence=evidence,
        span=(int(row.get("span_start") or 0), int(row.get("span_end") or 0)),
        record=dict(record) if isinstance(record, Mapping) else {},
        words=words,
    )
