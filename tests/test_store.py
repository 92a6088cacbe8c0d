"""Store: migrations, idempotent adds, duplicates and wire copies, transactional writes."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import BACKENDS, new_store_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khorasan.errors import StoreError
from khorasan.model import Document
from khorasan.store import Store, resolve_db_url


def make_doc(text: str, source: str, *, simhash: int = 0, content: str | None = None) -> Document:
    content_hash = hashlib.sha256((content or text).encode()).hexdigest()
    return Document(text=text, name=Path(source).name, source=source, id=content_hash[:16],
                    content_hash=content_hash, simhash=simhash)  # fmt: skip


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store(store_url)
    yield s
    s.close()


def test_store_resolve_db_url_accepts_paths_and_urls(tmp_path: Path) -> None:
    assert resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_db_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_store_migrates_every_table(store: Store) -> None:
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"documents", "appearances", "incident_mentions", "alembic_version"} <= names


def test_store_add_is_idempotent(store: Store) -> None:
    doc = make_doc("Seven people were killed.", "/a/one.txt")
    assert store.add_document(doc).status == "new"
    assert store.add_document(doc).status == "already"
    assert store.count("documents") == 1 and store.count("appearances") == 1


def test_store_exact_duplicate_is_an_appearance(store: Store) -> None:
    store.add_document(make_doc("Same story.", "/a/one.txt"))
    result = store.add_document(make_doc("Same story.", "/b/two.txt"))
    assert result.status == "duplicate"
    assert store.count("documents") == 1 and store.count("appearances") == 2
    assert store.documents()[0]["appearances"] == 2


def test_store_near_duplicate_joins_the_wire_story(store: Store) -> None:
    first = store.add_document(make_doc("Wire story A.", "/a/1.txt", simhash=0b1111))
    second = store.add_document(make_doc("Wire story A!", "/b/2.txt", simhash=0b1110))
    other = store.add_document(make_doc("Other story.", "/c/3.txt", simhash=(2**64 - 1) ^ 0b1111))
    assert second.status == "wire_copy" and second.wire_story_id == first.document_id
    assert other.status == "new"
    rows = {r["id"]: r for r in store.documents()}
    assert rows[first.document_id]["wire_copies"] == 2


def test_store_wire_copies_match_a_scan_of_every_stored_hash(store: Store) -> None:
    # the vectorised check against the plain rule: the first stored document within the
    # distance gives the wire story (hashes across all 64 bits, the top bit included)
    rng = random.Random(5)
    bases = [rng.getrandbits(64) for _ in range(40)]
    stored: list[tuple[int, str]] = []
    copies = 0
    for i in range(300):
        simhash = rng.choice(bases) ^ sum(1 << b for b in rng.sample(range(64), rng.randrange(30)))
        result = store.add_document(make_doc(f"Report {i}.", f"/w/{i}.txt", simhash=simhash))
        near = [w for h, w in stored if (h ^ simhash).bit_count() <= store.wire_copy_max_distance]
        assert result.wire_story_id == (near[0] if near else result.document_id)
        stored.append((simhash, result.wire_story_id))
        copies += result.status == "wire_copy"
    assert 20 < copies < 280  # both outcomes exercised


def test_store_writers_of_one_database_group_wire_copies_alike(store_url: str) -> None:
    # two stores on one database (two processes, as it were): each sees the other's documents
    with Store(store_url) as one, Store(store_url) as two:
        first = one.add_document(make_doc("Wire story B.", "/a/1.txt", simhash=0b1111 << 60))
        copy = two.add_document(make_doc("Wire story B!", "/b/2.txt", simhash=0b0111 << 60))
        again = one.add_document(make_doc("Wire story B?", "/c/3.txt", simhash=0b0011 << 60))
    assert copy.status == again.status == "wire_copy"
    assert copy.wire_story_id == again.wire_story_id == first.document_id


def test_store_failed_write_leaves_no_half_document(store: Store) -> None:
    doc = make_doc("Text.", "/a/x.txt")
    bad = [{"evidence": "x", "span": [0, 1], "confidence": 0.5, "killed": {"value": "many"}}]
    with pytest.raises((StoreError, ValueError)):
        store.add_document(doc, {"incidents": bad}, "test")
    assert store.count("documents") == 0 and store.count("appearances") == 0
    assert store.add_document(doc).status == "new"


def test_store_replace_incidents_keeps_the_document(store: Store) -> None:
    doc = make_doc("Thirteen were killed.", "/a/x.txt")
    rec = {"date": "2021-08-26", "evidence": "Thirteen were killed.", "span": [0, 21],
           "confidence": 0.8, "killed": {"value": 13, "qualifier": "exact"}}  # fmt: skip
    store.add_document(doc, {"incidents": [rec, rec]}, "v1")
    store.replace_extracted(doc.id, {"incidents": [rec]}, "v2")
    rows = store.incidents()
    assert [(r["extractor_version"], r["killed"]) for r in rows] == [("v2", 13)]
    assert store.count("documents") == 1


def test_store_incident_filters(store: Store) -> None:
    doc = make_doc("x", "/a/x.txt")
    recs = [
        {"date": "2024-03-22", "country": "Russia", "perpetrator": "IS-K", "evidence": "a",
         "span": [0, 1], "confidence": 0.5},
        {"date": "2021-08-26", "country": "Afghanistan", "perpetrator": "IS-K", "evidence": "b",
         "span": [0, 1], "confidence": 0.5},
    ]  # fmt: skip
    store.add_document(doc, {"incidents": recs}, "v1")
    assert [r["country"] for r in store.incidents(country="russia")] == ["Russia"]
    assert [r["date"] for r in store.incidents(date_from="2022", date_to="2024-03")] == [
        "2024-03-22"
    ]


def test_store_bad_url_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        Store(str(tmp_path / "missing-dir" / "sub" / "k.db"))
    assert "missing-dir" in str(err.value)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8))
def test_store_round_trips_text(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str,
    texts: list[str],
) -> None:  # fmt: skip
    s = Store(new_store_url(request, backend, tmp_path_factory.mktemp("h") / "k.db"))
    with s:
        for i, text in enumerate(texts):
            s.add_document(make_doc(text, f"/h/{i}.txt", simhash=i << 20, content=f"{i}:{text}"))
        stored = sorted(r["text"] for r in s.iter_documents())
    if backend == "postgresql":  # its text cannot hold NUL: one character for one, spans hold
        texts = [t.replace("\x00", "\ufffd") for t in texts]
    assert stored == sorted(texts)
