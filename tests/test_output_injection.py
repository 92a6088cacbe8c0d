"""Nothing from an article drives a terminal or a spreadsheet.

Documents (and file names) carrying escape sequences (clear screen, window title, OSC 8
links, the C1 CSI byte, a bidi override) and formula cells are ingested; then the raw bytes of
every command's output are read: no ESC, BEL, C1 CSI or bidi override, and every CSV cell a
spreadsheet would run as a formula is behind an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from khorasan.cli import cli
from khorasan.escape import csv_cell, escape_text, json_text, one_line

# every trick at once: clear screen, window title ended by BEL, an OSC 8 link ended by ST,
# a C1 CSI, a right-to-left override
ESCAPES = ("\x1b[2J\x1b]0;owned\x07\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
           "\x9b31m\u202eevil")  # fmt: skip
FORBIDDEN = {"ESC": b"\x1b", "BEL": b"\x07", "C1 CSI": "\x9b".encode(),
             "bidi override": "\u202e".encode()}  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPORT = (
    f'=HYPERLINK("http://evil.example/") Bombing {ESCAPES} kills 13 at market in Jalalabad\n\n'
    f"A suicide bomber {ESCAPES} blew himself up at a crowded market in Jalalabad, the capital "
    "of Nangarhar province, on 12 May 2022, killing at least 13 people and wounding 30 others, "
    f"officials said. The Islamic State Khorasan Province (ISKP) claimed responsibility.{ESCAPES}"
)
FILE_NAME = "report\x1b]0;title\x07.txt"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("inject")
    src = tmp / "in"
    src.mkdir()
    # enough plain prose that the decoder does not take the escapes for binary data
    filler = "Shopkeepers said the market reopened two days later under heavy guard. " * 20
    (src / FILE_NAME).write_text(f"{REPORT}\n{filler}\n", encoding="utf-8")
    (src / "report\x1b]0;title\x07.meta.json").write_text(
        json.dumps(
            {"published": "2022-05-12", "outlet": "=1+2" + ESCAPES, "title": "@SUM(A1)" + ESCAPES}
        )
    )
    record = {"text": REPORT, "title": "=cmd|' /C calc'!A0" + ESCAPES, "published": "2022-05-13",
              "outlet": "+44-20" + ESCAPES, "url": "http://news.example/a"}  # fmt: skip
    (src / "wire\x1b[31m.jsonl").write_text(json.dumps(record) + "\n{not json\x1b[2J\n")
    (src / "bin\x1b[2Jary.txt").write_bytes(b"\x00\x01" * 200)
    db = str(tmp / "k.db")
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", db, "--quiet"])
    with sqlite3.connect(db) as con:
        doc = con.execute("SELECT id FROM documents ORDER BY id").fetchone()[0]
        event = con.execute("SELECT id FROM events ORDER BY id").fetchone()[0]
    assert result.exit_code == 1  # the binary file and the bad JSONL line
    runner = CliRunner()
    who = ["--db", db, "--user", "an\x1b[2Jalyst"]
    for args in (["correct", event, "--field", "target", "--value", "-crowd" + ESCAPES,
                  "--reason", "=WEBSERVICE(1)"],
                 ["confirm", event, "--reason", "@checked " + ESCAPES]):  # fmt: skip
        done = runner.invoke(cli, ["review", *args, *who])
        assert done.exit_code == 0, done.output
    return {"db": db, "src": str(src), "doc": doc, "event": event, "sources": str(tmp / "s.toml"),
            "ingest_output": result.stdout_bytes.hex() + result.stderr_bytes.hex()}  # fmt: skip


def _commands(w: dict[str, str]) -> list[list[str]]:
    db = ["--db", w["db"]]
    file = str(Path(w["src"]) / FILE_NAME)
    return [
        ["ingest", w["src"], *db, "--quiet"],
        ["ingest", "http://127.0.0.1:9/\x1b[2Jpage", *db, "--quiet"],  # a URL in an error
        ["docs", *db], ["docs", *db, "--json"],
        ["show", w["doc"], *db], ["show", w["doc"], *db, "--json"],
        ["show", "\x1b[2J", *db],  # not found: the id is echoed in the error
        ["extract", file], ["extract", file, "--json"],
        ["incidents", *db], ["incidents", *db, "--json"], ["incidents", *db, "--csv"],
        ["events", *db], ["events", *db, "--json"],
        ["event", w["event"], *db], ["event", w["event"], *db, "--json"],
        ["stats", *db], ["claims", *db],
        ["export", *db], ["export", *db, "--columns", "acled"], ["export", *db, "--columns", "gtd"],
        ["export", *db, "--format", "json"], ["export", *db, "--format", "geojson"],
        ["search", "bomber", *db], ["search", "bomber", *db, "--json"],
        ["strength", *db], ["plots", *db], ["leaders", *db], ["relations", *db],
        ["statistics", *db], ["audit", *db],
        ["review", "history", w["event"], *db], ["review", "export", *db],
        ["review", "export", *db, "--format", "json"], ["review", "queue", *db],
        ["sources", "add", "https://news.example/feed", "--outlet", "=1+2" + ESCAPES,
         "--name", "wire" + ESCAPES, "--sources", w["sources"]],
        ["sources", "list", "--sources", w["sources"], *db],
        ["sources", "check", "--sources", w["sources"]],
        ["alerts", "add", "rule" + ESCAPES, "--file", "-", *db], ["alerts", "list", *db],
        ["alerts", "log", *db],
    ]  # fmt: skip


def _check_csv(text: str, where: str) -> int:
    guarded = 0
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_START):
                float(cell)  # only a plain number may start so (raises otherwise)
            guarded += cell.startswith("'")
    return guarded


def test_ingest_error_lines_escape_file_names(world: dict[str, str]) -> None:
    out = bytes.fromhex(world["ingest_output"])
    assert not [n for n, b in FORBIDDEN.items() if b in out]
    assert b"bin\\x1b[2Jary.txt: binary" in out and b"wire\\x1b[31m.jsonl:2" in out


def test_no_command_output_carries_a_control_sequence(world: dict[str, str]) -> None:
    runner = CliRunner()
    seen_text = 0
    for args in _commands(world):
        result = runner.invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        out = result.stdout_bytes + result.stderr_bytes
        found = [name for name, raw in FORBIDDEN.items() if raw in out]
        assert not found, f"{args[:2]} printed {found} raw"
        seen_text += b"\\x1b" in out or b"\\u001b" in out
    assert seen_text >= 2  # the hostile text did reach the outputs, escaped


CSV_COMMANDS = [["incidents", "--csv"], ["export"], ["export", "--columns", "acled"],
                ["review", "export"]]  # fmt: skip


@pytest.mark.parametrize("args", CSV_COMMANDS)
def test_every_csv_writer_guards_formula_cells(world: dict[str, str], args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", world["db"]])
    assert result.exit_code == 0
    assert _check_csv(result.output, " ".join(args)) > 0  # some cell needed the guard


def test_the_escaping_function() -> None:
    assert escape_text("a\x1b[2Jb\x07\x9b\u202ec\n\td") == "a\\x1b[2Jb\\x07\\x9b\\u202ec\n\td"
    assert one_line("a\nb\tc\x1b") == "a b c\\x1b" and one_line(None) == ""
    # Persian needs the zero-width non-joiner and the marks: they stay
    assert escape_text("می\u200cخواهم \u200f") == "می\u200cخواهم \u200f"
    assert json.loads(json_text({"t": ESCAPES})) == {"t": ESCAPES}
    assert not any(c in json_text({"t": ESCAPES}) for c in "\x1b\x07\x9b\u202e")


@pytest.mark.parametrize(("cell", "want"), [
    ("=1+2", "'=1+2"), ("+44 20", "'+44 20"), ("-crowd", "'-crowd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\\x0dx"), ("-3", "-3"), ("+1.5", "+1.5"), ("-2e3", "-2e3"),
    (-3, -3), (2.5, 2.5), (None, None), ("Jalalabad", "Jalalabad"), ("a\x1bb", "a\\x1bb"),
])  # fmt: skip
def test_csv_cell_guards_formulas_but_not_numbers(cell: object, want: object) -> None:
    assert csv_cell(cell) == want
