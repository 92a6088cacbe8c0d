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

import hashlib
import time
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from khorasan.fuse.blocking import BlockIndex, is_candidate
from khorasan.fuse.cluster import Cluster, agglomerate, components
from khorasan.fuse.incremental import CandidateFinder
from khorasan.fuse.mention import Mention, mention_from_row
from khorasan.fuse.overlay import Overlay
from khorasan.fuse.reconcile import reconcile
from khorasan.fuse.score import LINK_THRESHOLD, pair_score
from khorasan.model import Event
from khorasan.store import Store

__all__ = [
    "LINK_THRESHOLD",
    "FuseSummary",
    "cluster_mentions",
    "event_id",
    "events_of",
    "fuse",
    "is_candidate",
    "pair_score",
    "update_events",
]


Link = tuple[int, str, float | None]  # mention id, event id, mean link score


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


def event_id(cluster: Sequence[Mention]) -> str:
    """Stable id: a hash of the smallest member key (document content id and position)."""
    first = min(m.key for m in cluster)
    return hashlib.sha1(first.encode()).hexdigest()[:16]


def events_of(
    clusters: Iterable[Cluster], overlay: Overlay | None = None
) -> tuple[list[Event], list[Link]]:
    """One reconciled :class:`Event` per cluster, and the (mention, event, score) links;
    with analysts' review actions (``overlay``) laid over them."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if overlay:
        clusters = overlay.clusters(list(clusters))
    pairs: list[tuple[Event, Cluster]] = []
    links: list[Link] = []
    for cl in clusters:
        eid = event_id(cl)
        members: Sequence[Mention] = cl
        changes: list[dict] = []
        if overlay:
            members, changes = overlay.mention_values(cl)
        event = Event(id=eid, fused_at=now, **reconcile(members))
        if changes:
            event.detail.setdefault("review", {})["mention_corrections"] = changes
        pairs.append((event, cl))
        links += [(m.id, eid, cl.scores.get(m.id)) for m in cl]
    if overlay:
        overlay.events(pairs)
    return [e for e, _ in pairs], links


def fuse(store: Store) -> FuseSummary:
    """Re-fuse every stored incident mention into events (replaces all events)."""
    started = time.perf_counter()
    with store.fusion() as tx:
        mentions = [mention_from_row(r) for r in tx.mention_rows()]
        overlay = Overlay(tx.review_actions())
        overlay.bind(mentions)
        new_events, links = events_of(cluster_mentions(mentions), overlay)
        tx.clear_events()
        tx.settle_published()  # what an incremental update looks for undated mentions by
        n = tx.replace_events(new_events, links)
    return FuseSummary(len(mentions), n, time.perf_counter() - started)


def update_events(store: Store, document_ids: Iterable[str] = ()) -> FuseSummary:
    """Fuse the mentions of ``document_ids`` into the stored events, touching only the events
    connected to them, plus every mention in no event and every event a re-extraction left
    short of members (so a fusion that failed is completed by the next one).

    The result equals :func:`fuse` on the same store: the components reached from the new
    mentions are re-clustered from scratch, and nothing else changes. Documents that review
    actions tie to those reached are re-clustered with them, so the actions apply in full.
    """
    started = time.perf_counter()
    with store.fusion() as tx:
        overlay = Overlay(tx.review_actions())
        seeds: dict[int, Mention] = {}
        for row in tx.mentions_of_documents(list(document_ids)):
            m = mention_from_row(row)
            seeds[m.id] = m
        for row in tx.unsettled():
            if int(row["id"]) not in seeds:  # new mentions are unsettled too: built already
                m = mention_from_row(row)
                seeds[m.id] = m
        tx.settle_published(list(seeds))  # new mentions are found by it from here on
        known: dict[int, Mention] = dict(seeds)
        finder = CandidateFinder(tx, known)

        def candidates(m: Mention, _scored: Container[int]) -> list[Mention]:
            return finder(m)

        seeded: set[str] = set()
        while True:
            comps, edges = components(seeds.values(), candidates, pair_score)
            reached = {m.document_id for comp in comps for m in comp}
            tied = overlay.tied_documents(reached) - seeded
            if not tied:
                break
            # every mention of a document an action names, so its anchors bind as in a full fuse
            for row in tx.mentions_of_documents(sorted(tied)):
                m = known.setdefault(int(row["id"]), mention_from_row(row))
                seeds[m.id] = m
            seeded |= tied
        overlay.bind(m for comp in comps for m in comp)
        clusters = [cl for comp in comps for cl in agglomerate(comp, edges)]
        new_events, links = events_of(clusters, overlay)
        n = tx.replace_events(new_events, links)
    return FuseSummary(sum(len(c) for c in comps), n, time.perf_counter() - started)
