"""The `khorasan` command: a thin skin over the library's functions.

Every command accepts ``--db`` (a file path or SQLAlchemy URL; default ``$KHORASAN_DB`` or
``./khorasan.db``). Errors print one line, ``Error: <input>: <reason>``; exit codes: 0 success,
1 some inputs failed or an error occurred, 2 usage error.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from khorasan.errors import KhorasanError

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db",
        envvar="KHORASAN_DB",
        default=None,
        metavar="PATH|URL",
        help="Database file or SQLAlchemy URL (default: $KHORASAN_DB or ./khorasan.db).",
    )(func)


def _open_store(db: str | None) -> Any:
    from khorasan.store import Store

    return Store(db)


def _fail(exc: KhorasanError) -> click.ClickException:
    return click.ClickException(f"{exc.subject}: {exc.reason}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="khorasan-monitor")
def cli() -> None:
    """Khorasan Monitor: a sourced, queryable record of IS-K violence from open reporting."""


# --------------------------------------------------------------------------------- ingest
@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@db_option
@click.option(
    "--include", multiple=True, metavar="GLOB", help="File name globs to take from directories."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="File name globs to skip.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=5_000_000,
    show_default=True,
    help="Skip files and pages larger than this.",
)
@click.option(
    "--allow-private", is_flag=True, help="Allow fetching private/loopback addresses (tests)."
)
@click.option(
    "--timeout", type=float, default=20.0, show_default=True, help="Fetch timeout, seconds."
)
@click.option("--no-extract", is_flag=True, help="Store documents without extracting records.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
def ingest(
    inputs: tuple[str, ...], db: str | None, include: tuple[str, ...], exclude: tuple[str, ...],
    max_bytes: int, allow_private: bool, timeout: float, no_extract: bool, quiet: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Ingest files, directories, JSONL, URLs and RSS/Atom feeds; extract and store records."""
    from khorasan.ingest import Failure, IngestOptions
    from khorasan.pipeline import ingest as run_ingest

    options = IngestOptions(include=include, exclude=exclude, max_bytes=max_bytes,
                            allow_private=allow_private, timeout=timeout)  # fmt: skip
    try:
        store = _open_store(db)
    except KhorasanError as exc:
        raise _fail(exc) from exc

    def report(item: object) -> None:
        if isinstance(item, Failure):
            click.echo(f"Error: {item.subject}: {item.reason}", err=True)

    show_progress = not quiet and sys.stderr.isatty()
    if show_progress:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                      TextColumn("{task.completed} documents"), TimeElapsedColumn(),
                      transient=True) as progress:  # fmt: skip
            task = progress.add_task("ingesting", total=None)

            def on_item(item: object) -> None:
                report(item)
                progress.advance(task)

            summary = run_ingest(inputs, store, options, extract=not no_extract, on_item=on_item)
    else:
        summary = run_ingest(inputs, store, options, extract=not no_extract, on_item=report)
    store.close()
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(summary.skipped_by_reason.items()))
        click.echo(
            f"ingested {summary.ingested} (wire copies {summary.wire_copies}), "
            f"duplicates {summary.duplicates}, already stored {summary.already}, "
            f"incident mentions {summary.incidents}, failed {len(summary.failures)}"
            + (f" ({skipped})" if skipped else "")
            + f", {summary.seconds:.2f} s"
        )
    if summary.failures:
        sys.exit(1)


# ----------------------------------------------------------------------------- inspection
@cli.command()
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def docs(db: str | None, limit: int | None, as_json: bool) -> None:
    """List stored documents: id, date, outlet, title, appearances, wire copies."""
    try:
        rows = _open_store(db).documents(limit=limit)
    except KhorasanError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps({"documents": rows}, indent=2, ensure_ascii=False))
        return
    _print_table(
        "Documents",
        ["id", "date", "outlet", "title", "appearances", "wire copies"],
        [
            [
                r["id"],
                r["published"] or "",
                r["outlet"] or "",
                (r["title"] or r["name"])[:70],
                r["appearances"],
                r["wire_copies"],
            ]
            for r in rows
        ],  # fmt: skip
    )


@cli.command()
@click.argument("doc_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def show(doc_id: str, db: str | None, as_json: bool) -> None:
    """Print one document (id or id prefix) with its metadata and clean text."""
    try:
        row = _open_store(db).document(doc_id)
    except KhorasanError as exc:
        raise _fail(exc) from exc
    if row is None:
        raise click.ClickException(f"{doc_id}: no such document (or the prefix is ambiguous)")
    if as_json:
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    for key in ("id", "title", "published", "outlet", "url", "source", "wire_story_id"):
        click.echo(f"{key:>14}: {row[key] if row[key] is not None else ''}")
    for app in row["appearances"]:
        click.echo(f"{'appearance':>14}: {app['relation']} {app['source']} ({app['outlet'] or ''})")
    click.echo()
    click.echo(row["text"])


# -------------------------------------------------------------------------------- extract
@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document, one per line.")
def extract(paths: tuple[Path, ...], as_json: bool) -> None:
    """Extract records from document files (reading .meta.json sidecars) without storing."""
    from khorasan.extract import extract_document
    from khorasan.ingest import Failure, IngestOptions, iter_documents

    failed = False
    for item in iter_documents([str(p) for p in paths], IngestOptions()):
        if isinstance(item, Failure):
            click.echo(f"Error: {item.subject}: {item.reason}", err=True)
            failed = True
            continue
        result = extract_document(item)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(f"{result['doc']}  (published {result['published'] or 'unknown'})")
            _print_table(
                "Incidents", _INCIDENT_HEADERS, [_incident_cells(r) for r in result["incidents"]]
            )
    if failed:
        sys.exit(1)


_INCIDENT_HEADERS = ["date", "country", "admin1", "place", "perpetrator", "attribution",
                     "type", "killed", "wounded", "evidence"]  # fmt: skip


def _fig(value: Any) -> str:
    if not value:
        return ""
    q = {"at_least": "≥", "over": ">", "about": "~", "up_to": "≤"}.get(value.get("qualifier"), "")
    return f"{q}{value['value']}"


def _incident_cells(r: dict[str, Any]) -> list[Any]:
    return [r.get("date") or "", r.get("country") or "", r.get("admin1") or "",
            (r.get("place") or "")[:24], r.get("perpetrator") or "", r.get("attribution") or "",
            r.get("attack_type") or "", _fig(r.get("killed")), _fig(r.get("wounded")),
            (r.get("evidence") or "")[:60]]  # fmt: skip


# -------------------------------------------------------------------------------- incidents
@cli.command()
@db_option
@click.option("--from", "date_from", metavar="DATE", help="Earliest date (YYYY[-MM[-DD]]).")
@click.option("--to", "date_to", metavar="DATE", help="Latest date (YYYY[-MM[-DD]]).")
@click.option("--country", help="Country, e.g. Afghanistan.")
@click.option("--admin1", help="Province, e.g. Nangarhar.")
@click.option("--perpetrator", help="Canonical actor, e.g. IS-K.")
@click.option("--attack-type", help="bombing, armed_assault, assassination, ...")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV output.")
def incidents(
    db: str | None, date_from: str | None, date_to: str | None, country: str | None,
    admin1: str | None, perpetrator: str | None, attack_type: str | None, as_json: bool,
    as_csv: bool,
) -> None:  # fmt: skip
    """List stored incident mentions with the sentence each came from."""
    try:
        rows = _open_store(db).incidents(date_from=date_from, date_to=date_to, country=country,
                                         admin1=admin1, perpetrator=perpetrator,
                                         attack_type=attack_type)  # fmt: skip
    except KhorasanError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps({"incidents": [_incident_json(r) for r in rows]}, indent=2,
                              ensure_ascii=False))  # fmt: skip
    elif as_csv:
        _write_csv(sys.stdout, [_incident_csv(r) for r in rows])
    else:
        _print_table(f"Incident mentions ({len(rows)})", ["doc"] + _INCIDENT_HEADERS,
                     [[r["doc"][:18]] + _incident_cells(r["record"]) for r in rows])  # fmt: skip


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
    writer.writerows(rows)


@cli.command()
@db_option
def reextract(db: str | None) -> None:
    """Re-run extraction over every stored document, replacing machine output only."""
    from khorasan.extract import EXTRACTOR_VERSION, extract_document
    from khorasan.model import Document

    try:
        store = _open_store(db)
        n_docs = n_inc = 0
        for row in store.iter_documents():
            doc = Document(text=row["text"], name=row["name"], source=row["source"],
                           title=row["title"], published=row["published"], outlet=row["outlet"],
                           url=row["url"], id=row["id"])  # fmt: skip
            records = extract_document(doc)["incidents"]
            store.replace_incidents(row["id"], records, EXTRACTOR_VERSION)
            n_docs += 1
            n_inc += len(records)
    except KhorasanError as exc:
        raise _fail(exc) from exc
    click.echo(
        f"re-extracted {n_docs} documents with {EXTRACTOR_VERSION}: {n_inc} incident mentions"
    )


# ----------------------------------------------------------------------------------- eval
@cli.command(name="eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="Directory of *.gold.json files.")  # fmt: skip
@click.option("--docs", "docs_dir", required=True, type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="Directory of the documents the gold files name.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="JSON report.")
@click.option(
    "--errors",
    "show_errors",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="How many misses/false alarms/mismatches to list.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    default=None,
    help="Eval baseline file: check the scores against its floors.",
)
@click.option(
    "--set", "set_name", default=None, help="Name of this set in the baseline (seeds, dev)."
)
@click.option(
    "--update-baseline", is_flag=True, help="Raise the baseline's floors to these scores."
)
@click.option("--allow-regression", is_flag=True, help="With --update-baseline: allow lowering.")
def eval_cmd(
    gold_dir: Path, docs_dir: Path, as_json: bool, show_errors: int, baseline: Path | None,
    set_name: str | None, update_baseline: bool, allow_regression: bool,
) -> None:  # fmt: skip
    """Score extraction against gold records: P/R/F1 of incidents, accuracy per field."""
    from khorasan.evaluate import (
        check_gate,
        format_report,
        report_to_json,
        run_eval,
    )
    from khorasan.evaluate import update_baseline as repin
    from khorasan.extract import extract_path
    from khorasan.fuse.evaluate import merge_score

    report = run_eval(gold_dir, docs_dir, extract_path)
    report.merge = merge_score(docs_dir, report)
    data = report_to_json(report)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(report, show_errors=show_errors))
    if baseline is None:
        return
    name = set_name or gold_dir.name
    if update_baseline:
        try:
            repin(data, baseline, name, allow_regression=allow_regression)
        except ValueError as exc:
            raise click.ClickException(f"{baseline}: {exc}") from exc
        click.echo(f"baseline {baseline} [{name}] updated", err=True)
        return
    regressions = check_gate(data, baseline, name)
    for line in regressions:
        click.echo(f"regression: {line}", err=True)
    if regressions:
        sys.exit(1)


# ------------------------------------------------------------------------------ rendering
def _print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        # markup=False semantics: article text is untrusted, never interpreted as rich markup
        from rich.text import Text

        table.add_row(*[Text(str(c)) for c in row])
    Console(width=max(120, Console().width)).print(table)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KhorasanError as exc:  # pragma: no cover - commands convert their own
        click.echo(f"Error: {exc.subject}: {exc.reason}", err=True)
        sys.exit(1)


from khorasan import cli_events  # noqa: E402,F401,I001  (registers event commands)
from khorasan import cli_records  # noqa: E402,F401  (registers record commands)
