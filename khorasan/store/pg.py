"""What PostgreSQL needs that SQLite does not: text without NUL characters, and one migrating
process at a time. Everything else the store writes is portable SQLAlchemy."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# Any constant: the key of the advisory lock every store takes while it migrates
MIGRATION_LOCK_KEY = 0x6B686F72  # "khor"


def _nul_safe_dumper(base: type) -> type:
    class NulSafe(base):  # type: ignore[valid-type,misc]
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


def lock_migrations(conn: Connection) -> None:
    """Take the migration lock until the transaction of ``conn`` ends: two processes opening a
    new database at once would otherwise both create its tables, and one would fail."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
