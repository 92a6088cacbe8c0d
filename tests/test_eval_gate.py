"""The eval gate: extraction scores on ../shared/eval may not fall below the pinned floors.

Floors live in tests/eval_baseline.json. Raise them after an improvement with
``khorasan eval --gold DIR --docs DIR --baseline tests/eval_baseline.json --set NAME
--update-baseline``; lowering one needs ``--allow-regression`` and a reason in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from khorasan.evaluate import check_gate, report_to_json, run_eval
from khorasan.evaluate.fusion import merge_score
from khorasan.pipeline import extract_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASELINE = ROOT / "tests" / "eval_baseline.json"

SETS = {
    "seeds": (SHARED / "eval" / "seeds", SHARED / "seeds"),
    "dev": (SHARED / "eval" / "dev", SHARED / "eval" / "dev"),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_eval_gate_scores_hold_their_floors(name: str) -> None:
    gold_dir, docs_dir = SETS[name]
    if not gold_dir.is_dir() or not docs_dir.is_dir():
        pytest.skip(f"../shared is absent: no gold at {gold_dir}")
    report = run_eval(gold_dir, docs_dir, extract_file)
    report.merge = merge_score(docs_dir, report)  # as `khorasan eval` does
    report = report_to_json(report)
    assert not report["docs"]["extract_errors"], report["docs"]["extract_errors"]
    regressions = check_gate(report, BASELINE, name)
    assert not regressions, "\n".join(regressions)
