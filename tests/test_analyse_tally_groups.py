"""The store's SQL sums per (month, country, admin1) give exactly the tallies of reading every
event: on the examples, for several selections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khorasan.analyse import tally, tally_groups
from khorasan.pipeline import ingest, open_store
from khorasan.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("tally") / "k.db")
    assert not ingest([EXAMPLES], s).failures
    return s


@pytest.mark.parametrize(
    "filters",
    [{}, {"country": "Afghanistan"}, {"since": "2021", "until": "2023-06"},
     {"perpetrator": "Islamic State"}, {"killed_min": 10}, {"text": "mosque"},
     {"country": "Nowhere"}],
)  # fmt: skip
def test_tally_groups_equal_the_tally_of_every_event(store: Store, filters: dict[str, Any]) -> None:
    since, until = filters.get("since"), filters.get("until")
    events = [e.row() for e in store.events(mentions=False, **filters)]
    assert tally_groups(store.event_tally_groups(**filters), since, until) == tally(
        events, since, until
    )
