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

import sqlalchemy as sa

from khorasan.evaluate.merge import evaluate_merge
from khorasan.evaluate.score import EvalReport
from khorasan.store import Store
from khorasan.store.schema import documents, event_mentions, incident_mentions

__all__ = ["merge_score", "predicted_events"]


def predicted_events(docs_dirs: list[Path], db_path: Path) -> dict[tuple[str, int], str]:
    """Ingest and fuse ``docs_dirs`` into ``db_path``: (document name, seq) -> event id."""
    from khorasan.ingest import IngestOptions
    from khorasan.pipeline import ingest

    store = Store(str(db_path))
    try:
        ingest([str(d) for d in docs_dirs], store, IngestOptions())
        query = (
            sa.select(documents.c.name, incident_mentions.c.seq, event_mentions.c.event_id)
            .join(incident_mentions, incident_mentions.c.document_id == documents.c.id)
            .join(event_mentions, event_mentions.c.mention_id == incident_mentions.c.id)
        )
        with store.engine.connect() as conn:
            return {(name, seq): eid for name, seq, eid in conn.execute(query)}
    finally:
        store.close()


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
