"""Merge quality on ../shared: ingest the seeds and the dev set, fuse, and score pairwise F1 of
the events against the gold ``event_key`` over the mentions the matcher paired with gold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khorasan.evaluate import evaluate_merge, run_eval
from khorasan.evaluate.fusion import predicted_events
from khorasan.pipeline import extract_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = [(SHARED / "eval" / "seeds", SHARED / "seeds"), (SHARED / "eval" / "dev",
                                                         SHARED / "eval" / "dev")]  # fmt: skip
# Measured 0.958 (P 0.983, R 0.931 over 246 mentions) on the seeds and the 151-page dev set
# (0.825 before issue 9's fusion work: distinctive figures and words, a report's "separate"
# incident, borrowed dates doubted, months named, site kinds, vague month-only mentions held to
# strong evidence, strong evidence their own words contradict held to none, the same toll in
# the same month); the seeds' and the dev set's gold keys name shared events differently, which
# costs precision. Issue 4's target was 0.90 (a strict xfail until issue 9); the floor sits just
# under the measured value.
MERGE_F1_FLOOR = 0.95
MergeResult = dict[str, Any]


@pytest.fixture(scope="module")
def merge_result(tmp_path_factory: pytest.TempPathFactory) -> MergeResult:
    if not all(g.is_dir() and d.is_dir() for g, d in SETS):
        pytest.skip(f"../shared is absent: no gold at {SHARED / 'eval'}")
    tmp_path = tmp_path_factory.mktemp("merge")
    predicted = predicted_events([d for _, d in SETS], tmp_path / "merge.db")
    gold, pred = [], []
    for gold_dir, docs_dir in SETS:
        for pair in run_eval(gold_dir, docs_dir, extract_file).pairs:
            mention = (pair["doc"], pair["pred_index"])
            if pair["event_key"] and mention in predicted:
                gold.append((mention, pair["event_key"]))
                pred.append((mention, predicted[mention]))
    result = evaluate_merge(gold, pred)
    print(f"merge P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f}"
          f" over {len(gold)} mentions")  # fmt: skip
    return result


def test_fuse_merge_f1_on_seeds_and_dev(merge_result: MergeResult) -> None:
    assert merge_result["pairs"]["gold"] > 50  # the sets do share events across documents
    assert merge_result["f1"] >= MERGE_F1_FLOOR, merge_result
