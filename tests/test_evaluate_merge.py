"""Pairwise merge scoring on small hand cases."""

from __future__ import annotations

import pytest

from khorasan.evaluate.merge import evaluate_merge, prf

GOLD = [("m1", "A"), ("m2", "A"), ("m3", "A"), ("m4", "B"), ("m5", "B"), ("m6", "C")]
# gold pairs: A gives 3, B gives 1 -> 4


def test_perfect() -> None:
    pred = [(m, f"event-{k}") for m, k in GOLD]
    out = evaluate_merge(GOLD, pred)
    assert (out["precision"], out["recall"], out["f1"]) == (1.0, 1.0, 1.0)
    assert out["pairs"] == {"tp": 4, "predicted": 4, "gold": 4}


def test_all_singletons() -> None:
    pred = [(m, i) for i, (m, _) in enumerate(GOLD)]
    out = evaluate_merge(GOLD, pred)
    assert (out["precision"], out["recall"], out["f1"]) == (0.0, 0.0, 0.0)


def test_all_one_cluster() -> None:
    pred = [(m, 0) for m, _ in GOLD]
    out = evaluate_merge(GOLD, pred)
    assert out["pairs"] == {"tp": 4, "predicted": 15, "gold": 4}
    assert out["recall"] == 1.0
    assert out["precision"] == pytest.approx(4 / 15)
    assert out["f1"] == pytest.approx(2 * (4 / 15) / (4 / 15 + 1))


def test_partial() -> None:
    pred = [("m1", 1), ("m2", 1), ("m3", 2), ("m4", 3), ("m5", 3), ("m6", 3)]
    out = evaluate_merge(GOLD, pred)
    # pred pairs: m1m2, m4m5, m4m6, m5m6 -> tp m1m2, m4m5
    assert out["pairs"] == {"tp": 2, "predicted": 4, "gold": 4}
    assert out["f1"] == pytest.approx(0.5)


def test_both_without_pairs_is_perfect() -> None:
    out = evaluate_merge([("a", 1), ("b", 2)], [("a", "x"), ("b", "y")])
    assert out["f1"] == 1.0


def test_conflicting_assignment_rejected() -> None:
    with pytest.raises(ValueError, match="two clusters"):
        evaluate_merge([("a", 1), ("a", 2)], [])


def test_prf_conventions() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 0, 3) == (0.0, 0.0, 0.0)
    assert prf(0, 2, 0) == (0.0, 0.0, 0.0)
