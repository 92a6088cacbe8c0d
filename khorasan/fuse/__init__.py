"""Fuse: incident mentions from every stored document become events, one per real event.

Front doors:

- :func:`fuse` re-fuses the whole store (``khorasan fuse``);
- :func:`update_events` fuses what new or re-extracted documents touch (``ingest`` calls it
  once per run with the ids of the documents it stored); both give the same events whatever the
  order documents arrived in (see ``cluster.py``).

Stages: ``blocking`` (which pairs are compared), ``score`` (how alike a pair is), ``cluster``
(components, average-link agglomeration), ``reconcile`` (one value per field, every value
linked to its mentions, disagreements flagged), ``store`` (event SQL).
"""

from __future__ import annotations

import time
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from khorasan.fuse.blocking import BlockIndex, is_candidate
from khorasan.fuse.cluster import Cluster, agglomerate, components
from khorasan.fuse.mention import Mention
from khorasan.fuse.score import LINK_THRESHOLD, pair_score
from khorasan.fuse.store import (
    candidate_mentions,
    damaged_members,
    event_ids,
    get_event,
    load_mentions,
    query_events,
    write_clusters,
)
from khorasan.store import Store
from khorasan.store.schema import event_mentions, events, incident_mentions

__all__ = [
    "LINK_THRESHOLD",
    "FuseSummary",
    "cluster_mentions",
    "event_ids",
    "fuse",
    "get_event",
    "is_candidate",
    "pair_score",
    "query_events",
    "update_events",
]


@dataclass(frozen=True, slots=True)
class FuseSummary:
    """What one fuse or update did."""

    mentions: int  # mentions (re)clustered
    events: int  # events written
    seconds: float


def cluster_mentions(mentions: Sequence[Mention]) -> list[Cluster]:
    """Cluster mentions held in memory (no database): blocking, scoring, agglomeration."""
    index = BlockIndex(mentions)
    comps, edges = components(mentions, index.neighbours, pair_score)
    return [cl for comp in comps for cl in agglomerate(comp, edges)]


def fuse(store: Store) -> FuseSummary:
    """Re-fuse every stored incident mention into events (replaces all events)."""
    started = time.perf_counter()
    with store.engine.begin() as conn:
        mentions = load_mentions(conn)
        clusters = cluster_mentions(mentions)
        conn.execute(event_mentions.delete())
        conn.execute(events.delete())
        n = write_clusters(conn, clusters)
    return FuseSummary(len(mentions), n, time.perf_counter() - started)


def update_events(store: Store, document_ids: Iterable[str]) -> FuseSummary:
    """Fuse the mentions of ``document_ids`` into the stored events, touching only the events
    connected to them (plus events a re-extraction left short of members).

    The result equals :func:`fuse` on the same store: the components reached from the new
    mentions are re-clustered from scratch, and nothing else changes.
    """
    started = time.perf_counter()
    ids = sorted(set(document_ids))
    with store.engine.begin() as conn:
        seeds: dict[int, Mention] = {}
        for i in range(0, len(ids), 500):
            where = incident_mentions.c.document_id.in_(ids[i : i + 500])
            seeds.update((m.id, m) for m in load_mentions(conn, where))
        seeds.update((m.id, m) for m in damaged_members(conn))
        known: dict[int, Mention] = dict(seeds)

        def candidates(m: Mention, _scored: Container[int]) -> list[Mention]:
            return candidate_mentions(conn, m, known)

        comps, edges = components(seeds.values(), candidates, pair_score)
        clusters = [cl for comp in comps for cl in agglomerate(comp, edges)]
        n = write_clusters(conn, clusters)
    return FuseSummary(sum(len(c) for c in comps), n, time.perf_counter() - started)


def event_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar())
