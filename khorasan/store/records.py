"""SQL for the mentions of one document: incidents and the other record kinds.

Every function takes an open connection, so the caller (:class:`~khorasan.store.Store`) decides
the transaction: a document and every record extracted from it are written in one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.model import RECORD_KINDS, Document, IncidentMention, RecordMention
from khorasan.store.schema import (
    appearances,
    documents,
    incident_mentions,
    record_mentions,
    wire_fingerprints,
)
from khorasan.store.wireindex import signed64

__all__ = ["bulk_insert_documents", "list_incidents", "list_records", "replace_mentions"]


def replace_mentions(
    conn: Connection, doc_id: str, extracted: Mapping[str, Any], version: str,
    *, new: bool = False,
) -> dict[str, int]:  # fmt: skip
    """Replace every machine-extracted mention of one document; returns counts by kind.

    A mention that is the same as before (same kind and character span) keeps its row id, so
    what refers to it (event links, later analyst corrections) can find it again. ``new``: the
    document was inserted in this transaction, so it has no mentions to look up or delete.
    """
    counts = {"incidents": _replace_incidents(conn, doc_id, extracted.get("incidents") or [],
                                              version, new)}  # fmt: skip
    old: dict[tuple[Any, ...], list[int]] = {}
    if not new:
        old = _old_ids(conn, record_mentions, doc_id, extra=(record_mentions.c.kind,))
        conn.execute(_DELETE_RECORDS, {"doc": doc_id})
    rows = []
    for kind in RECORD_KINDS:
        records = extracted.get(kind) or []
        for seq, rec in enumerate(records):
            row = RecordMention.from_record(kind, rec, document_id=doc_id, seq=seq,
                                            version=version).row()  # fmt: skip
            _keep_id(row, old, (kind, row["span_start"], row["span_end"]))
            rows.append(row)
        counts[kind] = len(records)
    _insert(conn, record_mentions, rows)
    conn.execute(_MARK_EXTRACTED, {"doc": doc_id, "version": version})
    return counts


# built once: a document's storing runs them each time, and building cost more than running
_DELETE_INCIDENTS = incident_mentions.delete().where(
    incident_mentions.c.document_id == sa.bindparam("doc")
)
_DELETE_RECORDS = record_mentions.delete().where(
    record_mentions.c.document_id == sa.bindparam("doc")
)
_MARK_EXTRACTED = (documents.update().where(documents.c.id == sa.bindparam("doc"))
                   .values(extracted_with=sa.bindparam("version")))  # fmt: skip
_INSERTS = {table.name: table.insert() for table in (incident_mentions, record_mentions)}


def bulk_insert_documents(
    conn: Connection, docs: Sequence[Document], incidents: Sequence[Sequence[Mapping[str, Any]]],
    version: str, ingested_at: str,
) -> None:  # fmt: skip
    """Insert new documents, each with its incident records, in a few statements: a bulk load
    of documents known to be new and distinct (a benchmark's corpus). No duplicate or
    wire-copy check: each is its own wire story. ``incidents[i]`` belongs to ``docs[i]``."""
    conn.execute(documents.insert(), [
        {"id": d.id, "content_hash": d.content_hash, "simhash": f"{d.simhash:016x}",
         "wire_story_id": d.id, "name": d.name, "source": d.source, "title": d.title,
         "published": d.published, "outlet": d.outlet, "url": d.url, "text": d.text,
         "n_chars": len(d.text), "ingested_at": ingested_at, "extracted_with": version}
        for d in docs
    ])  # fmt: skip
    conn.execute(wire_fingerprints.insert(), [
        {"document_id": d.id, "simhash": signed64(d.simhash), "wire_story_id": d.id}
        for d in docs
    ])  # fmt: skip
    conn.execute(appearances.insert(), [
        {"document_id": d.id, "source": d.source, "name": d.name, "url": d.url,
         "outlet": d.outlet, "published": d.published, "title": d.title,
         "relation": "original", "ingested_at": ingested_at} for d in docs
    ])  # fmt: skip
    rows = [IncidentMention.from_record(dict(rec), document_id=d.id, seq=seq,
                                        version=version).row()
            for d, recs in zip(docs, incidents, strict=True)
            for seq, rec in enumerate(recs)]  # fmt: skip
    if rows:
        conn.execute(incident_mentions.insert(), rows)


def _replace_incidents(
    conn: Connection, doc_id: str, incidents: Sequence[Mapping[str, Any]], version: str,
    new: bool = False,
) -> int:  # fmt: skip
    old: dict[tuple[Any, ...], list[int]] = {}
    if not new:
        old = _old_ids(conn, incident_mentions, doc_id)
        # deleting a mention drops its event link (ON DELETE CASCADE); fusion mends the event
        conn.execute(_DELETE_INCIDENTS, {"doc": doc_id})
    rows = []
    for seq, rec in enumerate(incidents):
        row = IncidentMention.from_record(dict(rec), document_id=doc_id, seq=seq,
                                          version=version).row()  # fmt: skip
        _keep_id(row, old, (row["span_start"], row["span_end"]))
        rows.append(row)
    _insert(conn, incident_mentions, rows)
    return len(rows)


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, those that keep a stored id apart (one executemany needs one shape)."""
    kept = [r for r in rows if "id" in r]
    new = [r for r in rows if "id" not in r]
    for batch in (kept, new):
        if batch:
            statement = _INSERTS[table.name] if table.name in _INSERTS else table.insert()
            conn.execute(statement, batch)


def _old_ids(
    conn: Connection, table: sa.Table, doc_id: str, extra: tuple[Any, ...] = ()
) -> dict[tuple[Any, ...], list[int]]:
    """Row ids of a document's stored mentions by (extra columns, span), in order."""
    c = table.c
    query = (sa.select(c.id, *extra, c.span_start, c.span_end)
             .where(c.document_id == doc_id).order_by(c.id))  # fmt: skip
    out: dict[tuple[Any, ...], list[int]] = {}
    for row in conn.execute(query):
        out.setdefault(tuple(row[1:]), []).append(row[0])
    return out


def _keep_id(
    row: dict[str, Any], old: dict[tuple[Any, ...], list[int]], key: tuple[Any, ...]
) -> None:
    ids = old.get(key)
    if ids:
        row["id"] = ids.pop(0)


def list_incidents(conn: Connection, **filters: Any) -> list[dict[str, Any]]:
    """Incident mentions joined with their document, filtered by the given columns.

    Filters: ``date_from``, ``date_to`` (ISO prefixes), ``country``, ``admin1``,
    ``perpetrator``, ``attack_type`` (case-insensitive equality), ``document_id``.
    """
    c = incident_mentions.c
    query = sa.select(incident_mentions, documents.c.name.label("doc"),
                      documents.c.outlet, documents.c.published).join(
        documents, documents.c.id == c.document_id
    )  # fmt: skip
    if filters.get("date_from"):
        query = query.where(c.date >= filters["date_from"])
    if filters.get("date_to"):
        # a date_to of 2024-03 includes 2024-03-31: compare against the prefix's end
        query = query.where(c.date <= filters["date_to"] + "\uffff")
    for name in ("country", "admin1", "perpetrator", "attack_type"):
        if filters.get(name):
            query = query.where(sa.func.lower(c[name]) == str(filters[name]).lower())
    if filters.get("document_id"):
        query = query.where(c.document_id == filters["document_id"])
    query = query.order_by(c.date.desc(), c.document_id, c.seq)
    return [dict(r._mapping) for r in conn.execute(query)]


def list_records(conn: Connection, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """Stored mentions of ``kind`` with their document, oldest date first.

    Filters: ``group`` (either party of a relation), ``person``, ``country``, ``relation``,
    ``date_from`` / ``date_to`` (ISO prefixes, on the record's date or window),
    ``document_id``.
    """
    c = record_mentions.c
    query = (
        sa.select(record_mentions, documents.c.name.label("doc"), documents.c.outlet,
                  documents.c.published)
        .join(documents, documents.c.id == c.document_id)
        .where(c.kind == kind)
    )  # fmt: skip
    group = filters.get("group")
    if group:
        g = str(group).lower()
        query = query.where(sa.or_(sa.func.lower(c.group_name) == g,
                                   sa.func.lower(c.other_group) == g))  # fmt: skip
    for name, column in (("person", c.person), ("country", c.country), ("relation", c.relation)):
        if filters.get(name):
            query = query.where(sa.func.lower(column) == str(filters[name]).lower())
    if filters.get("date_from"):
        query = query.where(sa.func.coalesce(c.date_to, c.date) >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(c.date <= filters["date_to"] + "\uffff")
    if filters.get("document_id"):
        query = query.where(c.document_id == filters["document_id"])
    query = query.order_by(c.date.asc().nulls_first(), c.document_id, c.seq)
    return [dict(r._mapping) for r in conn.execute(query)]
