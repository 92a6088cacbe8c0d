"""The dev pages ingested into SQLite and into PostgreSQL give the same documents, wire
stories, mentions and events (members and every reconciled figure): the store's backend
changes nothing an analyst sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_snapshot import event_snapshot, mention_uids

from khorasan.pipeline import ingest, open_store

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _contents(url: str) -> tuple[object, ...]:
    with open_store(url) as store:
        summary = ingest([SHARED / "eval" / "dev", SHARED / "seeds"], store)
        docs = sorted((d["id"], d["wire_story_id"]) for d in store.documents())
        return summary.as_dict()["ingested"], docs, mention_uids(store), event_snapshot(store)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(), reason="no ../shared dev pages here")
def test_postgresql_stores_what_sqlite_stores_on_the_dev_pages(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    server = request.getfixturevalue("pg_server")  # skips, saying why, without a server
    url = server.create()
    request.addfinalizer(lambda: server.drop(url))
    on_sqlite = _contents(str(tmp_path / "k.db"))
    on_postgresql = _contents(url)
    ingested, _, _, events = on_sqlite
    assert isinstance(ingested, int) and ingested > 100
    assert isinstance(events, dict) and len(events) > 50
    assert on_postgresql == on_sqlite
