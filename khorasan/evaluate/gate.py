"""Regression gate: metric floors per gold set, pinned to the gold files' hashes.

Baseline layout::

    {"version": 1, "sets": {"seeds": {"floors": {metric: value}, "gold_sha256": {file: hex}}}}

Floors only rise unless a lowering is explicitly allowed, so a score once reached stays
reached; a changed gold file invalidates the floors until they are re-pinned.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from khorasan.errors import EvalError

__all__ = ["BASELINE_VERSION", "DEFAULT_EPSILON", "check_gate", "load_baseline", "update_baseline"]

BASELINE_VERSION = 1
DEFAULT_EPSILON = 0.0005


def load_baseline(baseline_path: Path) -> dict[str, Any]:
    """The baseline file, or an empty one when it does not exist yet."""
    path = Path(baseline_path)
    if not path.exists():
        return {"version": BASELINE_VERSION, "sets": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(str(path), f"cannot read baseline: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise EvalError(str(path), f"unsupported baseline (expected version {BASELINE_VERSION})")
    if not isinstance(data.get("sets"), dict):
        raise EvalError(str(path), "baseline has no 'sets' object")
    return data


def _gold_changes(pinned: dict[str, str], current: dict[str, str]) -> str | None:
    changed = sorted(k for k in pinned.keys() & current.keys() if pinned[k] != current[k])
    added = sorted(current.keys() - pinned.keys())
    removed = sorted(pinned.keys() - current.keys())
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("changed", changed), ("added", added), ("removed", removed))
        if names
    ]
    return "; ".join(parts) or None


def check_gate(
    report_json: dict[str, Any],
    baseline_path: Path,
    name: str,
    epsilon: float = DEFAULT_EPSILON,
) -> list[str]:
    """Regressions of ``report_json`` against the floors pinned for set ``name``; [] = pass."""
    baseline = load_baseline(baseline_path)
    entry = baseline["sets"].get(name)
    if entry is None:
        return [f"no baseline for set {name!r} in {baseline_path}: pin one with update_baseline"]
    problems: list[str] = []
    pinned = entry.get("gold_sha256") or {}
    current = report_json.get("gold_sha256") or {}
    if pinned and not current:
        problems.append(f"gold not verifiable for set {name!r}: report carries no gold hashes")
    elif pinned or current:
        change = _gold_changes(pinned, current)
        if change:
            problems.append(f"gold changed for set {name!r} ({change}): re-pin needed")
    metrics = report_json.get("metrics") or {}
    for metric, floor in sorted((entry.get("floors") or {}).items()):
        got = metrics.get(metric)
        if got is None or got < floor - epsilon:
            problems.append(f"{metric}: floor {floor:.4f}, got {_shown(got)}")
    return problems


def _shown(value: float | None) -> str:
    return "missing" if value is None else f"{value:.4f}"


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update_baseline(
    report_json: dict[str, Any],
    baseline_path: Path,
    name: str,
    *,
    allow_regression: bool = False,
) -> dict[str, Any]:
    """Raise set ``name``'s floors to the report's metrics and pin its gold hashes.

    Without ``allow_regression`` a metric below its floor (beyond epsilon) or absent from the
    report raises ``ValueError`` naming it, and nothing is written. Returns the new baseline.
    """
    path = Path(baseline_path)
    baseline = load_baseline(path)
    old = baseline["sets"].get(name) or {}
    floors: dict[str, float] = dict(old.get("floors") or {})
    metrics: dict[str, float] = dict(report_json.get("metrics") or {})
    lowered = sorted(
        f"{m} (floor {floor:.4f}, got {_shown(metrics.get(m))})"
        for m, floor in floors.items()
        if metrics.get(m) is None or metrics[m] < floor - DEFAULT_EPSILON
    )
    if lowered and not allow_regression:
        raise EvalError(
            str(path),
            f"refusing to lower floors for set {name!r}: {'; '.join(lowered)} "
            "(pass allow_regression to accept)",
        )
    if allow_regression:
        new_floors = dict(metrics)  # re-pin exactly to what was measured
    else:
        new_floors = {m: max(floors.get(m, v), v) for m, v in metrics.items()}
    baseline["sets"][name] = {
        "floors": dict(sorted(new_floors.items())),
        "gold_sha256": dict(sorted((report_json.get("gold_sha256") or {}).items())),
    }
    _write_atomic(path, baseline)
    return baseline
