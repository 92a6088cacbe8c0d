"""The CLI as a user meets it: commands, exit codes, one-line errors, documented in the README."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from khorasan.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

REPORT = (
    "Bombing kills 13 at market in Jalalabad\n\n"
    "A suicide bomber blew himself up at a crowded market in Jalalabad, the capital of "
    "Nangarhar province, on 12 May 2022, killing at least 13 people and wounding 30 others, "
    "officials said. The Islamic State Khorasan Province (ISKP) claimed responsibility.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_report(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "report.txt").write_text(REPORT, encoding="utf-8")
    (src / "report.meta.json").write_text(json.dumps({"published": "2022-05-12",
                                                      "outlet": "Test Wire"}))  # fmt: skip
    return src


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_cli_commands_have_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output) > 80


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_cli_commands_are_documented(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^### `khorasan {command}\b", readme, re.M), f"{command} not in README"


def test_cli_readme_quick_start_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_cli_ingest_then_list_show_and_incidents(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    src = write_report(tmp_path)
    result = runner.invoke(cli, ["ingest", str(src), "--db", db, "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ingested"] == 1 and summary["failed"] == 0

    again = runner.invoke(cli, ["ingest", str(src), "--db", db, "--quiet", "--json"])
    assert json.loads(again.output)["ingested"] == 0
    assert json.loads(again.output)["already_stored"] == 1

    listed = json.loads(runner.invoke(cli, ["docs", "--db", db, "--json"]).output)["documents"]
    assert len(listed) == 1 and listed[0]["published"] == "2022-05-12"
    shown = runner.invoke(cli, ["show", listed[0]["id"][:8], "--db", db])
    assert shown.exit_code == 0 and "Jalalabad" in shown.output

    incidents = json.loads(runner.invoke(cli, ["incidents", "--db", db, "--json"]).output)
    assert incidents["incidents"], "the report's bombing should be stored as an incident mention"
    first = incidents["incidents"][0]
    assert first["killed"]["value"] == 13 and first["admin1"] == "Nangarhar"
    text = shown.output
    assert first["evidence"] in text

    csv_out = runner.invoke(cli, ["incidents", "--db", db, "--csv"]).output
    assert csv_out.splitlines()[0].startswith("document_id,")


def test_cli_ingest_reports_bad_inputs_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    src = write_report(tmp_path)
    (src / "empty.txt").write_text("")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    result = runner.invoke(cli, ["ingest", str(src), str(tmp_path / "nope.txt"),
                                 "--db", str(tmp_path / "k.db"), "--quiet"])  # fmt: skip
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3
    assert any("empty.txt" in e for e in errors) and any("nope.txt" in e for e in errors)
    assert "ingested 1" in result.output


def test_cli_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["ingest"]).exit_code == 2
    assert runner.invoke(cli, ["incidents", "--no-such-flag"]).exit_code == 2


def test_cli_show_unknown_document(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(write_report(tmp_path)), "--db", db, "--quiet"])
    result = runner.invoke(cli, ["show", "ffff", "--db", db])
    assert result.exit_code == 1 and "ffff" in result.output


def test_cli_extract_json_contract(runner: CliRunner, tmp_path: Path) -> None:
    src = write_report(tmp_path)
    result = runner.invoke(cli, ["extract", str(src / "report.txt"), "--json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output.splitlines()[0])
    assert obj["doc"] == "report.txt" and obj["published"] == "2022-05-12"
    for kind in ("incidents", "statistics", "strength", "plots", "leaders", "relations"):
        assert isinstance(obj[kind], list)
    inc = obj["incidents"][0]
    assert {"evidence", "span", "confidence", "date", "perpetrator", "killed"} <= set(inc)
    assert inc["perpetrator"] == "IS-K" and inc["attribution"] == "claimed"


def test_cli_reextract_replaces_machine_output(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    runner.invoke(cli, ["ingest", str(write_report(tmp_path)), "--db", db, "--quiet"])
    before = json.loads(runner.invoke(cli, ["incidents", "--db", db, "--json"]).output)
    result = runner.invoke(cli, ["reextract", "--db", db])
    assert result.exit_code == 0 and "re-extracted 1 documents" in result.output
    after = json.loads(runner.invoke(cli, ["incidents", "--db", db, "--json"]).output)
    assert len(after["incidents"]) == len(before["incidents"])


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ missing")
def test_cli_demo_corpus_ingests_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "d.db"),
                                 "--quiet", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ingested"] >= 12 and summary["wire_copies"] >= 1
    assert summary["incident_mentions"] >= 10


def test_cli_max_files_caps_folder_files(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5):
        (folder / f"r{i}.txt").write_text(f"Report {i}: a bomb killed {i + 2} people in a "
                                          "market on Monday.\n")  # fmt: skip
    result = runner.invoke(cli, ["ingest", str(folder), "--max-files", "3", "--no-extract",
                                 "--db", str(tmp_path / "k.db"), "--quiet"])  # fmt: skip
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: {folder}: 2 of 5 files skipped: over the cap of 3 folder files per run"
    ]
    assert "ingested 3" in result.stdout and "(capped 1)" in result.stdout
