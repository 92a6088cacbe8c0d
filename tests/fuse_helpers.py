"""Helpers for the fusion tests: documents and hand-built incident records (no extractor)."""

from __future__ import annotations

from typing import Any

from khorasan.ingest.fingerprint import content_hash, simhash
from khorasan.model import Document
from khorasan.store import Store


def make_doc(name: str, text: str, published: str | None = None, outlet: str | None = None
             ) -> Document:  # fmt: skip
    digest = content_hash(text)
    return Document(text=text, name=name, source=f"/in/{name}", published=published,
                    outlet=outlet, id=digest[:16], content_hash=digest,
                    simhash=simhash(text))  # fmt: skip


def record(evidence: str, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"evidence": evidence, "span": [0, len(evidence)], "confidence": 0.9}
    for key in ("killed", "wounded", "claimed_killed", "claimed_wounded"):
        if key in fields and isinstance(fields[key], int):
            fields[key] = {"value": fields[key], "qualifier": "exact"}
    rec.update(fields)
    return rec


KABUL = {"country": "Afghanistan", "admin1": "Kabul", "place": "Kabul"}
JALALABAD = {"country": "Afghanistan", "admin1": "Nangarhar", "place": "Jalalabad"}


def query_events(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """The stored events as ``events --json`` shows them (plain dicts)."""
    return [e.as_dict() for e in store.events(**filters)]


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    found = store.event(event_id)
    return found.as_dict() if found is not None else None
