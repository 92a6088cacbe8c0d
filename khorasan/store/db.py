"""The store: one database (SQLite file by default, PostgreSQL by URL), migrated on open.

Writes are transactional per document: a document, its appearance and its extracted records
go in together or not at all, so an interrupted run leaves no half-written document.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from khorasan.errors import StoreError
from khorasan.model import Document
from khorasan.store.schema import appearances, documents, incident_mentions

__all__ = ["AddResult", "Store", "resolve_db_url", "DEFAULT_DB", "INCIDENT_COLUMNS"]

DEFAULT_DB = "khorasan.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Incident fields copied into their own columns (for filtering); the full record stays in JSON.
INCIDENT_COLUMNS = (
    "date", "date_precision", "country", "admin1", "admin2", "place", "latitude", "longitude",
    "geo_precision", "perpetrator", "attribution", "attack_type", "suicide", "target_type",
    "target", "killed", "killed_qualifier", "wounded", "wounded_qualifier", "claimed_killed",
    "claimed_wounded",
)  # fmt: skip


def resolve_db_url(value: str | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, ``KHORASAN_DB`` or the default file.

    A value with ``://`` is a URL (``sqlite:///x.db``, ``postgresql://...``); anything else is a
    file path for SQLite.
    """
    value = value or os.environ.get("KHORASAN_DB") or DEFAULT_DB
    if "://" in value:
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class Store:
    """Documents and extracted records in one database."""

    def __init__(
        self, url: str | None = None, *, wire_copy_max_distance: int | None = None
    ) -> None:
        self.url = resolve_db_url(url)
        if wire_copy_max_distance is None:
            from khorasan.ingest.fingerprint import WIRE_COPY_MAX_DISTANCE

            wire_copy_max_distance = WIRE_COPY_MAX_DISTANCE
        self.wire_copy_max_distance = wire_copy_max_distance
        try:
            self.engine: Engine = sa.create_engine(self.url, future=True)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self._migrate()
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                self.url,
                f"cannot open database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
            ) from exc
        self._simhashes: list[tuple[int, str]] | None = None

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")  # independent branches (events, records) off 0002

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents ------------------------------------------------------------------------
    def _wire_index(self, conn: Connection) -> list[tuple[int, str]]:
        if self._simhashes is None:
            rows = conn.execute(sa.select(documents.c.simhash, documents.c.wire_story_id))
            self._simhashes = [(int(h, 16), w) for h, w in rows]
        return self._simhashes

    def add_document(
        self,
        doc: Document,
        incidents: Sequence[Mapping[str, Any]] | None = None,
        extractor_version: str = "",
    ) -> AddResult:
        """Store ``doc`` (and its incident mentions) in one transaction.

        An exact duplicate (same normalised text) becomes another appearance of the stored
        document; a near duplicate is stored with the wire story id of the copy it matches.
        Re-adding the same document from the same source changes nothing.
        """
        try:
            with self.engine.begin() as conn:
                return self._add_document(conn, doc, incidents, extractor_version)
        except sa.exc.SQLAlchemyError as exc:
            self._simhashes = None  # the transaction rolled back: rebuild the index lazily
            raise StoreError(
                doc.source, f"cannot store document: {exc.__class__.__name__}"
            ) from exc

    def _add_document(
        self,
        conn: Connection,
        doc: Document,
        incidents: Sequence[Mapping[str, Any]] | None,
        extractor_version: str,
    ) -> AddResult:
        existing = conn.execute(
            sa.select(documents.c.id, documents.c.wire_story_id).where(
                documents.c.content_hash == doc.content_hash
            )
        ).first()
        if existing is not None:
            doc_id, wire_id = existing
            seen = conn.execute(
                sa.select(appearances.c.id).where(
                    appearances.c.document_id == doc_id, appearances.c.source == doc.source
                )
            ).first()
            if seen is not None:
                return AddResult("already", doc_id, wire_id)
            conn.execute(appearances.insert().values(**_appearance(doc, doc_id, "duplicate")))
            return AddResult("duplicate", doc_id, wire_id)

        index = self._wire_index(conn)
        wire_id = doc.id
        for other_hash, other_wire in index:
            if _hamming(other_hash, doc.simhash) <= self.wire_copy_max_distance:
                wire_id = other_wire
                break
        conn.execute(
            documents.insert().values(
                id=doc.id,
                content_hash=doc.content_hash,
                simhash=f"{doc.simhash:016x}",
                wire_story_id=wire_id,
                name=doc.name,
                source=doc.source,
                title=doc.title,
                published=doc.published,
                outlet=doc.outlet,
                url=doc.url,
                text=doc.text,
                n_chars=len(doc.text),
                ingested_at=_now(),
            )
        )
        conn.execute(appearances.insert().values(**_appearance(doc, doc.id, "original")))
        if incidents is not None:
            self._write_incidents(conn, doc.id, incidents, extractor_version)
        index.append((doc.simhash, wire_id))
        return AddResult("new" if wire_id == doc.id else "wire_copy", doc.id, wire_id)

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
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document by id or unambiguous id prefix, with its appearances."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(documents).where(documents.c.id.like(doc_id.replace("%", "") + "%"))
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

    def iter_documents(self) -> Iterable[dict[str, Any]]:
        with self.engine.connect() as conn:
            for r in conn.execute(sa.select(documents).order_by(documents.c.id)):
                yield dict(r._mapping)

    def count(self, table: str) -> int:
        tables = {"documents": documents, "appearances": appearances,
                  "incident_mentions": incident_mentions}  # fmt: skip
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(tables[table])).scalar())

    # -- incident mentions ----------------------------------------------------------------
    def _write_incidents(
        self,
        conn: Connection,
        doc_id: str,
        incidents: Sequence[Mapping[str, Any]],
        extractor_version: str,
    ) -> None:
        conn.execute(incident_mentions.delete().where(incident_mentions.c.document_id == doc_id))
        rows = [
            _incident_row(doc_id, seq, rec, extractor_version) for seq, rec in enumerate(incidents)
        ]
        if rows:
            conn.execute(incident_mentions.insert(), rows)

    def replace_incidents(
        self, doc_id: str, incidents: Sequence[Mapping[str, Any]], extractor_version: str
    ) -> None:
        """Replace the machine-extracted incident mentions of one document."""
        with self.engine.begin() as conn:
            self._write_incidents(conn, doc_id, incidents, extractor_version)

    def incidents(self, **filters: Any) -> list[dict[str, Any]]:
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
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


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


def _figure(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, Mapping) and value.get("value") is not None:
        return int(value["value"]), value.get("qualifier")
    return None, None


def _incident_row(doc_id: str, seq: int, rec: Mapping[str, Any], version: str) -> dict[str, Any]:
    killed, killed_q = _figure(rec.get("killed"))
    wounded, wounded_q = _figure(rec.get("wounded"))
    span = rec.get("span") or [0, 0]
    coords = rec.get("coordinates") or {}
    return {
        "document_id": doc_id,
        "seq": seq,
        "extractor_version": version,
        "date": rec.get("date"),
        "date_precision": rec.get("date_precision"),
        "country": rec.get("country"),
        "admin1": rec.get("admin1"),
        "admin2": rec.get("admin2"),
        "place": rec.get("place"),
        "latitude": coords.get("lat"),
        "longitude": coords.get("lon"),
        "geo_precision": rec.get("place_precision"),
        "perpetrator": rec.get("perpetrator"),
        "attribution": rec.get("attribution"),
        "attack_type": rec.get("attack_type"),
        "suicide": rec.get("suicide"),
        "target_type": rec.get("target_type"),
        "target": rec.get("target"),
        "killed": killed,
        "killed_qualifier": killed_q,
        "wounded": wounded,
        "wounded_qualifier": wounded_q,
        "claimed_killed": _figure(rec.get("claimed_killed"))[0],
        "claimed_wounded": _figure(rec.get("claimed_wounded"))[0],
        "evidence": rec.get("evidence") or "",
        "span_start": int(span[0]),
        "span_end": int(span[1]),
        "confidence": float(rec.get("confidence") or 0.0),
        "record": dict(rec),
    }


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the single writer
    cur.close()
