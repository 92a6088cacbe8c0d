"""The view of one stored incident mention that fusion works on: :class:`Mention`.

Built from an ``incident_mentions`` row joined with its document (published date, wire story),
so that scoring and reconciliation never go back to the database.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from khorasan.kb.dates import MONTH_NUMBERS
from khorasan.kb.lexicons import load_lexicon
from khorasan.model import IncidentMention

__all__ = ["Mention", "date_interval", "mention_from_row", "named_weekdays"]

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
# The report itself sets the incident apart from the one it leads with: "Separately, ...",
# "in a separate attack", "in an unrelated incident".
_SEPARATE = re.compile(r"\bseparate(?:ly)?\b|\bin an? (?:unrelated|different) (?:incident|attack)",
                       re.I)  # fmt: skip


# A month the evidence names without a year the extraction could anchor ("an attack on Kabul
# University in November"): full names, "May" only where it cannot be the verb, and the usual
# abbreviations before a day ("Nov 2", "Dec. 28"). Case-sensitive: "march" is a verb.
_MONTH = re.compile(
    r"\b(?P<name>January|February|March|April|June|July|August|September|October|November|"
    r"December)\b|\b(?:in|of|on|since|early|late|mid-?)\s+(?P<may>May)\b|\b(?P<may2>May)\s+\d"
    r"|\b(?P<abbr>Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}\b"
)


# Every empty set a mention holds is this one: most mentions name no month, weekday or site,
# and each empty frozenset of their own would take 216 bytes (a large component holds tens
# of thousands of mentions).
_NONE: frozenset = frozenset()


def _frozen(items: set) -> frozenset:
    return frozenset(items) if items else _NONE


def named_months(text: str) -> frozenset[int]:
    """The months ``text`` names (1-12)."""
    out = set()
    for m in _MONTH.finditer(text):
        word = m.group("name") or m.group("abbr") or "may"
        out.add(MONTH_NUMBERS[word[:3].lower()])
    return _frozen(out)


# A weekday the evidence names ("a suicide bombing on Thursday" in a report the extractor could not
# date): Monday is 0, as date.weekday() counts. Case-sensitive, like the months.
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def named_weekdays(text: str) -> frozenset[int]:
    """The weekdays ``text`` names (0 Monday ... 6 Sunday)."""
    return _frozen({_WEEKDAYS.index(m.group(1)) for m in _WEEKDAY.finditer(text)})


@functools.cache
def _site_kind_of() -> dict[str, str]:
    return {w.lower(): kind for kind, words in load_lexicon("site_kinds").items() for w in words}


def site_kinds(text: str) -> frozenset[str]:
    """The kinds of site (``kb/data/site_kinds.csv``: worship, school, hotel, ...) ``text``
    names."""
    kind_of = _site_kind_of()
    return _frozen({kind_of[w] for w in re.findall(r"[a-z]+", text.lower()) if w in kind_of})


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


def borrowed_date(record: Mapping[str, Any], start: int, end: int) -> bool:
    """The date was read outside the mention's own evidence (the sentence before, the
    dateline): a borrowed date is wrong four times as often as one the evidence states (dev:
    13% against 3%), mostly a background incident given its report's date or a stray year.
    Fusion doubts only borrowed months and years (a borrowed day is off by a day or two, which
    the date window absorbs), a twentieth of all mentions, so blocking stays cheap."""
    where = (record.get("spans") or {}).get("date")
    if not where:
        return False
    return bool(where[0] < start or where[1] > end)


def _precision(value: str | None, stated: str | None) -> str | None:
    if not value:
        return None
    if stated in ("day", "month", "year"):
        return stated
    return {3: "day", 2: "month", 1: "year"}.get(len(value.split("-")))


@dataclass(slots=True, kw_only=True, eq=False)
class Mention(IncidentMention):
    """A stored incident mention with what fusion adds: its document's publication date, wire
    story and outlet, the days it may have happened on, and the words it is told in."""

    id: int = 0
    wire_story_id: str = ""
    published: str | None = None
    doc: str = ""
    outlet: str | None = None
    lo: int = MIN_DAY  # first possible day (ordinal)
    hi: int = MAX_DAY  # last possible day (ordinal)
    dated: bool = False
    # the days its own date spans; lo and hi are wider when the date is borrowed (soft_date)
    date_lo: int = MIN_DAY
    date_hi: int = MAX_DAY
    soft_date: bool = False
    words: frozenset[str] = field(repr=False, default=frozenset())
    separate: bool = False  # told as set apart from its document's main incident
    months: frozenset[int] = field(repr=False, default=frozenset())  # months its evidence names
    weekdays: frozenset[int] = field(repr=False, default=frozenset())  # weekdays it names
    sites: frozenset[str] = field(repr=False, default=frozenset())  # kinds of site it names

    @property
    def key(self) -> str:
        """Canonical identity: content-hash document id and order in it (not the row id)."""
        return f"{self.document_id}:{self.seq:05d}"


def mention_from_row(row: Mapping[Any, Any]) -> Mention:
    """A :class:`Mention` from an ``incident_mentions`` row plus ``published``,
    ``wire_story_id``, ``doc`` and ``outlet`` of its document."""
    base = IncidentMention.row_fields(row)
    date_lo, date_hi, dated = date_interval(base["date"], row.get("published"))
    soft = (
        dated
        and _precision(base["date"], base["date_precision"]) != "day"
        and borrowed_date(base["record"], base["span_start"], base["span_end"])
    )
    lo, hi = date_lo, date_hi
    if soft:  # it may also be any day an undated mention of its document may be
        wide_lo, wide_hi, _ = date_interval(None, row.get("published"))
        lo, hi = min(lo, wide_lo), max(hi, wide_hi)
    # fusion reads only the figures' parts of the record (reconcile): the rest (spans, values,
    # qualifiers) is kilobytes a mention need not hold while a large component is clustered
    base["record"] = {name: {"parts": value["parts"]} for name, value in base["record"].items()
                      if isinstance(value, dict) and value.get("parts")}  # fmt: skip
    # a large component holds tens of thousands of mentions, whose places, actors, types,
    # dates and words are mostly the same few thousand strings: one copy of each (interned)
    # instead of one per mention and field
    for name, value in base.items():
        if type(value) is str and name != "evidence":
            base[name] = sys.intern(value)
    text = " ".join(str(x) for x in (base["evidence"], base["place"], base["target"]) if x)
    words = _frozen({sys.intern(w) for w in (m.lower() for m in _WORD.findall(text))
                     if w not in _STOP})  # fmt: skip
    base.update(id=int(row["id"]), date_precision=_precision(base["date"], base["date_precision"]))
    published, outlet = row.get("published"), row.get("outlet")
    return Mention(
        **base,
        wire_story_id=sys.intern(row.get("wire_story_id") or base["document_id"]),
        published=sys.intern(published) if published else published,
        doc=sys.intern(row.get("doc") or base["document_id"]),
        outlet=sys.intern(outlet) if outlet else outlet,
        lo=lo,
        hi=hi,
        dated=dated,
        date_lo=date_lo,
        date_hi=date_hi,
        soft_date=soft,
        words=words,
        separate=bool(_SEPARATE.search(base["evidence"] or "")),
        months=named_months(base["evidence"] or ""),
        weekdays=named_weekdays(base["evidence"] or ""),
        sites=site_kinds(" ".join(str(x) for x in (base["evidence"], base["target"]) if x)),
    )
