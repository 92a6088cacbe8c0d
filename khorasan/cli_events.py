"""Event commands: ``events``, ``event``, ``stats``, ``claims``, ``export``, ``fuse``.

Registered on the ``khorasan`` group by one import at the end of :mod:`khorasan.cli`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from khorasan.cli import _fail, _open_store, _print_table, cli, db_option
from khorasan.errors import KhorasanError

__all__: list[str] = []

F = TypeVar("F", bound=Callable[..., Any])

_FILTERS = (
    click.option("--from", "date_from", metavar="DATE", help="Earliest date (YYYY[-MM[-DD]])."),
    click.option("--to", "date_to", metavar="DATE", help="Latest date (YYYY[-MM[-DD]])."),
    click.option("--country", help="Country, e.g. Afghanistan."),
    click.option("--admin1", help="Province, e.g. Nangarhar."),
    click.option("--perpetrator", help="Canonical actor, e.g. IS-K."),
    click.option("--attack-type", help="bombing, armed_assault, assassination, ..."),
    click.option("--target-type", help="civilians, religious, security_forces, ..."),
    click.option("--attribution", help="claimed, attributed, suspected, none."),
)
_FILTER_NAMES = ("date_from", "date_to", "country", "admin1", "perpetrator", "attack_type",
                 "target_type", "attribution")  # fmt: skip


def filter_options(func: F) -> F:
    """The event filters every event command shares."""
    for option in reversed(_FILTERS):
        func = option(func)
    return func


def _filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: kwargs.pop(k) for k in _FILTER_NAMES if k in kwargs}


def _events(db: str | None, filters: dict[str, Any], mentions: bool = True) -> list[dict]:
    from khorasan.fuse import query_events

    try:
        return query_events(_open_store(db), mentions=mentions, **filters)
    except KhorasanError as exc:
        raise _fail(exc) from exc


def _range(low: Any, best: Any, high: Any) -> str:
    if best is None:
        return ""
    return str(best) if low == high else f"{best} ({low}-{high})"


@cli.command()
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"events": [...]} with mentions.')
def events(db: str | None, limit: int | None, as_json: bool, **kwargs: Any) -> None:
    """List fused events (one per real event) with reconciled fields and their sources."""
    rows = _events(db, _filters(kwargs))[:limit]
    if as_json:
        click.echo(json.dumps({"events": rows}, indent=2, ensure_ascii=False))
        return
    _print_table(
        f"Events ({len(rows)})",
        ["id", "date", "country", "admin1", "place", "perpetrator", "type", "killed",
         "wounded", "claimed", "sources", "flags"],
        [[r["id"][:10], r["date"] or "", r["country"] or "", r["admin1"] or "",
          (r["place"] or "")[:24], f"{r['perpetrator'] or ''} ({r['attribution'] or ''})",
          r["attack_type"] or "", _range(r["killed_low"], r["killed_best"], r["killed_high"]),
          _range(r["wounded_low"], r["wounded_best"], r["wounded_high"]),
          r["claimed_killed"] if r["claimed_killed"] is not None else "", r["n_sources"],
          r["n_flags"] or ""] for r in rows],
    )  # fmt: skip


@cli.command()
@click.argument("event_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def event(event_id: str, db: str | None, as_json: bool) -> None:
    """Show one event (id or id prefix): every source sentence and every disagreement."""
    from khorasan.fuse import get_event

    try:
        row = get_event(_open_store(db), event_id)
    except KhorasanError as exc:
        raise _fail(exc) from exc
    if row is None:
        raise click.ClickException(f"{event_id}: no such event (or the prefix is ambiguous)")
    if as_json:
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    for key in ("id", "date", "date_precision", "country", "admin1", "admin2", "place",
                "perpetrator", "attribution", "attack_type", "suicide", "target_type",
                "target"):  # fmt: skip
        click.echo(f"{key:>15}: {row[key] if row[key] is not None else ''}")
    for name in ("killed", "wounded"):
        low, best, high = (row[f"{name}_{k}"] for k in ("low", "best", "high"))
        click.echo(f"{name:>15}: best {best} low {low} high {high}")
    click.echo(f"{'claimed killed':>15}: {row['claimed_killed']}  (the perpetrator's own figure)")
    click.echo(f"{'sources':>15}: {row['n_sources']} independent, {row['n_mentions']} mentions")
    by_id = {m["id"]: m for m in row["mentions"]}
    flags = row["detail"].get("flags") or []
    click.echo(f"\nDisagreements ({len(flags)}):")
    for f in flags:
        values = "; ".join(
            f"{v} [{', '.join(by_id[i]['doc'] for i in ids if i in by_id)}]"
            for v, ids in f["values"].items()
        )
        click.echo(f"  {f['field']}: {values}")
    click.echo(f"\nSources ({len(row['mentions'])}):")
    for m in row["mentions"]:
        killed = (m.get("killed") or {}).get("value")
        click.echo(f"- {m['doc']} ({m['outlet'] or 'unknown outlet'}, {m['published'] or 'n.d.'})"
                   f" span {m['span'][0]}-{m['span'][1]}: date {m['date']}, "
                   f"{m['perpetrator']}, killed {killed}")  # fmt: skip
        click.echo(f'    "{m["evidence"]}"')


@cli.command()
@db_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def stats(db: str | None, as_json: bool, **kwargs: Any) -> None:
    """Tallies: events, killed and wounded (low/best/high), by category, month and province."""
    from khorasan.analyse import tally

    filters = _filters(kwargs)
    result = tally(_events(db, filters, mentions=False), filters.get("date_from"),
                   filters.get("date_to"))  # fmt: skip
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(result["sentence"])
    click.echo(
        f"killed low/best/high {result['killed_low']}/{result['killed_best']}/"
        f"{result['killed_high']}; wounded {result['wounded_low']}/{result['wounded_best']}/"
        f"{result['wounded_high']}; events without a killed figure "
        f"{result['events_without_killed']}"
    )
    click.echo("killed by category: " + ", ".join(
        f"{k} {v}" for k, v in result["killed_by_category"].items()))  # fmt: skip
    for title, key in (("By month", "by_month"), ("By province", "by_province")):
        _print_table(title, [title.split()[1], "events", "killed (best)", "wounded (best)"],
                     [[k, v["events"], v["killed_best"], v["wounded_best"]]
                      for k, v in result[key].items()])  # fmt: skip


@cli.command()
@db_option
@filter_options
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True,
              help="Period of the aggregate ratio.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def claims(db: str | None, by: str, as_json: bool, **kwargs: Any) -> None:
    """Claims vs reported: the perpetrator's claimed killed against independent figures."""
    from khorasan.analyse import claims_vs_reported

    result = claims_vs_reported(_events(db, _filters(kwargs), mentions=False), by=by)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    _print_table("Claimed vs reported killed, per event",
                 ["id", "date", "place", "perpetrator", "claimed", "reported (best)", "ratio"],
                 [[r["id"][:10], r["date"] or "", (r["place"] or "")[:24], r["perpetrator"] or "",
                   r["claimed_killed"], r["reported_killed_best"] or "", r["ratio"] or ""]
                  for r in result["events"]])  # fmt: skip
    for title, key in ((f"By {by}", f"by_{by}"), ("By target type", "by_target_type")):
        _print_table(title, [by if key != "by_target_type" else "target type", "events",
                             "claimed", "reported", "ratio"],
                     [[k, v["events"], v["claimed_killed"], v["reported_killed"], v["ratio"]]
                      for k, v in result[key].items()])  # fmt: skip
    t = result["total"]
    click.echo(f"total: {t['claimed_killed']} claimed vs {t['reported_killed']} reported killed "
               f"in {t['events']} events (ratio {t['ratio']})")  # fmt: skip


@cli.command()
@db_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "json", "parquet"]),
              default="csv", show_default=True, help="Output format.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: stdout; required for parquet).")  # fmt: skip
def export(db: str | None, fmt: str, output: Path | None, **kwargs: Any) -> None:
    """Export events as CSV (ACLED/GTD-like columns), GeoJSON, JSON or Parquet."""
    from khorasan.export import export_events

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE")
    rows = _events(db, _filters(kwargs))
    text = export_events(rows, fmt, output)
    if output is None:
        sys.stdout.write(text)
    else:
        click.echo(f"{len(rows)} events written to {output}", err=True)


@cli.command(name="fuse")
@db_option
def fuse_cmd(db: str | None) -> None:
    """Re-fuse every stored incident mention into events (after reextract or a tuning change)."""
    from khorasan.fuse import fuse

    try:
        summary = fuse(_open_store(db))
    except KhorasanError as exc:
        raise _fail(exc) from exc
    click.echo(f"fused {summary.mentions} mentions into {summary.events} events "
               f"in {summary.seconds:.2f} s")  # fmt: skip
