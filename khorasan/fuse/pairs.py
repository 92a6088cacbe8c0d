"""Compact tables of scored pairs for clustering (``cluster.py``): a large component holds
millions of pairs, and a dict entry per pair and direction, with a float object per score,
took 100 to 150 bytes; these keep 12 (a 4-byte index and an 8-byte double).

Scores stay exact doubles (``array('d')``): agglomeration sums and compares them, so any
rounding would change which clusters merge.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator

__all__ = ["CrossSums", "ScoredPairs"]


class ScoredPairs:
    """Pairs scored while components are found, both directions, in the order they were
    scored: per mention, its partners' slots (``array('i')``) and the scores (``array('d')``).
    A mention's slot is the order it first appeared in; its id is kept once."""

    __slots__ = ("_ids", "_near", "_scores", "_slot")

    def __init__(self) -> None:
        self._slot: dict[int, int] = {}  # mention id -> slot
        self._ids = array("q")  # slot -> mention id
        self._near: list[array[int] | None] = []  # slot -> partners' slots (None once popped)
        self._scores: list[array[float] | None] = []  # slot -> their scores

    def _slot_of(self, mention_id: int) -> int:
        slot = self._slot.get(mention_id)
        if slot is None:
            slot = self._slot[mention_id] = len(self._ids)
            self._ids.append(mention_id)
            self._near.append(array("i"))
            self._scores.append(array("d"))
        return slot

    def add(self, a: int, b: int, value: float) -> None:
        """The pair of mention ids ``a`` and ``b`` scored ``value``."""
        sa, sb = self._slot_of(a), self._slot_of(b)
        near_a, near_b = self._near[sa], self._near[sb]
        scores_a, scores_b = self._scores[sa], self._scores[sb]
        assert near_a is not None and near_b is not None  # not popped: still being explored
        assert scores_a is not None and scores_b is not None
        near_a.append(sb)
        scores_a.append(value)
        near_b.append(sa)
        scores_b.append(value)

    def partners(self, mention_id: int) -> set[int]:
        """Ids of the mentions scored with ``mention_id`` so far."""
        slot = self._slot.get(mention_id)
        near = None if slot is None else self._near[slot]
        if not near:
            return set()
        ids = self._ids
        return {ids[s] for s in near}

    def pop(self, mention_id: int) -> Iterator[tuple[int, float]]:
        """(partner id, score) of each pair of ``mention_id``, in the order they were scored;
        its rows are dropped (agglomeration reads each member's once)."""
        slot = self._slot.get(mention_id)
        if slot is None:
            return iter(())
        near, scores = self._near[slot], self._scores[slot]
        self._near[slot] = self._scores[slot] = None
        if near is None or scores is None:
            return iter(())
        ids = self._ids
        return ((ids[s], v) for s, v in zip(near, scores, strict=True))


class CrossSums:
    """Average-link agglomeration's table of cross-pair sums, ``total[i][k]`` for clusters
    ``i`` and ``k`` (by the position of their first member), symmetric; absent where some
    cross pair is not a candidate.

    Most clusters of a large component stay single mentions: their sums are the pair scores
    themselves, read from a CSR of the members' pairs (sorted partner positions, built once).
    Only a cluster of two or more has a row of its own (a dict); a single mention's row is
    rebuilt from the CSR and those rows when it merges. The values are those a dict of dicts
    would hold, summed in the same order.
    """

    __slots__ = ("_near", "_owner", "_rows", "_scores", "_start")

    def __init__(self, rows: Iterable[list[tuple[int, float]]]) -> None:
        """``rows``: for each member in turn, (position, score) of each of its scored pairs
        (taken one at a time, so that only the CSR holds them all)."""
        self._start = array("q", [0])
        self._near = array("i")
        self._scores = array("d")
        for row in rows:
            row.sort()  # by partner position: found by bisection
            self._near.extend(k for k, _ in row)
            self._scores.extend(v for _, v in row)
            self._start.append(len(self._near))
        self._owner = array("i", range(len(self._start) - 1))  # member -> the cluster it is in
        self._rows: dict[int, dict[int, float]] = {}  # clusters of two or more

    def pairs(self) -> Iterator[tuple[int, int, float]]:
        """(i, k, score) of every pair of single members, i < k."""
        start, near, scores = self._start, self._near, self._scores
        for i in range(len(start) - 1):
            lo, hi = start[i], start[i + 1]
            first = bisect.bisect_right(near, i, lo, hi)
            for at in range(first, hi):
                yield i, near[at], scores[at]

    def get(self, i: int, k: int) -> float | None:
        """``total[i][k]`` of two current clusters."""
        rows = self._rows
        if i in rows:
            return rows[i].get(k)
        if k in rows:
            return rows[k].get(i)
        lo, hi = self._start[i], self._start[i + 1]
        at = bisect.bisect_left(self._near, k, lo, hi)
        return self._scores[at] if at < hi and self._near[at] == k else None

    def row(self, i: int) -> dict[int, float]:
        """``total[i]`` of a current cluster: its own row, or a single member's rebuilt."""
        own = self._rows.get(i)
        if own is not None:
            return own
        out: dict[int, float] = {}
        rows, owner = self._rows, self._owner
        lo, hi = self._start[i], self._start[i + 1]
        for at in range(lo, hi):
            k = owner[self._near[at]]
            theirs = rows.get(k)
            if theirs is None:
                out[k] = self._scores[at]  # a single mention: the pair's score
            else:
                value = theirs.get(i)  # a cluster: its row holds the sum, or it vetoed i
                if value is not None:
                    out[k] = value
        return out

    def set(self, i: int, k: int, value: float) -> None:
        """``total[i][k] = value`` where ``i`` has a row of its own (a single mention's is
        its pair scores, which never change)."""
        row = self._rows.get(i)
        if row is not None:
            row[k] = value

    def drop(self, i: int, k: int) -> None:
        """``total[i].pop(k, None)``, where ``i`` has a row of its own."""
        row = self._rows.get(i)
        if row is not None:
            row.pop(k, None)

    def merged(self, i: int, j: int, row: dict[int, float], members: list[int]) -> None:
        """Cluster ``j`` (of ``members``) joined cluster ``i``, whose row is now ``row``."""
        self._rows.pop(j, None)
        self._rows[i] = row
        owner = self._owner
        for m in members:
            owner[m] = i
