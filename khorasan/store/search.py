"""Full-text search SQL: every stored document and every extracted sentence, ranked, filtered
and paged; SQLite FTS5 (bm25, snippet, highlight) or PostgreSQL (ts_rank_cd, ts_headline).

Three sources are searched: documents (title and text), incident mentions and the other record
mentions (their evidence sentences). Each gives its best ``offset + limit + 1`` hits, ranked by
the database's BM25-like score; the lists are merged by score and cut to the page, and only the
page's rows are read in full (snippets and highlights cost per row: never for every match).

The indexes (migration 0010) hold no text of their own and are kept in step by triggers, so a
document added, re-extracted or removed is found, changed or gone at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.errors import FilterError
from khorasan.model import RECORD_KINDS
from khorasan.store.searchquery import SearchQuery

__all__ = ["SEARCH_KINDS", "MARK_CLOSE", "MARK_OPEN", "search"]

# what ``kind`` may narrow a search to: documents, any sentence, or one kind of record
SEARCH_KINDS = ("documents", "sentences", "incidents", *RECORD_KINDS)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around each match; never left in what is returned
SNIPPET_TOKENS = 32  # a document's snippet: about a sentence around its best match
TITLE_WEIGHT = 4.0  # a word in the title counts as four in the text
_MARKS = re.compile(f"([{MARK_OPEN}{MARK_CLOSE}])")
# PostgreSQL: the expressions migration 0010 indexes (they must match it exactly)
PG_DOC_VECTOR = "to_tsvector('english', coalesce(d.title, '') || ' ' || d.text)"
PG_SENTENCE_VECTOR = "to_tsvector('english', m.evidence)"
PG_HEADLINE = (f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=35, MinWords=15, "
               "MaxFragments=1, FragmentDelimiter=\" … \"")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    source: str  # documents, incidents or records
    key: int  # the index's rowid (SQLite) or the mention id / ordinal (PostgreSQL)
    score: float  # lower is better (FTS5's bm25 is negative; PostgreSQL's rank negated)
    document_id: str


@dataclass(frozen=True, slots=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    outlet: str | None = None
    country: str | None = None
    kind: str | None = None


def search(
    conn: Connection, query: SearchQuery, filters: Filters, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], bool]:
    """One page of results, best first, and whether more follow."""
    if filters.kind is not None and filters.kind not in SEARCH_KINDS:
        raise FilterError("kind", f"unknown kind {filters.kind!r}; known: "
                          f"{', '.join(SEARCH_KINDS)}")  # fmt: skip
    pg = conn.dialect.name == "postgresql"
    want = offset + limit + 1
    hits: list[_Hit] = []
    for source in _sources(filters.kind):
        sql, params = (_pg_hits if pg else _sqlite_hits)(source, filters)
        rows = conn.execute(sa.text(sql), {**params, "q": query.websearch() if pg
                                           else query.fts5(), "n": want})  # fmt: skip
        hits += [_Hit(source, int(r.key), float(r.score), r.document_id) for r in rows]
    hits.sort(key=lambda h: (h.score, h.document_id, h.source, h.key))
    page = hits[offset : offset + limit + 1]
    more = len(page) > limit
    detail = _pg_detail if pg else _sqlite_detail
    return [detail(conn, query, hit) for hit in page[:limit]], more


def _sources(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return ("documents", "incidents", "records")
    if kind == "documents":
        return ("documents",)
    if kind == "sentences":
        return ("incidents", "records")
    return ("incidents",) if kind == "incidents" else ("records",)


# ------------------------------------------------------------------------------ filters
def _where(source: str, f: Filters, date: str) -> tuple[str, dict[str, Any]]:
    """SQL conditions (on ``d`` the document, ``m`` the mention) and their parameters.

    Dates: the mention's own date, else its document's publication date; a month or year
    ``date_to`` includes all of it. Country: the mention's own, else (a document, or a
    record without one) any country its document's incidents or records name."""
    sql, params = [], {}
    if f.date_from:
        sql.append(f"{date} >= :date_from")
        params["date_from"] = f.date_from
    if f.date_to:
        sql.append(f"{date} <= :date_to")
        params["date_to"] = f.date_to + "\uffff"
    if f.outlet:
        sql.append("lower(d.outlet) = :outlet")
        params["outlet"] = f.outlet.lower()
    if f.country:
        anywhere = ("(EXISTS (SELECT 1 FROM incident_mentions c WHERE c.document_id = d.id "
                    "AND lower(c.country) = :country) OR EXISTS (SELECT 1 FROM record_mentions "
                    "c WHERE c.document_id = d.id AND lower(c.country) = :country))")  # fmt: skip
        if source == "documents":
            sql.append(anywhere)
        else:
            sql.append(f"(lower(m.country) = :country OR (m.country IS NULL AND {anywhere}))")
        params["country"] = f.country.lower()
    if source == "records" and f.kind in RECORD_KINDS:
        sql.append("m.kind = :kind")
        params["kind"] = f.kind
    return "".join(f" AND {s}" for s in sql), params


# ------------------------------------------------------------------------------- SQLite
_SQLITE_TABLES = {"incidents": ("search_incidents", "incident_mentions"),
                  "records": ("search_records", "record_mentions")}  # fmt: skip


def _sqlite_hits(source: str, f: Filters) -> tuple[str, dict[str, Any]]:
    if source == "documents":
        where, params = _where(source, f, "d.published")
        join = " JOIN documents d ON d.id = k.document_id" if where else ""
        return (f"SELECT search_documents.rowid AS key, bm25(search_documents, {TITLE_WEIGHT}, "
                "1.0) AS score, k.document_id AS document_id FROM search_documents "
                f"JOIN search_document_keys k ON k.key = search_documents.rowid{join} "
                f"WHERE search_documents MATCH :q{where} ORDER BY score LIMIT :n",
                params)  # fmt: skip
    fts, table = _SQLITE_TABLES[source]
    where, params = _where(source, f, "coalesce(m.date, d.published)")
    join = " JOIN documents d ON d.id = m.document_id" if where else ""
    return (f"SELECT {fts}.rowid AS key, bm25({fts}) AS score, m.document_id AS document_id "
            f"FROM {fts} JOIN {table} m ON m.id = {fts}.rowid{join} "
            f"WHERE {fts} MATCH :q{where} ORDER BY score LIMIT :n", params)  # fmt: skip


def _sqlite_detail(conn: Connection, query: SearchQuery, hit: _Hit) -> dict[str, Any]:
    params = {"q": query.fts5(), "key": hit.key}
    if hit.source == "documents":
        row = conn.execute(sa.text(
            "SELECT snippet(search_documents, 1, :open, :close, '…', :tokens) AS marked "
            "FROM search_documents WHERE search_documents MATCH :q AND rowid = :key"
        ), {**params, "open": MARK_OPEN, "close": MARK_CLOSE,
            "tokens": SNIPPET_TOKENS}).one()  # fmt: skip
        return _document_result(conn, hit, row.marked)
    fts, table = _SQLITE_TABLES[hit.source]
    row = conn.execute(sa.text(
        f"SELECT highlight({fts}, 0, :open, :close) AS marked FROM {fts} "
        f"WHERE {fts} MATCH :q AND rowid = :key"
    ), {**params, "open": MARK_OPEN, "close": MARK_CLOSE}).one()  # fmt: skip
    return _sentence_result(conn, hit, table, row.marked)


# --------------------------------------------------------------------------- PostgreSQL
def _pg_hits(source: str, f: Filters) -> tuple[str, dict[str, Any]]:
    if source == "documents":
        where, params = _where(source, f, "d.published")
        return (f"SELECT 0 AS key, -ts_rank_cd({PG_DOC_VECTOR}, q) AS score, "
                "d.id AS document_id FROM documents d, websearch_to_tsquery('english', :q) q "
                f"WHERE {PG_DOC_VECTOR} @@ q{where} ORDER BY score, d.id LIMIT :n",
                params)  # fmt: skip
    table = _SQLITE_TABLES[source][1]
    where, params = _where(source, f, "coalesce(m.date, d.published)")
    return (f"SELECT m.id AS key, -ts_rank_cd({PG_SENTENCE_VECTOR}, q) AS score, "
            f"m.document_id AS document_id FROM {table} m "
            "JOIN documents d ON d.id = m.document_id, websearch_to_tsquery('english', :q) q "
            f"WHERE {PG_SENTENCE_VECTOR} @@ q{where} ORDER BY score, m.id LIMIT :n",
            params)  # fmt: skip


def _pg_detail(conn: Connection, query: SearchQuery, hit: _Hit) -> dict[str, Any]:
    params = {"q": query.websearch(), "options": PG_HEADLINE}
    if hit.source == "documents":
        marked = conn.execute(sa.text(
            "SELECT ts_headline('english', d.text, websearch_to_tsquery('english', :q), "
            ":options) FROM documents d WHERE d.id = :doc"
        ), {**params, "doc": hit.document_id}).scalar_one()  # fmt: skip
        return _document_result(conn, hit, marked)
    table = _SQLITE_TABLES[hit.source][1]
    marked = conn.execute(sa.text(
        "SELECT ts_headline('english', m.evidence, websearch_to_tsquery('english', :q), "
        f"'HighlightAll=true, StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}') "
        f"FROM {table} m WHERE m.id = :key"
    ), {"q": params["q"], "key": hit.key}).scalar_one()  # fmt: skip
    return _sentence_result(conn, hit, table, marked)


# ------------------------------------------------------------------------------ results
def _document(conn: Connection, document_id: str) -> dict[str, Any]:
    row = conn.execute(sa.text("SELECT id, title, outlet, published, url FROM documents "
                               "WHERE id = :id"), {"id": document_id}).one()  # fmt: skip
    return dict(row._mapping)


def _document_result(conn: Connection, hit: _Hit, marked: str | None) -> dict[str, Any]:
    text, matches = unmark(marked or "")
    countries = [r[0] for r in conn.execute(sa.text(
        "SELECT DISTINCT country FROM incident_mentions WHERE document_id = :id AND country "
        "IS NOT NULL ORDER BY country"), {"id": hit.document_id})]  # fmt: skip
    return {"kind": "document", "score": _score(hit), "sentence": text, "matches": matches,
            "span": None, "mention_id": None, "event_id": None, "date": None,
            "country": ", ".join(countries) or None,
            "document": _document(conn, hit.document_id)}  # fmt: skip


def _sentence_result(conn: Connection, hit: _Hit, table: str, marked: str | None) -> dict[str, Any]:
    kind = "'incidents'" if table == "incident_mentions" else "m.kind"
    event = ("(SELECT event_id FROM event_mentions WHERE mention_id = m.id)"
             if table == "incident_mentions" else "NULL")  # fmt: skip
    row = conn.execute(sa.text(
        f"SELECT {kind} AS kind, m.document_id, m.date, m.country, m.span_start, m.span_end, "
        f"{event} AS event_id FROM {table} m WHERE m.id = :id"
    ), {"id": hit.key}).one()  # fmt: skip
    text, matches = unmark(marked or "")
    return {"kind": row.kind, "score": _score(hit), "sentence": text, "matches": matches,
            "span": [row.span_start, row.span_end], "mention_id": hit.key,
            "event_id": row.event_id, "date": row.date, "country": row.country,
            "document": _document(conn, row.document_id)}  # fmt: skip


def _score(hit: _Hit) -> float:
    return float(f"{-hit.score:.6g}")  # higher is better, as a reader expects


def unmark(marked: str) -> tuple[str, list[list[int]]]:
    """Text with the match markers taken out, and each match as ``[start, end]`` in it.
    Marker characters an article itself holds are dropped too (they would confuse the
    marking, never the escaping: the text is returned plain)."""
    out: list[str] = []
    matches: list[list[int]] = []
    at, start = 0, None
    for part in _MARKS.split(marked):
        if part == MARK_OPEN:
            start = at
        elif part == MARK_CLOSE:
            if start is not None and at > start:
                matches.append([start, at])
            start = None
        elif part:
            out.append(part)
            at += len(part)
    return "".join(out), matches
