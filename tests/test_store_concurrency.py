"""Two or three ingesters writing one database at once (SQLite and PostgreSQL), on overlapping
folders, store what one ingester storing the folders one after the other stores: no error, no
document, appearance, mention or event lost or doubled, the same wire stories (real processes
running ``khorasan ingest`` on a new database, so their migrations race too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import PgServer

from khorasan.ingest import document_from_text
from khorasan.store import Store, resolve_db_url
from khorasan.store.schema import (
    appearances,
    documents,
    event_mentions,
    events,
    incident_mentions,
    record_mentions,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _folders(tmp_path: Path, n: int = 2) -> list[Path]:
    """``n`` folders, each sharing half its examples with the next (copies: each at its own
    path)."""
    stems = sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    step = len(stems) // (n + 1)
    folders = []
    for i in range(n):
        folder = tmp_path / f"part{i}"
        folder.mkdir()
        chosen = stems[i * step : (i + 2) * step] if i < n - 1 else stems[i * step :]
        for stem in chosen:
            for path in EXAMPLES.glob(f"{stem}.*"):
                shutil.copy(path, folder / path.name)
        folders.append(folder)
    return folders


def _ingest(url: str, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "khorasan", "ingest", str(folder), "--db",
                             url, "--quiet"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip


def _finished(proc: subprocess.Popen[bytes]) -> None:
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output.decode(errors="replace")


def _rows(conn: sa.Connection, table: sa.Table, *skip: str) -> list[tuple[Any, ...]]:
    """Every row without the columns that name a run (ids it drew, times, who came first)."""
    columns = [c for c in table.c if c.name not in skip and not c.name.endswith("_at")]
    return sorted(tuple(map(repr, r)) for r in conn.execute(sa.select(*columns)))


def _snapshot(url: str) -> dict[str, Any]:
    engine = sa.create_engine(resolve_db_url(url))
    try:
        with engine.connect() as conn:
            members = conn.execute(
                sa.select(event_mentions.c.event_id, incident_mentions.c.document_id,
                          incident_mentions.c.seq)
                .join(incident_mentions, incident_mentions.c.id == event_mentions.c.mention_id)
            ).all()  # fmt: skip
            originals = conn.execute(
                sa.select(appearances.c.document_id, sa.func.count())
                .where(appearances.c.relation == "original")
                .group_by(appearances.c.document_id)
            ).all()  # fmt: skip
            return {
                "documents": _rows(conn, documents, "source"),  # the path that came first
                "appearances": _rows(conn, appearances, "id", "relation"),
                "one original each": sorted(n for _, n in originals),
                "incident mentions": _rows(conn, incident_mentions, "id"),
                "record mentions": _rows(conn, record_mentions, "id"),
                "events": _rows(conn, events, "detail"),
                "event members": sorted(members),
            }
    finally:
        engine.dispose()


def _compare(serial: str, together: str, folders: list[Path]) -> None:
    for folder in folders:
        _finished(_ingest(serial, folder))
    running = [_ingest(together, folder) for folder in folders]
    for proc in running:
        _finished(proc)
    expected = _snapshot(serial)
    assert expected["documents"] and expected["events"] and expected["event members"]
    assert set(expected["one original each"]) == {1}
    got = _snapshot(together)
    for name, rows in expected.items():
        assert got[name] == rows, name


def test_two_ingesters_at_once_store_what_one_after_the_other_does(
    pg_server: PgServer, tmp_path: Path
) -> None:
    serial = pg_server.create(template="template0")
    together = pg_server.create(template="template0")  # not migrated: the ingesters race
    try:
        _compare(serial, together, _folders(tmp_path))
    finally:
        pg_server.drop(serial)
        pg_server.drop(together)


@pytest.mark.slow
def test_three_ingesters_at_once_store_what_one_after_the_other_does(
    pg_server: PgServer, tmp_path: Path
) -> None:
    serial = pg_server.create(template="template0")
    together = pg_server.create(template="template0")
    try:
        _compare(serial, together, _folders(tmp_path, 3))
    finally:
        pg_server.drop(serial)
        pg_server.drop(together)


@pytest.mark.parametrize("n", [2, 3])
def test_ingesters_at_once_on_a_new_sqlite_file_store_what_one_after_the_other_does(
    tmp_path: Path, n: int
) -> None:
    _compare(str(tmp_path / "serial.db"), str(tmp_path / "together.db"), _folders(tmp_path, n))


_OPEN = "import sys; from khorasan.store import Store; Store(sys.argv[1]).close()"


def test_processes_opening_a_new_sqlite_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    """Three processes creating one new database at once: one migrates, the others wait and
    find it done (no "table documents already exists")."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}  # fmt: skip
    for round_ in range(3):
        path = tmp_path / f"new{round_}.db"
        procs = [subprocess.Popen([sys.executable, "-c", _OPEN, str(path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(3)]  # fmt: skip
        for proc in procs:
            _finished(proc)
        engine = sa.create_engine(resolve_db_url(str(path)))
        try:
            with engine.connect() as conn:
                versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            assert len(versions) == 1
        finally:
            engine.dispose()


@pytest.mark.parametrize("source", ["first.txt", "second.txt"])
def test_an_insert_that_lost_a_race_is_already_stored_not_a_failure(
    store_url: str, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """Another writer stored the text between this writer's look-up and its insert: the
    unique key refuses the insert, and the document is looked up again (``already`` from the
    same source, ``duplicate`` from another), not reported as a failure."""
    text = "A bomb killed four people at a market in an invented town on 2 May 2021."
    with Store(store_url) as other, Store(store_url) as store:
        other.add_document(document_from_text(text, name="first", source="first.txt"))
        original = Store._add_document
        calls = []

        def lost_race(self: Store, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:  # as the insert fails when another writer's came first
                raise sa.exc.IntegrityError("INSERT INTO documents", {}, Exception("unique"))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Store, "_add_document", lost_race)
        result = store.add_document(document_from_text(text, name="x", source=source))
        assert len(calls) == 2
        assert result.status == ("already" if source == "first.txt" else "duplicate")
        assert store.count("documents") == 1
