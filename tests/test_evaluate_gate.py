"""Regression gate: floors, re-pinning, atomic writes, gold hash pinning."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from khorasan.evaluate import gate
from khorasan.evaluate.gate import check_gate, load_baseline, update_baseline

HASHES = {"000.gold.json": "aa", "001.gold.json": "bb"}


def report(**metrics: float) -> dict[str, Any]:
    base = {"incidents.f1": 0.8, "fields.date.accuracy": 0.9}
    base.update(metrics)
    return {"metrics": base, "gold_sha256": dict(HASHES)}


def test_pin_then_pass(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    written = update_baseline(report(), path, "seeds")
    on_disk = json.loads(path.read_text())
    assert on_disk == written
    assert on_disk["version"] == 1
    assert on_disk["sets"]["seeds"]["floors"] == {
        "fields.date.accuracy": 0.9,
        "incidents.f1": 0.8,
    }
    assert on_disk["sets"]["seeds"]["gold_sha256"] == HASHES
    assert check_gate(report(), path, "seeds") == []
    # within epsilon is not a regression
    assert check_gate(report(**{"incidents.f1": 0.7996}), path, "seeds") == []


def test_regression_caught(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    problems = check_gate(report(**{"incidents.f1": 0.75}), path, "seeds")
    assert problems == ["incidents.f1: floor 0.8000, got 0.7500"]


def test_missing_metric_is_regression(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    data = report()
    del data["metrics"]["fields.date.accuracy"]
    assert check_gate(data, path, "seeds") == ["fields.date.accuracy: floor 0.9000, got missing"]


def test_no_baseline_for_set(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    (problem,) = check_gate(report(), path, "dev")
    assert "no baseline for set 'dev'" in problem


def test_changed_gold_hash_detected(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    data = report()
    data["gold_sha256"]["001.gold.json"] = "cc"
    data["gold_sha256"]["002.gold.json"] = "dd"
    (problem,) = check_gate(data, path, "seeds")
    assert "gold changed" in problem and "re-pin needed" in problem
    assert "changed: 001.gold.json" in problem and "added: 002.gold.json" in problem
    data["gold_sha256"] = {}
    (problem,) = check_gate(data, path, "seeds")
    assert "no gold hashes" in problem


def test_floors_only_rise(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    out = update_baseline(report(**{"incidents.f1": 0.85, "merge.f1": 0.5}), path, "seeds")
    floors = out["sets"]["seeds"]["floors"]
    assert floors["incidents.f1"] == 0.85 and floors["merge.f1"] == 0.5
    # a dip within epsilon keeps the higher floor
    out = update_baseline(report(**{"incidents.f1": 0.8499, "merge.f1": 0.5}), path, "seeds")
    assert out["sets"]["seeds"]["floors"]["incidents.f1"] == 0.85


def test_repin_refuses_to_lower_without_allow(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    before = path.read_text()
    with pytest.raises(ValueError, match=r"incidents\.f1.*fields\.date\.accuracy|fields\.date"):
        data = report(**{"incidents.f1": 0.5})
        del data["metrics"]["fields.date.accuracy"]
        update_baseline(data, path, "seeds")
    assert path.read_text() == before
    out = update_baseline(report(**{"incidents.f1": 0.5}), path, "seeds", allow_regression=True)
    assert out["sets"]["seeds"]["floors"]["incidents.f1"] == 0.5
    assert check_gate(report(**{"incidents.f1": 0.5}), path, "seeds") == []


def test_sets_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    update_baseline({"metrics": {"incidents.f1": 0.3}, "gold_sha256": {"x": "1"}}, path, "dev")
    data = load_baseline(path)
    assert set(data["sets"]) == {"seeds", "dev"}
    assert data["sets"]["seeds"]["floors"]["incidents.f1"] == 0.8


def test_atomic_write_leaves_original_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "baseline.json"
    update_baseline(report(), path, "seeds")
    before = path.read_text()

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gate.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        update_baseline(report(**{"incidents.f1": 0.9}), path, "seeds")
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["baseline.json"]  # temporary file cleaned up


def test_bad_baseline_version(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"version": 2, "sets": {}}))
    with pytest.raises(ValueError, match="unsupported baseline"):
        check_gate(report(), path, "seeds")
