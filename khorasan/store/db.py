"""The store: one database (SQLite file by default, PostgreSQL by URL), migrated on open.

The store is the only place that speaks SQL. Writes are transactional per document: a document,
its appearance and every record extracted from it go in together or not at all, so an
interrupted run leaves no half-written document. Events are written by one fusion transaction
(:meth:`Store.fusion`); mentions that no event holds yet are fused by the next run.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from khorasan.errors import FilterError, StoreError
from khorasan.kb.resolve import resolve_filters
from khorasan.model import (
    RECORD_KINDS,
    REVIEW_STATUSES,
    WIRE_COPY_MAX_DISTANCE,
    Anchor,
    Document,
    Event,
    ReviewAction,
    User,
)
from khorasan.store import events as event_sql
from khorasan.store import pg
from khorasan.store import records as record_sql
from khorasan.store import review as review_sql
from khorasan.store import search as search_sql
from khorasan.store import users as user_sql
from khorasan.store import watch as watch_sql
from khorasan.store import wireindex as wire_sql
from khorasan.store.alerts import AlertTransaction
from khorasan.store.events import EVENT_FILTERS, FusionTransaction
from khorasan.store.schema import (
    appearances,
    documents,
    event_mentions,
    events,
    incident_mentions,
    record_mentions,
)
from khorasan.store.searchquery import parse_query
from khorasan.store.wireindex import WireIndex

__all__ = ["AddResult", "DEFAULT_DB", "DocumentWriter", "Store", "resolve_db_url"]

DEFAULT_DB = "khorasan.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_ISO_PREFIX = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
# Friendlier names an analyst may use for the date window
_FILTER_ALIASES = {"since": "date_from", "until": "date_to"}
SQLITE_BUSY_TIMEOUT_MS = 300_000  # a writer waits this long for another's transaction
_SCHEMES = ("sqlite", "postgresql", "postgres")  # the dialects the migrations are tested on


def resolve_db_url(value: str | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, ``KHORASAN_DB`` or the default file.

    A value with ``://`` is a URL (``sqlite:///x.db``, ``postgresql://...``); anything else is a
    file path for SQLite.
    """
    value = value or os.environ.get("KHORASAN_DB") or DEFAULT_DB
    if "://" in value:
        prefix, rest = value.split("://", 1)
        scheme = prefix.split("+", 1)[0].lower()
        if scheme not in _SCHEMES:
            raise StoreError(
                f"{prefix}://{rest.rsplit('@', 1)[-1]}",  # never echo a password
                f"unsupported database URL scheme {scheme!r}: use a file path, "
                "sqlite:///PATH or postgresql://USER@HOST/NAME",
            )
        if value.startswith("postgresql://"):  # psycopg 3 is the driver we ship
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one document did. ``status``: new, wire_copy, duplicate or already."""

    status: str
    document_id: str
    wire_story_id: str
    # the records ``extract`` gave (add_document's callable), when it was called
    extracted: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)


class _ExtractionFailed(Exception):
    """Carries an exception of ``add_document``'s ``extract`` out of the transaction, so that
    it reaches the caller as itself, not as a store error."""


def _extracting(
    extract: Callable[[Document], Mapping[str, Any]], doc: Document
) -> Mapping[str, Any]:
    try:
        return extract(doc)
    except Exception as exc:
        raise _ExtractionFailed() from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Documents, their extracted records and the events fused from them, in one database.

    ``create=False`` refuses to create a new SQLite file (a mistyped path is an error, not an
    empty database).
    """

    def __init__(
        self, url: str | None = None, *, wire_copy_max_distance: int | None = None,
        create: bool = True,
    ) -> None:  # fmt: skip
        self.url = resolve_db_url(url)
        if not create:
            _must_exist(self.url)
        if wire_copy_max_distance is None:
            wire_copy_max_distance = WIRE_COPY_MAX_DISTANCE
        self.wire_copy_max_distance = wire_copy_max_distance
        try:
            self.engine: Engine = sa.create_engine(self.url, future=True)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            elif self.engine.dialect.name == "postgresql":
                pg.configure(self.engine)
            self._migrate()
        except (sa.exc.SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(
                self.url,
                f"cannot open database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
            ) from exc
        self._wire_index = WireIndex()

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with self.engine.connect() as conn:
            if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                return  # up to date: open without taking the write lock (read-only use)
        with self.engine.begin() as conn:
            # One process migrates at a time; the others wait, then find nothing to do
            if self.engine.dialect.name == "postgresql":
                pg.lock(conn, pg.MIGRATION_LOCK)
            elif self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")

    def check_writable(self) -> None:
        """Raise :class:`StoreError` now when the store cannot be written (a read-only file,
        directory or URI, a read-only role), before a command does any work.

        Probes with an update that changes nothing, rolled back: the database refuses it
        exactly as it would refuse a real write, whoever runs it (root included)."""
        try:
            with self.engine.connect() as conn, conn.begin() as trans:
                conn.execute(sa.text("UPDATE alembic_version SET version_num = version_num"))
                trans.rollback()
        except sa.exc.SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc) or exc.__class__.__name__).splitlines()[0]
            raise StoreError(self.url, f"cannot write to the database: {reason}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.engine.url.render_as_string(hide_password=True)}>"

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot read: {exc.__class__.__name__}") from exc

    # -- documents ------------------------------------------------------------------------
    def add_document(
        self,
        doc: Document,
        extracted: Mapping[str, Any] | None = None,
        extractor_version: str = "",
        *,
        extract: Callable[[Document], Mapping[str, Any]] | None = None,
    ) -> AddResult:
        """Store ``doc`` and every record ``extracted`` from it in one transaction.

        ``extracted`` is an ``extract_document`` result (``{"incidents": [...],
        "statistics": [...], ...}``); None stores the document alone. An exact duplicate (same
        normalised text) becomes another appearance of the stored document; a near duplicate
        is stored with the wire story id of the copy it matches. Re-adding the same document
        changes nothing, except that a stored document that was never extracted gets its
        records (status ``completed``).

        ``extract`` (instead of ``extracted``) is called for the records only when they are
        needed (a new text, or a stored one never extracted), inside the same transaction
        that looks the text up: one transaction per document, no separate read first.
        """
        with _document_errors(doc):
            try:
                with self.engine.begin() as conn:
                    _begin_write(conn, pg.DOCUMENT_LOCK)
                    return self._add_document(conn, doc, extracted, extractor_version, extract)
            except sa.exc.IntegrityError:
                # another writer stored this text in between (a lost race): looked up again,
                # it is "already" or "duplicate", not a failure
                with self.engine.begin() as conn:
                    _begin_write(conn, pg.DOCUMENT_LOCK)
                    return self._add_document(conn, doc, extracted, extractor_version, extract)

    def document_writer(
        self, *, max_documents: int = 1, max_seconds: float = 0.0
    ) -> DocumentWriter:
        """A writer that adds documents as :meth:`add_document` does, several to one
        transaction: see :class:`DocumentWriter` (``max_documents=1``: one each)."""
        return DocumentWriter(self, max_documents=max_documents, max_seconds=max_seconds)

    def _add_document(
        self,
        conn: Connection,
        doc: Document,
        extracted: Mapping[str, Any] | None,
        extractor_version: str,
        extract: Callable[[Document], Mapping[str, Any]] | None = None,
    ) -> AddResult:
        existing = conn.execute(
            sa.select(documents.c.id, documents.c.wire_story_id, documents.c.extracted_with)
            .where(documents.c.content_hash == doc.content_hash)
        ).first()  # fmt: skip
        if existing is not None:
            doc_id, wire_id, extracted_with = existing
            seen = conn.execute(
                sa.select(appearances.c.id).where(
                    appearances.c.document_id == doc_id, appearances.c.source == doc.source
                )
            ).first()
            status = "already" if seen is not None else "duplicate"
            if seen is None:
                conn.execute(appearances.insert().values(**_appearance(doc, doc_id, "duplicate")))
            if extract is not None and extracted_with is None:
                extracted = _extracting(extract, doc)
            if extracted is not None and extracted_with is None:
                record_sql.replace_mentions(conn, doc_id, extracted, extractor_version)
                status = "completed"
            return AddResult(status, doc_id, wire_id, extracted if extract else None)

        if extract is not None:
            extracted = _extracting(extract, doc)
        # every document stored before this one, by any writer (under the write lock)
        self._wire_index.refresh(conn)
        wire_id = self._wire_index.match(doc.simhash, self.wire_copy_max_distance) or doc.id
        conn.execute(
            _INSERT_DOCUMENT,
            {
                "id": doc.id,
                "content_hash": doc.content_hash,
                "simhash": f"{doc.simhash:016x}",
                "wire_story_id": wire_id,
                "name": doc.name,
                "source": doc.source,
                "title": doc.title,
                "published": doc.published,
                "outlet": doc.outlet,
                "url": doc.url,
                "text": doc.text,
                "n_chars": len(doc.text),
                "ingested_at": _now(),
            },
        )
        conn.execute(_INSERT_APPEARANCE, _appearance(doc, doc.id, "original"))
        if extracted is not None:
            record_sql.replace_mentions(conn, doc.id, extracted, extractor_version, new=True)
        wire_sql.record(conn, doc.id, doc.simhash, wire_id)
        return AddResult("new" if wire_id == doc.id else "wire_copy", doc.id, wire_id,
                         extracted if extract else None)  # fmt: skip

    def replace_extracted(
        self, doc_id: str, extracted: Mapping[str, Any], extractor_version: str
    ) -> dict[str, int]:
        """Replace every machine-extracted record of one stored document in one transaction
        (mentions that are the same keep their ids); returns counts by kind. Events are
        mended by the next fusion."""
        try:
            with self.engine.begin() as conn:
                _begin_write(conn, pg.DOCUMENT_LOCK)
                return record_sql.replace_mentions(conn, doc_id, extracted, extractor_version)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(doc_id, f"cannot store records: {exc.__class__.__name__}") from exc

    def documents(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored documents with their number of appearances and wire story size."""
        n_app = (
            sa.select(sa.func.count())
            .where(appearances.c.document_id == documents.c.id)
            .scalar_subquery()
        )
        wire = documents.alias("wire")
        n_wire = (
            sa.select(sa.func.count())
            .where(wire.c.wire_story_id == documents.c.wire_story_id)
            .scalar_subquery()
        )
        query = (
            sa.select(
                documents.c.id, documents.c.published, documents.c.outlet, documents.c.title,
                documents.c.name, documents.c.wire_story_id,
                n_app.label("appearances"), n_wire.label("wire_copies"),
            )
            .order_by(documents.c.published.desc(), documents.c.id)
            .limit(limit)
        )  # fmt: skip
        with self._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document by id or unambiguous id prefix, with its appearances."""
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(documents).where(documents.c.id.startswith(doc_id, autoescape=True))
            ).fetchmany(2)
            if len(rows) != 1:
                return None
            row = dict(rows[0]._mapping)
            row["appearances"] = [
                dict(r._mapping)
                for r in conn.execute(
                    sa.select(appearances)
                    .where(appearances.c.document_id == row["id"])
                    .order_by(appearances.c.id)
                )
            ]
            return row

    def document_ids(self) -> list[str]:
        with self._reading() as conn:
            return [r[0] for r in conn.execute(sa.select(documents.c.id).order_by(documents.c.id))]

    def load_documents(self, ids: list[str]) -> list[Document]:
        """Stored documents as :class:`Document` (the text exactly as stored), in id order."""
        with self._reading() as conn:
            rows = conn.execute(sa.select(documents).where(documents.c.id.in_(ids))
                                .order_by(documents.c.id)).fetchall()  # fmt: skip
        return [Document(text=r.text, name=r.name, source=r.source, title=r.title,
                         published=r.published, outlet=r.outlet, url=r.url, id=r.id,
                         content_hash=r.content_hash, simhash=int(r.simhash, 16))
                for r in rows]  # fmt: skip

    def iter_documents(self) -> Iterator[dict[str, Any]]:
        with self._reading() as conn:
            for r in conn.execute(sa.select(documents).order_by(documents.c.id)):
                yield dict(r._mapping)

    def count(self, table: str) -> int:
        """Rows in one of the store's tables (documents, appearances, incident_mentions,
        record_mentions, events, event_mentions)."""
        tables = {t.name: t for t in (documents, appearances, incident_mentions,
                                      record_mentions, events, event_mentions)}  # fmt: skip
        if table not in tables:
            raise FilterError("table", f"unknown table {table!r}; known: {', '.join(tables)}")
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(tables[table]))
                       .scalar_one())  # fmt: skip

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` a stored document was read from (as its source or its URL)."""
        with self._reading() as conn:
            return watch_sql.known_urls(conn, urls)

    def known_sources(self, sources: Iterable[str]) -> set[str]:
        """Those of ``sources`` (file paths, URLs) a stored document was read from."""
        with self._reading() as conn:
            return watch_sql.known_sources(conn, sources)

    def extracted_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Those of ``hashes`` (content hashes) whose document is stored with its records:
        a text seen again needs no extraction."""
        with self._reading() as conn:
            return watch_sql.extracted_hashes(conn, hashes)

    # -- watched sources ------------------------------------------------------------------
    def source_states(self) -> dict[str, dict[str, Any]]:
        """Each watched source's polling state by its key: ``last_poll``, ``next_due``,
        ``etag``, ``last_modified``, ``errors`` (consecutive), ``last_error``, ``stamps``."""
        with self._reading() as conn:
            return watch_sql.load_states(conn)

    def save_source_state(self, source: str, **values: Any) -> None:
        """Write one source's polling state (the fields of :meth:`source_states`)."""
        unknown = set(values) - set(watch_sql.STATE_FIELDS)
        if unknown:
            raise FilterError(sorted(unknown)[0], "not a source state field")
        try:
            with self.engine.begin() as conn:
                watch_sql.save_state(conn, source, values)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(source, f"cannot save source state: {exc.__class__.__name__}") from exc

    # -- full-text search -----------------------------------------------------------------
    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, kind: str | None = None,
        **filters: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """Documents and extracted sentences matching ``query``, best first (BM25).

        ``query``: words (all must occur), ``"phrases"``, ``OR`` between two, ``-word``,
        ``word*``; anything else is a literal word. Filters: ``since``/``date_from``,
        ``until``/``date_to`` (the mention's date, else the document's publication date),
        ``outlet``, ``country``; ``kind``: documents, sentences, incidents or a record kind.
        Returns ``{"results": [...], "next_offset": N or None}``; each result has ``kind``
        (``document`` or the record kind), ``score``, ``sentence`` (a document's snippet),
        ``matches`` (``[start, end]`` in it), ``span``, ``mention_id``, ``event_id``,
        ``date``, ``country`` and ``document`` (id, title, outlet, published, url). A bad
        query or filter raises :class:`FilterError` naming it."""
        parsed = parse_query(query)
        if not 1 <= limit <= 1000:
            raise FilterError("limit", "must lie in 1..1000")
        if not 0 <= offset <= 100_000:
            raise FilterError("offset", "must lie in 0..100000")
        checked = _check_filters(filters, ("date_from", "date_to", "outlet", "country"))
        wanted = search_sql.Filters(kind=kind or None, **checked)
        try:
            with self.engine.connect() as conn:
                results, more = search_sql.search(conn, parsed, wanted, limit=limit,
                                                  offset=offset)  # fmt: skip
        except sa.exc.OperationalError as exc:  # the query builder's last line of defence
            raise FilterError("query", "cannot be searched for as written") from exc
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot search: {exc.__class__.__name__}") from exc
        return {"results": results, "next_offset": offset + limit if more else None}

    # -- mentions -------------------------------------------------------------------------
    def incidents(self, **filters: Any) -> list[dict[str, Any]]:
        """Incident mentions joined with their document (filters: ``since``/``date_from``,
        ``until``/``date_to``, ``country``, ``admin1``, ``perpetrator``, ``attack_type``,
        ``document_id``)."""
        filters = _check_filters(filters, ("document_id", *EVENT_FILTERS))
        with self._reading() as conn:
            return record_sql.list_incidents(conn, **filters)

    def records(self, kind: str, **filters: Any) -> list[dict[str, Any]]:
        """Stored mentions of one record kind (statistics, strength, plots, leaders,
        relations) with their document, oldest first (filters: ``group``, ``person``,
        ``country``, ``relation``, ``since``/``until``, ``document_id``)."""
        if kind not in RECORD_KINDS:
            raise FilterError("kind", f"unknown record kind {kind!r}; known: "
                              f"{', '.join(RECORD_KINDS)}")  # fmt: skip
        filters = _check_filters(filters, ("group", "person", "country", "relation",
                                           "document_id", "date_from", "date_to"))  # fmt: skip
        with self._reading() as conn:
            return record_sql.list_records(conn, kind, **filters)

    def incident_date_range(self) -> tuple[str | None, str | None]:
        """The first and last date of any stored incident mention."""
        c = incident_mentions.c
        with self._reading() as conn:
            row = conn.execute(sa.select(sa.func.min(c.date), sa.func.max(c.date))).first()
        return (row[0], row[1]) if row else (None, None)

    # -- events ---------------------------------------------------------------------------
    @contextmanager
    def fusion(self) -> Iterator[FusionTransaction]:
        """One fusion run's reads and writes, committed together or not at all."""
        try:
            with self.engine.begin() as conn:
                # it then reads what earlier runs wrote. PostgreSQL: one fusion at a time, and
                # then no document write either until it commits (as SQLite's one write lock):
                # a re-extraction committed in between deleted mentions it was linking
                _begin_write(conn, pg.FUSION_LOCK, pg.DOCUMENT_LOCK)
                yield FusionTransaction(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot write events: {exc.__class__.__name__}") from exc

    def needs_fusion(self) -> bool:
        """Whether some mention is in no event, or some event lost a member (a run that
        stored mentions and then failed to fuse them, or a re-extraction)."""
        unlinked = sa.select(incident_mentions.c.id).where(event_sql.unlinked_mentions())
        with self._reading() as conn:
            return any(conn.execute(query.limit(1)).first() is not None
                       for query in (unlinked, event_sql.damaged_events()))  # fmt: skip

    def events(
        self, *, mentions: bool = True, limit: int | None = None,
        after: tuple[str | None, str] | None = None, killed_min: int | None = None,
        killed_max: int | None = None, text: str | None = None, detail: bool = True,
        sort: str | None = None, descending: bool = True, offset: int = 0,
        claimed_only: bool = False, **filters: Any,
    ) -> list[Event]:  # fmt: skip
        """Fused events, newest first (undated last, then by id), each with its mentions
        unless ``mentions=False``.

        Filters: ``since`` / ``until`` (or ``date_from`` / ``date_to``: ``YYYY``, ``YYYY-MM``
        or ``YYYY-MM-DD``; a month or year ``until`` includes all of it), ``country``,
        ``admin1``, ``perpetrator``, ``attack_type``, ``target_type``, ``attribution``
        (the reconciled value, ignoring case; an actor or place by any alias, an actor with its
        branches); ``killed_min`` / ``killed_max`` on the best
        killed figure; ``text``: words the sources' sentences hold. ``after`` = (date, id) of
        the last event of a page gives the next page (keyset pagination: stable while events
        are added). ``detail=False`` keeps of ``detail`` only the killed by category.
        ``sort`` (one of ``date``, ``place``, ``attack_type``, ``target_type``,
        ``perpetrator``, ``killed``, ``wounded``, ``sources``, ``flags``) orders by that
        column instead, ``descending`` or not, ties in the list's order; ``offset`` skips
        that many (a table's page). ``claimed_only``: the events with a claimed killed figure,
        largest claim first. A bad filter or sort raises :class:`FilterError`.
        """
        if sort is not None and sort not in event_sql.EVENT_SORTS:
            raise FilterError("sort", f"unknown sort {sort!r}; known: "
                              f"{', '.join(event_sql.EVENT_SORTS)}")  # fmt: skip
        if offset < 0:
            raise FilterError("offset", "below 0")
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.query_events(
                conn, mentions=mentions, limit=limit, after=after, killed_min=killed_min,
                killed_max=killed_max, words=words, detail=detail, sort=sort,
                descending=descending, offset=offset, claimed_only=claimed_only, **filters,
            )  # fmt: skip

    def iter_events(
        self, *, mentions: bool = True, limit: int | None = None, page: int = 500,
        killed_min: int | None = None, killed_max: int | None = None, text: str | None = None,
        detail: bool = True, **filters: Any,
    ) -> Iterator[Event]:  # fmt: skip
        """The events :meth:`events` gives in its own order (newest first), read ``page`` at
        a time by keyset pagination in one read transaction: memory stays flat in the number
        of events (``events --json``)."""
        if page < 1:
            raise FilterError("page", "below 1")
        # checked now, not at the first event: a bad filter is an error before any output
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        return self._pages(filters, words, mentions=mentions, limit=limit, page=page,
                           killed_min=killed_min, killed_max=killed_max, detail=detail)  # fmt: skip

    def _pages(
        self, filters: dict[str, Any], words: list[str], *, mentions: bool, limit: int | None,
        page: int, killed_min: int | None, killed_max: int | None, detail: bool,
    ) -> Iterator[Event]:  # fmt: skip
        after: tuple[str | None, str] | None = None
        left = limit
        with self._reading() as conn:
            while left is None or left > 0:
                size = page if left is None else min(page, left)
                found = event_sql.query_events(
                    conn, mentions=mentions, limit=size, after=after, killed_min=killed_min,
                    killed_max=killed_max, words=words, detail=detail, **filters,
                )  # fmt: skip
                yield from found
                if len(found) < size:
                    return
                after = (found[-1].date, found[-1].id)
                left = None if left is None else left - len(found)

    def event_claims(
        self, *, killed_min: int | None = None, killed_max: int | None = None,
        text: str | None = None, **filters: Any,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The events :meth:`events` selects that carry a claimed killed figure, in its order,
        each with what ``khorasan.analyse.claims_vs_reported`` reads (``id``, ``date``,
        ``place``, ``admin1``, ``perpetrator``, ``target_type``, ``claimed_killed``,
        ``killed_best``, ``killed_high``): its input, read from one small index."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.claim_rows(conn, killed_min=killed_min, killed_max=killed_max,
                                        words=words, **filters)  # fmt: skip

    def event_claim_table(
        self, *, by: str = "year", killed_min: int | None = None,
        killed_max: int | None = None, text: str | None = None, **filters: Any,
    ) -> tuple[list[Sequence[Any]], list[Sequence[Any]]]:  # fmt: skip
        """What ``khorasan.analyse.claims_of_table`` turns into claims' answer, read in one
        transaction from one small index: the rows of :meth:`event_claims` as plain tuples
        (``id``, ``date``, ``place`` or else ``admin1``, ``perpetrator``, ``target_type``,
        ``claimed_killed``, ``killed_best``, ``killed_high``) and, over those whose reported
        toll is known and not 0, the sums by (``by``: year or month, target type): ``(period,
        target_type, events, claimed_killed, reported_killed)``."""
        width = {"year": 4, "month": 7}.get(by)
        if width is None:
            raise FilterError("by", f"{by!r} is not year or month")
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.claim_table(conn, width=width, killed_min=killed_min,
                                         killed_max=killed_max, words=words,
                                         **filters)  # fmt: skip

    def event_totals(
        self, *, killed_min: int | None = None, killed_max: int | None = None,
        text: str | None = None, **filters: Any,
    ) -> dict[str, int]:  # fmt: skip
        """Sums over the events :meth:`events` selects, in SQL: ``events``, ``killed``
        (best), ``unplaced`` (without coordinates), ``claims`` (with a claimed killed
        figure) and, over those whose reported toll is known and not 0, ``claims_events``,
        ``claimed_killed`` and ``reported_killed``."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.totals(conn, killed_min=killed_min, killed_max=killed_max,
                                    words=words, **filters)  # fmt: skip

    def event_month_groups(
        self, *, killed_min: int | None = None, killed_max: int | None = None,
        text: str | None = None, **filters: Any,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The events :meth:`events` selects, counted and their best killed summed by
        (``month``, ``target_type``) in SQL: ``month`` is ``YYYY-MM``, or ``YYYY`` for a date
        known only to the year, or None when undated."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.month_groups(conn, killed_min=killed_min, killed_max=killed_max,
                                          words=words, **filters)  # fmt: skip

    def event_map(
        self, *, max_points: int = 2000, box: tuple[float, float, float, float] | None = None,
        grid: int = 24, cluster: bool = True, killed_min: int | None = None,
        killed_max: int | None = None, text: str | None = None, **filters: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """What a map of the events :meth:`events` selects draws, computed in SQL: each event
        (``points``) when at most ``max_points`` have coordinates (inside ``box`` = south,
        west, north, east when given), otherwise ``clusters`` on a grid of about ``grid``
        cells across the view (``box``, else the placed events' extent), each with its
        count, killed sum, centroid and extent; with ``placed``, ``unplaced`` and the placed
        events' ``bounds``. ``cluster=False``: no clusters, only those counts and bounds (a
        map fits its view to them, then asks for the clusters of that view)."""
        if max_points < 0:
            raise FilterError("max_points", "below 0")
        if box is not None:
            south, west, north, east = box
            if not (-90 <= south <= north <= 90):
                raise FilterError("south", "south and north must lie in -90..90, south first")
            if not (-180 <= west <= east <= 180):
                raise FilterError("west", "west and east must lie in -180..180, west first")
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.map_summary(conn, max_points=max_points, box=box, grid=grid,
                                         cluster=cluster, killed_min=killed_min,
                                         killed_max=killed_max, words=words,
                                         **filters)  # fmt: skip

    def event_tally_groups(
        self, *, killed_min: int | None = None, killed_max: int | None = None,
        text: str | None = None, **filters: Any,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The events :meth:`events` selects, summed in SQL by (month, country, admin1): what
        ``khorasan.analyse.tally_groups`` turns into the tallies of ``stats`` (which reads the
        cheaper :meth:`event_tally_sums`), fast at any size."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.tally_groups(conn, killed_min=killed_min, killed_max=killed_max,
                                          words=words, **filters)  # fmt: skip

    def event_tally_sums(
        self, *, killed_min: int | None = None, killed_max: int | None = None,
        text: str | None = None, **filters: Any,
    ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
        """The events :meth:`events` selects, summed in SQL by month (``months``) and by
        (country, admin1) (``places``): what ``khorasan.analyse.tally_sums`` turns into the
        tallies of ``stats``; from a few hundred kept sums where the filters allow."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.tally_sums(conn, killed_min=killed_min, killed_max=killed_max,
                                        words=words, **filters)  # fmt: skip

    def events_frame(self, **filters: Any) -> Any:
        """The events :meth:`events` selects as a pandas DataFrame, one row per event (the
        ``detail`` JSON as a column of dicts). Needs pandas (``pip install
        'khorasan-monitor[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise StoreError("pandas", "events_frame needs pandas: pip install "
                             "'khorasan-monitor[pandas]'") from exc  # fmt: skip
        from khorasan.model import EVENT_COLUMNS

        rows = [e.row() for e in self.events(mentions=False, **filters)]
        return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))

    def event_values(self, field: str) -> list[str]:
        """The different values events hold in one filterable field (``country``,
        ``attack_type``, ...): the choices of a filter."""
        if field not in EVENT_FILTERS[2:-1]:
            raise FilterError(
                field, f"not a filterable field; known: {', '.join(EVENT_FILTERS[2:-1])}"
            )
        with self._reading() as conn:
            return event_sql.distinct_values(conn, field)

    def events_of_document(self, document_id: str) -> dict[int, str]:
        """Which event holds each of a document's incident mentions (mention id -> event id)."""
        with self._reading() as conn:
            return event_sql.links_of_document(conn, document_id)

    def event_ids(self, prefix: str, limit: int = 2) -> list[str]:
        """Ids of events starting with ``prefix`` (at most ``limit``)."""
        with self._reading() as conn:
            return event_sql.event_ids(conn, prefix, limit)

    def event(self, event_id: str) -> Event | None:
        """One event by id or unambiguous id prefix, with its mentions (None: no such event
        or an ambiguous prefix; :meth:`event_ids` tells which)."""
        ids = self.event_ids(event_id)
        if len(ids) != 1:
            return None
        with self._reading() as conn:
            return event_sql.get_event(conn, ids[0])

    # -- analyst review -------------------------------------------------------------------
    def add_review_action(self, action: ReviewAction, undoes: int | None = None) -> ReviewAction:
        """Log ``action`` (and, for a restore, mark the action it ``undoes``) in one
        transaction; returns it with its id. Fusion then lays it over the events."""
        try:
            with self.engine.begin() as conn:
                _begin_immediate(conn)
                review_sql.add_action(conn, action)
                if undoes is not None:
                    assert action.id is not None
                    review_sql.mark_undone(conn, undoes, action.id)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot log review: {exc.__class__.__name__}") from exc
        return action

    def review_actions(
        self, *, active_only: bool = False, since: str | None = None, until: str | None = None,
        ids: list[int] | None = None,
    ) -> list[ReviewAction]:  # fmt: skip
        """Logged review actions, oldest first (see ``store.review.actions``)."""
        with self._reading() as conn:
            return review_sql.actions(conn, active_only=active_only, since=since, until=until,
                                      ids=ids)  # fmt: skip

    def review_queue(
        self, *, limit: int | None = 50, killed_min: int | None = None,
        killed_max: int | None = None, text: str | None = None, **filters: Any,
    ) -> list[Event]:  # fmt: skip
        """Events no analyst has confirmed, corrected or rejected, least confident first
        (the calibrated ``detail["confidence"]``), then by killed, most first. Filters as for
        :meth:`events`."""
        filters, words = _event_selection(filters, killed_min, killed_max, text)
        with self._reading() as conn:
            return event_sql.review_queue(conn, limit=limit, killed_min=killed_min,
                                          killed_max=killed_max, words=words,
                                          **filters)  # fmt: skip

    def mention_anchors(self, mention_ids: list[int]) -> dict[int, Anchor]:
        """Each mention's stable identity: (document id, span start, span end)."""
        with self._reading() as conn:
            return review_sql.anchors_of(conn, mention_ids)

    def anchored_mentions(self, anchors: list[Anchor]) -> dict[Anchor, int]:
        """The mention each anchor names today (left out: mentions that are gone)."""
        with self._reading() as conn:
            return review_sql.mentions_of_anchors(conn, anchors)

    def events_of_mentions(self, mention_ids: list[int]) -> dict[int, str]:
        """The event holding each mention id."""
        with self._reading() as conn:
            return review_sql.event_of_mentions(conn, mention_ids)

    # -- access control -------------------------------------------------------------------
    @contextmanager
    def _writing(self, what: str) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                _begin_immediate(conn)
                yield conn
        except sa.exc.IntegrityError as exc:
            raise StoreError(self.url, f"cannot {what}: it conflicts with a stored one") from exc
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot {what}: {exc.__class__.__name__}") from exc

    def add_user(self, name: str, role: str, password_hash: str | None) -> User:
        with self._writing("add user") as conn:
            return user_sql.add_user(conn, name, role, password_hash, _now())

    def user(self, name: str) -> User | None:
        with self._reading() as conn:
            return user_sql.get_user(conn, name)

    def users(self) -> list[User]:
        """Every user by name, with how many live API tokens each holds."""
        with self._reading() as conn:
            return user_sql.list_users(conn, _now())

    def password_hash(self, name: str) -> str | None:
        with self._reading() as conn:
            return user_sql.password_hash(conn, name)

    def update_user(self, name: str, *, role: str | None = None,
                    password_hash: str | None = None) -> None:  # fmt: skip
        with self._writing("update user") as conn:
            user_sql.update_user(conn, name, role=role, password_hash=password_hash)

    def remove_user(self, user_id: int) -> None:
        """Remove a user and every credential of theirs (their review actions stay logged)."""
        with self._writing("remove user") as conn:
            user_sql.delete_user(conn, user_id)

    def add_credential(self, user_id: int, kind: str, secret_hash: str, *,
                       csrf: str | None = None, expires_at: str | None = None) -> int:  # fmt: skip
        """Store a credential (``token`` or ``session``) by the hash of its secret; a new
        session clears away the ended ones."""
        with self._writing("add credential") as conn:
            if kind == "session":
                user_sql.prune_sessions(conn, _now())
            return user_sql.add_credential(conn, user_id, kind, secret_hash, _now(), csrf=csrf,
                                           expires_at=expires_at)  # fmt: skip

    def credential(self, secret_hash: str, kind: str) -> tuple[User, str | None] | None:
        """The user holding the live credential of ``kind`` with that hash, and its CSRF
        token (None: no such credential, or revoked, or expired)."""
        with self._reading() as conn:
            return user_sql.credential(conn, secret_hash, kind, _now())

    def revoke_credentials(self, *, user_id: int | None = None, kind: str | None = None,
                           secret_hash: str | None = None) -> int:  # fmt: skip
        """Revoke live credentials; returns how many."""
        with self._writing("revoke credentials") as conn:
            return user_sql.revoke(conn, _now(), user_id=user_id, kind=kind,
                                   secret_hash=secret_hash)  # fmt: skip

    # -- alerts ---------------------------------------------------------------------------
    @contextmanager
    def alerting(self, *, write: bool = True) -> Iterator[AlertTransaction]:
        """Alert rules, their state and their delivery log, read or written in one
        transaction (``khorasan.alerts`` decides what fires). ``write=False``: reads only,
        without the write lock (a read-only store can be read)."""

        def resolve(filters: dict[str, Any]) -> dict[str, Any]:
            return _event_selection(filters, None, None, None)[0]

        try:
            with self.engine.begin() as conn:
                if write:  # what it reads stays true until it writes
                    _begin_immediate(conn)
                yield AlertTransaction(conn, resolve)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot read or write alerts: "
                             f"{exc.__class__.__name__}") from exc  # fmt: skip


@contextmanager
def _document_errors(doc: Document) -> Iterator[None]:
    """What storing one document raises: the extractor's own exception as itself, a malformed
    record or a database error as a StoreError naming the document."""
    try:
        yield
    except _ExtractionFailed as failed:  # rolled back; the extractor's own exception
        cause = failed.__cause__
        assert cause is not None
        raise cause from None
    except (ValueError, TypeError) as exc:  # a malformed record: nothing of it is stored
        raise StoreError(doc.source, f"cannot store document: bad record: {exc}") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(doc.source, f"cannot store document: {exc.__class__.__name__}") from exc


class DocumentWriter:
    """Documents added one after another, several to a transaction: a commit costs about as
    much as storing a document (SQLite writes its pages and full-text segments once per
    commit), so one writer storing many documents commits them in groups.

    Each document goes in whole or not at all, as with :meth:`Store.add_document` (a
    savepoint per document: a failed one leaves the others of its group in place), and is
    stored only once :meth:`commit` returns: a crash or a failed commit loses the group since
    the last commit, which a caller reports only after committing (a rerun stores it again).
    The write lock is taken at the first document of a group and held until its commit:
    :meth:`due` says when a group reached ``max_documents`` or is ``max_seconds`` old, so
    that other writers (watchers, another ingest) wait at most about that long."""

    def __init__(self, store: Store, *, max_documents: int = 1, max_seconds: float = 0.0) -> None:
        self._store = store
        self.max_documents = max(1, max_documents)
        self.max_seconds = max_seconds
        self._conn: Connection | None = None
        self._trans: sa.engine.RootTransaction | None = None
        self._started = 0.0
        self._mark = store._wire_index.mark()
        self._lost: StoreError | None = None  # a group that failed to commit, not yet told
        self.pending = 0  # documents added since the last commit

    def add_document(
        self,
        doc: Document,
        extracted: Mapping[str, Any] | None = None,
        extractor_version: str = "",
        *,
        extract: Callable[[Document], Mapping[str, Any]] | None = None,
    ) -> AddResult:
        """:meth:`Store.add_document`, written in the open group (committed by :meth:`commit`);
        with ``max_documents=1``, that very call (committed at once)."""
        if self.max_documents == 1:
            return self._store.add_document(doc, extracted, extractor_version, extract=extract)
        with _document_errors(doc):
            try:
                result = self._add(doc, extracted, extractor_version, extract)
            except sa.exc.IntegrityError:
                # another writer stored this text in between (a lost race): commit the group
                # so far, and look it up again in a transaction of its own, as add_document
                try:
                    self.commit()
                except StoreError as exc:
                    self._lost = exc
                    raise
                result = self._add(doc, extracted, extractor_version, extract)
        self.pending += 1
        return result

    def _add(
        self, doc: Document, extracted: Mapping[str, Any] | None, extractor_version: str,
        extract: Callable[[Document], Mapping[str, Any]] | None,
    ) -> AddResult:  # fmt: skip
        conn = self._open()
        with conn.begin_nested():  # a failure undoes this document only
            return self._store._add_document(conn, doc, extracted, extractor_version, extract)

    def _open(self) -> Connection:
        if self._conn is None:
            conn = self._store.engine.connect()
            try:
                self._trans = conn.begin()
                _begin_write(conn, pg.DOCUMENT_LOCK)
            except BaseException:
                conn.close()
                self._trans = None
                raise
            self._conn = conn
            self._started = time.monotonic()
            self._mark = self._store._wire_index.mark()
        return self._conn

    def due(self) -> bool:
        """Whether the open group should be committed now (full, or holding the write lock
        long enough); True when nothing is open."""
        if self._conn is None:
            return True
        return (self.pending >= self.max_documents
                or time.monotonic() - self._started >= self.max_seconds)  # fmt: skip

    def commit(self) -> None:
        """Commit the open group (nothing open: nothing to do); a failure rolls it back and
        raises :class:`StoreError` (none of its documents is stored). A group that failed to
        commit inside :meth:`add_document` (a lost race commits the group first) raises here
        too, so that the caller, who reports at commits, learns it was lost."""
        lost, self._lost = self._lost, None
        if lost is not None:
            raise lost
        conn, trans = self._conn, self._trans
        if conn is None or trans is None:
            return
        self._conn = self._trans = None
        try:
            trans.commit()
        except sa.exc.SQLAlchemyError as exc:
            self._forget()
            reason = f"cannot store documents: {exc.__class__.__name__}"
            raise StoreError(self._store.url, reason) from exc
        finally:
            self.pending = 0
            conn.close()

    def rollback(self) -> None:
        """Drop the open group (nothing of it is stored)."""
        conn, trans = self._conn, self._trans
        if conn is None or trans is None:
            return
        self._conn = self._trans = None
        self.pending = 0
        self._forget()
        try:
            trans.rollback()
        finally:
            conn.close()

    def _forget(self) -> None:
        # the wire index read the group's own fingerprints; their row numbers are reused
        self._store._wire_index.reset(self._mark)


def _event_selection(
    filters: Mapping[str, Any], killed_min: int | None, killed_max: int | None,
    text: str | None,
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """The event filters checked and resolved, and the words of ``text``. Aliases and the
    hierarchy as every reader means them: ISKP is IS-K, "Islamic State" takes in its
    branches, "Kabul Province" is Kabul."""
    if killed_min is not None and killed_max is not None and killed_min > killed_max:
        raise FilterError("killed_min", f"{killed_min} is above killed_max {killed_max}")
    words = [w for w in (text or "").lower().split() if w]
    return resolve_filters(_check_filters(filters, EVENT_FILTERS)), words


def _check_filters(filters: Mapping[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """Filters with aliases resolved and empty values dropped; a bad date or an unknown name
    raises :class:`FilterError` naming it."""
    out: dict[str, Any] = {}
    for name, value in filters.items():
        key = _FILTER_ALIASES.get(name, name)
        if key not in known:
            raise FilterError(name, f"unknown filter; known: {', '.join(known)}")
        if value in (None, ""):
            continue
        if key == "review_status" and value not in REVIEW_STATUSES:
            raise FilterError(name, f"{value!r} is not one of {', '.join(REVIEW_STATUSES)}")
        if key in ("date_from", "date_to"):
            value = str(value)
            if not _ISO_PREFIX.match(value):
                raise FilterError(name, f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        out[key] = value
    start, end = out.get("date_from"), out.get("date_to")
    if start and end and start[: len(end)] > end:
        raise FilterError("date_from", f"{start} is after {end}")
    return out


def _must_exist(url: str) -> None:
    """Refuse a SQLite path that does not exist (say so instead of creating an empty one)."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path_part = url[len("sqlite:///") :]
        if path_part.startswith("file:"):  # a SQLite URI (``?mode=ro&uri=true``)
            path_part = path_part[len("file:") :].split("?", 1)[0]
        path = Path(path_part)
        if not path.exists():
            raise StoreError(str(path), "no such database (ingest creates one)")


# built once (storing a document ran them each time, and building cost more than running)
_INSERT_DOCUMENT = documents.insert()
_INSERT_APPEARANCE = appearances.insert()


def _appearance(doc: Document, doc_id: str, relation: str) -> dict[str, Any]:
    return {
        "document_id": doc_id,
        "source": doc.source,
        "name": doc.name,
        "url": doc.url,
        "outlet": doc.outlet,
        "published": doc.published,
        "title": doc.title,
        "relation": relation,
        "ingested_at": _now(),
    }


def _begin_write(conn: Connection, *pg_locks: int) -> None:
    """Start a write transaction that holds the writer's lock from its first read, so that
    what it reads cannot change before it writes. SQLite: BEGIN IMMEDIATE (a deferred
    transaction that reads, then writes after another writer committed fails with
    SQLITE_BUSY under WAL); PostgreSQL: the advisory locks ``pg_locks``, in that order
    (every writer takes them in the order of ``pg``'s keys, so none waits on another in a
    circle)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        for key in pg_locks:
            pg.lock(conn, key)


def _begin_immediate(conn: Connection) -> None:
    """Start a SQLite write transaction (review, alerts, users) with the write lock taken up
    front, as :func:`_begin_write` does, waiting out another writer (the busy timeout):
    without it a transaction that reads first runs its reads outside the transaction, and
    what it read may have changed when it writes. PostgreSQL: nothing (row locks and unique
    keys keep these writes apart; no advisory lock)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # first: the journal mode switch and every write wait for another writer's lock
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the single writer
    # in WAL mode a commit need not wait for the disk: a killed process loses nothing
    # committed, and a power cut at worst the last commits, never consistency
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
