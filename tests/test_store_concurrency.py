"""Two ingesters writing one PostgreSQL database at once, on overlapping folders, store what
one ingester storing the folders one after the other stores: no document, appearance, mention
or event lost or doubled (real processes running ``khorasan ingest`` on a new database, so
their migrations race too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from conftest import PgServer

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


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders sharing the middle third of the examples (copies: each at its own path)."""
    stems = sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    third = len(stems) // 3
    parts = {"a": stems[: 2 * third], "b": stems[third:]}
    for name, chosen in parts.items():
        (tmp_path / name).mkdir()
        for stem in chosen:
            for path in EXAMPLES.glob(f"{stem}.*"):
                shutil.copy(path, tmp_path / name / path.name)
    return tmp_path / "a", tmp_path / "b"


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
    engine = sa.create_engine(url)
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


def test_two_ingesters_at_once_store_what_one_after_the_other_does(
    pg_server: PgServer, tmp_path: Path
) -> None:
    first, second = _folders(tmp_path)
    serial = pg_server.create(template="template0")
    together = pg_server.create(template="template0")
    try:
        for folder in (first, second):
            _finished(_ingest(serial, folder))
        running = [_ingest(together, folder) for folder in (first, second)]
        for proc in running:
            _finished(proc)
        expected = _snapshot(serial)
        assert expected["documents"] and expected["events"] and expected["event members"]
        assert set(expected["one original each"]) == {1}
        got = _snapshot(together)
        for name, rows in expected.items():
            assert got[name] == rows, name
    finally:
        pg_server.drop(serial)
        pg_server.drop(together)
