"""Database errors at open: an unsupported URL, a store that cannot be written, a missing folder:
each is one error line before any work, never a traceback. And Alembic from the checkout:
one head, the shipped ``alembic.ini`` upgrades to head and downgrades to base."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from conftest import empty_pg_database

from khorasan.cli import cli
from khorasan.errors import StoreError
from khorasan.store import Store, resolve_db_url

ROOT = Path(__file__).resolve().parents[1]
REPORT = ("Gunmen killed four guards at a checkpoint in Herat province on Sunday, a police "
          "spokesman said.\n")  # fmt: skip


def _one_error_line(result: object) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    return lines[0]


@pytest.fixture
def report(tmp_path: Path) -> str:
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "url", ["mysql://analyst:s3cret@db.example/k", "oracle+cx://db/k", "foo://x"]
)
def test_unsupported_database_url_is_one_line(report: str, url: str) -> None:
    line = _one_error_line(CliRunner().invoke(cli, ["ingest", report, "--db", url]))
    assert "unsupported database URL scheme" in line and "s3cret" not in line
    with pytest.raises(StoreError):
        resolve_db_url(url)


def test_read_only_store_is_one_line_before_any_work(tmp_path: Path, report: str) -> None:
    path = tmp_path / "k.db"
    first = CliRunner().invoke(cli, ["ingest", report, "--db", str(path), "--quiet"])
    assert first.exit_code == 0, first.output
    other = tmp_path / "other.txt"
    other.write_text(REPORT.replace("four", "nine"), encoding="utf-8")
    # A read-only SQLite URI: refused by SQLite itself, so it holds when tests run as root.
    ro = f"sqlite:///file:{path}?mode=ro&uri=true"
    line = _one_error_line(CliRunner().invoke(cli, ["ingest", str(other), "--db", ro]))
    assert line.startswith(f"Error: {ro}: cannot write to the database")
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM documents").fetchone() == (1,)
    # reading commands still work on it
    docs = CliRunner().invoke(cli, ["docs", "--db", ro, "--json"])
    assert docs.exit_code == 0, docs.output
    with Store(ro, create=False) as store, pytest.raises(StoreError, match="cannot write"):
        store.check_writable()


def test_store_in_a_missing_folder_is_one_line(tmp_path: Path, report: str) -> None:
    path = tmp_path / "no" / "such" / "k.db"
    line = _one_error_line(CliRunner().invoke(cli, ["ingest", report, "--db", str(path)]))
    assert "cannot open database" in line and not path.parent.exists()


# ----------------------------------------------------------------------------- alembic
def _config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def test_alembic_has_one_head() -> None:
    script = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))
    assert len(script.get_heads()) == 1, script.get_heads()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(resolve_db_url(url))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _sqlite_or_pg(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'a.db'}"
    return empty_pg_database(request)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return _sqlite_or_pg(request, tmp_path)


def test_alembic_ini_upgrades_to_head_and_downgrades_to_base(empty_url: str) -> None:
    config = _config(empty_url)
    command.upgrade(config, "head")
    assert {"documents", "events", "review_actions", "alembic_version"} <= _tables(empty_url)
    with Store(empty_url) as store:  # the Store finds it current and can use it
        assert store.count("documents") == 0
    command.downgrade(config, "base")
    assert _tables(empty_url) <= {"alembic_version"}


def test_alembic_ini_takes_the_database_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("KHORASAN_DB", str(path))
    command.upgrade(Config(str(ROOT / "alembic.ini")), "head")
    assert "documents" in _tables(str(path))
