"""From scored candidate pairs to events: components, then average-link agglomeration.

Order independence: the candidate graph (pairs scoring at least ``LINK_THRESHOLD`` that
``score.connects`` keeps: not two towns, loosely dated ones at ``LOOSE_LINK``) splits the
mentions into components; an event never spans two components, and a component's events depend
only on its members (sorted by their stable ``key``), never on when they arrived. An update
therefore re-clusters only the components its new mentions touch, and gets what a full fuse
would.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence

from khorasan.fuse.mention import Mention
from khorasan.fuse.pairs import CrossSums, MergeQueue, ScoredPairs
from khorasan.fuse.score import LINK_THRESHOLD, connects

__all__ = ["Cluster", "agglomerate", "components"]

# Scored candidate pairs, both directions (compact: a large component holds millions).
Edges = ScoredPairs


class Cluster(list[Mention]):
    """Members of one event, with each member's mean link score to the others."""

    scores: dict[int, float | None]


def _edge(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def components(
    seeds: Iterable[Mention],
    candidates: Callable[[Mention, Container[int]], Iterable[Mention]],
    score: Callable[[Mention, Mention], float],
) -> tuple[list[list[Mention]], Edges]:
    """Connected components reachable from ``seeds`` over links (``score.connects``).

    ``candidates(m, known)`` gives every candidate of ``m`` (called once per mention reached;
    it may leave out those whose id is in ``known``, the pairs scored already); ``score`` is
    symmetric, so a pair is scored once, or twice when its second mention is reached only
    after the first was explored. Returns the components and the scored pairs of reached
    mentions, as adjacency (linked or not: agglomeration needs both).
    """
    edges = ScoredPairs()  # with the scored pairs that connect (links), both directions
    seen: dict[int, Mention] = {}
    stack = []
    for m in seeds:
        if m.id not in seen:
            seen[m.id] = m
            stack.append(m)
    while stack:
        m = stack.pop()
        mine = edges.partners(m.id)
        for other in candidates(m, mine):
            if other.id in mine:
                continue  # scored from the other side already
            value = score(m, other)
            linked = connects(m, other, value)
            if linked:
                if other.id not in seen:
                    seen[other.id] = other
                    stack.append(other)
            elif other.id not in seen:
                # not reached (yet): most such candidates never are, and their pairs would be
                # most of what is kept; one reached later scores this pair from its side
                continue
            mine.add(other.id)
            edges.add(m.id, other.id, value, linked)
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
            for nxt in edges.linked(cur):
                # links are undirected: a component does not depend on which end came first
                if nxt not in done:
                    done.add(nxt)
                    todo.append(nxt)
        out.append(sorted(comp, key=lambda m: m.key))
    return out, edges


def agglomerate(
    members: Sequence[Mention],
    edges: Edges,
    score: Callable[[Mention, Mention], float],
) -> list[Cluster]:
    """Average-link clustering of one component; deterministic for a given set of members.

    The cross-pair table reads the members' pairs where ``edges`` holds them (compact: see
    ``pairs.py``), so a large component's pairs are held once, not twice; each member's
    mean link score to its cluster is then ``score``d again over the cluster's few pairs
    (``score`` as :func:`components` used it: symmetric, so the same values).

    Two clusters merge when the mean score over all their cross pairs reaches the threshold
    and every cross pair is a candidate (a missing pair, e.g. same document or dates too far
    apart, forbids the merge). The best-scoring merge goes first; ties go to the smallest keys.
    Cross-pair sums are kept per pair of neighbouring clusters, with a queue of merges: a
    component of n mentions with e candidate pairs costs O(e log e) plus, per merge, the
    neighbours the two clusters share.
    """
    ordered = sorted(members, key=lambda m: m.key)
    groups: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}  # members' positions
    # total[i][k]: sum of scores over the cross pairs of clusters i and k; absent when some
    # cross pair is not a candidate (kept in both directions)
    total = CrossSums(edges, [m.id for m in ordered])
    heap = MergeQueue(total, len(ordered), LINK_THRESHOLD)
    while (best := heap.pop()) is not None:
        neg, i, j = best
        if i not in groups or j not in groups:
            continue
        value = total.get(i, j)
        if value is None or -neg != value / (len(groups[i]) * len(groups[j])):
            continue  # stale: one side grew since this entry was pushed
        joined = groups.pop(j)
        groups[i] = groups[i] + joined
        row_i, row_j = total.row(i), total.row(j)  # both read before either changes
        del row_i[j]
        for k in list(row_i):
            total.drop(k, i)
            b = row_j.get(k)
            if b is None:
                del row_i[k]  # a vetoed pair vetoes the merged cluster
                continue
            merged = row_i[k] + b
            row_i[k] = merged
            total.set(k, i, merged)
            mean = merged / (len(groups[i]) * len(groups[k]))
            if mean >= LINK_THRESHOLD:
                heap.push((-mean, *_edge(i, k)))
        for k in row_j:
            total.drop(k, j)
        total.merged(i, j, row_i, joined)
    out = []
    for i in sorted(groups):
        group = sorted((ordered[p] for p in groups[i]), key=lambda m: m.key)
        cluster = Cluster(group)
        cluster.scores = {m.id: _member_score(m, group, score) for m in group}
        out.append(cluster)
    return out


def _member_score(
    m: Mention, group: Sequence[Mention], score: Callable[[Mention, Mention], float]
) -> float | None:
    scores = [score(m, o) for o in group if o is not m]
    return round(sum(scores) / len(scores), 3) if scores else None
