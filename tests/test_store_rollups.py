"""Stats' margins (``tally_months``, ``tally_places``): the store's sums by month and by place
give exactly the tallies of reading every event, whichever path answers a selection, and every
fusion write keeps them equal to margins summed again from scratch (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import BACKENDS, copy_store_url, examples_in_parts, new_store_url

from khorasan import fuse, ingest, open_store, review
from khorasan.analyse import tally, tally_groups, tally_sums
from khorasan.store import Store
from khorasan.store.rollups import refresh_rollups
from khorasan.store.schema import tally_months, tally_places

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

SELECTIONS = [
    {}, {"country": "Afghanistan"}, {"admin1": "Nangarhar"}, {"since": "2021", "until": "2023-06"},
    {"since": "2022-01"}, {"perpetrator": "Islamic State"}, {"perpetrator": "ISKP"},
    {"killed_min": 10}, {"text": "mosque"}, {"country": "Nowhere"},
    {"review_status": "any"}, {"review_status": "rejected"},
    {"perpetrator": "IS-K", "since": "2020", "country": "Pakistan"},
]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_store_url(request, request.param, tmp_path_factory.mktemp("margins") / "k.db")
    with open_store(url) as store:
        assert not ingest([str(EXAMPLES)], store).failures
        event = store.events(limit=1)[0]
        review.reject(store, event.id, user="ana", reason="out of scope")
    return url


@pytest.mark.parametrize("filters", SELECTIONS, ids=repr)
def test_the_sums_by_month_and_place_equal_the_tally_of_every_event(
    request: pytest.FixtureRequest, template: str, tmp_path: Path, filters: dict[str, Any]
) -> None:
    since, until = filters.get("since"), filters.get("until")
    with Store(template) as store:
        events = [e.row() for e in store.events(mentions=False, **filters)]
        expected = tally(events, since, until)
        assert tally_sums(store.event_tally_sums(**filters), since, until) == expected
        assert tally_groups(store.event_tally_groups(**filters), since, until) == expected


def _margins(store: Store) -> list[list[tuple[Any, ...]]]:
    out = []
    with store.engine.connect() as conn:
        for table in (tally_months, tally_places):
            columns = [c for c in table.c if c.name != "id"]
            out.append(sorted((tuple(r) for r in conn.execute(sa.select(*columns))), key=repr))
    return out


def _rebuilt(store: Store) -> list[list[tuple[Any, ...]]]:
    with store.engine.begin() as conn:
        refresh_rollups(conn)
    return _margins(store)


def test_fusion_writes_keep_the_margins_current(
    request: pytest.FixtureRequest, template: str, tmp_path: Path
) -> None:
    # the examples in three runs (each an incremental update), analysts' actions, a re-fuse:
    # after each, the margins as the writes left them equal the margins summed from scratch
    url = copy_store_url(request, template, tmp_path / "k.db")
    with open_store(url) as store:
        with store.engine.begin() as conn:  # start empty: the same schema, no events
            for table in ("event_mentions", "events", "event_tallies", "tally_months",
                          "tally_places", "review_actions", "incident_mentions",
                          "documents"):  # fmt: skip
                conn.execute(sa.text(f"DELETE FROM {table}"))
        for folder in examples_in_parts(tmp_path, 3):
            ingest([str(folder)], store)
            written = _margins(store)
            assert written[0] and written[1]
            assert written == _rebuilt(store)
        ids = sorted(e.id for e in store.events())
        action = review.merge(store, ids[0], ids[1], user="ana", reason="one attack")
        assert _margins(store) == _rebuilt(store)
        review.correct(store, ids[2], "perpetrator", "Taliban", user="ana", reason="claimed")
        review.correct(store, ids[3], "date", "2019-02-03", user="ana", reason="dateline")
        review.reject(store, ids[4], user="ana", reason="not an attack")
        assert _margins(store) == _rebuilt(store)
        review.restore(store, action.id, user="ana", reason="two attacks after all")
        assert _margins(store) == _rebuilt(store)
        before = _margins(store)
        fuse(store)
        assert _margins(store) == before
