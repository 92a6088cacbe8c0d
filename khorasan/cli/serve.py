"""``khorasan serve``: the dashboard and the REST API on a local port."""

from __future__ import annotations

import click

from khorasan.cli._common import db_option

__all__ = ["COMMANDS"]


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this machine only).")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the dashboard (/) and the REST API (/api, OpenAPI at /openapi.json, docs at /docs)
    over one database."""
    import uvicorn

    from khorasan.serve import create_app

    app = create_app(db)  # a missing database is one line, before the server starts
    click.echo(f"serving {app.state.store!r}: dashboard at http://{host}:{port}/, API docs at "
               f"http://{host}:{port}/docs", err=True)  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [serve]
