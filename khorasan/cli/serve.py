"""``khorasan serve``: the dashboard and the REST API on a local port."""

from __future__ import annotations

import click

from khorasan.cli._common import db_option, safe

__all__ = ["COMMANDS"]


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default serves this machine only; another needs "
                   "an admin user).")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--anonymous-read", is_flag=True,
              help="Let callers without credentials read once users exist (writes always need "
                   "an analyst).")  # fmt: skip
def serve(db: str | None, host: str, port: int, anonymous_read: bool) -> None:
    """Serve the dashboard (/) and the REST API (/api, OpenAPI at /openapi.json, docs at /docs)
    over one database."""
    import uvicorn

    from khorasan import users
    from khorasan.serve import create_app
    from khorasan.serve.auth import is_loopback

    app = create_app(db, anonymous_read=anonymous_read)  # a missing database: one line, first
    if not is_loopback(host) and not users.has_admin(app.state.store):
        raise click.ClickException(
            f"--host {safe(host)}: refusing to serve beyond this machine without an admin user "
            "(khorasan user add NAME --role admin)"
        )
    click.echo(f"serving {app.state.store!r}: dashboard at http://{host}:{port}/, API docs at "
               f"http://{host}:{port}/docs", err=True)  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [serve]
