"""Helpers for the fusion tests: documents and hand-built incident records (no extractor)."""

from __future__ import annotations

from typing import Any

from khorasan.ingest.fingerprint import fingerprint
from khorasan.model import Document


def make_doc(name: str, text: str, published: str | None = None, outlet: str | None = None
             ) -> Document:  # fmt: skip
    doc = Document(text=text, name=name, source=f"/in/{name}", published=published,
                   outlet=outlet)  # fmt: skip
    return fingerprint(doc)


def record(evidence: str, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"evidence": evidence, "span": [0, len(evidence)], "confidence": 0.9}
    for key in ("killed", "wounded", "claimed_killed", "claimed_wounded"):
        if key in fields and isinstance(fields[key], int):
            fields[key] = {"value": fields[key], "qualifier": "exact"}
    rec.update(fields)
    return rec


KABUL = {"country": "Afghanistan", "admin1": "Kabul", "place": "Kabul"}
JALALABAD = {"country": "Afghanistan", "admin1": "Nangarhar", "place": "Jalalabad"}
