"""Alembic environment: runs on the connection the Store hands over, or, when ``alembic`` is run
by hand with the project's ``alembic.ini``, on the database ``sqlalchemy.url`` names, else
``$KHORASAN_DB``, else ``./khorasan.db`` (the same default as the CLI)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from khorasan.store.schema import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from khorasan.store.db import resolve_db_url  # only here: the Store imports this package

    url = context.config.get_main_option("sqlalchemy.url") or resolve_db_url(None)
    engine = sa.create_engine(resolve_db_url(url), future=True)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
