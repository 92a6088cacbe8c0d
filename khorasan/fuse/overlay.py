"""Analysts' review actions laid over the machine's events after every fusion.

Corrections live beside machine output: clustering and reconciliation run as always, then the
active actions of the log apply in the order they were taken. Each action names mentions by
their stable identity (document, span), so it finds its mentions again after re-extraction
and its event again after re-fusion (the event holding most of its mentions):

- ``reject`` of a mention takes it out of its event into one of its own, marked rejected;
- ``merge`` joins the events of its two groups of mentions; ``split`` moves its first group
  out of the event into a new one;
- ``correct`` of a mention replaces that mention's value before its event is reconciled;
- ``correct``, ``confirm`` and ``reject`` of an event set the event's value or verdict, keeping
  the machine's value beside it in ``detail["review"]``.

An action whose mentions are all gone applies to nothing and is kept (orphaned).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from khorasan.fuse.cluster import Cluster
from khorasan.fuse.mention import Mention
from khorasan.model import Anchor, Event, ReviewAction
from khorasan.store.review import resolve_anchor

__all__ = ["Overlay"]

_CLUSTER_ACTIONS = {("mention", "reject"), ("event", "merge"), ("event", "split")}


class Overlay:
    """The active review actions, bound to the mentions of one fusion run."""

    def __init__(self, actions: Sequence[ReviewAction]) -> None:
        self.actions = [a for a in actions if a.undone_by is None and a.action != "restore"]
        self._ids: dict[Anchor, int] = {}
        self._documents = {a[0] for act in self.actions for group in act.anchors for a in group}

    def __bool__(self) -> bool:
        return bool(self.actions)

    def touches(self, documents: Iterable[str]) -> bool:
        """Whether some action names a mention of one of ``documents`` (if none does, the
        overlay changes nothing about their events)."""
        return not self._documents.isdisjoint(documents)

    # -- which documents must be fused together ----------------------------------------------
    def tied_documents(self, documents: Iterable[str]) -> set[str]:
        """The documents of every action naming one of ``documents`` or of the documents it
        ties in, transitively: an update re-fuses them together, so it applies the actions as
        a full fuse would."""
        reached = set(documents)
        tied: set[str] = set()
        pending = [{a[0] for group in act.anchors for a in group} for act in self.actions]
        grew = True
        while grew:
            grew = False
            for action_docs in pending:
                if action_docs & (reached | tied) and not action_docs <= tied:
                    tied |= action_docs
                    grew = True
        return tied

    # -- binding anchors to this run's mentions -----------------------------------------------
    def bind(self, mentions: Iterable[Mention]) -> None:
        """Find each anchored mention among ``mentions`` (every mention of the anchors'
        documents must be among them)."""
        by_doc: dict[str, list[tuple[int, int, int]]] = {}
        for m in mentions:
            by_doc.setdefault(m.document_id, []).append((m.id, m.span_start, m.span_end))
        self._ids = {}
        for act in self.actions:
            for group in act.anchors:
                for anchor in group:
                    found = resolve_anchor(anchor, by_doc.get(anchor[0], []))
                    if found is not None:
                        self._ids[anchor] = found

    def _group(self, action: ReviewAction, index: int = 0) -> set[int]:
        if index >= len(action.anchors):
            return set()
        return {self._ids[a] for a in action.anchors[index] if a in self._ids}

    # -- clusters: reject a mention, merge, split ---------------------------------------------
    def clusters(self, clusters: Sequence[Cluster]) -> list[Cluster]:
        out = [c for c in clusters]
        for act in self.actions:
            if (act.target, act.action) not in _CLUSTER_ACTIONS:
                continue
            if act.action == "reject":
                out = _take_out(out, self._group(act), alone=True)
            elif act.action == "merge":
                a = _holding(out, self._group(act, 0))
                b = _holding(out, self._group(act, 1))
                if a is not None and b is not None and a is not b:
                    joined = _cluster([*a, *b], {**a.scores, **b.scores})
                    out = [c for c in out if c is not a and c is not b] + [joined]
            else:  # split
                out = _take_out(out, self._group(act), alone=False)
        return out

    # -- mentions: corrected values before reconciliation -------------------------------------
    def mention_values(self, cluster: Sequence[Mention]) -> tuple[list[Mention], list[dict]]:
        """The cluster's mentions with analysts' corrections applied, and what was changed."""
        by_id = {m.id: m for m in cluster}
        changes: list[dict[str, Any]] = []
        for act in self.actions:
            if act.target != "mention" or act.action != "correct" or not act.field:
                continue
            for mid in self._group(act):
                m = by_id.get(mid)
                if m is None:
                    continue
                changes.append({"mention": mid, "field": act.field, "value": act.after,
                                "machine": getattr(m, act.field), **_who(act)})  # fmt: skip
                by_id[mid] = dataclasses.replace(m, **{act.field: act.after})
        return [by_id[m.id] for m in cluster], changes

    def rejected_mentions(self) -> set[int]:
        return {mid for act in self.actions if (act.target, act.action) == ("mention", "reject")
                for mid in self._group(act)}  # fmt: skip

    # -- events: corrections and verdicts -----------------------------------------------------
    def events(self, pairs: Sequence[tuple[Event, Cluster]]) -> None:
        """Apply event corrections, confirmations and rejections to the events in place."""
        rejected = self.rejected_mentions()
        for event, cluster in pairs:
            if cluster and all(m.id in rejected for m in cluster):
                review = event.detail.setdefault("review", {})
                review["status"] = event.review_status = "rejected"
                review["rejected"] = "every mention rejected"
        for act in self.actions:
            if act.target != "event" or act.action not in ("confirm", "correct", "reject"):
                continue
            target = _event_of(pairs, self._group(act))
            if target is None:
                continue  # orphaned: its mentions are gone
            event = target
            review = event.detail.setdefault("review", {})
            if act.action == "correct" and act.field:
                corrections = review.setdefault("corrections", {})
                machine = corrections.get(act.field, {}).get("machine", getattr(event, act.field))
                setattr(event, act.field, act.after)
                if act.field == "date":
                    event.date_precision = _precision(act.after)
                corrections[act.field] = {"value": act.after, "machine": machine, **_who(act)}
            elif act.action == "confirm":
                review["confirmed"] = _who(act)
            else:
                review["rejected"] = _who(act)
            review["status"] = event.review_status = _status(review)
        for event, _ in pairs:
            _keep_range(event)


def _keep_range(event: Event) -> None:
    """A corrected best figure outside the machine's low-high widens that range (unless the
    analyst set the bound too): best always lies within low-high."""
    corrected = event.detail.get("review", {}).get("corrections", {})
    for name in ("killed", "wounded"):
        best = getattr(event, f"{name}_best")
        if f"{name}_best" not in corrected or best is None:
            continue
        low, high = getattr(event, f"{name}_low"), getattr(event, f"{name}_high")
        if f"{name}_low" not in corrected and (low is None or low > best):
            setattr(event, f"{name}_low", best)
        if f"{name}_high" not in corrected and (high is None or high < best):
            setattr(event, f"{name}_high", best)


def _who(act: ReviewAction) -> dict[str, Any]:
    return {"action": act.id, "user": act.user, "at": act.at, "reason": act.reason}


def _status(review: dict[str, Any]) -> str:
    if review.get("rejected"):
        return "rejected"
    return "corrected" if review.get("corrections") else "confirmed"


def _precision(date: Any) -> str | None:
    if not date:
        return None
    return {4: "year", 7: "month"}.get(len(str(date)), "day")


def _cluster(members: Sequence[Mention], scores: dict[int, float | None]) -> Cluster:
    out = Cluster(sorted(members, key=lambda m: m.key))
    out.scores = {m.id: scores.get(m.id) for m in out}
    return out


def _holding(clusters: Sequence[Cluster], ids: set[int]) -> Cluster | None:
    """The cluster holding most of ``ids`` (ties: the first by member key)."""
    best, most = None, 0
    for c in sorted(clusters, key=lambda c: c[0].key if c else ""):
        n = sum(1 for m in c if m.id in ids)
        if n > most:
            best, most = c, n
    return best


def _take_out(clusters: list[Cluster], ids: set[int], *, alone: bool) -> list[Cluster]:
    """Move ``ids`` out of the cluster holding most of them: each into a cluster of its own
    (``alone``), or together into one new cluster."""
    source = _holding(clusters, ids)
    if source is None:
        return clusters
    leaving = [m for m in source if m.id in ids]
    staying = [m for m in source if m.id not in ids]
    if not staying and not alone:
        return clusters  # moving every member out changes nothing
    out = [c for c in clusters if c is not source]
    if staying:
        out.append(_cluster(staying, source.scores))
    groups = [[m] for m in leaving] if alone else [leaving]
    out += [_cluster(g, {m.id: None for m in g}) for g in groups]
    return out


def _event_of(pairs: Sequence[tuple[Event, Cluster]], ids: set[int]) -> Event | None:
    best, most = None, 0
    for event, cluster in sorted(pairs, key=lambda p: p[0].id):
        n = sum(1 for m in cluster if m.id in ids)
        if n > most:
            best, most = event, n
    return best
