"""Store.add_document(extract=...): the records are extracted only when the store needs them,
inside the one transaction that looks the text up and writes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fuse_helpers import KABUL, make_doc, record

from khorasan.model import Document
from khorasan.store import Store


class _Extractor:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, doc: Document) -> dict[str, Any]:
        self.calls += 1
        return {"incidents": [record("A bomb killed 3 people in Kabul.", **KABUL)]}


def test_extract_runs_only_for_records_the_store_lacks(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    extract = _Extractor()
    doc = make_doc("a", "A bomb killed 3 people in Kabul on Monday, officials said.")
    first = store.add_document(doc, None, "v1", extract=extract)
    assert (first.status, extract.calls) == ("new", 1)
    assert first.extracted is not None and len(first.extracted["incidents"]) == 1
    again = store.add_document(doc, None, "v1", extract=extract)
    assert (again.status, extract.calls, again.extracted) == ("already", 1, None)
    # a text stored without records gets them (completed), extracted then
    bare = make_doc("b", "Gunmen attacked a checkpoint in Kabul, police said.")
    store.add_document(bare)
    completed = store.add_document(bare, None, "v1", extract=extract)
    assert (completed.status, extract.calls) == ("completed", 2)
    assert store.count("incident_mentions") == 2
    store.close()


def test_an_extractor_error_reaches_the_caller_and_stores_nothing(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")

    def broken(doc: Document) -> dict[str, Any]:
        raise RuntimeError("extractor bug")

    with pytest.raises(RuntimeError, match="extractor bug"):
        store.add_document(make_doc("a", "A text that breaks the extractor."), None, "v1",
                           extract=broken)  # fmt: skip
    assert store.count("documents") == 0
    store.close()
