"""Commands that write the store: ``ingest``, ``reextract``, ``fuse``."""

from __future__ import annotations

import sys
import time
from functools import partial
from typing import Any

import click

from khorasan import alerts
from khorasan.cli._common import OptionError, db_option, echo_json, open_db, positive, safe
from khorasan.ingest import Failure, IngestOptions, count_items
from khorasan.pipeline import fuse as run_fuse
from khorasan.pipeline import ingest as run_ingest
from khorasan.pipeline import reextract as run_reextract
from khorasan.spark import ingest_spark
from khorasan.workers import cpu_count

__all__ = ["COMMANDS"]


def _progress_wanted(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def _stderr() -> Any:
    """The progress bar's console: stderr, so that stdout stays the result alone."""
    from rich.console import Console

    return Console(stderr=True)


@click.command()
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
@click.option("--deadline", type=str, default=None, metavar="SECONDS", callback=positive(),
              help="Seconds a whole download may take, redirects included (default 60, or "
              "--timeout when longer; a longer --timeout is cut to it).")  # fmt: skip
@click.option("--max-feed-entries", type=str, default=str(IngestOptions.max_feed_entries),
              show_default=True, metavar="N", callback=positive(whole=True),
              help="Entries fetched from one feed; the rest are reported skipped.")  # fmt: skip
@click.option("--max-run-entries", type=str, default=str(IngestOptions.max_run_entries),
              show_default=True, metavar="N", callback=positive(whole=True),
              help="Feed entries fetched in the whole run, all feeds together.")  # fmt: skip
@click.option("--max-files", type=str, default=None, metavar="N",
              callback=positive(whole=True),
              help="Files taken from folders in the whole run, in their sorted order "
              "(default: every file); the rest are reported skipped.")  # fmt: skip
@click.option("--doc-seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Fail a document whose extraction takes longer (0: no limit).")  # fmt: skip
@click.option("--no-extract", is_flag=True, help="Store documents without extracting records.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes extracting at once (default: the number of cores; 1: this "
              "process alone).")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Where to read and extract: here, or on Spark.",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Spark master (local[4], spark://host:7077, yarn); default all local cores.",
)
@click.option(
    "--spark-output",
    metavar="DIR|URL",
    help="Where Spark writes the documents and records as Parquet (kept).",
)
def ingest(
    inputs: tuple[str, ...], db: str | None, include: tuple[str, ...], exclude: tuple[str, ...],
    max_bytes: int, allow_private: bool, timeout: float, deadline: float | None,
    max_feed_entries: int, max_run_entries: int, max_files: int | None, doc_seconds: float,
    no_extract: bool, workers: int | None,
    quiet: bool, as_json: bool, engine: str, spark_master: str | None, spark_output: str | None,
) -> None:  # fmt: skip
    """Ingest files, directories, JSONL, URLs and RSS/Atom feeds; extract and store records.
    With --engine spark also JSONL and Parquet on Hadoop filesystem URLs (hdfs://, s3a://)."""
    if not timeout > 0:
        raise OptionError("--timeout: must be above 0")
    if deadline is not None:  # given: the whole download ends there, each read too
        timeout = min(timeout, deadline)
    options = IngestOptions(include=include, exclude=exclude, max_bytes=max_bytes,
                            allow_private=allow_private, timeout=timeout,
                            deadline=deadline or max(IngestOptions.deadline, timeout),
                            max_feed_entries=max_feed_entries, max_run_entries=max_run_entries,
                            max_files=max_files, doc_seconds=doc_seconds or None)  # fmt: skip
    if engine != "spark" and (spark_master or spark_output):
        raise click.UsageError("--spark-master and --spark-output need --engine spark")
    run: Any = partial(run_ingest, workers=workers or cpu_count())
    if engine == "spark":
        run = partial(ingest_spark, master=spark_master, output=spark_output)
    store = open_db(db, create=True)

    def report(item: object) -> None:
        if isinstance(item, Failure):  # the batch goes on: one line per bad input
            click.echo(f"Error: {safe(item.subject)}: {safe(item.reason)}", err=True)

    if _progress_wanted(quiet):
        with _IngestProgress(count_items(inputs, options)) as on_item:
            summary = run(inputs, store, options, extract=not no_extract, on_item=on_item)
    else:
        summary = run(inputs, store, options, extract=not no_extract, on_item=report)
    # saved alert rules hear of what this run stored (no rules: one small query)
    fired = alerts.notify(store) if not no_extract and alerts.has_rules(store) else None
    store.close()
    if as_json:
        echo_json(summary.as_dict())
    else:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(summary.skipped_by_reason.items()))
        click.echo(
            f"ingested {summary.ingested} (wire copies {summary.wire_copies}), "
            f"duplicates {summary.duplicates}, already stored {summary.already}, "
            f"incident mentions {summary.incidents}, failed {len(summary.failures)}"
            + (f" ({skipped})" if skipped else "")
            + f", {summary.seconds:.2f} s"
        )
    if fired is not None and (fired.sent or fired.failed or fired.queued):
        click.echo(f"alerts: sent {fired.sent}, failed {fired.failed}, queued {fired.queued}",
                   err=True)  # fmt: skip
    if summary.failures:
        sys.exit(1)


class _IngestProgress:
    """The ingest progress bar on stderr: documents done, and with a known total a bar and
    the time left. Redrawn by the run itself, at most ten times a second: no refresh thread,
    so that extraction workers may be forked. Its text is fixed, never article text."""

    def __init__(self, total: int | None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [SpinnerColumn(), TextColumn("ingesting")]
        if total is None:
            columns += [TextColumn("{task.completed} documents"), TimeElapsedColumn()]
        else:
            columns += [BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
                        TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]  # fmt: skip
        self.progress = Progress(*columns, console=_stderr(), transient=True,
                                 auto_refresh=False)  # fmt: skip
        self.task = self.progress.add_task("ingesting", total=total)
        self.drawn = 0.0

    def __enter__(self) -> Any:
        self.progress.start()
        return self.on_item

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def on_item(self, item: object) -> None:
        if isinstance(item, Failure):  # printed above the bar, which is drawn again below
            from rich.text import Text

            self.progress.console.print(Text(f"Error: {safe(item.subject)}: {safe(item.reason)}"))
        task = self.progress.tasks[0]
        if task.total is not None and task.completed + 1 > task.total:  # more than counted
            self.progress.update(self.task, total=task.completed + 1)
        self.progress.advance(self.task)
        if time.monotonic() - self.drawn >= 0.1:
            self.progress.refresh()
            self.drawn = time.monotonic()


@click.command()
@db_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def reextract(db: str | None, quiet: bool) -> None:
    """Re-run every extractor over every stored document, replacing machine output only, and
    re-fuse the events."""
    with open_db(db) as store:
        if _progress_wanted(quiet):
            from rich.progress import Progress

            with Progress(console=_stderr(), transient=True) as progress:
                task = progress.add_task("re-extracting", total=None)

                def on_progress(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                summary = run_reextract(store, on_progress=on_progress)
        else:
            summary = run_reextract(store)
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    click.echo(f"re-extracted {summary.documents} documents with {summary.extractor_version} "
               f"({counts}); {summary.events} events in {summary.seconds:.2f} s")  # fmt: skip


@click.command(name="fuse")
@db_option
def fuse_cmd(db: str | None) -> None:
    """Re-fuse every stored incident mention into events (after reextract or a tuning change)."""
    with open_db(db) as store:
        summary = run_fuse(store)
    click.echo(f"fused {summary.mentions} mentions into {summary.events} events "
               f"in {summary.seconds:.2f} s")  # fmt: skip


COMMANDS = [ingest, reextract, fuse_cmd]
