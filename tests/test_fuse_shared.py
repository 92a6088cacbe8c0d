"""Merge quality on ../shared: ingest the seeds and the dev set, fuse, and score pairwise F1 of
the events against the gold ``event_key`` over the mentions the matcher paired with gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from khorasan.evaluate import evaluate_merge, run_eval
from khorasan.extract import extract_path
from khorasan.fuse.evaluate import predicted_events

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = [(SHARED / "eval" / "seeds", SHARED / "seeds"), (SHARED / "eval" / "dev",
                                                         SHARED / "eval" / "dev")]  # fmt: skip
# The issue's target. Measured 0.93 (P 0.92, R 0.94 over 83 mentions); note that the seeds' and
# the dev set's gold keys name shared events differently, which costs precision here.
MERGE_F1_FLOOR = 0.90


def test_fuse_merge_f1_on_seeds_and_dev(tmp_path: Path) -> None:
    if not all(g.is_dir() and d.is_dir() for g, d in SETS):
        pytest.skip(f"../shared is absent: no gold at {SHARED / 'eval'}")
    predicted = predicted_events([d for _, d in SETS], tmp_path / "merge.db")
    gold, pred = [], []
    for gold_dir, docs_dir in SETS:
        for pair in run_eval(gold_dir, docs_dir, extract_path).pairs:
            mention = (pair["doc"], pair["pred_index"])
            if pair["event_key"] and mention in predicted:
                gold.append((mention, pair["event_key"]))
                pred.append((mention, predicted[mention]))
    result = evaluate_merge(gold, pred)
    print(f"merge P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f}"
          f" over {len(gold)} mentions")  # fmt: skip
    assert result["pairs"]["gold"] > 50  # the sets do share events across documents
    assert result["f1"] >= MERGE_F1_FLOOR, result
