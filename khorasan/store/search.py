"""Full-text search SQL: every stored document and every extracted sentence, ranked, filtered
and paged; SQLite FTS5 (bm25, snippet, highlight) or PostgreSQL (ts_rank_cd, ts_headline).

Three sources are searched: documents (title and text), incident mentions and the other record
mentions (their evidence sentences). Each gives its best ``offset + limit + 1`` hits, ranked by
the database's BM25-like score; the lists are merged by score and cut to the page, and only the
page's rows are read in full (snippets and highlights cost per row: never for every match).

The indexes (migration 0011) hold no text of their own and are kept in step by triggers, so a
document added, re-extracted or removed is found, changed or gone at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.errors import FilterError
from khorasan.model import RECORD_KINDS
from khorasan.store.searchquery import SearchQuery

__all__ = ["MARK_CLOSE", "MARK_OPEN", "RANKED_MAX", "SEARCH_KINDS", "search", "unmark"]

# what ``kind`` may narrow a search to: documents, any sentence, or one kind of record
SEARCH_KINDS = ("documents", "sentences", "incidents", *RECORD_KINDS)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around each match; never left in what is returned
SNIPPET_TOKENS = 32  # a document's snippet: about a sentence around its best match
TITLE_WEIGHT = 4.0  # a word in the title counts as four in the text
# BM25 costs a few microseconds a matching row: a word in every report of a large store would
# take seconds to rank, so beyond this many matches of one source only the newest stored are
# ranked (found in rowid order, which costs little). More words reach older reports.
RANKED_MAX = 5000
_MARKS = re.compile(f"([{MARK_OPEN}{MARK_CLOSE}])")
# PostgreSQL: the expressions migration 0011 indexes (they must match it exactly)
PG_DOC_VECTOR = "to_tsvector('english', coalesce(d.title, '') || ' ' || d.text)"
PG_SENTENCE_VECTOR = "to_tsvector('english', m.evidence)"
PG_HEADLINE = (f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=35, MinWords=15, "
               "MaxFragments=1, FragmentDelimiter=\" … \"")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    source: str  # documents, incidents or records
    key: int | str  # the index's rowid (SQLite); the mention or document id (PostgreSQL)
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
        if pg:
            sql, params = _pg_hits(source, filters)
            params.update(q=query.tsquery(), n=want)
            rows = conn.execute(sa.text(sql), params).all()
        else:
            rows = _sqlite_ranked(conn, query, source, filters, want)
        hits += [_Hit(source, r.key, float(r.score), r.document_id) for r in rows]
    hits.sort(key=lambda h: (h.score, h.document_id, h.source, h.key))
    page = hits[offset : offset + limit + 1]
    more = len(page) > limit
    page = page[:limit]
    details = {}
    for source in {h.source for h in page}:
        keys = [h.key for h in page if h.source == source]
        read = _pg_details if pg else _sqlite_details
        details[source] = read(conn, query, source, keys)
    return [_result(h, details[h.source][h.key]) for h in page], more


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
# the filters read a document's date and outlet from this covering index (migration 0011), never
# the wide row: the planner, left to itself, takes the unique index on id and then the row
_SQLITE_DOCUMENTS = "documents d INDEXED BY ix_documents_search_filters"


def _sqlite_from(source: str, f: Filters) -> tuple[str, str, str, dict[str, Any]]:
    """The FTS table, its FROM clause (joined to what the filters read), the filter
    conditions and their parameters. CROSS JOIN keeps the index the outer loop (SQLite does
    not reorder it): the other way round it would run the MATCH once per stored row."""
    if source == "documents":
        where, params = _where(source, f, "d.published")
        join = f" CROSS JOIN {_SQLITE_DOCUMENTS} ON d.id = k.document_id" if where else ""
        return ("search_documents", "search_documents CROSS JOIN search_document_keys k ON "
                f"k.key = search_documents.rowid{join}", where, params)  # fmt: skip
    fts, table = _SQLITE_TABLES[source]
    where, params = _where(source, f, "coalesce(m.date, d.published)")
    join = f" CROSS JOIN {_SQLITE_DOCUMENTS} ON d.id = m.document_id" if where else ""
    return fts, f"{fts} CROSS JOIN {table} m ON m.id = {fts}.rowid{join}", where, params


def _sqlite_ranked(
    conn: Connection, query: SearchQuery, source: str, f: Filters, want: int
) -> Sequence[Any]:
    """The best ``want`` rows of one source. BM25 costs per matching row, so when more than
    ``RANKED_MAX`` rows match (a word found everywhere), only the newest ``RANKED_MAX``
    matches are filtered and ranked (finding them in rowid order costs little), unless too
    few of them pass the filters: then every match is."""
    fts, tables, where, params = _sqlite_from(source, f)
    params.update(q=query.fts5(), n=want)
    floor = conn.execute(sa.text(
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH :q ORDER BY rowid DESC LIMIT 1 "
        "OFFSET :cap"
    ), {"q": query.fts5(), "cap": RANKED_MAX}).scalar()  # fmt: skip
    weights = f", {TITLE_WEIGHT}, 1.0" if source == "documents" else ""
    document = "k.document_id" if source == "documents" else "m.document_id"
    sql = (f"SELECT {fts}.rowid AS key, bm25({fts}{weights}) AS score, {document} AS "
           f"document_id FROM {tables} WHERE {fts} MATCH :q{where}")  # fmt: skip
    order = " ORDER BY score LIMIT :n"
    if floor is not None:
        rows = conn.execute(sa.text(sql + f" AND {fts}.rowid > :floor" + order),
                            {**params, "floor": floor}).all()  # fmt: skip
        if len(rows) >= want or not where:
            return rows
    return conn.execute(sa.text(sql + order), params).all()


def _sqlite_details(
    conn: Connection, query: SearchQuery, source: str, keys: list[Any]
) -> dict[Any, dict[str, Any]]:
    """The page's rows of one source with their marked text, by the index's rowid.

    The marking reads the matches of the query between the page's first and last rowid
    (FTS5 seeks to a rowid range, not to a list); what a row is, is read by key."""
    fts = "search_documents" if source == "documents" else _SQLITE_TABLES[source][0]
    function = (f"snippet({fts}, 1, :open, :close, '…', :tokens)" if source == "documents"
                else f"highlight({fts}, 0, :open, :close)")  # fmt: skip
    marked = conn.execute(
        sa.text(f"SELECT rowid AS key, {function} AS marked FROM {fts} WHERE {fts} MATCH :q "
                "AND rowid BETWEEN :lo AND :hi AND rowid IN :keys")
        .bindparams(sa.bindparam("keys", expanding=True)),
        {"q": query.fts5(), "keys": keys, "lo": min(keys), "hi": max(keys), "open": MARK_OPEN,
         "close": MARK_CLOSE, "tokens": SNIPPET_TOKENS},
    ).all()  # fmt: skip
    if source == "documents":
        sql = ("SELECT k.key AS key, d.id AS document_id, d.title, d.outlet, d.published, d.url "
               "FROM search_document_keys k JOIN documents d ON d.id = k.document_id "
               "WHERE k.key IN :keys")  # fmt: skip
    else:
        table = _SQLITE_TABLES[source][1]
        sql = (f"SELECT m.id AS key, {_MENTION_COLUMNS[table]} FROM {table} m "
               "JOIN documents d ON d.id = m.document_id WHERE m.id IN :keys")  # fmt: skip
    rows = {r.key: dict(r._mapping) for r in conn.execute(
        sa.text(sql).bindparams(sa.bindparam("keys", expanding=True)), {"keys": keys})}  # fmt: skip
    for key, text in marked:
        rows[key]["marked"] = text
    if source == "documents":
        countries = _countries(conn, [row["document_id"] for row in rows.values()])
        for row in rows.values():
            row["countries"] = ", ".join(countries.get(row["document_id"], [])) or None
    return rows


def _countries(conn: Connection, document_ids: list[str]) -> dict[str, list[str]]:
    """The countries each document's incidents name, sorted."""
    out: dict[str, set[str]] = {}
    rows = conn.execute(sa.text(
        "SELECT document_id, country FROM incident_mentions WHERE document_id IN :ids "
        "AND country IS NOT NULL"
    ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": document_ids})  # fmt: skip
    for document_id, country in rows:
        out.setdefault(document_id, set()).add(country)
    return {k: sorted(v) for k, v in out.items()}


_MENTION_COLUMNS = {
    table: (f"{kind} AS kind, m.document_id, m.date, m.country, m.span_start, m.span_end, "
            f"{event} AS event_id, d.title, d.outlet, d.published, d.url")
    for table, kind, event in (
        ("incident_mentions", "'incidents'",
         "(SELECT event_id FROM event_mentions e WHERE e.mention_id = m.id)"),
        ("record_mentions", "m.kind", "NULL"),
    )
}  # fmt: skip


# --------------------------------------------------------------------------- PostgreSQL
def _pg_hits(source: str, f: Filters) -> tuple[str, dict[str, Any]]:
    """The ranking query of one source (every match ranked: GIN finds them, ts_rank_cd
    ranks them)."""
    if source == "documents":
        where, params = _where(source, f, "d.published")
        return (f"SELECT d.id AS key, -ts_rank_cd({PG_DOC_VECTOR}, q) AS score, "
                "d.id AS document_id FROM documents d, to_tsquery('english', :q) q "
                f"WHERE {PG_DOC_VECTOR} @@ q{where} ORDER BY score, d.id LIMIT :n",
                params)  # fmt: skip
    table = _SQLITE_TABLES[source][1]
    where, params = _where(source, f, "coalesce(m.date, d.published)")
    return (f"SELECT m.id AS key, -ts_rank_cd({PG_SENTENCE_VECTOR}, q) AS score, "
            f"m.document_id AS document_id FROM {table} m "
            "JOIN documents d ON d.id = m.document_id, to_tsquery('english', :q) q "
            f"WHERE {PG_SENTENCE_VECTOR} @@ q{where} ORDER BY score, m.id LIMIT :n",
            params)  # fmt: skip


def _pg_details(
    conn: Connection, query: SearchQuery, source: str, keys: list[Any]
) -> dict[Any, Any]:
    params = {"q": query.tsquery(), "keys": keys, "options": PG_HEADLINE,
              "all": f"HighlightAll=true, StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}"}  # fmt: skip
    if source == "documents":
        sql = ("SELECT d.id AS key, ts_headline('english', d.text, "
               "to_tsquery('english', :q), :options) AS marked, d.id AS document_id, "
               "(SELECT string_agg(DISTINCT c.country, ', ') FROM incident_mentions c "
               "WHERE c.document_id = d.id) AS countries, d.title, d.outlet, d.published, d.url "
               "FROM documents d WHERE d.id IN :keys")  # fmt: skip
    else:
        table = _SQLITE_TABLES[source][1]
        sql = ("SELECT m.id AS key, ts_headline('english', m.evidence, "
               "to_tsquery('english', :q), :all) AS marked, "
               f"{_MENTION_COLUMNS[table]} FROM {table} m "
               "JOIN documents d ON d.id = m.document_id WHERE m.id IN :keys")  # fmt: skip
    statement = sa.text(sql).bindparams(sa.bindparam("keys", expanding=True))
    return {r.key: dict(r._mapping) for r in conn.execute(statement, params)}


# ------------------------------------------------------------------------------ results
def _result(hit: _Hit, row: dict[str, Any]) -> dict[str, Any]:
    text, matches = unmark(row.get("marked") or "")
    document = {"id": row["document_id"], "title": row["title"], "outlet": row["outlet"],
                "published": row["published"], "url": row["url"]}  # fmt: skip
    score = float(f"{-hit.score:.6g}")  # higher is better, as a reader expects
    if hit.source == "documents":
        return {"kind": "document", "score": score, "sentence": text, "matches": matches,
                "span": None, "mention_id": None, "event_id": None, "date": None,
                "country": row["countries"] or None, "document": document}  # fmt: skip
    return {"kind": row["kind"], "score": score, "sentence": text, "matches": matches,
            "span": [row["span_start"], row["span_end"]], "mention_id": int(hit.key),
            "event_id": row["event_id"], "date": row["date"], "country": row["country"],
            "document": document}  # fmt: skip


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
