"""Event SQL: reading mentions for fusion, writing events, querying them back.

Kept beside the fuse stage (not in :class:`~khorasan.store.Store`) and taking a ``Store`` or a
connection, so the store's core stays about documents and mentions.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.fuse.blocking import DATE_WINDOW_DAYS, NEIGHBOURING_PROVINCE_KM, is_candidate
from khorasan.fuse.cluster import Cluster
from khorasan.fuse.mention import MAX_DAY, Mention, mention_from_row
from khorasan.fuse.reconcile import reconcile
from khorasan.store import Store
from khorasan.store.schema import documents, event_mentions, events, incident_mentions

__all__ = [
    "EVENT_FILTERS",
    "candidate_mentions",
    "event_id",
    "event_ids",
    "get_event",
    "load_mentions",
    "query_events",
    "write_clusters",
]

EVENT_FILTERS = ("date_from", "date_to", "country", "admin1", "perpetrator", "attack_type",
                 "target_type", "attribution")  # fmt: skip
_MENTION_SELECT = sa.select(
    incident_mentions,
    documents.c.published,
    documents.c.wire_story_id,
    documents.c.name.label("doc"),
    documents.c.outlet,
).join(documents, documents.c.id == incident_mentions.c.document_id)


def load_mentions(conn: Connection, where: Any = None) -> list[Mention]:
    query = _MENTION_SELECT if where is None else _MENTION_SELECT.where(where)
    return [mention_from_row(r._mapping) for r in conn.execute(query)]


def _iso(ordinal: int) -> str:
    return date.fromordinal(max(1, min(ordinal, MAX_DAY))).isoformat()


def candidate_mentions(
    conn: Connection, m: Mention, known: dict[int, Mention]
) -> list[Mention]:
    """Stored mentions that :func:`is_candidate` pairs with ``m`` (a SQL superset, filtered).

    ``known`` caches mentions by row id across calls: only rows not in it are read, and the
    ones read are added to it.
    """
    c = incident_mentions.c
    where = [c.document_id != m.document_id]
    if m.country:
        where.append(sa.or_(c.country == m.country, c.country.is_(None)))
    if m.admin1:
        same_admin1 = sa.or_(c.admin1 == m.admin1, c.admin1.is_(None))
        if m.latitude is not None and m.longitude is not None:
            # or a neighbouring province's place nearby (blocking.near_across_provinces)
            dlat = NEIGHBOURING_PROVINCE_KM / 111.0
            dlon = dlat / max(0.1, math.cos(math.radians(m.latitude)))
            nearby = sa.and_(
                c.latitude.between(m.latitude - dlat, m.latitude + dlat),
                c.longitude.between(m.longitude - dlon, m.longitude + dlon),
            )
            same_admin1 = sa.or_(same_admin1, nearby)
        where.append(same_admin1)
    # ISO strings of any precision sort within their year: widen the lower bound by a year
    low = _iso(m.lo - DATE_WINDOW_DAYS - 366)[:4]
    high = _iso(m.hi + DATE_WINDOW_DAYS) + "\uffff"
    in_window = sa.and_(c.date >= low, c.date <= high)
    if m.dated or m.country:
        where.append(sa.or_(c.date.is_(None), in_window))
    else:
        where.append(in_window)  # undated and nowhere: only dated mentions can match
    # ids first: a mention already read this run is not read (and parsed) again
    ids = [row[0] for row in conn.execute(sa.select(c.id).where(sa.and_(*where)))]
    for chunk in _chunks([i for i in ids if i not in known], 500):
        for o in load_mentions(conn, c.id.in_(chunk)):
            known[o.id] = o
    return [known[i] for i in ids if is_candidate(m, known[i])]


def event_id(cluster: Sequence[Mention]) -> str:
    """Stable id: a hash of the smallest member key (document content id and position)."""
    first = min(m.key for m in cluster)
    return hashlib.sha1(first.encode()).hexdigest()[:16]


def write_clusters(conn: Connection, clusters: Iterable[Cluster]) -> int:
    """Replace the events of every member of ``clusters`` by one event per cluster."""
    clusters = list(clusters)
    ids = [m.id for cl in clusters for m in cl]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for chunk in _chunks(ids, 500):
        old = sa.select(event_mentions.c.event_id).where(event_mentions.c.mention_id.in_(chunk))
        conn.execute(events.delete().where(events.c.id.in_(old)))
        conn.execute(event_mentions.delete().where(event_mentions.c.mention_id.in_(chunk)))
    rows, links = [], []
    for cl in clusters:
        eid = event_id(cl)
        rows.append({"id": eid, "fused_at": now, **reconcile(cl)})
        links += [{"mention_id": m.id, "event_id": eid, "score": cl.scores.get(m.id)}
                  for m in cl]  # fmt: skip
    if rows:
        conn.execute(events.insert(), rows)
        conn.execute(event_mentions.insert(), links)
    return len(rows)


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def damaged_members(conn: Connection) -> list[Mention]:
    """Remaining members of events that lost mentions (re-extraction deleted them), and
    mentions not in any event; both need fusing again."""
    counts = (
        sa.select(event_mentions.c.event_id, sa.func.count().label("n"))
        .group_by(event_mentions.c.event_id)
        .subquery()
    )
    damaged = sa.select(events.c.id).outerjoin(counts, counts.c.event_id == events.c.id).where(
        sa.func.coalesce(counts.c.n, 0) != events.c.n_mentions
    )
    damaged_ids = [r[0] for r in conn.execute(damaged)]
    members = sa.select(event_mentions.c.mention_id).where(
        event_mentions.c.event_id.in_(damaged_ids)
    )
    linked = sa.select(event_mentions.c.mention_id)
    out = load_mentions(conn, sa.or_(incident_mentions.c.id.in_(members),
                                     incident_mentions.c.id.not_in(linked)))  # fmt: skip
    if damaged_ids:
        conn.execute(events.delete().where(events.c.id.in_(damaged_ids)))
    return out


# -------------------------------------------------------------------------------- queries
def _filtered(query: sa.Select[Any], filters: dict[str, Any]) -> sa.Select[Any]:
    c = events.c
    if filters.get("date_from"):
        query = query.where(c.date >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(c.date <= filters["date_to"] + "\uffff")
    for name in ("country", "admin1", "perpetrator", "attack_type", "target_type",
                 "attribution"):  # fmt: skip
        if filters.get(name):
            query = query.where(sa.func.lower(c[name]) == str(filters[name]).lower())
    return query


def query_events(
    store: Store, *, mentions: bool = True, limit: int | None = None, **filters: Any
) -> list[dict[str, Any]]:
    """Events matching ``filters`` (see :data:`EVENT_FILTERS`), newest first, each with its
    mentions (document, evidence, span and the values its document gave) unless told not to."""
    unknown = set(filters) - set(EVENT_FILTERS)
    if unknown:
        raise TypeError(f"unknown event filters: {sorted(unknown)}")
    query = _filtered(sa.select(events), filters)
    query = query.order_by(events.c.date.desc().nulls_last(), events.c.id).limit(limit)
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        if mentions and rows:
            by_event = _mentions_of(conn, [r["id"] for r in rows])
            for r in rows:
                r["mentions"] = by_event.get(r["id"], [])
    return rows


def _mentions_of(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(list(event_ids), 500):  # type: ignore[arg-type]
        query = (
            _MENTION_SELECT.add_columns(event_mentions.c.event_id, event_mentions.c.score)
            .join(event_mentions, event_mentions.c.mention_id == incident_mentions.c.id)
            .where(event_mentions.c.event_id.in_(chunk))
            .order_by(documents.c.published, incident_mentions.c.document_id,
                      incident_mentions.c.seq)
        )  # fmt: skip
        for r in conn.execute(query):
            out.setdefault(r.event_id, []).append(mention_json(r._mapping))
    return out


def mention_json(row: Any) -> dict[str, Any]:
    """The ``mentions`` item of the events contract (DESIGN.md)."""
    rec = row["record"] or {}
    return {
        "id": row["id"],
        "doc": row["doc"],
        "document_id": row["document_id"],
        "outlet": row["outlet"],
        "published": row["published"],
        "wire_story_id": row["wire_story_id"],
        "evidence": row["evidence"],
        "span": [row["span_start"], row["span_end"]],
        "date": row["date"],
        "country": row["country"],
        "admin1": row["admin1"],
        "date_precision": row["date_precision"],
        "admin2": row["admin2"],
        "place": row["place"],
        "perpetrator": row["perpetrator"],
        "attribution": row["attribution"],
        "attack_type": row["attack_type"],
        "target_type": row["target_type"],
        # figures in the SCHEMA shape: {"value", "qualifier"} (and "parts" where given)
        "killed": rec.get("killed"),
        "wounded": rec.get("wounded"),
        "claimed_killed": rec.get("claimed_killed"),
        "claimed_wounded": rec.get("claimed_wounded"),
        # per-field spans into the document text: field -> [start, end]
        "spans": rec.get("spans") or {},
        "score": row["score"],
    }


def event_ids(store: Store, prefix: str, limit: int = 2) -> list[str]:
    """Ids of events starting with ``prefix`` (at most ``limit``; ``%`` and ``_`` are literal)."""
    if not prefix:
        return []
    query = sa.select(events.c.id).where(events.c.id.startswith(prefix, autoescape=True))
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(query.order_by(events.c.id).limit(limit))]


def get_event(store: Store, eid: str) -> dict[str, Any] | None:
    """One event by id or unambiguous id prefix, with its mentions (None: no such event, or
    the prefix is ambiguous; :func:`event_ids` tells which)."""
    ids = event_ids(store, eid)
    if len(ids) != 1:
        return None
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(events).where(events.c.id == ids[0])).fetchall()
        if len(rows) != 1:
            return None
        row = dict(rows[0]._mapping)
        row["mentions"] = _mentions_of(conn, [row["id"]]).get(row["id"], [])
    return row
