"""The `khorasan` command: a thin skin over the library's functions.

Every command accepts ``--db`` (a file path or SQLAlchemy URL; default ``$KHORASAN_DB`` or
``./khorasan.db``); only ``ingest`` creates a database. Errors print one line,
``Error: <input>: <reason>``; exit codes: 0 success, 1 some inputs failed or an error
occurred, 2 usage error. One module per command group; each lists its commands in
``COMMANDS`` and this module registers them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

import khorasan.cli.eval as evaluation  # "eval": a builtin's name, so imported by its path
from khorasan.cli import (
    alerts,
    backup,
    documents,
    events,
    ingest,
    records,
    review,
    search,
    serve,
    users,
    watch,
)
from khorasan.cli._common import as_click_error
from khorasan.errors import KhorasanError

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Turns any library error a command lets through into one line (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KhorasanError as exc:
            raise as_click_error(exc) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="khorasan-monitor")
def cli() -> None:
    """Khorasan Monitor: a sourced, queryable record of IS-K violence from open reporting."""


for _module in (
    ingest,
    documents,
    events,
    records,
    review,
    search,
    evaluation,
    serve,
    users,
    watch,
    alerts,
    backup,
):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KhorasanError as exc:  # pragma: no cover - the group converts them
        click.echo(f"Error: {as_click_error(exc).message}", err=True)
        sys.exit(1)
