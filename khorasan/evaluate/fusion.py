"""The merge score of ``khorasan eval``: pairwise F1 of fused events against gold event keys.

The documents are ingested into a temporary SQLite store and fused; each stored mention that the
extraction matcher paired with a gold incident takes that incident's ``event_key``. Mentions the
matcher left unpaired (extraction misses and false alarms) are not scored: this measures
merging, not extraction.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from khorasan.evaluate.merge import evaluate_merge
from khorasan.evaluate.score import EvalReport
from khorasan.pipeline import ingest, open_store

__all__ = ["merge_score", "predicted_events"]


def predicted_events(docs_dirs: list[Path], db_path: Path) -> dict[tuple[str, int], str]:
    """Ingest and fuse ``docs_dirs`` into ``db_path``: (document name, seq) -> event id."""
    with open_store(db_path) as store:
        ingest(docs_dirs, store)
        return {(m["doc"], m["seq"]): e.id for e in store.events() for m in e.mentions or ()}


def merge_score(
    docs_dir: Path, report: EvalReport, extra_docs: tuple[Path, ...] = ()
) -> dict[str, Any]:
    """:func:`evaluate_merge` of the fused events of ``docs_dir`` (plus ``extra_docs``, whose
    mentions join events but are scored only where ``report`` paired them)."""
    with tempfile.TemporaryDirectory() as tmp:
        predicted = predicted_events([Path(docs_dir), *extra_docs], Path(tmp) / "merge.db")
    gold, pred = [], []
    for pair in report.pairs:
        mention = (pair["doc"], pair["pred_index"])
        if pair.get("event_key") and mention in predicted:
            gold.append((mention, pair["event_key"]))
            pred.append((mention, predicted[mention]))
    result = evaluate_merge(gold, pred)
    result["mentions"] = len(gold)
    return result
