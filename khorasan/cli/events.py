"""Commands on fused events: ``events``, ``event``, ``stats``, ``claims``, ``export``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from khorasan.analyse import (
    claims_of_table,
    describe_scope,
    resolve_filters,
    scoped_filters,
    tally_sums,
)
from khorasan.cli._common import (
    Col,
    OptionError,
    date_options,
    db_option,
    echo_json,
    echo_json_items,
    open_db,
    print_table,
    safe,
    where,
)
from khorasan.errors import ExportError, KhorasanError
from khorasan.export import COLUMN_SETS, export_events, write_events
from khorasan.model import REVIEW_STATUSES

__all__ = ["COMMANDS"]

F = TypeVar("F", bound=Callable[..., Any])

_FILTERS = (
    click.option("--country", help="Country, e.g. Afghanistan."),
    click.option("--admin1", help='Province or an alias, e.g. Nangarhar, "Kabul Province".'),
    click.option(
        "--perpetrator",
        help="Actor or alias, e.g. IS-K or ISKP; a group includes its "
        'branches ("Islamic State" includes IS-K).',
    ),
    click.option("--attack-type", help="bombing, armed_assault, assassination, ..."),
    click.option("--target-type", help="civilians, religious, security_forces, ..."),
    click.option("--attribution", help="claimed, attributed, suspected, none."),
    click.option(
        "--review-status",
        type=click.Choice(REVIEW_STATUSES),
        help="The analysts' verdict: machine (none yet), confirmed, corrected, "
        "rejected, or any (default: all but rejected).",
    ),  # fmt: skip
)
_FILTER_NAMES = ("date_from", "date_to", "country", "admin1", "perpetrator", "attack_type",
                 "target_type", "attribution", "review_status")  # fmt: skip


def filter_options(func: F) -> F:
    """The event filters every event command shares."""
    for option in reversed(_FILTERS):
        func = option(func)
    return date_options(func)


def _filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: kwargs.pop(k) for k in _FILTER_NAMES if k in kwargs}


def _events(db: str | None, filters: dict[str, Any], mentions: bool = True,
            limit: int | None = None, detail: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    """Events through the store's filters, with actor and place names resolved (aliases, an
    actor's branches: ``khorasan.kb.resolve``); ``detail=False`` for tallies (faster)."""
    filters = resolve_filters(filters)
    with open_db(db) as store:
        found = store.events(mentions=mentions, limit=limit, detail=detail, **filters)
        return [e.as_dict() for e in found]


def _range(low: Any, best: Any, high: Any) -> str:
    if best is None:
        return ""
    return str(best) if low == high else f"{best} ({low}-{high})"


_QUALIFIER = {"at_least": "at least ", "over": "over ", "about": "about ", "up_to": "up to "}


def _figure(value: Any) -> str:
    """A mention's figure in the SCHEMA shape as words: "at least 13"."""
    if not isinstance(value, dict) or value.get("value") is None:
        return "-"
    return f"{_QUALIFIER.get(value.get('qualifier') or '', '')}{value['value']}"


@click.command()
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"events": [...]} with mentions.')
def events(db: str | None, limit: int | None, as_json: bool, **kwargs: Any) -> None:
    """List fused events (one per real event) with reconciled fields and their sources."""
    if as_json:  # written as read: memory stays flat however many events there are
        filters = resolve_filters(_filters(kwargs))
        with open_db(db) as store:
            echo_json_items("events", (e.as_dict() for e in store.iter_events(
                mentions=True, limit=limit, **filters)))  # fmt: skip
        return
    rows = _events(db, _filters(kwargs), mentions=False, limit=limit)
    print_table(
        f"Events ({len(rows)}, newest first; killed/wounded: best (low-high))",
        [Col("id", "key"), Col("date", "key"), Col("where", min_width=12),
         Col("perpetrator"), Col("type", drop=3), Col("killed", "num"),
         Col("wounded", "num"), Col("claimed", "num"), Col("src", "num", drop=1),
         Col("flags", "num", drop=2)],
        [[r["id"][:8], r["date"], where(r),
          f"{r['perpetrator'] or ''} ({r['attribution'] or ''})", r["attack_type"],
          _range(r["killed_low"], r["killed_best"], r["killed_high"]),
          _range(r["wounded_low"], r["wounded_best"], r["wounded_high"]),
          r["claimed_killed"], r["n_sources"], r["n_flags"] or ""] for r in rows],
    )  # fmt: skip


@click.command()
@click.argument("event_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def event(event_id: str, db: str | None, as_json: bool) -> None:
    """Show one event (id or id prefix): every source sentence and every disagreement."""
    with open_db(db) as store:
        found = store.event(event_id)
        matches = store.event_ids(event_id, limit=3) if found is None else []
    if found is None:
        if len(matches) > 1:
            raise click.ClickException(f"{safe(event_id)}: ambiguous event id prefix (matches "
                                       f"{', '.join(matches[:2])}, ...)")  # fmt: skip
        raise click.ClickException(f"{safe(event_id)}: no such event")
    row = found.as_dict()
    if as_json:
        echo_json(row)
        return
    _print_event(row)


def _print_event(row: dict[str, Any]) -> None:
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
    line("place", where(row), "place")
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
        click.echo(
            f"{name:>15}: best {best}{safe(docs(name))}; low {low}"
            f"{safe(docs(name + '_low'))}; high {high}{safe(docs(name + '_high'))}"
        )
    for name in ("claimed_killed", "claimed_wounded"):
        if row[name] is not None:
            line(name.replace("_", " "), f"{row[name]} (the perpetrator's own figure, not in "
                 "the range above)", name)  # fmt: skip
    cats = (row["detail"].get("killed_by_category") or {}).items()
    line("killed by", ", ".join(f"{k} {v}" for k, v in cats if v) or None)
    line("sources", f"{row['n_sources']} independent (wire copies count once), "
         f"{row['n_mentions']} mentions")  # fmt: skip
    _print_review(row["detail"].get("review") or {})
    flags = row["detail"].get("flags") or []
    click.echo(f"\nDisagreements ({len(flags)}):")
    for f in flags:
        values = "; ".join(
            f"{v} [{', '.join(by_id[i]['doc'] for i in ids if i in by_id)}]"
            for v, ids in f["values"].items()
        )
        click.echo(f"  {safe(f['field'])}: {safe(values)}")
    click.echo(f"\nSources ({len(row['mentions'])}):")
    for m in row["mentions"]:
        click.echo(safe(
            f"- {m['doc']} ({m['outlet'] or 'unknown outlet'}, published "
            f"{m['published'] or 'n.d.'}) span {m['span'][0]}-{m['span'][1]}: date "
            f"{m['date'] or '-'}, {where(m) or 'no place'}, {m['perpetrator'] or 'unknown'} "
            f"({m['attribution'] or 'none'}), killed {_figure(m.get('killed'))}, wounded "
            f"{_figure(m.get('wounded'))}"
            + (f", claimed killed {_figure(m['claimed_killed'])}" if m.get("claimed_killed")
               else "")
        ))  # fmt: skip
        click.echo(f'    "{safe(m["evidence"])}"')


def _print_review(review: dict[str, Any]) -> None:
    """The analysts' verdict and corrections beside the machine's values."""
    if not review:
        return
    click.echo(f"\nReview: {safe(review.get('status'))} (khorasan review history for all)")
    for name in ("confirmed", "rejected"):
        who = review.get(name)
        if isinstance(who, dict):
            click.echo(safe(f"  {name} by {who['user']} at {who['at']}: {who['reason']}"))
    for field, c in (review.get("corrections") or {}).items():
        click.echo(safe(f"  {field}: {c['value']} (machine: {c['machine']}), by {c['user']} at "
                        f"{c['at']}: {c['reason']}"))  # fmt: skip
    for c in review.get("mention_corrections") or []:
        click.echo(safe(f"  mention {c['mention']} {c['field']}: {c['value']} (machine: "
                        f"{c['machine']}), by {c['user']}: {c['reason']}"))  # fmt: skip


_ALL = click.option(
    "--all",
    "every_actor",
    is_flag=True,
    help="Every actor (default: the IS-K family, IS-K and the Islamic State).",
)


def _scope(filters: dict[str, Any], every_actor: bool) -> tuple[dict[str, Any], str]:
    """The filters of stats and claims with their default scope, and the scope in words."""
    if every_actor and filters.get("perpetrator"):
        raise OptionError("--all: not with --perpetrator (one or the other)")
    return scoped_filters(filters, every_actor), describe_scope(filters.get("perpetrator"),
                                                                every_actor)  # fmt: skip


# Short headers keep the by-category numbers on an 80-column terminal; the title spells them out
_SHORT = {"civilians": "civ", "security_forces": "sec", "militants": "mil", "unspecified": "unsp"}


@click.command()
@db_option
@filter_options
@_ALL
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def stats(db: str | None, as_json: bool, every_actor: bool, **kwargs: Any) -> None:
    """Tallies: events, killed and wounded (low/best/high), by category, month and province;
    the IS-K family's events unless --all or --perpetrator says otherwise."""
    filters, scope = _scope(_filters(kwargs), every_actor)
    with open_db(db) as store:  # summed in SQL: fast over any number of events
        sums = store.event_tally_sums(**filters)
    result = tally_sums(sums, filters.get("date_from"), filters.get("date_to"))
    result["scope"] = scope
    result["sentence"] = f"{scope}: {result['sentence']}"
    if as_json:
        echo_json(result)
        return
    categories = list(result["killed_by_category"])
    click.echo(safe(result["sentence"]))
    click.echo(
        f"killed low/best/high {result['killed_low']}/{result['killed_best']}/"
        f"{result['killed_high']}; wounded {result['wounded_low']}/{result['wounded_best']}/"
        f"{result['wounded_high']}; events without a killed figure "
        f"{result['events_without_killed']}"
    )
    click.echo("killed by category (best): " + ", ".join(
        f"{k} {v}" for k, v in result["killed_by_category"].items()))  # fmt: skip
    click.echo(
        f"tables: killed, wounded: best (low-high); "
        f"{', '.join(_SHORT.get(c, c) for c in categories)}: killed by category"
    )
    for title, key, first in (
        ("By month", "by_month", Col("month", "key")),
        ("By province", "by_province", Col("province", min_width=14)),
    ):
        print_table(
            title,
            [first, Col("events", "num"), Col("killed", "num"), Col("wounded", "num"),
             *(Col(_SHORT.get(c, c), "num") for c in categories)],
            [[k, v["events"], _range(v["killed_low"], v["killed_best"], v["killed_high"]),
              _range(v["wounded_low"], v["wounded_best"], v["wounded_high"]),
              *(v["killed_by_category"].get(c, 0) for c in categories)]
             for k, v in result[key].items()],
        )  # fmt: skip


@click.command()
@db_option
@filter_options
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True,
              help="Period of the aggregate ratio.")  # fmt: skip
@_ALL
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def claims(db: str | None, by: str, as_json: bool, every_actor: bool, **kwargs: Any) -> None:
    """Claims vs reported: the perpetrator's claimed killed against independent figures; the
    IS-K family's events unless --all or --perpetrator says otherwise."""
    filters, scope = _scope(_filters(kwargs), every_actor)
    with open_db(db) as store:  # only the events with a claim, from one small index
        result = claims_of_table(*store.event_claim_table(by=by, **filters), by=by)
    result["scope"] = scope
    if as_json:
        echo_json(result)
        return
    click.echo(safe(f"Scope: {scope}"))
    print_table(
        "Claimed vs reported killed, per event",
        [Col("id", "key"), Col("date", "key"), Col("place", min_width=12),
         Col("perpetrator", drop=1), Col("target type", drop=2), Col("claimed", "num"),
         Col("reported best", "num"), Col("reported high", "num"),
         Col("claimed/ reported", "num")],
        [[r["id"][:8], r["date"], r["place"], r["perpetrator"], r["target_type"],
          r["claimed_killed"], r["reported_killed_best"], r["reported_killed_high"],
          r["ratio"]] for r in result["events"]],
    )  # fmt: skip
    for title, key in ((f"By {by}", f"by_{by}"), ("By target type", "by_target_type")):
        first = Col(by, "key") if key != "by_target_type" else Col("target type")
        print_table(title, [first, Col("events", "num"), Col("claimed", "num"),
                            Col("reported (best)", "num"), Col("claimed/ reported", "num")],
                    [[k, v["events"], v["claimed_killed"], v["reported_killed"], v["ratio"]]
                     for k, v in result[key].items()])  # fmt: skip
    t = result["total"]
    click.echo(f"total: {t['claimed_killed']} claimed vs {t['reported_killed']} reported killed "
               f"in {t['events']} events with both (ratio {t['ratio']})")  # fmt: skip


@click.command()
@db_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "json", "parquet"]),
              default="csv", show_default=True, help="Output format.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: stdout; required for parquet).")  # fmt: skip
@click.option("--columns", type=click.Choice(list(COLUMN_SETS)), default="default",
              show_default=True,
              help="CSV/Parquet columns: ours, or named and coded as ACLED or the GTD "
                   "(docs/codebook.md).")  # fmt: skip
def export(db: str | None, fmt: str, output: Path | None, columns: str, **kwargs: Any) -> None:
    """Export events as CSV, GeoJSON, JSON or Parquet (our columns, ACLED's or the GTD's)."""
    if fmt == "parquet" and output is None:
        raise OptionError("--format: parquet needs --output FILE")
    filters = resolve_filters(_filters(kwargs))
    try:
        with open_db(db) as store:
            if fmt == "parquet":  # one table, written at once
                rows = [e.as_dict() for e in store.events(**filters)]
                export_events(rows, fmt, output, columns=columns)
                n = len(rows)
            elif output is None:  # the others streamed: memory flat in the number of events
                n = write_events((e.as_dict() for e in store.iter_events(**filters)), fmt,
                                 sys.stdout, columns=columns)  # fmt: skip
            else:
                with output.open("w", encoding="utf-8", newline="") as stream:
                    n = write_events((e.as_dict() for e in store.iter_events(**filters)), fmt,
                                     stream, columns=columns)  # fmt: skip
    except (OSError, ValueError) as exc:
        if isinstance(exc, KhorasanError) and not isinstance(exc, ExportError):
            raise  # a bad filter or an unreadable store says so itself, as before
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise click.ClickException(f"{safe(output or fmt)}: {safe(reason)}") from exc
    if output is not None:
        click.echo(f"{n} events written to {safe(output)}", err=True)


COMMANDS = [events, event, stats, claims, export]
