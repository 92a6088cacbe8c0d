"""A failure at any write step leaves no half-stored document and no orphan link, and
re-ingesting the same inputs gives the same events as a clean run. Real SQLite files; the
failure is injected into the database driver's execution of one kind of statement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from store_snapshot import consistency_problems, event_snapshot, mention_uids

from khorasan.pipeline import ingest, open_store
from khorasan.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Every statement a run writes with, by the table it writes to: the per-document writes fail
# on the first document and on the fourth (others already stored), fusion's on its only run.
PER_DOCUMENT = ["INSERT INTO documents", "INSERT INTO appearances",
                "INSERT INTO incident_mentions", "INSERT INTO record_mentions",
                "UPDATE documents"]  # fmt: skip
FUSION = ["DELETE FROM event_mentions", "INSERT INTO events", "INSERT INTO event_mentions"]
WRITE_STEPS = [(s, n) for s in PER_DOCUMENT for n in (0, 3)] + [(s, 0) for s in FUSION]


@contextmanager
def failing(store: Store, statement: str, after: int = 0) -> Iterator[list[int]]:
    """Make the driver fail on the ``after``-th (0-based) statement starting with
    ``statement``; yields a one-item list counting the statements seen."""
    seen = [0]

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith(statement.upper()):
            seen[0] += 1
            if seen[0] == after + 1:
                raise sa.exc.OperationalError(sql, params, RuntimeError("injected failure"))

    sa.event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", before)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    with open_store(tmp_path_factory.mktemp("clean") / "k.db") as store:
        summary = ingest([EXAMPLES], store)
        assert not summary.failures
        return event_snapshot(store), mention_uids(store)


@pytest.mark.parametrize(("step", "after"), WRITE_STEPS)
def test_pipeline_fault_at_each_write_step_leaves_a_whole_store(
    tmp_path: Path, clean: tuple[dict[str, Any], dict[str, Any]], step: str, after: int
) -> None:
    events, uids = clean
    with open_store(tmp_path / "k.db") as store:
        with failing(store, step, after) as seen:
            summary = ingest([EXAMPLES], store)
        assert seen[0] > after, f"the run never wrote with {step!r}"
        assert summary.failures, "the injected failure was not reported"
        assert all(f.kind in ("store_error", "fuse_error") for f in summary.failures)
        assert not consistency_problems(store)
        stored = mention_uids(store)
        # every stored document holds exactly the mentions a clean run gives it
        assert {d: stored[d] for d in stored} == {d: uids[d] for d in stored}

        again = ingest([EXAMPLES], store)
        assert not again.failures
        assert not consistency_problems(store)
        assert mention_uids(store) == uids
        assert event_snapshot(store) == events


def test_pipeline_fusion_left_undone_is_completed_by_the_next_run(tmp_path: Path) -> None:
    with open_store(tmp_path / "k.db") as store:
        with failing(store, "INSERT INTO events"):
            first = ingest([EXAMPLES], store)
        assert [f.kind for f in first.failures] == ["fuse_error"]
        assert store.count("events") == 0 and store.needs_fusion()
        again = ingest([EXAMPLES], store)
        assert again.already == first.ingested and again.events > 0
        assert not store.needs_fusion() and not consistency_problems(store)
