"""``backup`` and ``restore``: a consistent snapshot of the whole store, and back."""

from __future__ import annotations

from pathlib import Path

import click

from khorasan.cli._common import db_option, open_db, safe
from khorasan.store import backup_store, restore_store

__all__ = ["COMMANDS"]


@click.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE when it exists.")
def backup(db: str | None, file: Path, force: bool) -> None:
    """Write a consistent snapshot of the store to FILE while it stays in use (SQLite: the
    online backup API; PostgreSQL: pg_dump's custom format)."""
    with open_db(db) as store:
        done = backup_store(store, file, force=force)
    click.echo(
        f"backed up {done.documents} documents ({done.kind}) to {safe(done.path)}, "
        f"{done.bytes} bytes"
    )


@click.command()
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace what a non-empty store holds.")
def restore(db: str | None, file: Path, force: bool) -> None:
    """Replace the store's contents with the backup in FILE (a new store is created; a store
    that holds anything is refused without --force)."""
    with open_db(db, create=True) as store:
        done = restore_store(store, file, force=force)
    click.echo(f"restored {done.documents} documents ({done.kind}) from {safe(done.path)}")


COMMANDS = [backup, restore]
