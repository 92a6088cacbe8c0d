"""Documents committed in groups (Store.document_writer): each whole or not at all, stored
only once its group commits, and a group rolled back leaves no trace (not even in the
wire-copy check)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from khorasan.errors import StoreError
from khorasan.model import Document
from khorasan.store import Store


def make_doc(text: str, source: str, *, simhash: int = 0) -> Document:
    content_hash = hashlib.sha256(text.encode()).hexdigest()
    return Document(text=text, name=Path(source).name, source=source, id=content_hash[:16],
                    content_hash=content_hash, simhash=simhash)  # fmt: skip


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()


def test_a_group_is_stored_when_it_commits(store: Store, store_url: str) -> None:
    writer = store.document_writer(max_documents=2, max_seconds=60)
    assert writer.due()  # nothing open
    assert writer.add_document(make_doc("First report.", "/a/1.txt")).status == "new"
    assert not writer.due()
    # a copy of a text earlier in the same group is found there
    assert writer.add_document(make_doc("First report.", "/b/1.txt")).status == "duplicate"
    assert writer.due()  # full
    with Store(store_url) as other:
        assert other.count("documents") == 0  # not committed yet
    writer.commit()
    assert store.count("documents") == 1 and store.count("appearances") == 2


def test_a_bad_document_leaves_the_rest_of_its_group(store: Store) -> None:
    writer = store.document_writer(max_documents=10, max_seconds=60)
    writer.add_document(make_doc("Kept report.", "/a/1.txt"))
    bad = [{"evidence": "x", "span": [0, 1], "confidence": 0.5, "killed": {"value": "many"}}]
    with pytest.raises(StoreError):
        writer.add_document(make_doc("Bad report.", "/a/2.txt"), {"incidents": bad}, "test")
    writer.add_document(make_doc("Later report.", "/a/3.txt"))
    writer.commit()
    assert sorted(d["name"] for d in store.documents()) == ["1.txt", "3.txt"]


def test_a_group_rolled_back_is_forgotten_by_the_wire_check(store: Store) -> None:
    writer = store.document_writer(max_documents=10, max_seconds=60)
    writer.add_document(make_doc("Wire story.", "/a/1.txt", simhash=0b1111 << 40))
    writer.add_document(make_doc("Other story.", "/a/2.txt", simhash=0b1))
    writer.rollback()
    assert store.count("documents") == 0
    # the rolled-back fingerprints are no wire story; what comes next is read again
    copy = writer.add_document(make_doc("Wire story!", "/b/1.txt", simhash=0b0111 << 40))
    assert copy.status == "new"
    writer.commit()
    again = store.add_document(make_doc("Wire story?", "/c/1.txt", simhash=0b0011 << 40))
    assert again.status == "wire_copy" and again.wire_story_id == copy.document_id


def test_ingest_reports_each_document_once_its_group_is_stored(tmp_path: Path) -> None:
    from khorasan.pipeline import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"r{i}.txt").write_text(
            f"Report {i}.\n\nA roadside bomb killed {i + 2} soldiers in Kandahar on 3 March "
            f"2021, officials said. Patrol number {i} was hit near the market.", encoding="utf-8"
        )  # fmt: skip
    db = tmp_path / "k.db"
    seen: list[tuple[str, bool]] = []
    with Store(str(db)) as store, Store(str(db)) as reader:

        def on_item(item: object) -> None:
            if isinstance(item, Document):  # visible to another connection: committed
                seen.append((item.id, reader.document(item.id) is not None))

        summary = ingest([str(folder)], store, on_item=on_item)
    assert summary.ingested == 6 and len(seen) == 6 and all(ok for _, ok in seen)
