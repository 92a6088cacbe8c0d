"""SQL for analyst review: the action log, and the stable identities actions anchor on.

The log is append-only: an action is never edited or deleted; ``restore`` is a new action that
marks the one it undoes (``undone_by``). What the actions do to events is fusion's business
(``khorasan.fuse.overlay``); this module only reads and writes rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.model import Anchor, ReviewAction
from khorasan.store.schema import event_mentions, incident_mentions, review_actions

__all__ = [
    "actions",
    "add_action",
    "anchors_of",
    "event_of_mentions",
    "mark_undone",
    "mentions_of_anchors",
    "resolve_anchor",
]

_COLUMNS = ("at", "user", "action", "target", "event_id", "anchors", "field", "before",
            "after", "reason", "undone_by")  # fmt: skip


def _action(row: Any) -> ReviewAction:
    values = dict(row._mapping)
    values["anchors"] = [[(str(d), int(a), int(b)) for d, a, b in group]
                         for group in values["anchors"] or []]  # fmt: skip
    return ReviewAction(**values)


def add_action(conn: Connection, action: ReviewAction) -> ReviewAction:
    """Append ``action`` to the log; returns it with its id."""
    row = {name: getattr(action, name) for name in _COLUMNS}
    row["anchors"] = [[list(a) for a in group] for group in action.anchors]
    key = conn.execute(review_actions.insert().values(**row)).inserted_primary_key
    assert key is not None
    action.id = int(key[0])
    return action


def mark_undone(conn: Connection, action_id: int, by: int) -> None:
    conn.execute(
        review_actions.update().where(review_actions.c.id == action_id).values(undone_by=by)
    )


def actions(
    conn: Connection, *, active_only: bool = False, since: str | None = None,
    until: str | None = None, ids: Iterable[int] | None = None,
) -> list[ReviewAction]:  # fmt: skip
    """Logged actions in the order they were taken (``active_only``: those no restore undid
    and that are not restores themselves: what fusion applies). ``since`` / ``until``: ISO
    date or time bounds on when they were taken (an ``until`` date includes that day)."""
    c = review_actions.c
    query = sa.select(review_actions).order_by(c.id)
    if active_only:
        query = query.where(c.undone_by.is_(None), c.action != "restore")
    if since:
        query = query.where(c.at >= since)
    if until:
        query = query.where(c.at <= until + "\uffff")
    if ids is not None:
        query = query.where(c.id.in_(list(ids)))
    return [_action(r) for r in conn.execute(query)]


def anchors_of(conn: Connection, mention_ids: Sequence[int]) -> dict[int, Anchor]:
    """The stable identity (document, start, end) of each mention id."""
    c = incident_mentions.c
    out: dict[int, Anchor] = {}
    ids = list(mention_ids)
    for i in range(0, len(ids), 500):
        query = sa.select(c.id, c.document_id, c.span_start, c.span_end).where(
            c.id.in_(ids[i : i + 500])
        )
        for mid, doc, start, end in conn.execute(query):
            out[int(mid)] = (str(doc), int(start), int(end))
    return out


def mentions_of_anchors(conn: Connection, anchors: Iterable[Anchor]) -> dict[Anchor, int]:
    """The mention each anchor names today: the one with its document and span, else the one
    of its document whose span overlaps it most (re-extraction moved an edge). Anchors whose
    mention is gone are left out (their actions are orphaned)."""
    wanted = sorted(set(anchors))
    by_doc: dict[str, list[Anchor]] = {}
    for a in wanted:
        by_doc.setdefault(a[0], []).append(a)
    c = incident_mentions.c
    out: dict[Anchor, int] = {}
    for doc, group in by_doc.items():
        rows = conn.execute(
            sa.select(c.id, c.span_start, c.span_end).where(c.document_id == doc)
        ).all()
        spans = [(int(r[0]), int(r[1]), int(r[2])) for r in rows]
        for anchor in group:
            found = resolve_anchor(anchor, spans)
            if found is not None:
                out[anchor] = found
    return out


def resolve_anchor(anchor: Anchor, spans: Sequence[tuple[int, int, int]]) -> int | None:
    """Which of a document's mentions (id, start, end) ``anchor`` names: the same span, else
    the largest overlap (ties: the lowest id), else None."""
    _, start, end = anchor
    best, best_overlap = None, 0
    for mid, a, b in sorted(spans):
        if (a, b) == (start, end):
            return mid
        overlap = min(b, end) - max(a, start)
        if overlap > best_overlap:
            best, best_overlap = mid, overlap
    return best


def event_of_mentions(conn: Connection, mention_ids: Sequence[int]) -> dict[int, str]:
    """The event holding each mention id."""
    c = event_mentions.c
    out: dict[int, str] = {}
    ids = list(mention_ids)
    for i in range(0, len(ids), 500):
        query = sa.select(c.mention_id, c.event_id).where(c.mention_id.in_(ids[i : i + 500]))
        out.update({int(m): str(e) for m, e in conn.execute(query)})
    return out
