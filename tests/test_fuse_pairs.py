"""Agglomeration over the compact pair tables (fuse/pairs.py) gives what the plain dict of
dicts gave: the same clusters, merged in the same order (ties to the smallest keys), on
random components with many tied scores, and past 65,536 distinct scores."""

from __future__ import annotations

import heapq
import random

from khorasan.fuse.cluster import agglomerate
from khorasan.fuse.mention import Mention
from khorasan.fuse.pairs import ScoredPairs
from khorasan.fuse.score import LINK_THRESHOLD


def _reference(n: int, scores: dict[tuple[int, int], float]) -> list[list[int]]:
    """The dict-of-dicts average-link agglomeration the compact tables replaced."""
    groups = {i: [i] for i in range(n)}
    total: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (a, b), v in scores.items():
        total[a][b] = total[b][a] = v
    heap = [(-v, i, k) for i, row in total.items() for k, v in row.items()
            if i < k and v >= LINK_THRESHOLD]  # fmt: skip
    heapq.heapify(heap)
    while heap:
        neg, i, j = heapq.heappop(heap)
        if i not in groups or j not in groups:
            continue
        value = total[i].get(j)
        if value is None or -neg != value / (len(groups[i]) * len(groups[j])):
            continue
        groups[i] = groups[i] + groups.pop(j)
        row_i, row_j = total[i], total.pop(j)
        del row_i[j], row_j[i]
        for k in list(row_i):
            del total[k][i]
            b = row_j.get(k)
            if b is None:
                del row_i[k]
                continue
            merged = row_i[k] + b
            row_i[k] = total[k][i] = merged
            mean = merged / (len(groups[i]) * len(groups[k]))
            if mean >= LINK_THRESHOLD:
                heapq.heappush(heap, (-mean, min(i, k), max(i, k)))
        for k in row_j:
            total[k].pop(j, None)
    return [sorted(groups[i]) for i in sorted(groups)]


def _compact(n: int, scores: dict[tuple[int, int], float], rng: random.Random) -> list[list[int]]:
    # mention ids differ from positions (by key), and pairs arrive in a random order
    ids = rng.sample(range(1000, 1000 + 10 * n), n)
    members = [Mention(document_id=f"d{p:05d}", id=ids[p]) for p in range(n)]
    pairs = ScoredPairs()
    items = list(scores.items())
    rng.shuffle(items)
    for (a, b), v in items:
        if rng.random() < 0.5:
            a, b = b, a
        pairs.add(ids[a], ids[b], v, linked=v >= LINK_THRESHOLD)
    by_id = {m.id: p for p, m in enumerate(members)}

    def score(x: Mention, y: Mention) -> float:
        a, b = sorted((by_id[x.id], by_id[y.id]))
        return scores.get((a, b), 0.0)

    shuffled = members[:]
    rng.shuffle(shuffled)
    return [sorted(by_id[m.id] for m in cl) for cl in agglomerate(shuffled, pairs, score)]


def test_agglomeration_over_compact_pairs_equals_the_dict_of_dicts() -> None:
    rng = random.Random(13)
    tied = (0.3, 0.5, 0.75, 0.8, 1.0, 1.25, 1.5, -0.2)  # ties to be broken by keys
    merged = 0
    for _ in range(60):
        n = rng.randint(2, 40)
        density = rng.choice((0.3, 0.6, 0.9))
        scores = {
            (a, b): rng.choice(tied) if rng.random() < 0.7 else rng.uniform(-1, 3)
            for a in range(n) for b in range(a + 1, n) if rng.random() < density
        }  # fmt: skip
        expected = _reference(n, scores)
        merged += sum(len(c) - 1 for c in expected)
        assert _compact(n, scores, rng) == expected
    assert merged > 300  # not only single mentions


def test_agglomeration_past_65536_distinct_scores() -> None:
    rng = random.Random(14)
    n = 400
    scores = {(a, b): rng.uniform(0.0, 1.2) for a in range(n) for b in range(a + 1, n)
              if rng.random() < 0.9}  # fmt: skip
    assert len(set(scores.values())) > 1 << 16
    expected = _reference(n, scores)
    assert any(len(c) > 1 for c in expected)
    assert _compact(n, scores, rng) == expected
