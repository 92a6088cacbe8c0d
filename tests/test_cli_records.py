"""`khorasan strength|plots|leaders|relations|statistics|audit` over a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khorasan.cli import cli

REPORT = (
    "ISKP under pressure\n\n"
    "On 12 May 2022, a suicide bomber killed 13 people at a market in Jalalabad, Nangarhar "
    "province. The Islamic State Khorasan Province (ISKP) claimed responsibility.\n"
    "According to data collated by the Conflict Data Desk, a total of 40 persons, including 10 "
    "militants and 30 civilians, have been killed in 9 ISKP linked incidents since January 1, "
    "2022 (data till December 31, 2022).\n"
    "Analysts say ISKP has an estimated 4,000 to 6,000 fighters, as reported in March 2023.\n"
    "Since 2016, police have foiled at least nine ISKP plots: four in Germany and five in "
    "Turkey.\n"
    "Currently, Sanaullah Ghafari is the emir of the group. The Taliban and ISKP have clashed "
    "often; the two groups declared war on each other in January 2015.\n"
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    src = tmp_path / "in"
    src.mkdir()
    (src / "report.txt").write_text(REPORT, encoding="utf-8")
    (src / "report.meta.json").write_text(json.dumps({"published": "2023-04-01",
                                                      "outlet": "Test Wire"}))  # fmt: skip
    path = str(tmp_path / "k.db")
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", path, "--quiet"])
    assert result.exit_code == 0, result.output
    return path


def run_json(db: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_records_strength(db: str) -> None:
    [point] = run_json(db, "strength", "--group", "IS-K")["strength"]
    assert (point["date"], point["low"], point["high"]) == ("2023-03", 4000, 6000)
    assert point["sources"][0]["outlet"] == "Test Wire"
    assert run_json(db, "strength", "--from", "2024")["strength"] == []


def test_cli_records_plots_leaders_relations(db: str) -> None:
    plots = run_json(db, "plots", "--country", "Germany")["plots"]
    assert [(p["count"], p["period"]) for p in plots] == [(4, "2016-2023")]
    [leader] = run_json(db, "leaders", "--group", "IS-K")["leaders"]
    assert leader["person"] == "Shahab al-Muhajir" and leader["roles"] == ["emir"]
    relations = run_json(db, "relations", "--kind", "war")["relations"]
    assert any({r["a"], r["b"]} == {"Taliban", "IS-K"} and r["date"] == "2015-01"
               for r in relations)  # fmt: skip


def test_cli_records_statistics_and_audit(db: str) -> None:
    [stat] = run_json(db, "statistics")["statistics"]
    assert (stat["killed"], stat["incidents"], stat["from"], stat["to"]) == (
        40,
        9,
        "2022-01-01",
        "2022-12-31",
    )
    result = CliRunner().invoke(cli, ["audit", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Conflict Data Desk: 40 killed in 9 incidents, 2022-01-01 - 2022-12-31"
    assert lines[1].strip().startswith("this database: ")
    assert "in 1 incidents, 2022-01-01 - 2022-12-31" in lines[1]
    assert "difference (ours - quoted): incidents -8" in result.output


def test_cli_records_table_output(db: str) -> None:
    result = CliRunner().invoke(cli, ["relations", "--db", db])
    assert result.exit_code == 0
    assert "Relations" in result.output and "war" in result.output


def test_cli_records_bad_db_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["leaders", "--db", str(tmp_path / "no" / "dir" / "x.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
