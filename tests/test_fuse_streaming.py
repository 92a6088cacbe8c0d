"""An update works one component at a time: it writes events in steps and forgets what it read
between components. With every step as small as it can be (one seed read at a time, events
reconciled one at a time and written after every component, no mention or answer kept between
components), it must still give what one full fuse gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

import pytest
from conftest import BACKENDS, copy_store_url, examples_in_parts, new_store_url

from khorasan import fuse, ingest, open_store, review
from khorasan.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# the package exports a function named ``fuse``, so the module is reached by its full name
FUSE = importlib.import_module("khorasan.fuse")
INCREMENTAL = importlib.import_module("khorasan.fuse.incremental")


@pytest.fixture()
def smallest_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FUSE, "SEED_BATCH", 1)
    monkeypatch.setattr(FUSE, "WRITE_LINKS", 1)
    monkeypatch.setattr(FUSE, "EVENT_STEP", 1)
    monkeypatch.setattr(INCREMENTAL, "KNOWN_LIMIT", 0)
    monkeypatch.setattr(INCREMENTAL, "ANSWERS_LIMIT", 0)


@pytest.fixture(scope="module", params=BACKENDS)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_store_url(request, request.param,
                        tmp_path_factory.mktemp("streaming") / "empty.db")  # fmt: skip
    Store(url).close()
    return url


def _snapshot(store: Store) -> list[tuple]:
    return sorted((
        (e.id, e.review_status, e.killed_best, e.wounded_best, e.date, e.perpetrator,
         tuple(sorted(m["id"] for m in e.mentions or [])))
        for e in store.events(review_status="any")
    ), key=repr)  # fmt: skip


def _tallies(store: Store) -> list[tuple]:
    return sorted((tuple(sorted(g.items())) for g in store.event_tally_groups()), key=repr)


def test_an_update_in_the_smallest_steps_equals_a_full_fuse(
    request: pytest.FixtureRequest, template: str, tmp_path: Path, smallest_steps: None
) -> None:
    # the examples in three runs, each fused as ingest does (one update per run)
    with open_store(copy_store_url(request, template, tmp_path / "k.db")) as store:
        for folder in examples_in_parts(tmp_path, 3):
            ingest([str(folder)], store)
        stepwise, tallies = _snapshot(store), _tallies(store)
        assert any(len(e[-1]) > 1 for e in stepwise)  # some event has several reports
        fuse(store)
        assert _snapshot(store) == stepwise
        assert _tallies(store) == tallies


def test_a_later_step_keeps_the_events_an_earlier_step_wrote(
    request: pytest.FixtureRequest, template: str, tmp_path: Path, smallest_steps: None
) -> None:
    # a merge joins two events of different components; undone, the update re-fuses them as
    # two components written in two steps, and the first one's event may take the merged
    # event's id: the second step must not delete it as the merged event's remains
    with open_store(copy_store_url(request, template, tmp_path / "k.db")) as store:
        ingest([str(EXAMPLES)], store)
        before = _snapshot(store)
        ids = sorted(e.id for e in store.events())[:5]
        # which of the two is written first depends on row ids, which one takes the merged id
        # on member keys: several pairs meet both orders
        for first, second in itertools.combinations(ids, 2):
            action = review.merge(store, first, second, user="ana", reason="one attack")
            assert len(_snapshot(store)) == len(before) - 1
            review.restore(store, action.id, user="ana", reason="two attacks after all")
            assert _snapshot(store) == before, (first, second)
