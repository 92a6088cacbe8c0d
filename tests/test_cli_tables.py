"""Tables fit 80- and 120-column terminals and never cut a number: every figure the ``--json``
output gives for a table's rows appears whole in the table, and no line is wider than the
terminal. A store ingested from ``examples/`` plus a hand-built event with long names, a
range and a claim."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fuse_helpers import make_doc, record

from khorasan.cli import cli
from khorasan.fuse import update_events
from khorasan.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RECORDS = (
    "According to data collated by the Conflict Data Desk, a total of 40 persons, including 10 "
    "militants and 30 civilians, have been killed in 9 ISKP linked incidents since January 1, "
    "2022 (data till December 31, 2022).\n"
    "Analysts say ISKP has an estimated 4,000 to 6,000 fighters, as reported in March 2023.\n"
    "Since 2016, police have foiled at least nine ISKP plots: four in Germany and five in "
    "Turkey.\n"
)
SINAI = dict(date="2017-11-24", date_precision="day", country="Egypt",
             admin1="North Sinai Governorate", place="Al-Rawda mosque, Bir al-Abed",
             perpetrator="IS-K", attack_type="armed_assault", target_type="religious")  # fmt: skip
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ missing")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("tables")
    (tmp / "records.txt").write_text(RECORDS, encoding="utf-8")
    (tmp / "records.meta.json").write_text(json.dumps({"published": "2023-04-01"}))
    path = str(tmp / "k.db")
    for source in (EXAMPLES, tmp / "records.txt"):
        result = CliRunner().invoke(cli, ["ingest", str(source), "--db", path, "--quiet"])
        assert result.exit_code == 0, result.output
    store = Store(path)
    ids = []
    for name, published, killed, wounded, claimed in (
        ("sinai-a.txt", "2017-11-24", 180, 128, 300), ("sinai-b.txt", "2017-11-26", 224, 128,
                                                       None)):  # fmt: skip
        rec = record(f"Gunmen attacked the Al-Rawda mosque in North Sinai, killing {killed}.",
                     **SINAI, attribution="claimed", killed=killed, wounded=wounded,
                     claimed_killed=claimed)  # fmt: skip
        doc = make_doc(name, f"Report {name}. " + rec["evidence"], published, "Sinai Desk")
        store.add_document(doc, {"incidents": [rec]}, "test")
        ids.append(doc.id)
    update_events(store, ids)
    store.close()
    return path


def _range(low: Any, best: Any, high: Any) -> list[Any]:
    return [] if best is None else [best] if low == high else [best, low, high]


def _events(data: dict[str, Any]) -> list[Any]:
    return [
        n
        for e in data["events"]
        for k in ("killed", "wounded")
        for n in _range(e[f"{k}_low"], e[f"{k}_best"], e[f"{k}_high"])
    ] + [e["claimed_killed"] for e in data["events"] if e["claimed_killed"] is not None]


def _stats(data: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key in ("by_month", "by_province"):
        for v in data[key].values():
            out += [v["events"], *v["killed_by_category"].values()]
            for k in ("killed", "wounded"):
                out += _range(v[f"{k}_low"], v[f"{k}_best"], v[f"{k}_high"])
    return out


def _claims(data: dict[str, Any]) -> list[Any]:
    out = [
        n
        for r in data["events"]
        for n in (
            r["claimed_killed"],
            r["reported_killed_best"],
            r["reported_killed_high"],
            r["ratio"],
        )
    ]
    for key in ("by_year", "by_target_type"):
        out += [
            n
            for v in data[key].values()
            for n in (v["events"], v["claimed_killed"], v["reported_killed"], v["ratio"])
        ]
    return out


def _figure(value: Any) -> list[Any]:
    return [value["value"]] if value else []


TABLES: dict[str, tuple[list[str], Callable[[dict[str, Any]], list[Any]]]] = {
    "events": (["events"], _events),
    "stats": (["stats"], _stats),
    "claims": (["claims"], _claims),
    "docs": (["docs"], lambda d: [n for r in d["documents"]
                                  for n in (r["appearances"], r["wire_copies"])]),
    "incidents": (["incidents"], lambda d: [n for r in d["incidents"]
                                            for n in _figure(r["killed"]) + _figure(r["wounded"])]),
    "strength": (["strength"], lambda d: [n for r in d["strength"] for n in (r["low"], r["high"])]),
    "plots": (["plots"], lambda d: [r["count"] for r in d["plots"]]),
    "statistics": (["statistics"], lambda d: [r[k] for r in d["statistics"]
                                              for k in ("killed", "incidents") if k in r]),
}  # fmt: skip


def _invoke(args: list[str], columns: int) -> str:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", sorted(TABLES))
def test_cli_table_fits_and_keeps_every_number_whole(db: str, command: str,
                                                     columns: int) -> None:  # fmt: skip
    args, numbers = TABLES[command]
    expected = Counter(
        str(n)
        for n in numbers(json.loads(_invoke([*args, "--db", db, "--json"], columns)))
        if n is not None
    )
    assert expected, f"{command}: the test store should give it numbers"
    text = _invoke([*args, "--db", db], columns)
    too_wide = [line for line in text.splitlines() if len(line) > columns]
    if command != "stats":  # stats' sentence lines are prose a terminal wraps
        assert not too_wide, "\n".join(too_wide)
    shown = Counter(_NUMBER.findall(text))
    missing = {n: c for n, c in expected.items() if shown[n] < c}
    assert not missing, f"{command} at {columns} columns lost {missing}:\n{text}"


@pytest.mark.parametrize("columns", [80, 120])
def test_cli_stats_shows_sinai_whole(db: str, columns: int) -> None:
    text = _invoke(["stats", "--db", db, "--admin1", "North Sinai Governorate"], columns)
    row = next(line for line in text.splitlines() if line.startswith("2017-11"))
    assert re.search(r"\b224 \(180-224\)", row) and re.search(r"\b128\b", row)


def test_cli_table_wider_than_the_terminal_is_widened_not_cut() -> None:
    from khorasan.cli._common import Col, print_table

    runner = CliRunner(env={"COLUMNS": "30"})

    @cli.command(name="_wide_table_probe", hidden=True)
    def probe() -> None:
        print_table("t", [Col(f"n{i}", "num") for i in range(6)], [[123456789] * 6])

    try:
        result = runner.invoke(cli, ["_wide_table_probe"])
    finally:
        cli.commands.pop("_wide_table_probe")
    assert result.output.count("123456789") == 6


def test_cli_table_drops_optional_columns_on_a_narrow_terminal(db: str) -> None:
    header = {c: _invoke(["events", "--db", db], c).splitlines()[1].split() for c in (80, 120)}
    assert "type" in header[120] and "flags" in header[120]
    assert "flags" not in header[80] and {"id", "date", "where", "killed"} <= set(header[80])
