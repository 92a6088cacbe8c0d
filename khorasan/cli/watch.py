"""Commands that watch sources: ``sources add|list|remove|check`` and ``watch``."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from khorasan import alerts
from khorasan.cli._common import (
    Col,
    OptionError,
    db_option,
    echo_json,
    json_text,
    open_db,
    positive,
    print_table,
    safe,
)
from khorasan.errors import ConfigError
from khorasan.ingest import IngestOptions
from khorasan.store import Store, resolve_db_url
from khorasan.watch import (
    KINDS,
    PollReport,
    WatchOptions,
    check_sources,
    default_path,
    load_sources,
    poll,
    read_entries,
    source_from_entry,
    write_sources,
)

__all__ = ["COMMANDS"]


def sources_option(func: Any) -> Any:
    return click.option(
        "--sources", "sources_file", envvar="KHORASAN_SOURCES", default=None, metavar="FILE",
        help="The sources file (default: $KHORASAN_SOURCES or ./sources.toml).",
    )(func)  # fmt: skip


def database_exists(db: str | None) -> bool:
    """Whether ``--db`` names a database there is (a server URL is taken to exist)."""
    url = resolve_db_url(db)
    return not url.startswith("sqlite:///") or Path(url[len("sqlite:///") :]).exists()


@click.group()
def sources() -> None:
    """Manage the sources file that `khorasan watch` polls."""


@sources.command(name="add")
@click.argument("url", metavar="URL|FOLDER")
@click.option("--kind", type=click.Choice(KINDS), default="feed", show_default=True)
@click.option("--interval", default="1h", show_default=True, help="How often: 30s, 15m, 2h, 1d.")
@click.option("--outlet", required=True, help="The outlet its documents are credited to.")
@click.option("--name", default=None, help="A short name (the key of its state; default: URL).")
@click.option("--language", default=None, help="Language code, e.g. en.")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="Glob, or re:REGEX, an entry URL must match.")  # fmt: skip
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Glob, or re:REGEX, of entry URLs to skip.")  # fmt: skip
@sources_option
def sources_add(
    url: str, kind: str, interval: str, outlet: str, name: str | None, language: str | None,
    include: tuple[str, ...], exclude: tuple[str, ...], sources_file: str | None,
) -> None:  # fmt: skip
    """Add a source to the sources file (checked first; the file is made if missing)."""
    path = default_path(sources_file)
    entries = read_entries(path)
    entry = {"name": name, "url": url, "kind": kind, "interval": interval, "outlet": outlet,
             "language": language, "include": list(include), "exclude": list(exclude)}  # fmt: skip
    entry = {k: v for k, v in entry.items() if v not in (None, [])}
    source = source_from_entry(entry, name or url, path.parent)
    keys = {e.get("name") or e.get("url") for e in entries if isinstance(e, dict)}
    if source.key in keys:
        raise ConfigError(source.key, f"already in {path}")
    write_sources(path, [*entries, entry])
    click.echo(f"added {safe(source.key)} to {safe(path)}")


@sources.command(name="list")
@sources_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
def sources_list(sources_file: str | None, db: str | None, as_json: bool) -> None:
    """List the sources of the sources file, with each one's polling state when the
    database exists (last poll, next due, consecutive errors, last error)."""
    path = default_path(sources_file)
    found = load_sources(path) if path.exists() else []
    states: dict[str, dict[str, Any]] = {}
    if found and database_exists(db):
        with open_db(db) as store:
            states = store.source_states()
    fields = ("last_poll", "next_due", "errors", "last_error")
    if as_json:
        echo_json({"sources": [{**s.as_entry(), "state": {f: states[s.key][f] for f in fields}
                                if s.key in states else None} for s in found]})  # fmt: skip
        return
    rows = []
    for s in found:
        state = states.get(s.key) or {}
        rows.append([s.name or "", s.kind, s.interval_text, s.outlet, s.url,
                     state.get("last_poll") or "", state.get("errors") or 0,
                     state.get("last_error") or ""])  # fmt: skip
    print_table(f"{len(found)} sources",
                [Col("name"), Col("kind", "key"), Col("interval", "key"), Col("outlet"),
                 Col("url", min_width=20), Col("last poll", "key", drop=2),
                 Col("errors", "num", drop=2), Col("last error", drop=1)], rows)  # fmt: skip


@sources.command(name="remove")
@click.argument("key", metavar="NAME|URL")
@sources_option
def sources_remove(key: str, sources_file: str | None) -> None:
    """Remove the source with this name (or URL) from the sources file."""
    path = default_path(sources_file)
    entries = read_entries(path)
    kept = [e for e in entries
            if not (isinstance(e, dict) and key in (e.get("name"), e.get("url")))]  # fmt: skip
    if len(kept) == len(entries):
        raise ConfigError(key, f"no such source in {path}")
    write_sources(path, kept)
    click.echo(f"removed {safe(key)} from {safe(path)}")


@sources.command(name="check")
@sources_option
def sources_check(sources_file: str | None) -> None:
    """Check every entry of the sources file: one line per bad entry, naming it and the field."""
    path = default_path(sources_file)
    if not path.exists():
        raise ConfigError(str(path), "no such sources file ('khorasan sources add' makes one)")
    good, bad = check_sources(path)
    for error in bad:
        click.echo(f"Error: {safe(error.subject)}: {safe(error.reason)}", err=True)
    click.echo(f"{len(good)} sources fine, {len(bad)} bad in {safe(path)}")
    if bad:
        sys.exit(1)


@click.command()
@sources_option
@db_option
@click.option("--once", is_flag=True, help="Poll every source once and exit (cron, tests).")
@click.option("--allow-private", is_flag=True,
              help="Allow fetching private/loopback addresses (tests).")  # fmt: skip
@click.option("--timeout", type=float, default=20.0, show_default=True,
              help="Fetch timeout, seconds.")  # fmt: skip
@click.option("--deadline", type=str, default=None, metavar="SECONDS", callback=positive(),
              help="Seconds a whole download may take, redirects included (default 60, or "
              "--timeout when longer; a longer --timeout is cut to it).")  # fmt: skip
@click.option("--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True,
              help="Skip pages larger than this.")  # fmt: skip
@click.option("--per-host", type=click.IntRange(min=1), default=2, show_default=True,
              help="Requests at once to one host.")  # fmt: skip
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to one host.")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True,
              help="Entries fetched at once.")  # fmt: skip
def watch(
    sources_file: str | None, db: str | None, once: bool, allow_private: bool, timeout: float,
    deadline: float | None, max_bytes: int, per_host: int, delay: float, workers: int,
) -> None:  # fmt: skip
    """Poll the sources on their intervals; store, extract and fuse what is new. One JSON
    line per poll on stdout."""
    if timeout <= 0:
        raise OptionError("--timeout: must be above 0")
    if deadline is not None:  # given: the whole download ends there, each read too
        timeout = min(timeout, deadline)
    found = load_sources(default_path(sources_file))
    fetching = IngestOptions(
        max_bytes=max_bytes,
        timeout=timeout,
        allow_private=allow_private,
        deadline=deadline or max(IngestOptions.deadline, timeout),
    )
    options = WatchOptions(ingest=fetching,
                           per_host=per_host, delay=delay, workers=workers)  # fmt: skip
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops it cleanly

    def on_report(report: PollReport) -> None:
        line = {k: safe(v) if isinstance(v, str) else v for k, v in report.line().items()}
        click.echo(json_text(line))

    def on_stored(store: Store, _new: list[str]) -> None:
        # saved alert rules hear of what each poll stored, as after ingest
        if alerts.has_rules(store):
            click.echo(json.dumps({"alerts": alerts.notify(store).as_dict()}))

    with open_db(db, create=True) as store:
        try:
            reports = poll(store, found, options, once=once, on_report=on_report,
                           on_stored=on_stored, stop=stop)  # fmt: skip
        except KeyboardInterrupt:
            return
    if once and any(r.status == "error" for r in reports):
        sys.exit(1)


COMMANDS = [sources, watch]
