"""Which stored mentions a new mention may join: the store's SQL superset, filtered here by
the blocking rule, each mention read from the store at most once per run."""

from __future__ import annotations

import math
from datetime import date

from khorasan.fuse.blocking import DATE_WINDOW_DAYS, NEIGHBOURING_PROVINCE_KM, is_candidate
from khorasan.fuse.mention import MAX_DAY, Mention, mention_from_row
from khorasan.store import FusionTransaction

__all__ = ["candidate_mentions"]

KM_PER_DEGREE_LATITUDE = 111.0


def _iso(ordinal: int) -> str:
    return date.fromordinal(max(1, min(ordinal, MAX_DAY))).isoformat()


def candidate_mentions(
    tx: FusionTransaction, m: Mention, known: dict[int, Mention]
) -> list[Mention]:
    """Stored mentions that :func:`is_candidate` pairs with ``m``.

    ``known`` caches mentions by row id across calls: only rows not in it are read, and the
    ones read are added to it.
    """
    near = None
    if m.admin1 and m.latitude is not None and m.longitude is not None:
        # a neighbouring province's place nearby (blocking.near_across_provinces)
        dlat = NEIGHBOURING_PROVINCE_KM / KM_PER_DEGREE_LATITUDE
        dlon = dlat / max(0.1, math.cos(math.radians(m.latitude)))
        near = (m.latitude - dlat, m.latitude + dlat, m.longitude - dlon, m.longitude + dlon)
    ids = tx.candidate_ids(
        document_id=m.document_id, country=m.country, admin1=m.admin1, near=near,
        # ISO strings of any precision sort within their year: widen the lower bound a year
        date_low=_iso(m.lo - DATE_WINDOW_DAYS - 366)[:4],
        date_high=_iso(m.hi + DATE_WINDOW_DAYS) + "\uffff",
        # undated and nowhere: only dated mentions can match
        undated_too=m.dated or bool(m.country),
        # a borrowed date may be wrong: such a mention is compared beyond its date (mention.py)
        borrowed_too=True,
    )  # fmt: skip
    missing = [i for i in ids if i not in known]
    for row in tx.mentions_by_id(missing):
        o = mention_from_row(row)
        known[o.id] = o
    return [known[i] for i in ids if is_candidate(m, known[i])]
