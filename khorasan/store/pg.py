"""What PostgreSQL needs that SQLite does not: text without NUL characters, and the writes
that SQLite's single writer lock keeps apart (migrations, the wire-copy check and insert of a
document, a fusion run) kept apart by advisory locks. Everything else is portable SQLAlchemy."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# Advisory lock keys (any constants, distinct): held until the transaction ends
MIGRATION_LOCK = 0x6B686F72  # "khor"
DOCUMENT_LOCK = MIGRATION_LOCK + 1
FUSION_LOCK = MIGRATION_LOCK + 2


def _nul_safe_dumper(base: type) -> type:
    class NulSafe(base):
        """PostgreSQL text cannot hold NUL: it becomes U+FFFD, one character for one, so
        every character offset (the spans of extracted records) still holds."""

        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\ufffd") if "\x00" in obj else obj)

    NulSafe.__name__ = NulSafe.__qualname__ = f"NulSafe{base.__name__}"
    return NulSafe


def _register_nul_safe_text(dbapi_conn: Any, _record: Any) -> None:
    from psycopg.types.string import StrBinaryDumper, StrDumper, StrDumperUnknown

    # The last dumper registered for a format is the default: the package's own order
    for base in (StrBinaryDumper, StrDumper, StrDumperUnknown):
        dbapi_conn.adapters.register_dumper(str, _nul_safe_dumper(base))


def configure(engine: Engine) -> None:
    """Connection set-up for a PostgreSQL engine (psycopg 3)."""
    if engine.dialect.driver == "psycopg":
        sa.event.listen(engine, "connect", _register_nul_safe_text)


def lock(conn: Connection, key: int) -> None:
    """Wait for the advisory lock ``key`` and hold it until the transaction of ``conn`` ends.

    MIGRATION_LOCK: two processes opening a new database at once would otherwise both create
    its tables. DOCUMENT_LOCK: two writers would both miss a text the other is storing (and
    one fail on its key) or each miss the other's wire copy. FUSION_LOCK: two fusion runs
    would each put the same new mentions in events of their own. A fusion takes FUSION_LOCK,
    then DOCUMENT_LOCK (never the other way round): a document write committed in the middle
    of it (a re-extraction deleting the mentions it links) made it fail, where SQLite's one
    write lock keeps them apart. Fusions queue on FUSION_LOCK without holding up documents."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
