"""Fit the incident confidence model on a gold set and write ``extract/data/calibration.json``.

    python -m khorasan.evaluate.calibrate --gold DIR --docs DIR [--out FILE] [--check]

Every predicted incident of every gold document is one sample: its features (computed by the
extractor, :func:`khorasan.extract.incidents.confidence.record_features`) and whether it is
right on every key field (``FULLY_RIGHT_FIELDS``; a false alarm never is). A logistic model with
an L2 penalty is fitted on all of them; its coefficients are the data file. Before that, the two
fixed folds of the set check that it generalises: fit on fold A and score the expected
calibration error (ECE) on fold B, and the other way round. Refit after every extractor change:
the confidences mean "the share of records like this one that are fully right" only for the
extractor the file was fitted against.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khorasan.evaluate.calibration import reliability
from khorasan.evaluate.fields import field_correct
from khorasan.evaluate.match import match_incidents
from khorasan.evaluate.score import (
    _GOLD_SUFFIX,
    FOLDS,
    FULLY_RIGHT_FIELDS,
    _doc_path,
    _load_gold,
    _records,
    fold_of,
)
from khorasan.extract.incidents.confidence import DIGITS, MODEL_FEATURES, capturing, probability

__all__ = ["Model", "Sample", "collect", "cross_validate", "fit", "main"]

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "extract" / "data" / "calibration.json"
# The L2 penalty on the coefficients (not the intercept): with a few hundred records and a few
# dozen features, enough to keep a feature seen on a handful of records from deciding alone.
L2 = 4.0
_NEWTON_STEPS = 50


@dataclass(frozen=True, slots=True)
class Sample:
    doc: str
    features: dict[str, float]
    right: bool


@dataclass(frozen=True, slots=True)
class Model:
    intercept: float
    coefficients: dict[str, float]

    def predict(self, features: dict[str, float]) -> float:
        return round(probability(features, self.intercept, self.coefficients), DIGITS)


def collect(
    gold_dir: Path, docs_dir: Path, extract: Callable[[Path], dict[str, Any]] | None = None
) -> list[Sample]:
    """One sample per predicted incident of every gold document that has its text."""
    if extract is None:
        from khorasan.pipeline import extract_file

        extract = extract_file
    samples: list[Sample] = []
    for gold_file in sorted(Path(gold_dir).glob(f"*{_GOLD_SUFFIX}")):
        gold = _load_gold(gold_file)
        path = _doc_path(gold_file, gold, Path(docs_dir))
        if not path.is_file():
            continue
        with capturing() as captured:
            pred = extract(path)
        features = {id(rec): feats for rec, feats in captured}
        g_incs, p_incs = _records(gold, "incidents"), _records(pred, "incidents")
        result = match_incidents(g_incs, p_incs, path.read_text(encoding="utf-8"))
        right = {
            pair.pred: all(
                field_correct(f, g_incs[pair.gold], p_incs[pair.pred]) is not False
                for f in FULLY_RIGHT_FIELDS
            )
            for pair in result.pairs
        }
        for i, rec in enumerate(p_incs):
            feats = features.get(id(rec))
            if feats is not None:  # a record made elsewhere than the incident extractor
                samples.append(Sample(path.name, feats, right.get(i, False)))
    return samples


def fit(samples: Sequence[Sample], l2: float = L2, names: Sequence[str] = MODEL_FEATURES) -> Model:
    """Logistic regression by Newton's method, the coefficients penalised by ``l2``."""
    names = [n for n in names if any(s.features.get(n, 0.0) for s in samples)]
    k = len(names) + 1
    rows = [[1.0] + [s.features.get(n, 0.0) for n in names] for s in samples]
    ys = [float(s.right) for s in samples]
    w = [0.0] * k
    if samples:
        share = min(max(sum(ys) / len(ys), 0.01), 0.99)
        w[0] = math.log(share / (1 - share))
    for _ in range(_NEWTON_STEPS):
        grad = [l2 * w[j] if j else 0.0 for j in range(k)]
        hess = [[(l2 if i == j and i else 0.0) for j in range(k)] for i in range(k)]
        for x, y in zip(rows, ys, strict=True):
            z = sum(a * b for a, b in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            r = p * (1 - p)
            for i in range(k):
                if x[i]:
                    grad[i] += (p - y) * x[i]
                    row = hess[i]
                    for j in range(k):
                        if x[j]:
                            row[j] += r * x[i] * x[j]
        for i in range(k):
            hess[i][i] += 1e-9
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return Model(w[0], {n: w[i + 1] for i, n in enumerate(names)})


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a x = b, by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-15:
            continue
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f:
                for j in range(c, n + 1):
                    m[r][j] -= f * m[c][j]
    x = [0.0] * n
    for c in range(n - 1, -1, -1):
        if abs(m[c][c]) < 1e-15:
            continue
        x[c] = (m[c][n] - sum(m[c][j] * x[j] for j in range(c + 1, n))) / m[c][c]
    return x


def ece(model: Model, samples: Sequence[Sample]) -> float | None:
    """The expected calibration error of ``model`` on ``samples`` (10 equal-width bins)."""
    return reliability((model.predict(s.features), s.right) for s in samples)["ece"]


def cross_validate(samples: Sequence[Sample], l2: float = L2) -> dict[str, Any]:
    """Fit on one fold, score on the other: the ECE of each held-out fold and of both pooled."""
    out: dict[str, Any] = {}
    pooled: list[tuple[float, bool]] = []
    for held_out in FOLDS:
        train = [s for s in samples if fold_of(s.doc) != held_out]
        test = [s for s in samples if fold_of(s.doc) == held_out]
        model = fit(train, l2)
        predictions = [(model.predict(s.features), s.right) for s in test]
        pooled.extend(predictions)
        out[held_out] = {"train": len(train), "test": len(test),
                         "ece": reliability(predictions)["ece"]}  # fmt: skip
    out["pooled_ece"] = reliability(pooled)["ece"]
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def calibration_data(samples: Sequence[Sample], l2: float = L2) -> dict[str, Any]:
    """The content of calibration.json: coefficients, and how well they did."""
    model = fit(samples, l2)
    cv = cross_validate(samples, l2)
    return {
        "about": "Incident confidence: a logistic model over record features "
        "(khorasan/extract/incidents/confidence.py), fitted by "
        "python -m khorasan.evaluate.calibrate; refit after any extractor change.",
        "intercept": round(model.intercept, 6),
        "coefficients": {k: round(v, 6) for k, v in model.coefficients.items()},
        "l2": l2,
        "fitted_on": {
            "records": len(samples),
            "right": sum(s.right for s in samples),
            "documents": len({s.doc for s in samples}),
        },  # fmt: skip
        "ece": _round(ece(model, samples)),
        "cross_validation": {
            "A": {k: _round(v) if k == "ece" else v for k, v in cv["A"].items()},
            "B": {k: _round(v) if k == "ece" else v for k, v in cv["B"].items()},
            "pooled_ece": _round(cv["pooled_ece"]),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m khorasan.evaluate.calibrate",
        description="Fit the incident confidence model on gold files and write its coefficients.",
    )
    parser.add_argument("--gold", required=True, type=Path, help="directory of *.gold.json")
    parser.add_argument("--docs", required=True, type=Path, help="directory of the documents")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH,
                        help=f"where to write (default {CALIBRATION_PATH})")  # fmt: skip
    parser.add_argument("--l2", type=float, default=L2, help=f"L2 penalty (default {L2})")
    parser.add_argument("--check", action="store_true",
                        help="report the fit and cross-validation, write nothing")  # fmt: skip
    args = parser.parse_args(argv)
    for option, folder in (("--gold", args.gold), ("--docs", args.docs)):
        if not folder.is_dir():
            parser.error(f"{option}: not a directory: {folder}")
    samples = collect(args.gold, args.docs)
    if not samples:
        parser.error(f"--gold: no predicted incidents in {args.gold}")
    data = calibration_data(samples, args.l2)
    cv = data["cross_validation"]
    print(f"records {data['fitted_on']['records']}  fully right {data['fitted_on']['right']}  "
          f"documents {data['fitted_on']['documents']}")  # fmt: skip
    print(f"ECE fitted on all, scored on all     {data['ece']}")
    print(f"ECE fitted on B, scored on A ({cv['A']['test']:>3})  {cv['A']['ece']}")
    print(f"ECE fitted on A, scored on B ({cv['B']['test']:>3})  {cv['B']['ece']}")
    print(f"ECE cross-validated, both folds      {cv['pooled_ece']}")
    if not args.check:
        args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
