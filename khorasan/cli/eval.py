"""``khorasan eval``: extraction and fusion scored against gold files, and the regression
gate."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from khorasan.cli._common import OptionError, echo_json, safe, safe_text

__all__ = ["COMMANDS"]


@click.command(name="eval")
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
    # options that mean nothing without another: refused rather than silently ignored
    if update_baseline and baseline is None:
        raise OptionError("--update-baseline: needs --baseline FILE")
    if allow_regression and not update_baseline:
        raise OptionError("--allow-regression: needs --update-baseline")
    # the evaluator is only needed here: imported late, so other commands start without it
    from khorasan.evaluate import check_gate, format_report, report_to_json, run_eval
    from khorasan.evaluate import update_baseline as repin
    from khorasan.evaluate.fusion import merge_score
    from khorasan.pipeline import extract_file

    report = run_eval(gold_dir, docs_dir, extract_file)
    report.merge = merge_score(docs_dir, report)
    data = report_to_json(report)
    if as_json:
        echo_json(data)
    else:
        click.echo(safe_text(format_report(report, show_errors=show_errors)))
    if baseline is None:
        return
    name = set_name or gold_dir.name
    if update_baseline:
        try:
            repin(data, baseline, name, allow_regression=allow_regression)
        except ValueError as exc:
            raise click.ClickException(f"{safe(baseline)}: {safe(exc)}") from exc
        click.echo(f"baseline {safe(baseline)} [{safe(name)}] updated", err=True)
        return
    regressions = check_gate(data, baseline, name)
    for line in regressions:
        click.echo(f"regression: {safe(line)}", err=True)
    if regressions:
        sys.exit(1)


COMMANDS = [eval_cmd]
