"""From scored candidate pairs to events: components, then average-link agglomeration.

Order independence: the candidate graph (pairs scoring at least ``LINK_THRESHOLD``) splits the
mentions into components; an event never spans two components, and a component's events depend
only on its members (sorted by their stable ``key``), never on when they arrived. An update
therefore re-clusters only the components its new mentions touch, and gets what a full fuse
would.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence

from khorasan.fuse.mention import Mention
from khorasan.fuse.score import LINK_THRESHOLD

__all__ = ["Cluster", "agglomerate", "components"]

Edges = Mapping[tuple[int, int], float]  # (id, id) with the smaller id first -> score


class Cluster(list[Mention]):
    """Members of one event, with each member's mean link score to the others."""

    scores: dict[int, float | None]


def _edge(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def components(
    seeds: Iterable[Mention], neighbours: Callable[[Mention], Iterable[tuple[Mention, float]]]
) -> tuple[list[list[Mention]], dict[tuple[int, int], float]]:
    """Connected components reachable from ``seeds`` over links scoring >= the threshold.

    ``neighbours(m)`` yields ``(other, score)`` for every candidate of ``m``. Returns the
    components and every scored pair met (linked or not: agglomeration needs both).
    """
    edges: dict[tuple[int, int], float] = {}
    seen: dict[int, Mention] = {}
    links: dict[int, list[int]] = {}
    stack = []
    for m in seeds:
        if m.id not in seen:
            seen[m.id] = m
            stack.append(m)
    while stack:
        m = stack.pop()
        links.setdefault(m.id, [])
        for other, score in neighbours(m):
            edges[_edge(m.id, other.id)] = score
            if score >= LINK_THRESHOLD:
                # undirected: a component must not depend on which end was expanded first
                links[m.id].append(other.id)
                links.setdefault(other.id, []).append(m.id)
                if other.id not in seen:
                    seen[other.id] = other
                    stack.append(other)
    out: list[list[Mention]] = []
    done: set[int] = set()
    for mid in sorted(seen, key=lambda i: seen[i].key):
        if mid in done:
            continue
        comp, todo = [], [mid]
        done.add(mid)
        while todo:
            cur = todo.pop()
            comp.append(seen[cur])
            for nxt in links.get(cur, ()):
                if nxt not in done:
                    done.add(nxt)
                    todo.append(nxt)
        out.append(sorted(comp, key=lambda m: m.key))
    return out, edges


def agglomerate(members: Sequence[Mention], edges: Edges) -> list[Cluster]:
    """Average-link clustering of one component; deterministic for a given set of members.

    Two clusters merge when the mean score over all their cross pairs reaches the threshold
    and every cross pair is a candidate (a missing pair, e.g. same document or dates too far
    apart, forbids the merge). The best-scoring merge goes first; ties go to the smallest keys.
    Cross-pair sums are kept per cluster pair in a heap: O(n^2 log n) for n mentions.
    """
    ordered = sorted(members, key=lambda m: m.key)
    groups: dict[int, list[Mention]] = {i: [m] for i, m in enumerate(ordered)}
    total: dict[tuple[int, int], float] = {}  # absent: some cross pair is not a candidate
    pos = {m.id: i for i, m in enumerate(ordered)}
    for (a, b), score in edges.items():
        if a in pos and b in pos:
            total[_edge(pos[a], pos[b])] = score
    heap = [(-v, i, j) for (i, j), v in total.items() if v >= LINK_THRESHOLD]
    heapq.heapify(heap)
    while heap:
        neg, i, j = heapq.heappop(heap)
        if i not in groups or j not in groups:
            continue
        value = total.get((i, j))
        if value is None or -neg != value / (len(groups[i]) * len(groups[j])):
            continue  # stale: one side grew since this entry was pushed
        groups[i] = groups[i] + groups.pop(j)
        total.pop((i, j))
        for k in list(groups):
            if k == i:
                continue
            a, b = total.pop(_edge(i, k), None), total.pop(_edge(j, k), None)
            if a is None or b is None:
                continue  # a vetoed pair vetoes the merged cluster
            merged = a + b
            total[_edge(i, k)] = merged
            mean = merged / (len(groups[i]) * len(groups[k]))
            if mean >= LINK_THRESHOLD:
                heapq.heappush(heap, (-mean, *_edge(i, k)))
    out = []
    for i in sorted(groups):
        group = sorted(groups[i], key=lambda m: m.key)
        cluster = Cluster(group)
        cluster.scores = {m.id: _member_score(m, group, edges) for m in group}
        out.append(cluster)
    return out


def _member_score(m: Mention, group: Sequence[Mention], edges: Edges) -> float | None:
    scores = [edges[_edge(m.id, o.id)] for o in group if o is not m]
    return round(sum(scores) / len(scores), 3) if scores else None
