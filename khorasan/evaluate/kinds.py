"""Scoring of the non-incident record kinds: statistics, strength, plots, leaders, relations.

Each kind has a required key (what makes two records about the same thing), a ranking score
for greedy one-to-one assignment, and the key values whose accuracy is reported over pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from khorasan.evaluate.fields import same_value
from khorasan.evaluate.match import greedy_assign

__all__ = [
    "KINDS",
    "KindMatch",
    "figures",
    "match_kind",
    "name_key",
    "values_equal",
]

KINDS: tuple[str, ...] = ("statistics", "strength", "plots", "leaders", "relations")
Record = Mapping[str, Any]
_NON_WORD = re.compile(r"[\W_]+")
_NOT_FIGURES = frozenset({"evidence", "span", "confidence"})


def name_key(value: Any) -> str | None:
    """Accent-stripped, casefolded, punctuation-insensitive form of a name."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def values_equal(gold: Any, pred: Any) -> bool:
    """Strings compare by :func:`name_key`, everything else by value; null == null."""
    if isinstance(gold, str) and isinstance(pred, str):
        return name_key(gold) == name_key(pred)
    return same_value(gold, pred)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def figures(record: Record) -> dict[str, int | float]:
    """Top-level numeric fields of a statistics record (its figures)."""
    return {k: v for k, v in record.items() if k not in _NOT_FIGURES and _number(v)}


def _agree(g: Record, p: Record, key: str) -> bool:
    """Agreement on a non-null value (null == null does not make records the same)."""
    return g.get(key) is not None and values_equal(g.get(key), p.get(key))


@dataclass(frozen=True, slots=True)
class _Spec:
    candidate: Callable[[Record, Record], bool]
    score: Callable[[Record, Record], tuple[float, ...]]
    values: Callable[[Record], list[str]]


def _stat_candidate(g: Record, p: Record) -> bool:
    return bool(set(figures(g).values()) & set(figures(p).values()))


def _stat_score(g: Record, p: Record) -> tuple[float, ...]:
    shared = len(set(figures(g).values()) & set(figures(p).values()))
    return (float(shared), float(_agree(g, p, "from") + _agree(g, p, "to")))


def _strength_candidate(g: Record, p: Record) -> bool:
    return _agree(g, p, "low") or _agree(g, p, "high")


def _strength_score(g: Record, p: Record) -> tuple[float, ...]:
    return (
        float(_agree(g, p, "low") + _agree(g, p, "high")),
        float(_agree(g, p, "date")),
        float(_agree(g, p, "group")),
    )


def _plots_candidate(g: Record, p: Record) -> bool:
    if g.get("country") is None and p.get("country") is None:
        return _agree(g, p, "count")  # an unnamed-country total: the count identifies it
    return _agree(g, p, "country")


def _plots_score(g: Record, p: Record) -> tuple[float, ...]:
    return (float(_agree(g, p, "count")), float(_agree(g, p, "period")))


def _leaders_score(g: Record, p: Record) -> tuple[float, ...]:
    return (float(_agree(g, p, "group")),)


def _pair(record: Record) -> frozenset[str | None]:
    return frozenset({name_key(record.get("a")), name_key(record.get("b"))})


def _relations_score(g: Record, p: Record) -> tuple[float, ...]:
    return (float(_agree(g, p, "kind")), float(_agree(g, p, "date")))


_SPECS: dict[str, _Spec] = {
    "statistics": _Spec(
        _stat_candidate, _stat_score, lambda g: [*sorted(figures(g)), "from", "to"]
    ),
    "strength": _Spec(_strength_candidate, _strength_score, lambda g: ["low", "high", "date"]),
    "plots": _Spec(_plots_candidate, _plots_score, lambda g: ["country", "count", "period"]),
    "leaders": _Spec(
        lambda g, p: _agree(g, p, "person"), _leaders_score, lambda g: ["person", "group"]
    ),
    "relations": _Spec(
        lambda g, p: _pair(g) == _pair(p), _relations_score, lambda g: ["kind", "date"]
    ),
}


@dataclass(slots=True)
class KindMatch:
    """Outcome of matching one kind in one document."""

    pairs: list[tuple[int, int]]
    unmatched_gold: list[int]
    unmatched_pred: list[int]
    value_correct: int
    value_n: int
    mismatches: list[dict[str, Any]]  # {"gold_index", "pred_index", "field", "gold", "predicted"}


def match_kind(kind: str, gold: Sequence[Record], pred: Sequence[Record]) -> KindMatch:
    """Greedy one-to-one matching of one kind's records and value accuracy over pairs."""
    spec = _SPECS[kind]
    candidates = [
        (spec.score(g, p), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if spec.candidate(g, p)
    ]
    pairs = sorted(greedy_assign(candidates))
    correct = total = 0
    mismatches: list[dict[str, Any]] = []
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        for key in spec.values(g):
            total += 1
            if values_equal(g.get(key), p.get(key)):
                correct += 1
            else:
                mismatches.append(
                    {
                        "gold_index": gi,
                        "pred_index": pi,
                        "field": key,
                        "gold": g.get(key),
                        "predicted": p.get(key),
                    }
                )
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    return KindMatch(
        pairs=pairs,
        unmatched_gold=[i for i in range(len(gold)) if i not in matched_g],
        unmatched_pred=[i for i in range(len(pred)) if i not in matched_p],
        value_correct=correct,
        value_n=total,
        mismatches=mismatches,
    )
