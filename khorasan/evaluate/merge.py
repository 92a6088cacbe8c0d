"""Pairwise precision/recall/F1 of cross-document event clustering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations
from typing import Any

__all__ = ["evaluate_merge", "prf"]


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side scores 1.0 only when the other is empty too."""
    if n_pred:
        precision = tp / n_pred
    else:
        precision = 1.0 if n_gold == 0 else 0.0
    if n_gold:
        recall = tp / n_gold
    else:
        recall = 1.0 if n_pred == 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs(assignment: Iterable[tuple[Hashable, Hashable]], what: str) -> set[frozenset[Any]]:
    cluster_of: dict[Hashable, Hashable] = {}
    for mention, cluster in assignment:
        if mention in cluster_of and cluster_of[mention] != cluster:
            raise ValueError(f"{what}: mention {mention!r} is in two clusters")
        cluster_of[mention] = cluster
    members: dict[Hashable, list[Hashable]] = defaultdict(list)
    for mention, cluster in cluster_of.items():
        members[cluster].append(mention)
    return {frozenset(pair) for group in members.values() for pair in combinations(group, 2)}


def evaluate_merge(
    gold_keys: Sequence[tuple[Hashable, Hashable]],
    predicted_clusters: Sequence[tuple[Hashable, Hashable]],
) -> dict[str, Any]:
    """Pairwise scores of a clustering: a pair of mentions counts when both sides co-cluster it.

    ``gold_keys`` maps mention ids to gold ``event_key``; ``predicted_clusters`` maps mention
    ids to predicted event ids. Mentions on one side only contribute only their own pairs.
    """
    gold = _pairs(gold_keys, "gold_keys")
    pred = _pairs(predicted_clusters, "predicted_clusters")
    tp = len(gold & pred)
    precision, recall, f1 = prf(tp, len(pred), len(gold))
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs": {"tp": tp, "predicted": len(pred), "gold": len(gold)},
    }
