"""A document write that lands in the middle of a fusion (SQLite and PostgreSQL): it waits for
the fusion to commit, as SQLite's one write lock makes every writer wait, so the fusion never
links a mention that a re-extraction deleted under it. The next fusion then mends the event
the re-extraction left short, and the events equal a fusion from scratch."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from khorasan.extract import EXTRACTOR_VERSION
from khorasan.fuse import fuse, update_events
from khorasan.pipeline import ingest
from khorasan.store import Store
from khorasan.store.events import FusionTransaction

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _events(store: Store) -> list[tuple[Any, ...]]:
    return sorted((e.id, e.date, e.killed_best, tuple(sorted(m["uid"] for m in e.mentions)))
                  for e in store.events())  # fmt: skip


def test_a_reextraction_during_a_fusion_waits_for_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_url) as store:
        ingest([str(p) for p in sorted(EXAMPLES.glob("0[1-4]_*.txt"))], store)
        [doc_id] = [d["id"] for d in store.documents()
                    if d["name"].startswith("03_")]  # fmt: skip
        assert store.events_of_document(doc_id)  # its mentions are in events
    writer = Store(store_url)
    finished = threading.Event()
    errors: list[BaseException] = []

    def reextract_to_nothing() -> None:  # the document now reads as no incident at all
        try:
            writer.replace_extracted(doc_id, {"incidents": []}, EXTRACTOR_VERSION)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)
        finished.set()

    original = FusionTransaction.replace_events
    other = threading.Thread(target=reextract_to_nothing)

    def replace_events(self: FusionTransaction, new_events: Sequence[Any],
                       links: Sequence[tuple[int, str, float | None]]) -> int:  # fmt: skip
        # the fusion has read the document's mentions and is about to link them: the
        # re-extraction starts now, and may not delete them before the fusion commits
        other.start()
        assert not finished.wait(timeout=1.0)
        return original(self, new_events, links)

    try:
        with Store(store_url) as store:
            monkeypatch.setattr(FusionTransaction, "replace_events", replace_events)
            update_events(store, [doc_id])  # no error: nothing it links was deleted
            monkeypatch.undo()
            other.join()
            assert not errors
            assert store.events_of_document(doc_id) == {}  # its mentions are gone
            assert store.needs_fusion()  # the events it was in lost members: mended next
            update_events(store)
            mended = _events(store)
            fuse(store)
            assert _events(store) == mended
    finally:
        writer.close()
