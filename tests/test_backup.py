"""``backup`` and ``restore``: a round trip gives back every row (documents, mentions, events,
review actions), on SQLite, and on PostgreSQL when ``KHORASAN_TEST_PG_URL`` names a server
(a new empty database on it per test); refusals are one error line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import empty_pg_database

from khorasan import review
from khorasan.cli import cli
from khorasan.errors import BackupError
from khorasan.store import Store, backup_store, restore_store
from khorasan.store.backup import find_pg_tool
from khorasan.store.schema import metadata

REPORTS = {
    "a.txt": ("A suicide bomber killed 14 people at a mosque in Kunduz on Friday, 8 October "
              "2021. The Islamic State Khorasan Province claimed responsibility."),
    "b.txt": ("Gunmen killed four guards at a checkpoint in Herat province on 3 May 2022, "
              "police said. No group claimed the attack."),
}  # fmt: skip


def _rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the schema, in a stable order."""
    out = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _ingest(db: str, folder: Path, names: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        (folder / name).write_text(REPORTS[name], encoding="utf-8")
        paths.append(str(folder / name))
    result = CliRunner().invoke(cli, ["ingest", *paths, "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output


def _review(store: Store) -> None:
    event = store.events()[0]
    review.confirm(store, event.id, user="analyst", reason="seen")


def _empty_pg(request: pytest.FixtureRequest) -> str:
    try:
        find_pg_tool("pg_dump")
    except BackupError:
        pytest.skip("no pg_dump")
    return empty_pg_database(request)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "k.db")
    return _empty_pg(request)


def test_backup_restore_round_trip_is_equal(db: str, tmp_path: Path) -> None:
    _ingest(db, tmp_path / "in", ["a.txt"])
    with Store(db, create=False) as store:
        _review(store)
        before = _rows(store)
    assert before["documents"] and before["incident_mentions"] and before["events"]
    assert before["review_actions"]
    snap = tmp_path / "snap.bak"
    result = CliRunner().invoke(cli, ["backup", str(snap), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("backed up 1 documents")

    _ingest(db, tmp_path / "in", ["b.txt"])  # the store moves on after the backup
    refused = CliRunner().invoke(cli, ["restore", str(snap), "--db", db])
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert "Traceback" not in refused.output
    result = CliRunner().invoke(cli, ["restore", str(snap), "--db", db, "--force"])
    assert result.exit_code == 0, result.output
    with Store(db, create=False) as store:
        assert _rows(store) == before


def test_restore_into_a_new_sqlite_store(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    _ingest(db, tmp_path / "in", ["a.txt", "b.txt"])
    with Store(db, create=False) as store:
        _review(store)
        before = _rows(store)
        backup_store(store, tmp_path / "snap.db")
    # the copy is one file, readable alone
    assert not (tmp_path / "snap.db-wal").exists()
    conn = sqlite3.connect(tmp_path / "snap.db")
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone() == (2,)
    conn.close()
    fresh = str(tmp_path / "new" / "k2.db")
    (tmp_path / "new").mkdir()
    result = CliRunner().invoke(cli, ["restore", str(tmp_path / "snap.db"), "--db", fresh])
    assert result.exit_code == 0, result.output
    with Store(fresh, create=False) as store:
        assert _rows(store) == before
        again = json.loads(CliRunner().invoke(cli, ["docs", "--db", fresh, "--json"]).output)
        assert len(again["documents"]) == 2


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    """The snapshot is one committed state even with a write transaction open elsewhere."""
    db = str(tmp_path / "k.db")
    _ingest(db, tmp_path / "in", ["a.txt"])
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE documents SET title = 'changed, not committed'")
    try:
        with Store(db, create=False) as store:
            backup_store(store, tmp_path / "snap.db")
    finally:
        writer.rollback()
        writer.close()
    conn = sqlite3.connect(tmp_path / "snap.db")
    titles = [r[0] for r in conn.execute("SELECT title FROM documents")]
    conn.close()
    assert titles and "changed, not committed" not in titles


def _one_error(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_backup_and_restore_refusals_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    _ingest(db, tmp_path / "in", ["a.txt"])
    snap = tmp_path / "snap.db"
    assert CliRunner().invoke(cli, ["backup", str(snap), "--db", db]).exit_code == 0
    assert "already exists" in _one_error(["backup", str(snap), "--db", db])
    assert CliRunner().invoke(cli, ["backup", str(snap), "--db", db, "--force"]).exit_code == 0
    assert "no such directory" in _one_error(["backup", str(tmp_path / "x" / "s.db"), "--db", db])
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"hello, not a backup")
    assert "not a Khorasan backup" in _one_error(
        ["restore", str(junk), "--db", str(tmp_path / "n.db")]
    )
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert "not a Khorasan store" in _one_error(
        ["restore", str(other), "--db", str(tmp_path / "n2.db")]
    )
    assert "no such file" in _one_error(
        ["restore", str(tmp_path / "none.db"), "--db", str(tmp_path / "n3.db")]
    )
    pg_dump_file = tmp_path / "pg.dump"
    pg_dump_file.write_bytes(b"PGDMP\x01\x0e\x00")
    assert "cannot be restored into a sqlite store" in _one_error(
        ["restore", str(pg_dump_file), "--db", str(tmp_path / "n4.db")]
    )
    with Store(db, create=False) as store, pytest.raises(BackupError, match="not empty"):
        restore_store(store, snap)


def test_missing_pg_tools_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import khorasan.store.backup as backup

    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(backup, "_PG_BIN_GLOB", "/nonexistent/*/bin")
    with pytest.raises(BackupError, match="pg_dump: not found on PATH"):
        backup.find_pg_tool("pg_dump")
