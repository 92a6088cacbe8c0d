"""The dashboard at scale: the store sorts and pages the table, sums the totals, the
timeline's months and the claims in SQL, and ``/api/map`` clusters many placed events. Each
SQL result is checked against the in-memory computation the dashboard used to make from
every selected event, over a small store with ties, gaps and odd values."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_helpers import served

from khorasan.analyse import claims_vs_reported
from khorasan.errors import FilterError
from khorasan.model import Event
from khorasan.serve.claimschart import MAX_ROWS, claims_chart, claims_chart_of
from khorasan.serve.timeline import month_groups, timeline, timeline_of_groups
from khorasan.store import Store
from khorasan.store.events import EVENT_SORTS

# The dashboard's sort keys as it computed them in Python over every event (a stable sort
# of the store's order, newest first): what the SQL must reproduce.
PY_SORT_KEYS: dict[str, Callable[[Event], Any]] = {
    "date": lambda e: e.date or "",
    "place": lambda e: (e.country or "", e.admin1 or "", e.place or ""),
    "attack_type": lambda e: e.attack_type or "",
    "target_type": lambda e: e.target_type or "",
    "perpetrator": lambda e: e.perpetrator or "",
    "killed": lambda e: -1 if e.killed_best is None else e.killed_best,
    "wounded": lambda e: -1 if e.wounded_best is None else e.wounded_best,
    "sources": lambda e: e.n_sources,
    "flags": lambda e: e.n_flags,
}
FILTER_CASES: list[dict[str, Any]] = [
    {},
    {"country": "Afghanistan"},
    {"since": "2021", "until": "2022-06"},
    {"killed_min": 3, "attack_type": "bombing"},
    {"text": "market"},
]


def made_up_events(n: int, seed: int = 5) -> list[Event]:
    """``n`` invented events with many ties and gaps: few values per column, a share of
    them missing, dates to the day, month or year or none, some without coordinates, some
    with a claimed toll (a few claimed against a reported 0)."""
    rng = random.Random(seed)

    def maybe(values: list[Any], missing: float = 0.15) -> Any:
        return None if rng.random() < missing else rng.choice(values)

    out = []
    for i in range(n):
        year, month, day = rng.choice([2020, 2021, 2022]), rng.randint(1, 12), rng.randint(1, 3)
        date = rng.choice([f"{year}-{month:02d}-{day:02d}"] * 3 + [f"{year}-{month:02d}",
                                                                    str(year), None])  # fmt: skip
        placed = rng.random() < 0.8
        killed = maybe([0, 1, 2, 5, 12, 40])
        out.append(Event(
            id=f"{rng.getrandbits(60):015x}{i % 10}", date=date,
            country=maybe(["Afghanistan", "Pakistan", "Iran"]),
            admin1=maybe(["Kabul", "Nangarhar", "Kunar"]), place=maybe(["Town A", "Town B"]),
            latitude=rng.uniform(31, 36) if placed else None,
            longitude=rng.uniform(62, 71) if placed else None,
            perpetrator=maybe(["IS-K", "unknown", "TTP"]), attribution="claimed",
            attack_type=maybe(["bombing", "armed_assault", "rocket"]),
            target_type=maybe(["civilians", "religious", "security_forces", "made_up_kind"]),
            target=maybe(["a market", "a mosque", "a checkpoint"], 0.3),
            killed_low=killed, killed_best=killed, killed_high=killed,
            wounded_best=maybe([0, 3, 9]), claimed_killed=maybe([1, 10, 30], 0.8),
            n_mentions=0, n_sources=rng.randint(1, 3), n_flags=rng.randint(0, 1),
            detail={"provenance": {}, "flags": [], "killed_by_category": {}, "outlets": []},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
    return out


def make_store(path: Path, events: list[Event]) -> Path:
    with Store(str(path)) as store, store.fusion() as tx:
        tx.replace_events(events, [])
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("scale") / "k.db", made_up_events(400))


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[Store]:
    with Store(str(db)) as s:
        yield s


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with served(str(db)) as c:
        yield c


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


# ------------------------------------------------------------------------- the table in SQL
@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("sort", EVENT_SORTS)
def test_scale_sql_sort_and_page_equal_the_python_sort(
    store: Store, sort: str, filters: dict[str, Any]
) -> None:
    everything = store.events(mentions=False, **filters)
    assert everything, filters
    for descending in (True, False):
        expected = ids(sorted(everything, key=PY_SORT_KEYS[sort], reverse=descending))
        got = ids(store.events(mentions=False, sort=sort, descending=descending, **filters))
        assert got == expected, (sort, descending)
        for offset in (0, 7, len(expected) - 3):
            page = store.events(mentions=False, sort=sort, descending=descending,
                                offset=offset, limit=10, **filters)  # fmt: skip
            assert ids(page) == expected[offset : offset + 10]


def test_scale_bad_sort_or_offset_names_the_field(store: Store) -> None:
    with pytest.raises(FilterError) as err:
        store.events(sort="colour")
    assert err.value.field == "sort"
    with pytest.raises(FilterError) as err:
        store.events(offset=-1)
    assert err.value.field == "offset"


# --------------------------------------------------------------------- the sums in SQL
@pytest.mark.parametrize("filters", FILTER_CASES)
def test_scale_sql_totals_equal_the_python_sums(store: Store, filters: dict[str, Any]) -> None:
    events = store.events(mentions=False, **filters)
    totals = store.event_totals(**filters)
    claims = claims_vs_reported([e.row() for e in events])
    assert totals == {
        "events": len(events),
        "killed": sum(e.killed_best or 0 for e in events),
        "unplaced": sum(1 for e in events if e.latitude is None or e.longitude is None),
        "claims": len(claims["events"]),
        "claims_events": claims["total"]["events"],
        "claimed_killed": claims["total"]["claimed_killed"],
        "reported_killed": claims["total"]["reported_killed"],
    }


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_scale_sql_timeline_equals_the_python_timeline(
    store: Store, filters: dict[str, Any]
) -> None:
    events = store.events(mentions=False, **filters)

    def href(month: str) -> str:
        return f"/?since={month}&until={month}"

    key = ("month", "target_type")
    sql_groups = store.event_month_groups(**filters)
    assert sorted(sql_groups, key=lambda g: str([g[k] for k in key])) == sorted(
        month_groups(events), key=lambda g: str([g[k] for k in key]))  # fmt: skip
    expected = timeline(events, href)
    assert timeline_of_groups(sql_groups, href) == expected
    assert expected.months
    if not filters:  # the cases are real ones
        assert expected.undated and expected.year_only
        assert "unknown" in expected.kinds  # made_up_kind and None both stack as unknown


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_scale_sql_claims_chart_equals_the_python_chart(
    store: Store, filters: dict[str, Any]
) -> None:
    events = store.events(mentions=False, **filters)
    largest = store.events(mentions=False, detail=False, claimed_only=True, limit=MAX_ROWS,
                           **filters)  # fmt: skip
    expected = claims_chart(events)
    assert claims_chart_of(largest, store.event_totals(**filters)) == expected
    if not filters:
        assert expected.more > 0 and not expected.empty  # the cut at 25 rows is exercised


# ----------------------------------------------------------------------- the dashboard page
def test_scale_dashboard_pages_the_sorted_table(client: httpx.Client, store: Store) -> None:
    from test_serve_pages import table_rows

    everything = store.events(mentions=False)
    expected = ids(sorted(everything, key=PY_SORT_KEYS["killed"]))
    pages = -(-len(everything) // 100)
    assert pages >= 3
    for page in range(1, pages + 1):
        r = client.get("/", params={"sort": "killed", "order": "asc", "page": page})
        assert r.status_code == 200
        assert table_rows(r.text) == expected[(page - 1) * 100 : page * 100]
        assert f"<strong>{len(everything)}</strong> events" in r.text
    last = client.get("/", params={"sort": "killed", "order": "asc", "page": 999})
    assert table_rows(last.text) == expected[(pages - 1) * 100 :]
    assert f"Page {pages} of {pages}" in last.text
    # filtered: the first page of the filtered sort, the filtered totals
    some = store.events(mentions=False, country="Afghanistan")
    body = client.get("/", params={"country": "Afghanistan", "sort": "place"}).text
    assert table_rows(body) == ids(sorted(some, key=PY_SORT_KEYS["place"], reverse=True))[:100]
    killed = sum(e.killed_best or 0 for e in some)
    assert f"<strong>{len(some)}</strong> events" in body
    assert f"<strong>{killed:,}</strong> killed" in body


# ----------------------------------------------------------------------------- the map API
def placed(events: list[Event]) -> list[Event]:
    return [e for e in events if e.latitude is not None and e.longitude is not None]


def test_scale_map_gives_points_when_few(client: httpx.Client, store: Store) -> None:
    events = store.events(mentions=False, country="Iran")
    body = client.get("/api/map", params={"country": "Iran"}).json()
    assert body["mode"] == "points" and "clusters" not in body
    assert sorted(p["id"] for p in body["points"]) == sorted(ids(placed(events)))
    assert body["placed"] == len(placed(events))
    assert body["unplaced"] == len(events) - len(placed(events))
    point = body["points"][0]
    assert set(point) >= {"id", "date", "latitude", "longitude", "attack_type", "killed_best"}
    south, west, north, east = body["bounds"]
    assert south == min(e.latitude for e in placed(events) if e.latitude is not None)
    assert east == max(e.longitude for e in placed(events) if e.longitude is not None)


def test_scale_map_clusters_when_many(client: httpx.Client, store: Store) -> None:
    events = placed(store.events(mentions=False))
    body = client.get("/api/map", params={"max_points": 50}).json()
    assert body["mode"] == "clusters" and "points" not in body
    clusters = body["clusters"]
    assert 1 < len(clusters) < len(events)
    assert sum(c["events"] for c in clusters) == len(events) == body["placed"]
    assert sum(c["killed"] for c in clusters) == sum(e.killed_best or 0 for e in events)
    cell = body["cell"]
    assert cell > 0 and (cell).as_integer_ratio()[0] == 1  # a power of two in degrees
    for c in clusters:
        assert c["south"] <= c["latitude"] <= c["north"]
        assert c["west"] <= c["longitude"] <= c["east"]
        # a cluster stays inside one cell of the grid
        assert int((c["south"] + 90) // cell) == int((c["north"] + 90) // cell)
        assert int((c["west"] + 180) // cell) == int((c["east"] + 180) // cell)
        if c["events"] == 1:
            assert c["id"] in {e.id for e in events}
        else:
            assert c["id"] is None


def test_scale_map_takes_the_filters_and_the_view(client: httpx.Client, store: Store) -> None:
    events = placed(store.events(mentions=False, attack_type="bombing", killed_min=2))
    body = client.get("/api/map", params={"attack_type": "bombing", "killed_min": 2,
                                          "max_points": 5}).json()  # fmt: skip
    assert body["mode"] == "clusters"
    assert sum(c["events"] for c in body["clusters"]) == len(events)
    view = {"south": 32.0, "west": 64.0, "north": 34.5, "east": 68.0}
    inside = [e for e in events if e.latitude is not None and e.longitude is not None
              and 32.0 <= e.latitude <= 34.5 and 64.0 <= e.longitude <= 68.0]  # fmt: skip
    body = client.get("/api/map", params={"attack_type": "bombing", "killed_min": 2,
                                          **view}).json()  # fmt: skip
    assert body["mode"] == "points" and body["placed"] == len(inside)
    assert sorted(p["id"] for p in body["points"]) == sorted(ids(inside))
    assert body["unplaced"] == len(store.events(mentions=False, attack_type="bombing",
                                                killed_min=2)) - len(events)  # fmt: skip
    # a view smaller than the selection's extent clusters on a finer grid
    wide = client.get("/api/map", params={"max_points": 1}).json()["cell"]
    narrow = client.get("/api/map", params={"max_points": 1, **view}).json()["cell"]
    assert narrow < wide


BAD_MAP = [({"south": 30, "west": 60, "north": 35}, "east"),
           ({"south": 36, "west": 60, "north": 35, "east": 70}, "south"),
           ({"south": 30, "west": 70, "north": 35, "east": 60}, "west"),
           ({"south": -91, "west": 60, "north": 35, "east": 70}, "south"),
           ({"max_points": -1}, "max_points"), ({"max_points": "lots"}, "max_points"),
           ({"killed_min": 5, "killed_max": 1}, "killed_min"),
           ({"since": "2021-13"}, "since")]  # fmt: skip


@pytest.mark.parametrize(("params", "field"), BAD_MAP)
def test_scale_map_bad_parameters_are_422_naming_the_field(
    client: httpx.Client, params: dict[str, Any], field: str
) -> None:
    r = client.get("/api/map", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


def test_scale_map_of_nothing(tmp_path: Path) -> None:
    with Store(str(tmp_path / "empty.db")) as store:
        assert store.event_map() == {"placed": 0, "unplaced": 0, "bounds": None, "points": []}
        assert store.event_totals()["events"] == 0 and store.event_month_groups() == []
