"""Issue 14's hostile batch: every kind of bad input the attack found, beside one good report,
in one `khorasan ingest` run. Each bad input is at most one error line (no traceback), the
batch goes on, the good report is stored and fused, and the run exits 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = ("A suicide bomber killed 12 people at a mosque in Kabul, Afghanistan, on Friday, police "
        "said. The Islamic State's Khorasan branch claimed the attack.")  # fmt: skip


def _write_batch(root: Path) -> list[str]:
    root.mkdir()
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "good.meta.json").write_text('{"published": "2024-03-01"}', encoding="utf-8")
    # figures beyond any integer column, and beyond a float
    (root / "huge.txt").write_text("A blast killed 99999999999999999999 people in Kabul.")
    (root / "digits.txt").write_text(f"A blast killed {'9' * 400} people in Herat.")
    # nested past any parser's recursion limit: a JSONL line and a sidecar
    (root / "deep.jsonl").write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    (root / "nested.txt").write_text("Police said the market was calm.")
    (root / "nested.meta.json").write_text('{"title": ' + "[" * 100_000 + "]" * 100_000 + "}")
    # lone surrogates in JSONL text and in sidecar metadata
    (root / "surrogate.jsonl").write_text(json.dumps({"text": "Gunmen \ud800 attacked a post."})
                                          + "\n")  # fmt: skip
    (root / "odd.txt").write_text("Rockets hit a checkpoint in Nangarhar.")
    (root / "odd.meta.json").write_text(json.dumps({"title": "Report \udc80"}))
    # the byline a backtracking pattern once took 91 s on, and a long line of figures
    (root / "byline.txt").write_text("By " + "1" * 35 + " ;\nA bomb exploded in Kunduz.")
    (root / "figures.txt").write_text("12 killed; " * 5000)
    return ["http://[::1/x"]  # an invalid IPv6 URL


@pytest.mark.slow
def test_a_hostile_batch_fails_each_bad_input_alone(tmp_path: Path) -> None:
    urls = _write_batch(tmp_path / "in")
    db = tmp_path / "k.db"
    run = subprocess.run(
        [sys.executable, "-m", "khorasan", "ingest", str(tmp_path / "in"), *urls, "--db", str(db),
         "--quiet", "--workers", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and all(line.count("\n") == 0 for line in errors)
    assert any("deep.jsonl" in line for line in errors)
    assert any("[::1" in line for line in errors)
    events = subprocess.run(
        [sys.executable, "-m", "khorasan", "events", "--db", str(db), "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert events.returncode == 0, events.stderr
    found = json.loads(events.stdout)["events"]
    assert any(e["killed_best"] == 12 and e["admin1"] == "Kabul" for e in found)
