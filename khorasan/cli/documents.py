"""Commands on documents and their incident mentions: ``docs``, ``show``, ``incidents``,
``extract``."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from khorasan.cli._common import (
    Col,
    csv_cell,
    date_options,
    db_option,
    echo_json,
    exclusive,
    open_db,
    print_table,
    safe,
    safe_text,
    where,
)
from khorasan.ingest import Failure
from khorasan.pipeline import extract_files
from khorasan.workers import cpu_count

__all__ = ["COMMANDS"]


def _clip(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@click.command()
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"documents": [...]}.')
def docs(db: str | None, limit: int | None, as_json: bool) -> None:
    """List stored documents: id, date, outlet, title, appearances, wire copies."""
    with open_db(db) as store:
        rows = store.documents(limit=limit)
    if as_json:
        echo_json({"documents": rows})
        return
    print_table(
        f"Documents ({len(rows)})",
        [Col("id", "key"), Col("date", "key"), Col("outlet", max_width=24, drop=1),
         Col("title", min_width=24),
         Col("appearances", "num"), Col("wire copies", "num")],
        [[r["id"], r["published"], r["outlet"], _clip(r["title"] or r["name"], 70),
          r["appearances"], r["wire_copies"]] for r in rows],
    )  # fmt: skip


@click.command()
@click.argument("doc_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def show(doc_id: str, db: str | None, as_json: bool) -> None:
    """Print one document (id or id prefix) with its metadata and clean text."""
    with open_db(db) as store:
        row = store.document(doc_id)
    if row is None:
        raise click.ClickException(f"{safe(doc_id)}: no such document (or the prefix is "
                                   "ambiguous)")  # fmt: skip
    if as_json:
        echo_json(row)
        return
    for key in ("id", "title", "published", "outlet", "url", "source", "wire_story_id"):
        click.echo(f"{key:>14}: {safe(row[key])}")
    for app in row["appearances"]:
        click.echo(f"{'appearance':>14}: {safe(app['relation'])} {safe(app['source'])} "
                   f"({safe(app['outlet'])})")  # fmt: skip
    click.echo()
    click.echo(safe_text(row["text"]))


_INCIDENT_COLUMNS = [Col("date", "key"), Col("where", min_width=12),
                     Col("perpetrator", min_width=12, drop=2), Col("type", drop=3),
                     Col("killed", "num"), Col("wounded", "num"),
                     Col("evidence", min_width=20, drop=1)]  # fmt: skip


def _fig(value: Any) -> str:
    if not value:
        return ""
    q = {"at_least": "≥", "over": ">", "about": "~", "up_to": "≤"}.get(value.get("qualifier"), "")
    return f"{q}{value['value']}"


def _incident_cells(r: dict[str, Any]) -> list[Any]:
    perpetrator = r.get("perpetrator") or ""
    if perpetrator and r.get("attribution"):
        perpetrator += f" ({r['attribution']})"
    return [r.get("date"), where(r), perpetrator, r.get("attack_type"), _fig(r.get("killed")),
            _fig(r.get("wounded")), _clip(r.get("evidence"), 100)]  # fmt: skip


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document, one per line.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes extracting at once (default: the number of cores).")  # fmt: skip
def extract(paths: tuple[Path, ...], as_json: bool, workers: int | None) -> None:
    """Extract records from document files (reading .meta.json sidecars) without storing."""
    failed = False
    for result in extract_files(paths, workers=workers or cpu_count()):
        if isinstance(result, Failure):
            click.echo(f"Error: {safe(result.subject)}: {safe(result.reason)}", err=True)
            failed = True
            continue
        if as_json:
            echo_json(result, indent=None)  # JSON Lines: one document a line
        else:
            published = safe(result["published"] or "unknown")
            click.echo(f"{safe(result['doc'])}  (published {published})")
            print_table(f"Incidents ({len(result['incidents'])})", _INCIDENT_COLUMNS,
                        [_incident_cells(r) for r in result["incidents"]])  # fmt: skip
    if failed:
        sys.exit(1)


@click.command()
@db_option
@date_options
@click.option("--country", help="Country, e.g. Afghanistan.")
@click.option("--admin1", help="Province, e.g. Nangarhar.")
@click.option("--perpetrator", help="Canonical actor, e.g. IS-K.")
@click.option("--attack-type", help="bombing, armed_assault, assassination, ...")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"incidents": [...]}.')
@click.option("--csv", "as_csv", is_flag=True, help="CSV output.")
def incidents(
    db: str | None, date_from: str | None, date_to: str | None, country: str | None,
    admin1: str | None, perpetrator: str | None, attack_type: str | None, as_json: bool,
    as_csv: bool,
) -> None:  # fmt: skip
    """List stored incident mentions with the sentence each came from."""
    exclusive(json=as_json, csv=as_csv)
    with open_db(db) as store:
        rows = store.incidents(date_from=date_from, date_to=date_to, country=country,
                               admin1=admin1, perpetrator=perpetrator,
                               attack_type=attack_type)  # fmt: skip
    if as_json:
        echo_json({"incidents": [_incident_json(r) for r in rows]})
    elif as_csv:
        _write_csv(sys.stdout, [_incident_csv(r) for r in rows])
    else:
        print_table(f"Incident mentions ({len(rows)})",
                    [Col("doc", min_width=12, drop=4), *_INCIDENT_COLUMNS],
                    [[r["doc"], *_incident_cells(r["record"])] for r in rows])  # fmt: skip


def _incident_json(row: dict[str, Any]) -> dict[str, Any]:
    rec = dict(row["record"])
    rec.update(document_id=row["document_id"], doc=row["doc"], outlet=row["outlet"],
               extractor_version=row["extractor_version"])  # fmt: skip
    return rec


_CSV_SKIP = {"record", "id"}


def _incident_csv(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _CSV_SKIP}


def _write_csv(stream: Any, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)


COMMANDS = [docs, show, extract, incidents]
