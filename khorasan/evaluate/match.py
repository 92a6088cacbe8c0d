"""One-to-one matching of predicted to gold incidents within one document.

A pair is a candidate when the predicted span overlaps a gold evidence span (or, where spans
cannot be located, when the evidence strings share at least half their tokens), or else when
date and place are compatible. Candidates are assigned greedily, best score first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from khorasan.evaluate.fields import FIELDS, date_compatible, field_correct, norm_str
from khorasan.evaluate.spans import Span, locate_evidence, overlap_chars, token_containment

__all__ = [
    "CONTAINMENT_THRESHOLD",
    "MatchResult",
    "Pair",
    "greedy_assign",
    "match_incidents",
    "place_compatible",
    "pred_spans",
]

CONTAINMENT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Pair:
    """A matched gold/predicted pair; ``basis`` says which rule admitted it."""

    gold: int
    pred: int
    basis: str  # "overlap", "containment" or "date_place"
    overlap: float


@dataclass(frozen=True, slots=True)
class MatchResult:
    pairs: list[Pair]
    unmatched_gold: list[int]
    unmatched_pred: list[int]


def place_compatible(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Same admin1, or same place, or same country when neither gives an admin1."""

    def same(key: str) -> bool:
        g, p = gold.get(key), pred.get(key)
        return g is not None and p is not None and norm_str(g) == norm_str(p)

    if same("admin1") or same("place"):
        return True
    return gold.get("admin1") is None and pred.get("admin1") is None and same("country")


def pred_spans(pred: Mapping[str, Any], text: str) -> list[Span]:
    """The predicted span(s), validated against the text; located from evidence otherwise."""
    raw = pred.get("span")
    items: list[Any] = []
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        if len(raw) == 2 and all(isinstance(x, int) for x in raw):
            items = [raw]
        else:
            items = list(raw)
    spans: list[Span] = []
    for item in items:
        if (
            isinstance(item, Sequence)
            and len(item) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
            and 0 <= item[0] < item[1] <= len(text)
        ):
            spans.append((item[0], item[1]))
    evidence = pred.get("evidence")
    # spans point into the extractor's cleaned text; the scorer reads the raw file, so a span
    # whose text is not the evidence is re-located from the evidence itself
    if spans and (not evidence or all(text[a:b] == evidence for a, b in spans)):
        return spans
    located = locate_evidence(text, evidence)
    return located or spans


def greedy_assign(
    candidates: list[tuple[tuple[float, ...], int, int]],
) -> list[tuple[int, int]]:
    """One-to-one assignment from (score, gold, pred) triples, highest score first."""
    ordered = sorted(candidates, key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    chosen: list[tuple[int, int]] = []
    for _, g, p in ordered:
        if g in used_gold or p in used_pred:
            continue
        used_gold.add(g)
        used_pred.add(p)
        chosen.append((g, p))
    return chosen


def _killed_agree(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> int:
    return int(bool(field_correct("killed", gold, pred)))


def _fields_agree(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> int:
    return sum(bool(field_correct(f, gold, pred)) for f in FIELDS)


def match_incidents(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    text: str,
) -> MatchResult:
    """Match predicted to gold incidents of one document one-to-one."""
    gold_spans = [locate_evidence(text, g.get("evidence")) for g in gold]
    p_spans = [pred_spans(p, text) for p in pred]
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    basis: dict[tuple[int, int], tuple[str, float]] = {}
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = 0.0
            how = ""
            if gold_spans[gi] and p_spans[pi]:
                overlap = float(overlap_chars(gold_spans[gi], p_spans[pi]))
                how = "overlap" if overlap > 0 else ""
            else:
                share = token_containment(g.get("evidence"), p.get("evidence"))
                if share >= CONTAINMENT_THRESHOLD:
                    # scale to approximate shared characters so it ranks like overlap
                    shorter = min(len(g.get("evidence") or ""), len(p.get("evidence") or ""))
                    overlap = share * shorter
                    how = "containment"
            date_ok = (
                g.get("date") is not None
                and p.get("date") is not None
                and date_compatible(g.get("date"), p.get("date"))
            )
            place_ok = place_compatible(g, p)
            if not how and date_ok and place_ok:
                how = "date_place"
            if not how:
                continue
            score = (
                overlap,
                float(date_ok + place_ok),
                float(_killed_agree(g, p)),
                float(_fields_agree(g, p)),
            )
            candidates.append((score, gi, pi))
            basis[(gi, pi)] = (how, overlap)
    chosen = greedy_assign(candidates)
    pairs = [Pair(g, p, *basis[(g, p)]) for g, p in sorted(chosen)]
    matched_g = {g for g, _ in chosen}
    matched_p = {p for _, p in chosen}
    return MatchResult(
        pairs=pairs,
        unmatched_gold=[i for i in range(len(gold)) if i not in matched_g],
        unmatched_pred=[i for i in range(len(pred)) if i not in matched_p],
    )
