"""The CLI package's shape (one module per command group, a thin skin over the library) and
its errors: bad input gives one line and an exit status, never a traceback."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khorasan.cli import cli
from khorasan.cli._common import as_click_error
from khorasan.errors import FilterError, StoreError

ROOT = Path(__file__).resolve().parents[1]
CLI_DIR = ROOT / "khorasan" / "cli"
GROUPS = ("ingest", "documents", "events", "records", "review", "search", "eval", "serve",
          "users", "watch", "alerts", "backup")  # fmt: skip
# commands that read an existing database (ingest and watch create one; extract and eval read
# files; sources edits the sources file)
READERS = sorted(set(cli.commands) - {"ingest", "extract", "eval", "watch", "sources",
                                       "restore"})  # fmt: skip
REPORT = ("A suicide bomber blew himself up at a crowded market in Jalalabad, the capital of "
          "Nangarhar province, on 12 May 2022, killing at least 13 people. The Islamic State "
          "Khorasan Province (ISKP) claimed responsibility.\n")  # fmt: skip


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_cli_is_a_package_of_command_groups() -> None:
    assert not (ROOT / "khorasan" / "cli.py").exists()
    assert not list((ROOT / "khorasan").glob("cli_*.py"))
    modules = {p.stem for p in CLI_DIR.glob("*.py")}
    assert modules == {"__init__", "_common", *GROUPS}


@pytest.mark.parametrize("module", ["_common", *GROUPS])
def test_cli_modules_import_only_common_and_the_library(module: str) -> None:
    imports = _imported_modules(CLI_DIR / f"{module}.py")
    own = {i for i in imports if i.startswith("khorasan.cli")}
    assert own <= ({"khorasan.cli._common"} if module != "_common" else set()), own
    # a thin skin: no SQL, no schema
    assert not {i for i in imports if i.split(".")[0] == "sqlalchemy"}
    assert not {i for i in imports if i.startswith("khorasan.store.")}


def test_cli_registers_every_command_of_every_group() -> None:
    import importlib

    registered = set(cli.commands.values())
    for group in GROUPS:
        module = importlib.import_module(f"khorasan.cli.{group}")
        assert module.COMMANDS and set(module.COMMANDS) <= registered


@pytest.fixture
def db(tmp_path: Path) -> str:
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.txt").write_text(REPORT, encoding="utf-8")
    (src / "r.meta.json").write_text(json.dumps({"published": "2022-05-13"}))
    path = str(tmp_path / "k.db")
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", path, "--quiet"])
    assert result.exit_code == 0, result.output
    return path


def _one_line(result: object, code: int) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == code, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("command", READERS)
def test_cli_missing_database_is_an_error_not_a_new_file(command: str, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    args = [command, "x"] if command in ("show", "event", "search", "backup") else [command]
    if command in ("review", "user", "alerts"):  # a group: one of its commands that reads
        args = [command, "queue" if command == "review" else "list"]
    line = _one_line(CliRunner().invoke(cli, [*args, "--db", str(typo)]), 1)
    assert line == f"Error: {typo}: no such database (ingest creates one)"
    assert not typo.exists()


def test_cli_missing_database_from_the_environment(tmp_path: Path) -> None:
    typo = tmp_path / "env.db"
    result = CliRunner(env={"KHORASAN_DB": str(typo)}).invoke(cli, ["events"])
    assert _one_line(result, 1) == f"Error: {typo}: no such database (ingest creates one)"
    assert not typo.exists()


def test_cli_database_from_the_environment(db: str) -> None:
    result = CliRunner(env={"KHORASAN_DB": db}).invoke(cli, ["docs", "--json"])
    assert result.exit_code == 0 and len(json.loads(result.output)["documents"]) == 1


def test_cli_ingest_creates_the_database(tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    src = tmp_path / "r.txt"
    src.write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", str(new), "--quiet"])
    assert result.exit_code == 0 and new.exists()


@pytest.mark.parametrize("url", ["nosuch://x", "sqlite:///no/such/dir/x.db"])
@pytest.mark.parametrize("command", ["events", "ingest"])
def test_cli_bad_database_url_is_one_line(url: str, command: str, tmp_path: Path) -> None:
    args = [command, str(tmp_path)] if command == "ingest" else [command]
    line = _one_line(CliRunner().invoke(cli, [*args, "--db", url]), 1)
    assert line.startswith("Error: ") and ("nosuch" in line or "no/such/dir" in line)


def test_cli_database_password_is_not_printed() -> None:
    exc = StoreError("postgresql+psycopg://me:s3cret@db.example/k", "cannot open database")
    message = as_click_error(exc).message
    assert "s3cret" not in message and "me:***@db.example" in message


@pytest.mark.parametrize(("field", "option"), [("date_from", "--from"), ("until", "--to"),
                                               ("attack_type", "--attack-type")])  # fmt: skip
def test_cli_filter_errors_name_the_option(field: str, option: str) -> None:
    error = as_click_error(FilterError(field, "'2024-13' is not a date"))
    assert error.exit_code == 2 and error.message == f"{option}: '2024-13' is not a date"


@pytest.mark.parametrize("command", ["incidents", "events", "stats", "claims", "export",
                                     "strength", "plots", "leaders", "relations",
                                     "statistics", "audit"])  # fmt: skip
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--from", "2024-13"], "--from"),
        (["--to", "2022-02-30"], "--to"),
        (["--from", "2023", "--to", "2022"], "--from"),
    ],
)
def test_cli_bad_dates_are_usage_errors_naming_the_option(
    db: str, command: str, args: list[str], option: str
) -> None:
    line = _one_line(CliRunner().invoke(cli, [command, "--db", db, *args]), 2)
    assert line.startswith(f"Error: {option}: ")


@pytest.mark.parametrize("command", ["event", "show"])
def test_cli_unknown_id_is_one_line(db: str, command: str) -> None:
    line = _one_line(CliRunner().invoke(cli, [command, "zz\x1b[31m", "--db", db]), 1)
    assert line.startswith("Error: zz\\x1b[31m: no such")  # the escape shown, not acted on


def test_cli_json_and_csv_together_is_a_usage_error(db: str) -> None:
    line = _one_line(CliRunner().invoke(cli, ["incidents", "--db", db, "--json", "--csv"]), 2)
    assert "--json" in line and "--csv" in line


@pytest.mark.parametrize(("args", "option"), [
    (["--update-baseline"], "--update-baseline"),
    (["--baseline", "b.json", "--allow-regression"], "--allow-regression"),
])  # fmt: skip
def test_cli_eval_options_that_need_another(tmp_path: Path, args: list[str],
                                            option: str) -> None:  # fmt: skip
    line = _one_line(CliRunner().invoke(cli, ["eval", "--gold", str(tmp_path), "--docs",
                                              str(tmp_path), *args]), 2)  # fmt: skip
    assert line.startswith(f"Error: {option}: needs ")


def test_cli_json_escapes_terminal_controls(tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    src.write_text("Title \x9b31m here\n\n" + REPORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(src), "--json"])
    assert result.exit_code == 0 and "\x9b" not in result.output
    assert json.loads(result.output.splitlines()[0])["doc"] == "r.txt"


def test_cli_reextract_quiet(db: str) -> None:
    result = CliRunner().invoke(cli, ["reextract", "--db", db, "--quiet"])
    assert result.exit_code == 0 and result.output.startswith("re-extracted 1 documents")
