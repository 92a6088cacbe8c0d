"""Migrations on SQLite and PostgreSQL: up to the head, down to nothing and up again, and the
migrated schema is the model's (khorasan/store/schema.py): tables, columns, types, indexes,
unique and foreign keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from conftest import empty_pg_database

from khorasan.store import resolve_db_url
from khorasan.store.db import MIGRATIONS_DIR
from khorasan.store.schema import metadata


def _outside_the_model(obj: Any, name: str | None, kind: str, reflected: bool,
                       _compare_to: Any) -> bool:  # fmt: skip
    """False for the full-text search structures, which migration 0011 makes in each
    database's own dialect (SQLite FTS5 tables, PostgreSQL GIN expression indexes) and the
    model does not describe."""
    if kind == "table" and reflected and (name or "").startswith("search_"):
        return False
    return not (kind == "index" and reflected and (name or "").endswith("_search"))


def _index_key(index: sa.Index) -> tuple[str | None, tuple[str, ...]]:
    """An index by name and column names, its sort order left out: the model says
    ``date DESC``, and SQLite's reflection gives a descending column as the plain column."""
    names = []
    for expression in index.expressions:
        text = str(expression).split(".")[-1]
        names.append(text.replace(" NULLS LAST", "").removesuffix(" DESC").strip())
    return index.name, tuple(names)


def _differences(engine: sa.engine.Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": _outside_the_model})  # fmt: skip
        found = compare_metadata(context, metadata)
    # an index dropped and added again that differs only in its sort order is the same index
    removed = {_index_key(d[1]) for d in found if isinstance(d, tuple) and d[0] == "remove_index"}
    added = {_index_key(d[1]) for d in found if isinstance(d, tuple) and d[0] == "add_index"}
    same = removed & added
    return [d for d in found if not (isinstance(d, tuple) and d[0] in ("remove_index",
            "add_index") and _index_key(d[1]) in same)]  # fmt: skip


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A database with no table at all (not even Alembic's)."""
    if backend == "sqlite":
        return resolve_db_url(str(tmp_path / "m.db"))
    return empty_pg_database(request)


def test_migrations_up_down_and_up_again_give_the_models_schema(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def run(step: Any, revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    try:
        run(command.upgrade, "heads")
        assert _differences(engine) == []
        run(command.downgrade, "base")
        inspector = sa.inspect(engine)  # nothing left behind: tables, views, full-text tables
        assert set(inspector.get_table_names()) <= {"alembic_version"}
        assert not inspector.get_view_names()
        with engine.connect() as conn:
            assert not MigrationContext.configure(conn).get_current_heads()
        run(command.upgrade, "heads")
        assert _differences(engine) == []
    finally:
        engine.dispose()
