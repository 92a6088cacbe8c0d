"""Store: SQLAlchemy Core tables, Alembic migrations, SQLite by default, PostgreSQL by URL.

The only package that speaks SQL: documents and their mentions (``records``), events
(``events``), all through :class:`Store`.
"""

from khorasan.store.backup import BackupResult, backup_store, restore_store
from khorasan.store.db import DEFAULT_DB, AddResult, DocumentWriter, Store, resolve_db_url
from khorasan.store.events import FusionTransaction

__all__ = [
    "DEFAULT_DB",
    "AddResult",
    "BackupResult",
    "DocumentWriter",
    "FusionTransaction",
    "Store",
    "backup_store",
    "resolve_db_url",
    "restore_store",
]
