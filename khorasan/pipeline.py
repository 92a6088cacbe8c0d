"""Glue between stages: ingest documents, extract their records, store both per document."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from khorasan.errors import KhorasanError
from khorasan.extract import EXTRACTOR_VERSION, extract_document
from khorasan.ingest import Failure, IngestOptions, iter_documents
from khorasan.model import Document
from khorasan.records_store import store_extracted
from khorasan.store import Store

__all__ = ["IngestSummary", "ingest"]


@dataclass(slots=True)
class IngestSummary:
    """Counts of one ingest run."""

    ingested: int = 0
    wire_copies: int = 0
    duplicates: int = 0
    already: int = 0
    incidents: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(f.kind for f in self.failures))

    def as_dict(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "wire_copies": self.wire_copies,
            "duplicates": self.duplicates,
            "already_stored": self.already,
            "incident_mentions": self.incidents,
            "failed": len(self.failures),
            "skipped_by_reason": self.skipped_by_reason,
            "seconds": round(self.seconds, 3),
        }


def ingest(
    inputs: Sequence[str],
    store: Store,
    options: IngestOptions,
    *,
    extract: bool = True,
    on_item: Callable[[Document | Failure], None] | None = None,
) -> IngestSummary:
    """Read every input, extract its records and store each document in one transaction."""
    summary = IngestSummary()
    started = time.perf_counter()
    stored: list[str] = []  # documents with new mentions: fused once at the end of the run
    for item in iter_documents(inputs, options):
        if isinstance(item, Failure):
            summary.failures.append(item)
        elif _store_one(item, store, extract, summary) and extract:
            stored.append(item.id)
        if on_item is not None:
            on_item(item)
    if stored:
        from khorasan.fuse import update_events

        update_events(store, stored)
    summary.seconds = time.perf_counter() - started
    return summary


def _store_one(doc: Document, store: Store, extract: bool, summary: IngestSummary) -> bool:
    """Store one document; True when it was stored as a new document."""
    extracted = extract_document(doc) if extract else None
    incidents = extracted["incidents"] if extracted is not None else None
    try:
        result = store.add_document(doc, incidents, EXTRACTOR_VERSION)
        if extracted is not None and result.status in ("new", "wire_copy"):
            store_extracted(store, result.document_id, extracted, EXTRACTOR_VERSION)
    except KhorasanError as exc:
        summary.failures.append(Failure(exc.subject, exc.reason, "store_error"))
        return False
    if result.status == "already":
        summary.already += 1
    elif result.status == "duplicate":
        summary.duplicates += 1
    else:
        summary.ingested += 1
        summary.wire_copies += result.status == "wire_copy"
        summary.incidents += len(incidents or [])
        return True
    return False
