"""Generality measures of ``khorasan eval``: records fully right, calibration, two folds."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from khorasan.evaluate import evaluate_predictions
from khorasan.evaluate.calibration import reliability
from khorasan.evaluate.report import flat_metrics, format_report
from khorasan.evaluate.score import fold_of


def test_calibration_reliability_table_and_ece() -> None:
    outcomes = [(0.85, True)] * 8 + [(0.85, False)] * 2 + [(0.35, False)] * 10
    table = reliability(outcomes)
    assert table["n"] == 20
    assert [(b["low"], b["n"], b["right"]) for b in table["bins"]] == [(0.3, 10, 0.0),
                                                                      (0.8, 10, 0.8)]  # fmt: skip
    # half the records 0.35 off, half 0.05 off
    assert table["ece"] == pytest.approx(0.5 * 0.35 + 0.5 * 0.05)
    assert reliability([])["ece"] is None


@pytest.mark.parametrize("name", ["300.txt", "101.txt", "seed_001.txt", "414.txt"])
def test_calibration_folds_split_as_the_before_stop_hook(name: str) -> None:
    stem = name.removesuffix(".txt")
    shell = subprocess.run(["sh", "-c", f"printf '%s' '{stem}' | sha1sum | cut -c1"],
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert shell == hashlib.sha1(stem.encode()).hexdigest()[0]
    assert fold_of(name) == ("A" if shell in "01234567" else "B")


def _inc(**fields: object) -> dict[str, object]:
    base = {"date": "2024-03-22", "country": "Russia", "admin1": "Moscow Oblast",
            "perpetrator": "IS-K", "attack_type": "armed_assault",
            "killed": {"value": 145, "qualifier": "exact"}, "wounded": None,
            "evidence": "Gunmen killed 145 people.", "confidence": 0.9}  # fmt: skip
    return {**base, **fields}


def test_calibration_fully_right_counts_gold_incidents_right_on_every_key_field() -> None:
    text = "Gunmen killed 145 people. A bomb killed 3 in Kabul."
    gold = {
        "incidents": [
            _inc(),
            _inc(
                evidence="A bomb killed 3 in Kabul.",
                country="Afghanistan",
                admin1="Kabul",
                killed={"value": 3},
                attack_type="bombing",
            ),
        ]
    }
    pred = {"incidents": [_inc(), _inc(evidence="A bomb killed 3 in Kabul.", country="Afghanistan",
                                       admin1="Kabul", killed={"value": 4}, attack_type="bombing",
                                       confidence=0.6)]}  # fmt: skip
    report = evaluate_predictions({"d.txt": gold}, {"d.txt": pred}, {"d.txt": text})
    assert report.fully_right == {"right": 1, "gold": 2, "share": 0.5}
    assert report.calibration["n"] == 2
    metrics = flat_metrics(report)
    assert metrics["incidents.fully_right"] == 0.5
    assert "calibration.one_minus_ece" in metrics
    assert "Fully right 0.50 (1/2" in format_report(report)
