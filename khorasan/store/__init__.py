"""Store: SQLAlchemy Core tables, Alembic migrations, SQLite by default, PostgreSQL by URL."""

from khorasan.store.db import DEFAULT_DB, AddResult, Store, resolve_db_url

__all__ = ["DEFAULT_DB", "AddResult", "Store", "resolve_db_url"]
