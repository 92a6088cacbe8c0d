"""Scoring extractor output against gold: the :class:`EvalReport` and how it is built."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khorasan.errors import EvalError
from khorasan.evaluate.calibration import reliability
from khorasan.evaluate.fields import REPORTED_FIELDS, field_correct, figure_value
from khorasan.evaluate.kinds import KINDS, match_kind
from khorasan.evaluate.match import match_incidents
from khorasan.evaluate.merge import prf

__all__ = [
    "EVIDENCE_CHARS",
    "FULLY_RIGHT_FIELDS",
    "EvalReport",
    "ExtractFn",
    "evaluate_predictions",
    "fold_of",
    "run_eval",
]

ExtractFn = Callable[[Path], dict[str, Any]]
EVIDENCE_CHARS = 160  # evidence shown per error: enough to recognise the passage
_GOLD_SUFFIX = ".gold.json"
_KEY_FIELDS = ("date", "country", "admin1", "perpetrator", "attack_type", "killed")
_FIGURES = frozenset({"killed", "wounded", "claimed_killed"})
# A record an analyst need not re-check is right on each of these.
FULLY_RIGHT_FIELDS = ("date", "country", "admin1", "perpetrator", "attack_type", "killed",
                      "wounded")  # fmt: skip
FOLDS = ("A", "B")


def fold_of(doc: str) -> str:
    """The fixed half of the dev pages a document belongs to: by the first hex digit of the
    SHA-1 of its name without extension (0-7: A, else B), as the before-stop hook splits."""
    stem = doc.rsplit(".", 1)[0] if "." in doc else doc
    return "A" if hashlib.sha1(stem.encode()).hexdigest()[0] in "01234567" else "B"


@dataclass(slots=True)
class EvalReport:
    """Everything one evaluation run found; plain data, printed by :mod:`report`."""

    docs: list[str] = field(default_factory=list)  # documents scored
    missing_docs: list[str] = field(default_factory=list)  # gold without a document file
    extract_errors: dict[str, str] = field(default_factory=dict)  # doc -> exception text
    incidents: dict[str, Any] = field(default_factory=dict)  # tp fp fn precision recall f1
    per_doc: dict[str, dict[str, int]] = field(default_factory=dict)  # doc -> tp fp fn
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # correct n accuracy
    kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    pairs: list[dict[str, Any]] = field(default_factory=list)  # matched incident pairs
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    field_errors: list[dict[str, Any]] = field(default_factory=list)
    kind_errors: list[dict[str, Any]] = field(default_factory=list)
    gold_sha256: dict[str, str] = field(default_factory=dict)  # gold file name -> digest
    gold_dir: str | None = None
    merge: dict[str, Any] | None = None  # evaluate_merge output, wired in by the caller
    fully_right: dict[str, Any] = field(default_factory=dict)  # right / gold / share
    calibration: dict[str, Any] = field(default_factory=dict)  # reliability table, ece
    folds: dict[str, EvalReport] = field(default_factory=dict)  # the two fixed halves


def _records(obj: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    value = (obj or {}).get(key)
    return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []


def _shown(field_name: str, record: Mapping[str, Any]) -> Any:
    value = record.get(field_name)
    return figure_value(value) if field_name in _FIGURES else value


def _summary(doc: str, record: Mapping[str, Any], index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "doc": doc,
        "index": index,
        "event_key": record.get("event_key"),
        "evidence": (record.get("evidence") or "")[:EVIDENCE_CHARS],
    }
    out.update({f: _shown(f, record) for f in _KEY_FIELDS})
    if "confidence" in record:
        out["confidence"] = record.get("confidence")
    return out


def _mismatch_value(field_name: str, record: Mapping[str, Any]) -> Any:
    if field_name == "killed_qualifier":
        killed = record.get("killed")
        return killed.get("qualifier") if isinstance(killed, Mapping) else None
    return _shown(field_name, record)


def _score_kinds(
    doc: str,
    gold: Mapping[str, Any],
    pred: Mapping[str, Any],
    totals: dict[str, dict[str, int]],
    errors: list[dict[str, Any]],
) -> None:
    for kind in KINDS:
        if not isinstance(gold.get(kind), list):
            continue  # kind not annotated for this document: predictions are not judged
        g_recs, p_recs = _records(gold, kind), _records(pred, kind)
        result = match_kind(kind, g_recs, p_recs)
        t = totals[kind]
        t["tp"] += len(result.pairs)
        t["fp"] += len(result.unmatched_pred)
        t["fn"] += len(result.unmatched_gold)
        t["value_correct"] += result.value_correct
        t["value_n"] += result.value_n
        for i in result.unmatched_gold:
            rec = {k: v for k, v in g_recs[i].items() if k != "evidence"}
            errors.append({"doc": doc, "kind": kind, "error": "miss", "record": rec})
        for i in result.unmatched_pred:
            rec = {k: v for k, v in p_recs[i].items() if k not in ("evidence", "span")}
            errors.append({"doc": doc, "kind": kind, "error": "false_alarm", "record": rec})
        for m in result.mismatches:
            errors.append({"doc": doc, "kind": kind, "error": "value", **m})


def evaluate_predictions(
    golds: Mapping[str, Mapping[str, Any]],
    preds: Mapping[str, Mapping[str, Any]],
    texts: Mapping[str, str],
) -> EvalReport:
    """Score predictions against gold, per document id; a missing prediction is empty."""
    report = EvalReport()
    tp = fp = fn = right = 0
    outcomes: list[tuple[float, bool]] = []  # (confidence, right on every key field)
    field_totals = {f: [0, 0] for f in REPORTED_FIELDS}  # correct, n
    kind_totals = {k: {"tp": 0, "fp": 0, "fn": 0, "value_correct": 0, "value_n": 0} for k in KINDS}
    for doc in sorted(golds):
        gold, pred, text = golds[doc], preds.get(doc) or {}, texts.get(doc, "")
        report.docs.append(doc)
        g_incs, p_incs = _records(gold, "incidents"), _records(pred, "incidents")
        result = match_incidents(g_incs, p_incs, text)
        d_tp, d_fp, d_fn = (
            len(result.pairs),
            len(result.unmatched_pred),
            len(result.unmatched_gold),
        )
        report.per_doc[doc] = {"tp": d_tp, "fp": d_fp, "fn": d_fn}
        tp, fp, fn = tp + d_tp, fp + d_fp, fn + d_fn
        for i in result.unmatched_pred:
            outcomes.append((float(p_incs[i].get("confidence") or 0.0), False))
        for pair in result.pairs:
            g, p = g_incs[pair.gold], p_incs[pair.pred]
            all_right = all(field_correct(f, g, p) is not False for f in FULLY_RIGHT_FIELDS)
            right += all_right
            outcomes.append((float(p.get("confidence") or 0.0), all_right))
            report.pairs.append(
                {
                    "doc": doc,
                    "gold_index": pair.gold,
                    "pred_index": pair.pred,
                    "basis": pair.basis,
                    "event_key": g.get("event_key"),
                }
            )
            for name in REPORTED_FIELDS:
                ok = field_correct(name, g, p)
                if ok is None:
                    continue
                field_totals[name][1] += 1
                field_totals[name][0] += int(ok)
                if not ok and name != "date_compatible":  # date already lists the pair
                    report.field_errors.append(
                        {
                            "doc": doc,
                            "event_key": g.get("event_key"),
                            "field": name,
                            "gold": _mismatch_value(name, g),
                            "predicted": _mismatch_value(name, p),
                        }
                    )
        report.misses.extend(_summary(doc, g_incs[i], i) for i in result.unmatched_gold)
        report.false_alarms.extend(_summary(doc, p_incs[i], i) for i in result.unmatched_pred)
        _score_kinds(doc, gold, pred, kind_totals, report.kind_errors)

    precision, recall, f1 = prf(tp, tp + fp, tp + fn)
    report.incidents = {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
    n_gold = tp + fn
    report.fully_right = {"right": right, "gold": n_gold,
                          "share": right / n_gold if n_gold else None}  # fmt: skip
    report.calibration = reliability(outcomes)
    report.fields = {
        name: {"correct": c, "n": n, "accuracy": (c / n if n else None)}
        for name, (c, n) in field_totals.items()
    }
    for kind, t in kind_totals.items():
        k_p, k_r, k_f = prf(t["tp"], t["tp"] + t["fp"], t["tp"] + t["fn"])
        n = t["tp"] + t["fp"] + t["fn"]
        report.kinds[kind] = {
            **t,
            "n": n,
            "precision": k_p if n else None,
            "recall": k_r if n else None,
            "f1": k_f if n else None,
            "value_accuracy": t["value_correct"] / t["value_n"] if t["value_n"] else None,
        }
    return report


def _doc_path(gold_file: Path, gold: Mapping[str, Any], docs_dir: Path) -> Path:
    named = gold.get("doc")
    if isinstance(named, str) and named:
        return docs_dir / named
    stem = gold_file.name.removesuffix(_GOLD_SUFFIX)
    plain = docs_dir / stem
    if plain.exists() or plain.suffix:
        return plain
    return docs_dir / f"{stem}.txt"


def _load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(str(path), f"cannot read gold file: {exc}") from exc
    if not isinstance(data, dict):
        raise EvalError(str(path), "gold file is not a JSON object")
    return data


def run_eval(gold_dir: Path, docs_dir: Path, extract: ExtractFn) -> EvalReport:
    """Run ``extract`` on every document that has gold in ``gold_dir`` and score it.

    A gold file whose document is missing is listed in ``missing_docs`` and not scored; an
    extractor exception is recorded in ``extract_errors`` and the document scored as empty.
    """
    golds: dict[str, dict[str, Any]] = {}
    preds: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    missing: list[str] = []
    errors: dict[str, str] = {}
    hashes: dict[str, str] = {}
    gold_files = sorted(Path(gold_dir).glob(f"*{_GOLD_SUFFIX}"))
    if not gold_files:
        raise EvalError(str(gold_dir), f"no gold files (*{_GOLD_SUFFIX}) in this folder")
    for gold_file in gold_files:
        hashes[gold_file.name] = hashlib.sha256(gold_file.read_bytes()).hexdigest()
        gold = _load_gold(gold_file)
        doc_path = _doc_path(gold_file, gold, Path(docs_dir))
        if not doc_path.is_file():
            missing.append(doc_path.name)
            continue
        doc = doc_path.name
        golds[doc] = gold
        texts[doc] = doc_path.read_text(encoding="utf-8")
        try:
            preds[doc] = extract(doc_path)
        except Exception as exc:  # one failing document must not hide the others' scores
            errors[doc] = f"{type(exc).__name__}: {exc}"
    report = evaluate_predictions(golds, preds, texts)
    if len(golds) > 1:
        for fold in FOLDS:
            names = [d for d in golds if fold_of(d) == fold]
            report.folds[fold] = evaluate_predictions(
                {d: golds[d] for d in names}, preds, {d: texts[d] for d in names}
            )
    report.missing_docs = missing
    report.extract_errors = errors
    report.gold_sha256 = hashes
    report.gold_dir = str(gold_dir)
    return report
