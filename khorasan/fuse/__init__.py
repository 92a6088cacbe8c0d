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
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from khorasan.fuse.blocking import BlockIndex, is_candidate
from khorasan.fuse.cluster import Cluster, Edges, agglomerate, components
from khorasan.fuse.incremental import CandidateFinder
from khorasan.fuse.mention import Mention, mention_from_row
from khorasan.fuse.overlay import Overlay
from khorasan.fuse.reconcile import reconcile
from khorasan.fuse.score import LINK_THRESHOLD, pair_score
from khorasan.model import Event
from khorasan.store import FusionTransaction, Store

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
    return [cl for comp in comps for cl in agglomerate(comp, edges, pair_score)]


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

    It works one component at a time (with the components review ties to it), writing events
    as it goes and keeping only what the current component needs, so that its memory does not
    grow with the number of documents an ingest brings.
    """
    started = time.perf_counter()
    with store.fusion() as tx:
        overlay = Overlay(tx.review_actions())
        seed_ids = sorted(set(tx.mention_ids_of_documents(list(document_ids)))
                          | set(tx.unsettled_ids()))  # fmt: skip
        tx.settle_published(seed_ids)  # new mentions are found by it from here on
        finder = CandidateFinder(tx, {})
        done: set[int] = set()  # mentions whose component is written

        def candidates(m: Mention, _scored: Container[int]) -> list[Mention]:
            # a written component's mention may be a candidate but never links (it would have
            # been in that component), so it is neither read nor scored again
            return finder(m, skip=done)

        writer = _EventWriter(tx)
        reclustered = 0
        for start in range(0, len(seed_ids), SEED_BATCH):
            batch = [i for i in seed_ids[start : start + SEED_BATCH] if i not in done]
            finder.load(batch)
            for seed in batch:
                if seed in done:
                    continue
                comps, edges = _tied_components(tx, overlay, finder, finder.mention(seed),
                                                candidates, done)  # fmt: skip
                members = [m for comp in comps for m in comp]
                # most components hold no document an analyst acted on: nothing to lay over
                touched = overlay if overlay.touches(m.document_id for m in members) else None
                if touched:
                    touched.bind(members)
                clusters = [cl for comp in comps for cl in agglomerate(comp, edges, pair_score)]
                del comps, edges  # the pairs are not held through the next component's search
                if touched:  # review actions may join or split clusters: all at once
                    writer.add(*events_of(clusters, touched))
                else:
                    # a large component's events are reconciled and written a step at a
                    # time, not all held at once with their rows (each event is its
                    # cluster's alone, so steps give the same events)
                    for start in range(0, len(clusters), EVENT_STEP):
                        writer.add(*events_of(clusters[start : start + EVENT_STEP]))
                reclustered += len(members)
                done.update(m.id for m in members)
                finder.forget(m.id for m in members)
        n = writer.close()
    return FuseSummary(reclustered, n, time.perf_counter() - started)


# seed mentions read at a time; events written once this many mention links are waiting;
# clusters of a component reconciled at a time
SEED_BATCH = 500
WRITE_LINKS = 5000
EVENT_STEP = 1000


def _tied_components(
    tx: FusionTransaction,
    overlay: Overlay,
    finder: CandidateFinder,
    seed: Mention,
    candidates: Callable[[Mention, Container[int]], list[Mention]],
    done: Container[int],
) -> tuple[list[list[Mention]], Edges]:
    """The component of ``seed``, with every component holding a mention of a document
    that review actions tie to one of theirs (transitively), and their scored pairs; mentions
    in ``done`` (written already) are left out."""
    seeds: dict[int, Mention] = {seed.id: seed}
    seeded: set[str] = set()
    while True:
        comps, edges = components(seeds.values(), candidates, pair_score)
        reached = {m.document_id for comp in comps for m in comp}
        if not overlay.touches(reached):
            return comps, edges
        tied = overlay.tied_documents(reached) - seeded
        if not tied:
            return comps, edges
        # every mention of a document an action names, so its anchors bind as in a full fuse
        new = [i for i in tx.mention_ids_of_documents(sorted(tied))
               if i not in done and i not in seeds]  # fmt: skip
        finder.load(new)  # one read for all of them, not one per mention
        seeds.update((i, finder.known[i]) for i in new)
        seeded |= tied


class _EventWriter:
    """Writes an update's events in steps of about :data:`WRITE_LINKS` links. A step deletes
    the old events of its mentions with all their links (``event_mentions`` cascades), so a
    later step never finds an old event behind an id an earlier step wrote anew."""

    def __init__(self, tx: FusionTransaction) -> None:
        self.tx = tx
        self.events: list[Event] = []
        self.links: list[Link] = []
        self.count = 0

    def add(self, new_events: list[Event], links: list[Link]) -> None:
        self.events += new_events
        self.links += links
        if len(self.links) >= WRITE_LINKS:
            self._write()

    def _write(self) -> None:
        self.count += self.tx.replace_events(self.events, self.links)
        self.events, self.links = [], []

    def close(self) -> int:
        if self.events or self.links:
            self._write()
        return self.count
