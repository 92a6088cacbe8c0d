"""Rendering an :class:`EvalReport` as a text table or as JSON with flat gate metrics."""

from __future__ import annotations

from typing import Any

from khorasan.evaluate.fields import REPORTED_FIELDS
from khorasan.evaluate.kinds import KINDS
from khorasan.evaluate.score import FULLY_RIGHT_FIELDS, EvalReport

__all__ = ["REPORT_VERSION", "flat_metrics", "format_report", "report_to_json"]

REPORT_VERSION = 1
_ROUND = 6  # well below the gate epsilon; keeps JSON diffs readable


def _r(value: float) -> float:
    return round(float(value), _ROUND)


def flat_metrics(report: EvalReport) -> dict[str, float]:
    """Higher-is-better metrics keyed ``area.name``; undefined ones (n == 0) are left out."""
    metrics: dict[str, float] = {"docs.scored": float(len(report.docs))}
    for key in ("precision", "recall", "f1"):
        if report.incidents.get(key) is not None:
            metrics[f"incidents.{key}"] = _r(report.incidents[key])
    for name, stats in report.fields.items():
        if stats.get("accuracy") is not None:
            metrics[f"fields.{name}.accuracy"] = _r(stats["accuracy"])
    for kind, stats in report.kinds.items():
        if not stats.get("n"):
            continue
        for key in ("precision", "recall", "f1", "value_accuracy"):
            if stats.get(key) is not None:
                metrics[f"kinds.{kind}.{key}"] = _r(stats[key])
    if report.merge:
        for key in ("precision", "recall", "f1"):
            if report.merge.get(key) is not None:
                metrics[f"merge.{key}"] = _r(report.merge[key])
    if report.fully_right.get("share") is not None:
        metrics["incidents.fully_right"] = _r(report.fully_right["share"])
    if report.calibration.get("ece") is not None:
        # the gate's metrics are higher-is-better: 1 - ECE
        metrics["calibration.one_minus_ece"] = _r(1 - report.calibration["ece"])
    for fold, sub in report.folds.items():
        if sub.incidents.get("f1") is not None:
            metrics[f"folds.{fold}.incidents.f1"] = _r(sub.incidents["f1"])
        if sub.fully_right.get("share") is not None:
            metrics[f"folds.{fold}.fully_right"] = _r(sub.fully_right["share"])
    return metrics


def report_to_json(report: EvalReport) -> dict[str, Any]:
    """JSON-ready dict: ``metrics`` (flat, for the gate) plus the structured detail."""
    return {
        "version": REPORT_VERSION,
        "gold_dir": report.gold_dir,
        "docs": {
            "scored": len(report.docs),
            "names": list(report.docs),
            "missing": list(report.missing_docs),
            "extract_errors": dict(report.extract_errors),
        },
        "metrics": flat_metrics(report),
        "incidents": dict(report.incidents),
        "per_doc": {doc: dict(c) for doc, c in report.per_doc.items()},
        "fields": {name: dict(stats) for name, stats in report.fields.items()},
        "kinds": {kind: dict(stats) for kind, stats in report.kinds.items()},
        "merge": dict(report.merge) if report.merge else None,
        "fully_right": dict(report.fully_right),
        "calibration": dict(report.calibration),
        "folds": {
            fold: {
                "docs": len(sub.docs),
                "incidents": dict(sub.incidents),
                "fully_right": dict(sub.fully_right),
                "fields": {n: dict(s) for n, s in sub.fields.items()},
            }
            for fold, sub in report.folds.items()
        },  # fmt: skip
        "pairs": [dict(p) for p in report.pairs],
        "errors": {
            "misses": [dict(e) for e in report.misses],
            "false_alarms": [dict(e) for e in report.false_alarms],
            "field_errors": [dict(e) for e in report.field_errors],
            "kind_errors": [dict(e) for e in report.kind_errors],
        },
        "gold_sha256": dict(report.gold_sha256),
    }


def _num(value: float | None, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}" if value is not None else "-".rjust(decimals + 2)


def _val(value: Any) -> str:
    return "null" if value is None else str(value)


def _record_line(e: dict[str, Any]) -> str:
    keys = " ".join(
        f"{k}={_val(e.get(k))}"
        for k in ("date", "country", "admin1", "perpetrator", "attack_type", "killed")
    )
    return f'  [{e["doc"]}#{e["index"]}] {keys}\n      "{e.get("evidence", "")}"'


def _kind_error_line(e: dict[str, Any]) -> str:
    head = f"  [{e['doc']}] {e['kind']} {e['error']}"
    if e["error"] == "value":
        return f"{head}: {e['field']} gold={_val(e['gold'])} predicted={_val(e['predicted'])}"
    return f"{head}: {e['record']}"


def _section(title: str, items: list[Any], limit: int, line: Any) -> list[str]:
    if not items:
        return []
    shown = items[: max(limit, 0)]
    more = f", first {len(shown)} shown" if len(shown) < len(items) else ""
    return [f"{title} ({len(items)}{more}):", *(line(e) for e in shown)]


def _fully_right_line(report: EvalReport) -> str:
    fr = report.fully_right
    return (f"Fully right {_num(fr.get('share'))} ({fr.get('right', 0)}/{fr.get('gold', 0)} gold "
            f"incidents right on {', '.join(FULLY_RIGHT_FIELDS)})")  # fmt: skip


def _calibration_lines(report: EvalReport) -> list[str]:
    cal = report.calibration
    if not cal.get("n"):
        return []
    lines = ["", f"Calibration  ECE {_num(cal.get('ece'), 3)} over {cal['n']} predicted incidents",
             f"{'confidence':<12} {'n':>5} {'mean':>6} {'right':>6}"]  # fmt: skip
    for b in cal["bins"]:
        lines.append(f"{b['low']:.1f}-{b['high']:.1f}      {b['n']:>5} {b['confidence']:>6.3f} "
                     f"{b['right']:>6.3f}")  # fmt: skip
    return lines


def _fold_lines(report: EvalReport) -> list[str]:
    if not report.folds:
        return []
    heads = " ".join(f"{f[:6]:>6}" for f in FULLY_RIGHT_FIELDS)
    lines = ["", f"{'fold':<6} {'docs':>5} {'P':>5} {'R':>5} {'F1':>5} {'right':>6}  {heads}"]
    for fold, sub in report.folds.items():
        inc = sub.incidents
        accs = " ".join(f"{_num(sub.fields.get(f, {}).get('accuracy')):>6}"
                        for f in FULLY_RIGHT_FIELDS)  # fmt: skip
        lines.append(f"Fold {fold:<1} {len(sub.docs):>5} {_num(inc.get('precision'))} "
                     f"{_num(inc.get('recall'))} {_num(inc.get('f1'))} "
                     f"{_num(sub.fully_right.get('share')):>6}  {accs}")  # fmt: skip
    return lines


def format_report(report: EvalReport, *, show_errors: int = 20) -> str:
    """Human-readable summary: header, incidents line, field and kind tables, errors."""
    inc = report.incidents
    header = f"Docs scored: {len(report.docs)}"
    if report.gold_dir:
        header += f" (gold {report.gold_dir})"
    if report.missing_docs:
        header += f"; missing documents: {len(report.missing_docs)}"
    if report.extract_errors:
        header += f"; extractor errors: {len(report.extract_errors)}"
    lines = [
        header,
        f"Incidents  P {_num(inc.get('precision'))} R {_num(inc.get('recall'))} "
        f"F1 {_num(inc.get('f1'))} ({inc.get('tp', 0)}/{inc.get('fp', 0)}/{inc.get('fn', 0)}"
        " tp/fp/fn)",
        _fully_right_line(report),
        "",
        f"{'field':<18} {'acc':>6} {'n':>5}",
    ]
    for name in REPORTED_FIELDS:
        stats = report.fields.get(name, {})
        lines.append(f"{name:<18} {_num(stats.get('accuracy'), 3)} {stats.get('n', 0):>5}")
    lines += ["", f"{'kind':<12} {'P':>5} {'R':>5} {'F1':>5} {'values':>6}  tp/fp/fn"]
    for kind in KINDS:
        s = report.kinds.get(kind, {})
        if not s.get("n"):
            lines.append(f"{kind:<12} {'n=0':>5}")
            continue
        lines.append(
            f"{kind:<12} {_num(s.get('precision'))} {_num(s.get('recall'))} "
            f"{_num(s.get('f1'))} {_num(s.get('value_accuracy'), 3)}  "
            f"{s['tp']}/{s['fp']}/{s['fn']}"
        )
    if report.merge:
        m = report.merge
        lines += [
            "",
            f"Merge  P {_num(m.get('precision'))} R {_num(m.get('recall'))} F1 {_num(m.get('f1'))}",
        ]
    lines += _calibration_lines(report)
    lines += _fold_lines(report)
    errors: list[str] = []
    errors += _section("Missing documents", report.missing_docs, show_errors, lambda d: f"  {d}")
    errors += _section(
        "Extractor errors",
        sorted(report.extract_errors.items()),
        show_errors,
        lambda kv: f"  {kv[0]}: {kv[1]}",
    )
    errors += _section("Missed incidents", report.misses, show_errors, _record_line)
    errors += _section("False alarms", report.false_alarms, show_errors, _record_line)
    errors += _section(
        "Field mismatches",
        report.field_errors,
        show_errors,
        lambda e: (
            f"  [{e['doc']}] {e['event_key']} {e['field']}: "
            f"gold={_val(e['gold'])} predicted={_val(e['predicted'])}"
        ),
    )
    errors += _section("Other kinds", report.kind_errors, show_errors, _kind_error_line)
    if errors:
        lines += ["", *errors]
    return "\n".join(lines)
