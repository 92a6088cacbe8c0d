"""`khorasan strength|plots|leaders|relations|statistics|audit`: the non-incident records.

Each command reads the store through :meth:`khorasan.store.Store.records` and prints the records
merged across documents (every source kept), as a table or, with ``--json``, as
``{"<kind>": [...]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from khorasan.analyse import audit_statistics, merge_records
from khorasan.cli._common import (
    Col,
    date_options,
    db_option,
    echo_json,
    open_db,
    print_table,
    safe,
)
from khorasan.evaluate.kinds import figures

__all__ = ["COMMANDS"]

F = TypeVar("F", bound=Callable[..., Any])


def _filters(func: F) -> F:
    func = click.option("--json", "as_json", is_flag=True, help="JSON output.")(func)
    func = date_options(func)
    func = click.option("--group", help="Group, e.g. IS-K (either party of a relation).")(func)
    return db_option(func)


def _merged(db: str | None, kind: str, **filters: Any) -> list[dict[str, Any]]:
    with open_db(db) as store:
        rows = store.records(kind, **filters)
    return merge_records(kind, rows)


def _emit(kind: str, records: list[dict[str, Any]], as_json: bool, columns: Sequence[Col],
          cells: Callable[[dict[str, Any]], list[Any]]) -> None:  # fmt: skip
    if as_json:
        echo_json({kind: records})
        return
    print_table(f"{kind.capitalize()} ({len(records)})", [*columns, Col("sources", drop=1)],
                [[*cells(r), _sources(r)] for r in records])  # fmt: skip


def _sources(rec: dict[str, Any]) -> str:
    docs = [s.get("outlet") or s.get("doc") or s["document_id"] for s in rec["sources"]]
    return f"{len(docs)}: " + "; ".join(str(d)[:24] for d in docs[:3])


def _range(rec: dict[str, Any]) -> str:
    low, high = rec.get("low"), rec.get("high")
    return f"{low}" if low == high else f"{low}-{high}"


@click.command()
@_filters
def strength(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
             as_json: bool) -> None:  # fmt: skip
    """Strength estimates per group as a time series, every source kept."""
    records = _merged(db, "strength", group=group, date_from=date_from, date_to=date_to)
    records.sort(key=lambda r: (r.get("group") or "", r.get("date") or ""))
    _emit("strength", records, as_json,
          [Col("group"), Col("date", "key"), Col("estimate", "num"), Col("unit")],
          lambda r: [r.get("group"), r.get("date"), _range(r), r.get("unit")])  # fmt: skip


@click.command()
@_filters
@click.option("--country", help="Country where the plots were interdicted.")
def plots(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
          as_json: bool, country: str | None) -> None:  # fmt: skip
    """Interdicted plots: counts by country and period."""
    records = _merged(db, "plots", group=group, date_from=date_from, date_to=date_to,
                      country=country)  # fmt: skip
    _emit("plots", records, as_json,
          [Col("group"), Col("country"), Col("count", "num"), Col("period", "key")],
          lambda r: [r.get("group"), r.get("country") or "(total)", r.get("count"),
                     r.get("period")])  # fmt: skip


@click.command()
@_filters
@click.option("--person", help="Person, canonical name (e.g. 'Shahab al-Muhajir').")
def leaders(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
            as_json: bool, person: str | None) -> None:  # fmt: skip
    """Leaders per group as a timeline: roles, statuses and sources of each person."""
    records = _merged(db, "leaders", group=group, date_from=date_from, date_to=date_to,
                      person=person)  # fmt: skip
    records.sort(key=lambda r: (r.get("group") or "", r.get("status_date") or ""))
    _emit("leaders", records, as_json,
          [Col("group"), Col("person"), Col("roles"), Col("statuses")],
          lambda r: [r.get("group"), r.get("person"), ", ".join(r["roles"]),
                     ", ".join(r["statuses"])])  # fmt: skip


@click.command()
@_filters
@click.option("--kind", "relation", help="war, rivalry, alliance, split, allegiance, defection.")
def relations(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
              as_json: bool, relation: str | None) -> None:  # fmt: skip
    """Relations between groups as a dated graph; identical statements merged."""
    records = _merged(db, "relations", group=group, date_from=date_from, date_to=date_to,
                      relation=relation)  # fmt: skip
    _emit("relations", records, as_json,
          [Col("a"), Col("b"), Col("kind"), Col("date", "key"), Col("asserted")],
          lambda r: [r.get("a"), r.get("b"), r.get("kind"), r.get("date"),
                     "yes" if r.get("asserted", True) else "alleged"])  # fmt: skip


@click.command()
@_filters
def statistics(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
               as_json: bool) -> None:  # fmt: skip
    """Aggregate statistics the documents quote, with window and source."""
    records = _merged(db, "statistics", group=group, date_from=date_from, date_to=date_to)
    _emit("statistics", records, as_json,
          [Col("subject"), Col("figures", min_width=16), Col("from", "key"), Col("to", "key"),
           Col("source")],
          lambda r: [r.get("subject"), ", ".join(f"{k} {v}" for k, v in figures(r).items()),
                     r.get("from"), r.get("to"), r.get("source")])  # fmt: skip


@click.command()
@_filters
def audit(db: str | None, group: str | None, date_from: str | None, date_to: str | None,
          as_json: bool) -> None:  # fmt: skip
    """Each quoted statistic beside this database's own tally for the same window."""
    with open_db(db) as store:
        rows = audit_statistics(store, group=group, date_from=date_from, date_to=date_to)
    if as_json:
        echo_json({"audits": rows})
        return
    for row in rows:
        click.echo(safe(row["quoted"]))
        click.echo(f"  {safe(row['ours_sentence'])}")
        if row["difference"]:
            diff = ", ".join(f"{k} {v:+d}" for k, v in row["difference"].items())
            click.echo(f"  difference (ours - quoted): {safe(diff)}")
        for gap in row["gaps"]:
            click.echo(f"  lacking: {safe(gap)}")
    if not rows:
        click.echo("no stored statistics")


COMMANDS = [strength, plots, leaders, relations, statistics, audit]
