"""Which stored mentions a new mention may join: the store's SQL superset, filtered here by
the blocking rule, each mention read from the store at most once per run.

The SQL reads index ranges bounded by place and time (``FusionTransaction.candidate_ids``),
so what a mention costs does not grow with the years of reports stored; the mentions of one
document that share a place and date ask once (a run's answers are kept).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Container, Iterable
from datetime import date
from typing import Any

from khorasan.fuse.blocking import DATE_WINDOW_DAYS, NEIGHBOURING_PROVINCE_KM, is_candidate
from khorasan.fuse.mention import MAX_DAY, MIN_DAY, Mention, date_interval, mention_from_row
from khorasan.store import FusionTransaction

__all__ = ["CandidateFinder", "candidate_mentions"]

KM_PER_DEGREE_LATITUDE = 111.0

Box = tuple[float, float, float, float]

# What a run keeps read between components (see CandidateFinder.forget): a mention with its
# record takes some kilobytes, a cached answer's id some hundred bytes; tens of MB each at most
KNOWN_LIMIT = 10_000
ANSWERS_LIMIT = 200_000


def _iso(ordinal: int) -> str:
    return date.fromordinal(max(MIN_DAY, min(ordinal, MAX_DAY))).isoformat()


class _Intervals:
    """Items with a day interval [lo, hi], found by overlap: kept in lists by how long their
    interval is (below a power of two), each sorted by ``lo``, so that a lookup bisects each
    list back only as far as its longest member needs."""

    def __init__(self, items: Iterable[tuple[int, int, Any]]) -> None:
        by_class: dict[int, list[tuple[int, int, Any]]] = {}
        for lo, hi, item in items:
            by_class.setdefault(max(0, hi - lo).bit_length(), []).append((lo, hi, item))
        self._classes = []
        for k, members in sorted(by_class.items()):
            members.sort(key=lambda t: t[0])
            self._classes.append(((1 << k) - 1, [t[0] for t in members], members))

    def overlapping(self, lo: int, hi: int) -> list[Any]:
        out = []
        for span, los, members in self._classes:
            start = bisect.bisect_left(los, lo - span)
            stop = bisect.bisect_right(los, hi)
            out += [item for _, h, item in members[start:stop] if h >= lo]
        return out


class CandidateFinder:
    """A run's candidate lookups against the store: :meth:`__call__` gives the stored
    mentions that :func:`is_candidate` pairs with a mention.

    ``known`` caches mentions by row id: only rows not in it are read, and the ones read are
    added to it. Lookups with the same place and dates are answered once a run.
    """

    def __init__(self, tx: FusionTransaction, known: dict[int, Mention]) -> None:
        self.tx = tx
        self.known = known
        self._answers: dict[tuple[Any, ...], list[int]] = {}
        self._borrowed: _Intervals | None = None
        self.rows_fetched = 0  # candidate rows the store returned (a measure, for the bench)
        self._answered = 0  # ids held in _answers

    def _borrowed_index(self) -> _Intervals:
        """Mentions with a borrowed month or year (``mention.borrowed_date``): any day from
        their date to the year before their document's publication. Their dates alone do not
        bound them, so they are found here, by the hull of both, not by the store's ranges."""
        if self._borrowed is None:
            items = []
            for mid, doc, country, admin1, lat, lon, value, published in self.tx.borrowed_dates():
                lo1, hi1, _ = date_interval(value, published)
                lo2, hi2, _ = date_interval(None, published)
                items.append((min(lo1, lo2), max(hi1, hi2), (mid, doc, country, admin1, lat, lon)))
            self._borrowed = _Intervals(items)
        return self._borrowed

    def _ids(self, m: Mention, near: Box | None, low: int, high: int) -> list[int]:
        key = (m.country, m.admin1, near, low, high, m.dated or bool(m.country))
        found = self._answers.get(key)
        if found is None:
            if self._answered > ANSWERS_LIMIT:  # a large component asks more than a run keeps
                self._answers.clear()
                self._answered = 0
            undated_too = m.dated or bool(m.country)  # undated and nowhere: only dated match
            found = self._answers[key] = self.tx.candidate_ids(
                country=m.country, admin1=m.admin1, near=near,
                dates=(_iso(low), _iso(high)),
                # an undated mention spans the year before its document's publication (and
                # the day after): published from the day before ``low`` to a year after
                published=(_iso(low - 1), _iso(high + 365)) if undated_too else None,
            )  # fmt: skip
            self.rows_fetched += len(found)
            self._answered += len(found)
        ids = set(found)  # the mention's own document's too: is_candidate leaves them out
        # dated at any time, with a month or year read outside the mention's evidence
        country, admin1 = m.country, m.admin1
        for mid, doc, m_country, m_admin1, lat, lon in self._borrowed_index().overlapping(
            low, high
        ):
            if doc == m.document_id or (country and m_country not in (country, None)):
                continue
            if not admin1 or m_admin1 in (admin1, None) or (
                near is not None and lat is not None and lon is not None
                and near[0] <= lat <= near[1] and near[2] <= lon <= near[3]
            ):  # fmt: skip
                ids.add(mid)
        return sorted(ids)

    def __call__(self, m: Mention, skip: Container[int] = ()) -> list[Mention]:
        """The stored mentions :func:`is_candidate` pairs with ``m``, but those whose id is
        in ``skip`` (neither read nor returned)."""
        near = None
        if m.admin1 and m.latitude is not None and m.longitude is not None:
            # a neighbouring province's place nearby (blocking.near_across_provinces)
            dlat = NEIGHBOURING_PROVINCE_KM / KM_PER_DEGREE_LATITUDE
            dlon = dlat / max(0.1, math.cos(math.radians(m.latitude)))
            near = (m.latitude - dlat, m.latitude + dlat, m.longitude - dlon,
                    m.longitude + dlon)  # fmt: skip
        ids = self._ids(m, near, m.lo - DATE_WINDOW_DAYS, m.hi + DATE_WINDOW_DAYS)
        if skip:
            ids = [i for i in ids if i not in skip]
        self.load(ids)
        known = self.known
        return [known[i] for i in ids if is_candidate(m, known[i])]

    def load(self, ids: Iterable[int]) -> None:
        """Read the mentions ``ids`` that are not known yet."""
        known = self.known
        missing = [i for i in ids if i not in known]
        for row in self.tx.mentions_by_id(missing):
            o = mention_from_row(row)
            known[o.id] = o

    def mention(self, mention_id: int) -> Mention:
        """One mention, read if it is not known."""
        self.load((mention_id,))
        return self.known[mention_id]

    def forget(self, done: Iterable[int]) -> None:
        """Drop the mentions ``done`` (whose events are written), and every cached mention
        once there are more than :data:`KNOWN_LIMIT` (answers are dropped past
        :data:`ANSWERS_LIMIT` as they come): a long update holds what its current component
        needs, not all it has read (what is dropped is read again if needed)."""
        known = self.known
        for i in done:
            known.pop(i, None)
        if len(known) > KNOWN_LIMIT:
            known.clear()


def candidate_mentions(
    tx: FusionTransaction, m: Mention, known: dict[int, Mention]
) -> list[Mention]:
    """Stored mentions that :func:`is_candidate` pairs with ``m`` (one lookup; a run makes
    many through one :class:`CandidateFinder`)."""
    return CandidateFinder(tx, known)(m)
