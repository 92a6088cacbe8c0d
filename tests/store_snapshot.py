"""Helpers for whole-store checks: a comparable snapshot of the events, and consistency."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from khorasan.store import Store

# Reconciled values compared between two stores (fused_at is a clock reading, not a value).
EVENT_VALUES = ("date", "country", "admin1", "place", "perpetrator", "attribution",
                "attack_type", "target_type", "killed_low", "killed_best", "killed_high",
                "wounded_best", "claimed_killed", "n_mentions", "n_sources", "n_flags")  # fmt: skip


def event_snapshot(store: Store) -> dict[str, Any]:
    """Every event by id: its members (by stable mention identity) and reconciled values."""
    return {
        e.id: (sorted(m["uid"] for m in e.mentions or ()),
               tuple(getattr(e, name) for name in EVENT_VALUES))
        for e in store.events()
    }  # fmt: skip


def mention_uids(store: Store) -> dict[str, list[str]]:
    """Each stored document's incident mentions by stable identity."""
    out: dict[str, list[str]] = {}
    for row in store.incidents():
        out.setdefault(row["document_id"], []).append(
            f"{row['document_id']}:{row['span_start']}-{row['span_end']}"
        )
    return {k: sorted(v) for k, v in out.items()}


def consistency_problems(store: Store) -> list[str]:
    """What is broken in the store: links to nothing, events whose member count is wrong,
    documents marked extracted without... (a list of sentences; empty when consistent)."""
    problems = []
    with store.engine.connect() as conn:
        orphan_links = conn.execute(sa.text(
            "SELECT COUNT(*) FROM event_mentions l WHERE NOT EXISTS (SELECT 1 FROM "
            "incident_mentions m WHERE m.id = l.mention_id) OR NOT EXISTS (SELECT 1 FROM "
            "events e WHERE e.id = l.event_id)")).scalar_one()  # fmt: skip
        if orphan_links:
            problems.append(f"{orphan_links} event links point to nothing")
        short = conn.execute(sa.text(
            "SELECT COUNT(*) FROM events e WHERE e.n_mentions != (SELECT COUNT(*) FROM "
            "event_mentions l WHERE l.event_id = e.id)")).scalar_one()  # fmt: skip
        if short:
            problems.append(f"{short} events do not hold the mentions they count")
        orphan_mentions = conn.execute(sa.text(
            "SELECT COUNT(*) FROM incident_mentions m WHERE NOT EXISTS (SELECT 1 FROM "
            "documents d WHERE d.id = m.document_id)")).scalar_one()  # fmt: skip
        if orphan_mentions:
            problems.append(f"{orphan_mentions} mentions of no document")
        unextracted = conn.execute(
            sa.text("SELECT COUNT(*) FROM documents WHERE extracted_with IS NULL")
        ).scalar_one()
        if unextracted:
            problems.append(f"{unextracted} documents stored without their records")
    return problems
