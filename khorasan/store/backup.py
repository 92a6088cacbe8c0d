"""Backup and restore of a whole store: a consistent snapshot taken while others may write.

SQLite: the sqlite3 online backup API on the raw DBAPI connection (a page-by-page copy that
restarts when a writer changes the source, so the copy is one committed state). PostgreSQL:
``pg_dump --format=custom`` and ``pg_restore``, found on ``PATH`` or under
``/usr/lib/postgresql/*/bin``. A backup is written next to its name and renamed into place, so
a failed one leaves no half file. Restore refuses a store that holds anything unless forced.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from khorasan.errors import BackupError
from khorasan.store.db import Store
from khorasan.store.schema import metadata

__all__ = ["BackupResult", "backup_store", "find_pg_tool", "restore_store", "store_is_empty"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"
_PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_PAGES_PER_STEP = 1024  # the backup API copies in steps, letting writers in between


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What a backup or restore did: the file, its size, the store kind, documents in it."""

    path: str
    bytes: int
    kind: str  # sqlite or postgresql
    documents: int


def find_pg_tool(name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore``: on PATH, else the newest server install."""
    found = shutil.which(name)
    if found:
        return found

    def version(folder: str) -> tuple[int, ...]:
        part = Path(folder).parent.name
        return tuple(int(p) for p in part.split(".") if p.isdigit()) or (0,)

    for folder in sorted(glob.glob(_PG_BIN_GLOB), key=version, reverse=True):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        name, f"not found on PATH or in {_PG_BIN_GLOB}: install the PostgreSQL client tools"
    )


def _libpq_url(store: Store) -> str:
    """The store's URL as libpq reads it (no SQLAlchemy driver suffix, password kept)."""
    url = store.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_connection(store: Store) -> tuple[Any, sqlite3.Connection]:
    raw = store.engine.raw_connection()
    conn = raw.driver_connection
    if not isinstance(conn, sqlite3.Connection):  # pragma: no cover - another SQLite driver
        raw.close()
        raise BackupError(store.url, "the SQLite driver is not the standard sqlite3 module")
    return raw, conn


def _kind(store: Store) -> str:
    name = store.engine.dialect.name
    if name not in ("sqlite", "postgresql"):  # pragma: no cover - refused when opened
        raise BackupError(store.url, f"cannot back up a {name} database")
    return name


def store_is_empty(store: Store) -> bool:
    """True when no table of the store's schema holds a row."""
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                return False
    return True


def _documents(store: Store) -> int:
    return store.count("documents")


def backup_store(store: Store, dest: Path, *, force: bool = False) -> BackupResult:
    """Write a consistent snapshot of ``store`` to ``dest`` (refused when it exists unless
    ``force``)."""
    kind = _kind(store)
    if dest.exists() and not force:
        raise BackupError(str(dest), "already exists (use --force to replace it)")
    if dest.is_dir():
        raise BackupError(str(dest), "is a directory")
    if not dest.parent.is_dir():
        raise BackupError(str(dest), "no such directory")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    try:
        if kind == "sqlite":
            _sqlite_backup(store, partial)
        else:
            _run(
                [find_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}", f"--dbname={_libpq_url(store)}"],
                subject=str(dest),
            )  # fmt: skip
        os.replace(partial, dest)
    except OSError as exc:
        raise BackupError(str(dest), f"cannot write: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(str(dest), dest.stat().st_size, kind, _documents(store))


def _sqlite_backup(store: Store, dest: Path) -> None:
    raw, source = _sqlite_connection(store)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target, pages=_PAGES_PER_STEP)
            # one file, readable alone: no WAL left beside it
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(str(dest), f"SQLite backup failed: {exc}") from exc
    finally:
        raw.close()


def _run(args: list[str], subject: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(args[0], f"cannot run: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or "").splitlines() if ln.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError(subject, f"{Path(args[0]).name} failed: {reason}")


def _file_kind(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise BackupError(str(path), "no such file") from exc
    except OSError as exc:
        raise BackupError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_PG_MAGIC):
        return "postgresql"
    raise BackupError(str(path), "not a Khorasan backup (neither a SQLite file nor a pg_dump)")


def restore_store(store: Store, source: Path, *, force: bool = False) -> BackupResult:
    """Replace the contents of ``store`` with the backup in ``source``. Refused when the store
    holds anything, unless ``force``; a backup of the other database kind is refused."""
    kind = _kind(store)
    file_kind = _file_kind(source)
    if file_kind != kind:
        raise BackupError(
            str(source), f"a {file_kind} backup cannot be restored into a {kind} store"
        )
    if not force and not store_is_empty(store):
        raise BackupError(store.url, "the store is not empty (use --force to replace it)")
    if kind == "sqlite":
        _sqlite_restore(store, source)
    else:
        _run(
            [find_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
             "--no-privileges", "--single-transaction", "--exit-on-error",
             f"--dbname={_libpq_url(store)}", str(source)],
            subject=str(source),
        )  # fmt: skip
    store.engine.dispose()  # pooled connections may hold the old schema
    return BackupResult(str(source), source.stat().st_size, kind, _documents(store))


def _sqlite_restore(store: Store, source: Path) -> None:
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(str(source), f"cannot open: {exc}") from exc
    try:
        try:
            tables = {r[0] for r in backup.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(str(source), f"not a readable SQLite file: {exc}") from exc
        if not {"alembic_version", "documents"} <= tables:
            raise BackupError(str(source), "a SQLite file, but not a Khorasan store")
        store.engine.dispose()
        raw, target = _sqlite_connection(store)
        try:
            backup.backup(target, pages=_PAGES_PER_STEP)
        except sqlite3.Error as exc:
            raise BackupError(store.url, f"SQLite restore failed: {exc}") from exc
        finally:
            raw.close()
    finally:
        backup.close()
