"""Event commands: ``events``, ``event``, ``stats``, ``claims``, ``export``, ``fuse``.

Registered on the ``khorasan`` group by one import at the end of :mod:`khorasan.cli`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from khorasan.cli import _fail, _open_store, cli, db_option
from khorasan.errors import KhorasanError

__all__: list[str] = []

F = TypeVar("F", bound=Callable[..., Any])

_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
# C0 and C1 control characters (ESC, CSI, BEL, backspace, carriage return...): article text is
# untrusted, and a terminal would act on them
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _OptionError(click.ClickException):
    """A bad option value: one line, ``Error: --from: ...``, exit status 2 (usage error)."""

    exit_code = 2


def safe(value: Any) -> str:
    """``value`` as text with control characters shown as escapes (``\\x1b``), never acted on;
    newlines and tabs become spaces."""
    text = str(value).replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    option = (param.opts or [param.name or "date"])[0]
    fine = _DATE.fullmatch(value) is not None
    if fine:
        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            date(*parts[:3])
        except ValueError:
            fine = False
    if not fine:
        raise _OptionError(f"{option}: {safe(value)!r} is not a date (YYYY, YYYY-MM or "
                           "YYYY-MM-DD)")  # fmt: skip
    return value


def _table(title: str, columns: Sequence[tuple[str, dict[str, Any]]],
           rows: Iterable[Sequence[Any]], width: int = 120) -> None:  # fmt: skip
    """A rich table whose cells are plain :class:`~rich.text.Text`: never read as markup
    ("[red]" in an article stays "[red]"), control characters escaped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for header, style in columns:
        table.add_column(header, **{"overflow": "fold", **style})
    for row in rows:
        table.add_row(*[Text(safe(c if c is not None else "")) for c in row])
    Console(width=max(width, Console().width)).print(table)


def _plain(headers: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    return [(h, {}) for h in headers]


_FILTERS = (
    click.option("--from", "date_from", metavar="DATE", callback=_check_date,
                 help="Earliest date (YYYY[-MM[-DD]])."),  # fmt: skip
    click.option("--to", "date_to", metavar="DATE", callback=_check_date,
                 help="Latest date (YYYY[-MM[-DD]]): a month or year includes all of it."),
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
    filters = {k: kwargs.pop(k) for k in _FILTER_NAMES if k in kwargs}
    start, end = filters.get("date_from"), filters.get("date_to")
    if start and end and start[: len(end)] > end:
        raise _OptionError(f"--from: {start} is after --to {end}")
    return filters


def _events(db: str | None, filters: dict[str, Any], mentions: bool = True,
            limit: int | None = None) -> list[dict]:  # fmt: skip
    from khorasan.fuse import query_events

    try:
        return query_events(_open_store(db), mentions=mentions, limit=limit, **filters)
    except KhorasanError as exc:
        raise _fail(exc) from exc


def _range(low: Any, best: Any, high: Any) -> str:
    if best is None:
        return ""
    return str(best) if low == high else f"{best} ({low}-{high})"


def _where(r: dict[str, Any]) -> str:
    parts = [r.get("place"), r.get("admin2"), r.get("admin1"), r.get("country")]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return ", ".join(seen)


_QUALIFIER = {"at_least": "at least ", "over": "over ", "about": "about ", "up_to": "up to "}


def _figure(value: Any) -> str:
    """A mention's figure in the SCHEMA shape as words: "at least 13"."""
    if not isinstance(value, dict) or value.get("value") is None:
        return "-"
    return f"{_QUALIFIER.get(value.get('qualifier') or '', '')}{value['value']}"


@cli.command()
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"events": [...]} with mentions.')
def events(db: str | None, limit: int | None, as_json: bool, **kwargs: Any) -> None:
    """List fused events (one per real event) with reconciled fields and their sources."""
    rows = _events(db, _filters(kwargs), mentions=as_json, limit=limit)
    if as_json:
        click.echo(json.dumps({"events": rows}, indent=2, ensure_ascii=False))
        return
    nowrap = {"no_wrap": True, "overflow": "ellipsis"}
    _table(
        f"Events ({len(rows)}, newest first; killed/wounded: best (low-high))",
        [("id", nowrap), ("date", nowrap), ("where", {"min_width": 20}),
         ("perpetrator", {"min_width": 16}), ("type", {"min_width": 13}), ("killed", nowrap),
         ("wounded", nowrap), ("claimed", nowrap), ("src", nowrap), ("flags", nowrap)],
        [[r["id"][:10], r["date"] or "", _where(r),
          f"{r['perpetrator'] or ''} ({r['attribution'] or ''})", r["attack_type"] or "",
          _range(r["killed_low"], r["killed_best"], r["killed_high"]),
          _range(r["wounded_low"], r["wounded_best"], r["wounded_high"]),
          r["claimed_killed"], r["n_sources"], r["n_flags"] or ""] for r in rows],
        width=150,
    )  # fmt: skip


@cli.command()
@click.argument("event_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def event(event_id: str, db: str | None, as_json: bool) -> None:
    """Show one event (id or id prefix): every source sentence and every disagreement."""
    from khorasan.fuse import event_ids, get_event

    try:
        store = _open_store(db)
        row = get_event(store, event_id)
        matches = event_ids(store, event_id, limit=3) if row is None else []
    except KhorasanError as exc:
        raise _fail(exc) from exc
    if row is None:
        if len(matches) > 1:
            raise click.ClickException(f"{safe(event_id)}: ambiguous event id prefix (matches "
                                       f"{', '.join(matches[:2])}, ...)")  # fmt: skip
        raise click.ClickException(f"{safe(event_id)}: no such event")
    if as_json:
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    by_id = {m["id"]: m for m in row["mentions"]}
    provenance = row["detail"].get("provenance") or {}

    def docs(name: str) -> str:
        names = sorted({by_id[i]["doc"] for i in provenance.get(name, []) if i in by_id})
        return f"  [{', '.join(names)}]" if names else ""

    def line(label: str, value: Any, source: str | None = None) -> None:
        text = "" if value is None else safe(value)
        click.echo(f"{label:>15}: {text}{safe(docs(source)) if source and text else ''}")

    line("id", row["id"])
    line("date", f"{row['date']} ({row['date_precision']})" if row["date"] else None, "date")
    line("place", _where(row), "place")
    if row["latitude"] is not None:
        line("coordinates", f"{row['latitude']}, {row['longitude']} ({row['geo_precision']})")
    line("perpetrator", f"{row['perpetrator']} ({row['attribution']})", "perpetrator")
    for key in ("attack_type", "suicide", "target_type", "target"):
        line(key.replace("_", " "), row[key], key)
    for name in ("killed", "wounded"):
        low, best, high = (row[f"{name}_{k}"] for k in ("low", "best", "high"))
        if best is None:
            line(name, None)
            continue
        click.echo(f"{name:>15}: best {best}{safe(docs(name))}; low {low}"
                   f"{safe(docs(name + '_low'))}; high {high}{safe(docs(name + '_high'))}")
    for name in ("claimed_killed", "claimed_wounded"):
        if row[name] is not None:
            line(name.replace("_", " "), f"{row[name]} (the perpetrator's own figure, not in "
                 "the range above)", name)  # fmt: skip
    cats = (row["detail"].get("killed_by_category") or {}).items()
    line("killed by", ", ".join(f"{k} {v}" for k, v in cats if v) or None)
    line("sources", f"{row['n_sources']} independent (wire copies count once), "
         f"{row['n_mentions']} mentions")  # fmt: skip
    flags = row["detail"].get("flags") or []
    click.echo(f"\nDisagreements ({len(flags)}):")
    for f in flags:
        values = "; ".join(
            f"{v} [{', '.join(by_id[i]['doc'] for i in ids if i in by_id)}]"
            for v, ids in f["values"].items()
        )
        click.echo(f"  {f['field']}: {safe(values)}")
    click.echo(f"\nSources ({len(row['mentions'])}):")
    for m in row["mentions"]:
        click.echo(safe(
            f"- {m['doc']} ({m['outlet'] or 'unknown outlet'}, published "
            f"{m['published'] or 'n.d.'}) span {m['span'][0]}-{m['span'][1]}: date "
            f"{m['date'] or '-'}, {_where(m) or 'no place'}, {m['perpetrator'] or 'unknown'} "
            f"({m['attribution'] or 'none'}), killed {_figure(m.get('killed'))}, wounded "
            f"{_figure(m.get('wounded'))}"
            + (f", claimed killed {_figure(m['claimed_killed'])}" if m.get("claimed_killed")
               else "")
        ))  # fmt: skip
        click.echo(f'    "{safe(m["evidence"])}"')


@cli.command()
@db_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def stats(db: str | None, as_json: bool, **kwargs: Any) -> None:
    """Tallies: events, killed and wounded (low/best/high), by category, month and province."""
    from khorasan.analyse import tally
    from khorasan.fuse.reconcile import KILLED_CATEGORIES

    filters = _filters(kwargs)
    result = tally(_events(db, filters, mentions=False), filters.get("date_from"),
                   filters.get("date_to"))  # fmt: skip
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(safe(result["sentence"]))
    click.echo(
        f"killed low/best/high {result['killed_low']}/{result['killed_best']}/"
        f"{result['killed_high']}; wounded {result['wounded_low']}/{result['wounded_best']}/"
        f"{result['wounded_high']}; events without a killed figure "
        f"{result['events_without_killed']}"
    )
    click.echo("killed by category (best): " + ", ".join(
        f"{k} {v}" for k, v in result["killed_by_category"].items()))  # fmt: skip
    short = {"civilians": "civ", "security_forces": "security", "militants": "militants",
             "unspecified": "unspec"}  # fmt: skip
    for title, key in (("By month", "by_month"), ("By province", "by_province")):
        _table(title, [(title.split()[1], {"min_width": 26}),
                       *_plain(["events", "killed best (low-high)", "wounded best (low-high)",
                                *(f"killed {short[c]}" for c in KILLED_CATEGORIES)])],
               [[k, v["events"], _range(v["killed_low"], v["killed_best"], v["killed_high"]),
                 _range(v["wounded_low"], v["wounded_best"], v["wounded_high"]),
                 *(v["killed_by_category"][c] for c in KILLED_CATEGORIES)]
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
    _table("Claimed vs reported killed, per event",
           _plain(["id", "date", "place", "perpetrator", "target type", "claimed",
                   "reported best", "reported high", "claimed/reported"]),
           [[r["id"][:10], r["date"], r["place"], r["perpetrator"], r["target_type"],
             r["claimed_killed"], r["reported_killed_best"], r["reported_killed_high"],
             r["ratio"]] for r in result["events"]])  # fmt: skip
    for title, key in ((f"By {by}", f"by_{by}"), ("By target type", "by_target_type")):
        _table(title, _plain([by if key != "by_target_type" else "target type", "events",
                              "claimed", "reported (best)", "claimed/reported"]),
               [[k, v["events"], v["claimed_killed"], v["reported_killed"], v["ratio"]]
                for k, v in result[key].items()])  # fmt: skip
    t = result["total"]
    click.echo(f"total: {t['claimed_killed']} claimed vs {t['reported_killed']} reported killed "
               f"in {t['events']} events with both (ratio {t['ratio']})")  # fmt: skip


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
        raise _OptionError("--format: parquet needs --output FILE")
    rows = _events(db, _filters(kwargs))
    try:
        text = export_events(rows, fmt, output)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise click.ClickException(f"{output or fmt}: {reason}") from exc
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
