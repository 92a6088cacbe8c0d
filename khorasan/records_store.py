"""Storing and merging the non-incident records: statistics, strength, plots, leaders, relations.

Each document's records are stored as mentions (``record_mentions``) with provenance, replaced
as a whole when the document is re-extracted. Across documents they merge by kind:

- strength: a time series per group; the same estimate (group, date, low, high) from several
  documents is one point with every source kept;
- relations: a dated graph; identical (unordered a/b, kind, date) statements merge;
- leaders: a timeline per group; one person's mentions merge (roles, statuses, sources);
- statistics and plots: a repeated statement (same figures and window) merges.

:func:`audit_statistics` sets each stored statistic beside the database's own tally for the
same window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.errors import StoreError
from khorasan.store import Store
from khorasan.store.schema import documents, incident_mentions, record_mentions

__all__ = [
    "RECORD_KINDS",
    "audit_statistics",
    "list_records",
    "merge_records",
    "replace_records",
    "store_extracted",
    "write_records",
]

RECORD_KINDS = ("statistics", "strength", "plots", "leaders", "relations")
# Statistic figures our incident store can count for the same window.
AUDITED_FIGURES = frozenset({"incidents", "killed", "wounded", "casualties"})
_NOT_FIGURES = frozenset({"evidence", "span", "spans", "confidence"})


# -------------------------------------------------------------------------------- writing
def _columns(kind: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    """The key fields of one record copied into filterable columns."""
    if kind == "relations":
        return {"group_name": rec.get("a"), "other_group": rec.get("b"), "date": rec.get("date"),
                "date_to": rec.get("to"), "relation": rec.get("kind")}  # fmt: skip
    if kind == "statistics":
        return {"group_name": _subject_group(rec), "date": rec.get("from"),
                "date_to": rec.get("to")}  # fmt: skip
    if kind == "plots":
        start, _, end = str(rec.get("period") or "").partition("-")
        return {"group_name": rec.get("group"), "country": rec.get("country"),
                "date": start or None, "date_to": end or start or None}  # fmt: skip
    return {"group_name": rec.get("group"), "person": rec.get("person"), "date": rec.get("date")}


def _subject_group(rec: Mapping[str, Any]) -> str | None:
    subject = str(rec.get("subject") or "")
    return subject.split(":", 1)[0] if ":" in subject else None


def _row(doc_id: str, kind: str, seq: int, rec: Mapping[str, Any], version: str) -> dict[str, Any]:
    span = rec.get("span") or [0, 0]
    row = {
        "document_id": doc_id, "kind": kind, "seq": seq, "extractor_version": version,
        "group_name": None, "other_group": None, "person": None, "date": None, "date_to": None,
        "country": None, "relation": None, "evidence": rec.get("evidence") or "",
        "span_start": int(span[0]), "span_end": int(span[1]),
        "confidence": float(rec.get("confidence") or 0.0), "record": dict(rec),
    }  # fmt: skip
    row.update(_columns(kind, rec))
    for key in ("date", "date_to"):
        if row[key] is not None:
            row[key] = str(row[key])[:10]
    return row


def write_records(
    conn: Connection, doc_id: str, kind: str, records: Sequence[Mapping[str, Any]], version: str
) -> None:
    """Replace one document's records of one kind inside an open transaction."""
    if kind not in RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}; known: {', '.join(RECORD_KINDS)}")
    conn.execute(record_mentions.delete().where(
        record_mentions.c.document_id == doc_id, record_mentions.c.kind == kind))  # fmt: skip
    rows = [_row(doc_id, kind, seq, rec, version) for seq, rec in enumerate(records)]
    if rows:
        conn.execute(record_mentions.insert(), rows)


def replace_records(
    store: Store, doc_id: str, kind: str, records: Sequence[Mapping[str, Any]], version: str
) -> None:
    """Replace the machine-extracted records of one kind for one stored document."""
    try:
        with store.engine.begin() as conn:
            write_records(conn, doc_id, kind, records, version)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(doc_id, f"cannot store {kind}: {exc.__class__.__name__}") from exc


def store_extracted(
    store: Store, doc_id: str, extracted: Mapping[str, Any], version: str
) -> int:
    """Store every non-incident kind of one ``extract_document`` result in one transaction;
    returns how many records were written."""
    try:
        with store.engine.begin() as conn:
            for kind in RECORD_KINDS:
                write_records(conn, doc_id, kind, extracted.get(kind) or [], version)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(doc_id, f"cannot store records: {exc.__class__.__name__}") from exc
    return sum(len(extracted.get(kind) or []) for kind in RECORD_KINDS)


# -------------------------------------------------------------------------------- reading
def list_records(store: Store, kind: str, **filters: Any) -> list[dict[str, Any]]:
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
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _source(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"document_id": row["document_id"], "doc": row.get("doc"), "outlet": row.get("outlet"),
            "published": row.get("published"), "evidence": row["evidence"],
            "span": [row["span_start"], row["span_end"]]}  # fmt: skip


def _figures(rec: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in rec.items() if k not in _NOT_FIGURES
                        and isinstance(v, int | float) and not isinstance(v, bool)))  # fmt: skip


_MERGE_KEYS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "strength": lambda r: (r.get("group"), r.get("date"), r.get("low"), r.get("high")),
    "relations": lambda r: (frozenset((r.get("a"), r.get("b"))), r.get("kind"), r.get("date")),
    "leaders": lambda r: (r.get("group"), r.get("person")),
    "statistics": lambda r: (_figures(r), r.get("from"), r.get("to")),
    "plots": lambda r: (r.get("group"), r.get("country"), r.get("count"), r.get("period")),
}


def merge_records(kind: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Merge stored mentions of one kind across documents, keeping every source.

    Each merged record is the first mention's record (without its own provenance) plus
    ``sources``; leaders also collect ``roles`` and ``statuses`` from every mention.
    """
    merged: dict[Any, dict[str, Any]] = {}
    for row in rows:
        rec = row["record"]
        key = _MERGE_KEYS[kind](rec)
        out = merged.get(key)
        if out is None:
            out = {k: v for k, v in rec.items() if k not in ("evidence", "span", "spans")}
            out["sources"] = []
            if kind == "leaders":
                out["roles"], out["statuses"] = [], []
            merged[key] = out
        out["sources"].append(_source(row))
        out["confidence"] = max(out.get("confidence") or 0.0, rec.get("confidence") or 0.0)
        if kind == "leaders":
            for field, bucket in (("role", "roles"), ("status", "statuses")):
                if rec.get(field) and rec[field] not in out[bucket]:
                    out[bucket].append(rec[field])
    return list(merged.values())


# ---------------------------------------------------------------------------------- audit
def _event_store_ready(store: Store) -> bool:
    """Whether fused events exist (then they are what we tally, not raw mentions)."""
    try:
        from khorasan.fuse import query_events

        return bool(query_events(store, mentions=False, limit=1))
    except (ImportError, TypeError, sa.exc.SQLAlchemyError):
        return False


def _own_tally(store: Store, use_events: bool, date_from: str | None, date_to: str | None,
               group: str | None) -> dict[str, Any]:  # fmt: skip
    """Our count of incidents and killed for a window and perpetrator: fused events when the
    event store has any, else the stored incident mentions."""
    filters = {"date_from": date_from, "date_to": date_to, "perpetrator": group}
    if use_events:
        from khorasan.analyse import tally
        from khorasan.fuse import query_events

        t = tally(query_events(store, mentions=False, **filters), date_from, date_to)
        return {"basis": "fused events", "incidents": t["events"], "killed": t["killed_best"],
                "without_killed": t["events_without_killed"]}  # fmt: skip
    rows = store.incidents(**filters)
    killed = [r["killed"] for r in rows if r["killed"] is not None]
    return {"basis": "incident mentions", "incidents": len(rows), "killed": sum(killed),
            "without_killed": len(rows) - len(killed)}  # fmt: skip


def _dated_mentions(store: Store) -> tuple[str | None, str | None]:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(sa.func.min(incident_mentions.c.date),
                                     sa.func.max(incident_mentions.c.date))).first()  # fmt: skip
    return (row[0], row[1]) if row else (None, None)


def audit_statistics(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Each stored statistic (merged across documents) beside our own tally for its window."""
    first, last = _dated_mentions(store)
    use_events = _event_store_ready(store)
    out = []
    for stat in merge_records("statistics", list_records(store, "statistics", **filters)):
        if not AUDITED_FIGURES & set(_figures_dict(stat)):
            continue  # "35 provinces", "90 per cent": nothing of ours to compare with
        group = _subject_group(stat)
        date_from, date_to = stat.get("from"), stat.get("to")
        ours = _own_tally(store, use_events, date_from, date_to, group)
        differences = {}
        for field in ("incidents", "killed"):
            if isinstance(stat.get(field), int):
                differences[field] = ours[field] - stat[field]
        out.append({
            "statistic": stat,
            "quoted": _quoted_sentence(stat),
            "ours": ours,
            "ours_sentence": _ours_sentence(ours, date_from, date_to),
            "difference": differences,
            "gaps": _gaps(ours, date_from, date_to, first, last),
        })  # fmt: skip
    return out


def _figures_dict(rec: Mapping[str, Any]) -> dict[str, Any]:
    return dict(_figures(rec))


def _window(date_from: str | None, date_to: str | None) -> str:
    if date_from and date_to:
        return date_from if date_from == date_to else f"{date_from} - {date_to}"
    if date_from:
        return f"since {date_from}"
    return f"until {date_to}" if date_to else "undated"


def _quoted_sentence(stat: Mapping[str, Any]) -> str:
    """"ICM: 429 killed in 73 incidents, 2021-08-15 - 2024-05-03"."""
    source = stat.get("source") or "quoted"
    figures = _figures_dict(stat)
    parts = []
    if "killed" in figures and "incidents" in figures:
        parts.append(f"{figures.pop('killed')} killed in {figures.pop('incidents')} incidents")
    parts += [f"{v} {k.replace('_', ' ')}" for k, v in figures.items()]
    return f"{source}: {', '.join(parts)}, {_window(stat.get('from'), stat.get('to'))}"


def _ours_sentence(ours: Mapping[str, Any], date_from: str | None, date_to: str | None) -> str:
    return (f"this database: {ours['killed']} killed in {ours['incidents']} incidents, "
            f"{_window(date_from, date_to)} ({ours['basis']})")  # fmt: skip


def _gaps(ours: Mapping[str, Any], date_from: str | None, date_to: str | None,
          first: str | None, last: str | None) -> list[str]:  # fmt: skip
    """What our store lacks for the window, in words."""
    gaps = []
    if not date_from and not date_to:
        gaps.append("the statistic gives no window: our tally covers every stored date")
    if ours["incidents"] == 0:
        gaps.append("no stored incident falls in this window")
    if ours["without_killed"]:
        gaps.append(f"{ours['without_killed']} stored incidents give no killed figure")
    if first and date_from and first > date_from:
        gaps.append(f"our earliest stored incident is {first}, after the window opens")
    if last and date_to and last[: len(date_to)] < date_to:
        gaps.append(f"our latest stored incident is {last}, before the window closes")
    return gaps
