"""Migration 0012: fusion's candidate blocks as indexes (up and down), the publication date
copied onto mentions, and the candidate query reading those indexes."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from fuse_helpers import KABUL, make_doc, record
from store_helpers import without_fingerprint_log
from store_snapshot import event_snapshot

from khorasan.fuse import fuse, update_events
from khorasan.store import Store
from khorasan.store.db import MIGRATIONS_DIR
from khorasan.store.events import _candidate_query

FUSE_INDEXES = {"ix_incident_mentions_fuse_block", "ix_incident_mentions_fuse_time"}


def _migrate(store: Store, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def _published(store: Store) -> dict[str, str | None]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT document_id, doc_published FROM incident_mentions")
        return dict(rows.all())


def _add(store: Store, name: str, published: str | None, evidence: str, **fields: object) -> str:
    doc = make_doc(name, f"{evidence} (report {name})", published=published)
    store.add_document(doc, {"incidents": [record(evidence, **KABUL, **fields)]}, "t")
    return doc.id


def test_migration_0012_up_down_and_backfill(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    a = _add(store, "a", "2021-03-02", "A bomb killed 5 people in Kabul.", date="2021-03-01")
    b = _add(store, "b", None, "The blast killed 5 people in Kabul.")
    assert _published(store) == {a: None, b: None}  # fusion fills it
    update_events(store, [a, b])
    assert _published(store) == {a: "2021-03-02", b: None}
    _migrate(store, "0011", down=True)
    # written as a release of that schema wrote it: no wire-fingerprint log (0014 backfills it)
    with without_fingerprint_log(store):
        _add(store, "c", "2021-03-04", "A bomb killed 6 people in Kabul.", date="2021-03-03")
    inspector = sa.inspect(store.engine)
    assert "doc_published" not in {c["name"] for c in inspector.get_columns("incident_mentions")}
    assert not FUSE_INDEXES & {i["name"] for i in inspector.get_indexes("incident_mentions")}
    _migrate(store, "heads")
    inspector = sa.inspect(store.engine)
    assert FUSE_INDEXES <= {i["name"] for i in inspector.get_indexes("incident_mentions")}
    published = _published(store)  # backfilled from the documents
    assert (published[a], published[b], len(published)) == ("2021-03-02", None, 3)
    assert "2021-03-04" in published.values()
    store.close()


def test_candidate_query_reads_the_fuse_indexes(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    params = {"country": "A", "admin1": "B", "lat_lo": 1.0, "lat_hi": 2.0,
              "lon_lo": 1.0, "lon_hi": 2.0, "date_low": "2020-01-01", "date_high": "2020-01-09",
              "date_month": "2020-01", "date_year": "2020", "published_low": "2019-12-31",
              "published_high": "2021-01-08", "published_month": "2019-12",
              "published_year": "2019"}  # fmt: skip
    for shape in ((True, True, True, True), (True, False, False, False),
                  (False, False, False, True)):  # fmt: skip
        compiled = _candidate_query(*shape).compile(store.engine)
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled),
                tuple(params[k] for k in compiled.positiontup or ()),
            ).all()
        steps = [row[-1] for row in plan if row[-1].startswith(("SEARCH", "SCAN"))]
        # answered from the index alone (0015): no table row read per candidate
        assert steps and all(s.startswith("SEARCH") and "COVERING INDEX" in s
                             for s in steps), steps  # fmt: skip
        # each part reads an index range bounded by date or publication date
        assert all("date" in s or "doc_published" in s for s in steps), steps
    store.close()


def test_update_equals_full_fuse_with_undated_and_published_windows(tmp_path: Path) -> None:
    """Undated mentions are found by their documents' publication dates: an update gives
    what a full re-fuse gives."""
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    _add(store, "a", "2021-03-02", "A suicide bomber killed 12 worshippers at a Kabul mosque.",
         date="2021-03-01", killed=12, attack_type="bombing")  # fmt: skip
    _add(store, "b", "2021-03-20", "Relatives buried 12 worshippers killed at the Kabul mosque.",
         killed=12, attack_type="bombing")  # fmt: skip
    _add(store, "c", "2019-06-02", "An old bombing of a mosque in Kabul killed 12.",
         killed=12, attack_type="bombing")  # fmt: skip
    update_events(store, [])
    incremental = event_snapshot(store)
    fuse(store)
    assert event_snapshot(store) == incremental
    store.close()
