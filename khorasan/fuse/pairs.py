"""Compact tables of scored pairs for clustering (``cluster.py``).

The largest component of a 20k-document bench store holds 81k mentions and 15M scored pairs:
a dict entry per pair and direction, with a float object per score, took 100 to 150 bytes
(over 2 GB). Here a pair and direction takes 6: the partner's slot (``array('i')``) and its
score's index in a table of the distinct scores (``array('H')``, widened to ``'I'`` past
65,536 of them; a component's scores are sums of a few dozen weights and word overlaps, a
few thousand values). The table keeps each score as the exact double ``score`` returned:
agglomeration sums and compares them, so any rounding would change which clusters merge.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Iterator

import numpy

__all__ = ["CrossSums", "MergeQueue", "ScoredPairs"]

Merge = tuple[float, int, int]  # minus the mean score, then the two clusters (i < k)
Row = tuple["array[int]", "array[float]"]  # a cluster's neighbours, sorted, and the sums


def _find(row: Row, k: int) -> float | None:
    keys, sums = row
    at = bisect.bisect_left(keys, k)
    return sums[at] if at < len(keys) and keys[at] == k else None


class ScoredPairs:
    """Pairs scored while components are found, both directions, and which of them link.
    A mention's slot is the order it first appeared in; per slot, its partners' slots and
    scores in the order they were scored, and its linked partners' slots."""

    __slots__ = ("_ids", "_index", "_links", "_near", "_scores", "_slot", "_values", "_wide")

    def __init__(self) -> None:
        self._slot: dict[int, int] = {}  # mention id -> slot
        self._ids = array("q")  # slot -> mention id
        self._near: list[array[int]] = []  # slot -> partners' slots
        self._scores: list[array[int]] = []  # slot -> their scores' indexes in _values
        self._links: list[array[int] | None] = []  # slot -> linked partners' slots
        self._values: list[float] = []  # the distinct scores, exact
        self._index: dict[float, int] = {}  # score -> its index in _values
        self._wide = False  # indexes past 'H' (then 'I')

    def slot(self, mention_id: int) -> int:
        slot = self._slot.get(mention_id)
        if slot is None:
            slot = self._slot[mention_id] = len(self._ids)
            self._ids.append(mention_id)
            self._near.append(array("i"))
            self._scores.append(array("I" if self._wide else "H"))
            self._links.append(None)
        return slot

    def _value_index(self, value: float) -> int:
        at = self._index.get(value)
        if at is None:
            at = self._index[value] = len(self._values)
            self._values.append(value)
            if at == 1 << 16 and not self._wide:
                self._wide = True
                self._scores = [array("I", row) for row in self._scores]
        return at

    def add(self, a: int, b: int, value: float, linked: bool) -> None:
        """The pair of mention ids ``a`` and ``b`` scored ``value`` (and links, or not)."""
        sa, sb = self.slot(a), self.slot(b)
        at = self._value_index(value)
        self._near[sa].append(sb)
        self._scores[sa].append(at)
        self._near[sb].append(sa)
        self._scores[sb].append(at)
        if linked:
            for x, y in ((sa, sb), (sb, sa)):
                row = self._links[x]
                if row is None:
                    row = self._links[x] = array("i")
                row.append(y)

    def partners(self, mention_id: int) -> set[int]:
        """Ids of the mentions scored with ``mention_id`` so far."""
        slot = self._slot.get(mention_id)
        if slot is None:
            return set()
        ids = self._ids
        return {ids[s] for s in self._near[slot]}

    def linked(self, mention_id: int) -> Iterator[int]:
        """Ids of the mentions linked with ``mention_id``."""
        slot = self._slot.get(mention_id)
        row = None if slot is None else self._links[slot]
        if row is not None:
            ids = self._ids
            yield from (ids[s] for s in row)


class CrossSums:
    """Average-link agglomeration's table of cross-pair sums, ``total[i][k]`` for clusters
    ``i`` and ``k`` (by the position of their first member), symmetric; absent where some
    cross pair is not a candidate.

    Most clusters of a large component stay single mentions: their sums are the pair scores
    themselves, read from the members' rows of :class:`ScoredPairs` (sorted by partner once,
    found by bisection). Only a cluster of two or more has a row of its own: its neighbours
    (sorted, ``array('i')``) and the sums (exact doubles, ``array('d')``), 12 bytes an entry
    where a dict took about 100 (the 20k bench store's largest component ends in 30k
    clusters, with hundreds of neighbours each); a single mention's row is rebuilt from its
    pairs and those rows when it merges. The values are those a dict of dicts would hold,
    summed in the same order.
    """

    __slots__ = ("_near", "_owner", "_pos", "_rows", "_scores", "_slots", "_values")

    def __init__(self, pairs: ScoredPairs, member_ids: list[int]) -> None:
        """``member_ids``: the members' mention ids, by position."""
        self._values = pairs._values
        self._slots = array("i", (pairs.slot(i) for i in member_ids))  # position -> slot
        self._pos = array("i", [-1]) * len(pairs._ids)  # slot -> position (-1: not a member)
        self._near, self._scores = pairs._near, pairs._scores
        for p, s in enumerate(self._slots):
            self._pos[s] = p
            near, scores = self._near[s], self._scores[s]
            order = sorted(range(len(near)), key=near.__getitem__)  # by partner: bisection
            self._near[s] = array("i", (near[o] for o in order))
            self._scores[s] = array(scores.typecode, (scores[o] for o in order))
        self._owner = array("i", range(len(member_ids)))  # member -> the cluster it is in
        self._rows: dict[int, Row] = {}  # clusters of two or more

    def pairs(self, at_least: float) -> Iterator[tuple[int, int, int]]:
        """(score index, i, k) of every pair of members, i < k, scoring ``at_least``."""
        pos, values = self._pos, self._values
        for i, s in enumerate(self._slots):
            for other, at in zip(self._near[s], self._scores[s], strict=True):
                k = pos[other]
                if k > i and values[at] >= at_least:
                    yield at, i, k

    def value(self, at: int) -> float:
        return self._values[at]

    def get(self, i: int, k: int) -> float | None:
        """``total[i][k]`` of two current clusters."""
        rows = self._rows
        if i in rows:
            return _find(rows[i], k)
        if k in rows:
            return _find(rows[k], i)
        s, t = self._slots[i], self._slots[k]
        near = self._near[s]
        at = bisect.bisect_left(near, t)
        return self._values[self._scores[s][at]] if at < len(near) and near[at] == t else None

    def row(self, i: int) -> dict[int, float]:
        """``total[i]`` of a current cluster: its own row, or a single member's rebuilt."""
        own = self._rows.get(i)
        if own is not None:
            return dict(zip(*own, strict=True))
        out: dict[int, float] = {}
        rows, owner, pos, values = self._rows, self._owner, self._pos, self._values
        s = self._slots[i]
        for other, at in zip(self._near[s], self._scores[s], strict=True):
            p = pos[other]
            if p < 0:
                continue  # a mention of another component
            k = owner[p]
            theirs = rows.get(k)
            if theirs is None:
                out[k] = values[at]  # a single mention: the pair's score
            else:
                value = _find(theirs, i)  # a cluster: its row holds the sum, or it vetoed i
                if value is not None:
                    out[k] = value
        return out

    def set(self, i: int, k: int, value: float) -> None:
        """``total[i][k] = value`` where ``i`` has a row of its own (a single mention's is
        its pair scores, which never change)."""
        row = self._rows.get(i)
        if row is not None:
            keys, sums = row
            at = bisect.bisect_left(keys, k)
            if at < len(keys) and keys[at] == k:
                sums[at] = value
            else:
                keys.insert(at, k)
                sums.insert(at, value)

    def drop(self, i: int, k: int) -> None:
        """``total[i].pop(k, None)``, where ``i`` has a row of its own."""
        row = self._rows.get(i)
        if row is not None:
            keys, sums = row
            at = bisect.bisect_left(keys, k)
            if at < len(keys) and keys[at] == k:
                del keys[at], sums[at]

    def merged(self, i: int, j: int, row: dict[int, float], members: list[int]) -> None:
        """Cluster ``j`` (of ``members``) joined cluster ``i``, whose row is now ``row``."""
        self._rows.pop(j, None)
        keys = sorted(row)
        self._rows[i] = (array("i", keys), array("d", (row[k] for k in keys)))
        owner = self._owner
        for m in members:
            owner[m] = i


class MergeQueue:
    """A heap of merges ``(-mean, i, k)`` whose first entries (every pair of single members
    at the threshold) are kept as one array of ``i * n + k`` per distinct score, sorted when
    reached (by numpy: a common score has millions, which a list of ints would hold at 40
    bytes each), instead of a tuple each. Pops in the order one heap of them all would
    (entries are totally ordered; equal ones are alike)."""

    __slots__ = ("_at", "_bucket", "_buckets", "_heap", "_n", "_next", "_sums")

    def __init__(self, sums: CrossSums, n: int, at_least: float) -> None:
        self._n = n
        by_score: dict[int, array[int]] = {}
        for at, i, k in sums.pairs(at_least):
            bucket = by_score.get(at)
            if bucket is None:
                bucket = by_score[at] = array("q")
            bucket.append(i * n + k)
        # best score last (taken first); each bucket's codes sorted when reached
        self._buckets = sorted(((-sums.value(at), codes) for at, codes in by_score.items()),
                               key=lambda b: b[0], reverse=True)  # fmt: skip
        self._bucket = numpy.empty(0, dtype=numpy.int64)  # the current bucket's codes, sorted
        self._at = 0  # the next of them
        self._sums = sums
        self._next: Merge | None = None
        self._heap: list[Merge] = []
        self._advance()

    def _advance(self) -> None:
        if self._at == len(self._bucket) and self._buckets:
            neg, codes = self._buckets[-1]
            self._buckets[-1] = (neg, array("q"))
            self._bucket = numpy.sort(numpy.frombuffer(codes, dtype=numpy.int64))
            self._at = 0
            del codes
        if self._at < len(self._bucket):
            code = int(self._bucket[self._at])
            self._at += 1
            neg = self._buckets[-1][0]
            if self._at == len(self._bucket):
                self._buckets.pop()
            i, k = divmod(code, self._n)
            self._next = (neg, i, k)
        else:
            self._next = None

    def push(self, entry: Merge) -> None:
        heapq.heappush(self._heap, entry)

    def pop(self) -> Merge | None:
        first, heap = self._next, self._heap
        if heap and (first is None or heap[0] < first):
            return heapq.heappop(heap)
        if first is not None:
            self._advance()
        return first
