"""Queries at scale (migration 0013): the lower-cased filter keys, month and killed by
category columns, and the event_tallies table, filled by the migration and kept current by
every fusion write and review edit; filters, stats, totals and claims answer exactly as the
old ``lower(column)`` scans did; ``events --json`` streams the same bytes."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from click.testing import CliRunner

from khorasan import ingest, open_store, review
from khorasan.analyse import claims_vs_reported, scoped_filters, tally, tally_groups
from khorasan.cli import cli
from khorasan.export import export_events
from khorasan.kb.resolve import resolve_filters
from khorasan.model import KILLED_CATEGORIES, Event
from khorasan.store import Store
from khorasan.store.db import MIGRATIONS_DIR
from khorasan.store.events import refresh_tallies
from khorasan.store.schema import KEYED_COLUMNS, event_mentions, event_tallies, events
from khorasan.store.synthetic import build_event_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KEYS = [f"{n}_key" for n in KEYED_COLUMNS]
DERIVED = [*KEYS, "month", *(f"killed_{k}" for k in KILLED_CATEGORIES)]


def mixed_case_events(n: int, seed: int = 3) -> list[Event]:
    """Events whose names come in several cases (as an analyst's correction or an old store
    may hold them), some missing."""
    rng = random.Random(seed)

    def pick(*values: Any) -> Any:
        return rng.choice([*values, None])

    out = []
    for i in range(n):
        killed = pick(0, 2, 7, 30)
        categories = {"civilians": killed or 0, "security_forces": 0, "militants": 0,
                      "unspecified": 0} if killed is not None else {}  # fmt: skip
        date = rng.choice(
            [
                f"2022-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "2021-05",
                "2020",
                None,
                f"2023-1{rng.randint(0, 2)}-0{rng.randint(1, 9)}",
            ]
        )
        out.append(Event(
            id=f"{rng.getrandbits(56):014x}{i:02x}", date=date,
            country=pick("Afghanistan", "AFGHANISTAN", "afghanistan", "Pakistan"),
            admin1=pick("Kabul", "KABUL", "kabul", "Nangarhar", "Khyber Pakhtunkhwa"),
            place=pick("Town A", "Town B"), latitude=pick(34.5), longitude=pick(69.1),
            perpetrator=pick("IS-K", "is-k", "Is-K", "Islamic State", "islamic state", "TTP",
                             "Taliban"),
            attribution=pick("claimed", "Claimed", "suspected"),
            attack_type=pick("bombing", "Bombing", "armed_assault"),
            target_type=pick("civilians", "CIVILIANS", "religious"),
            killed_low=killed, killed_best=killed, killed_high=killed,
            wounded_best=pick(1, 4), claimed_killed=pick(5, 40) if rng.random() < 0.4 else None,
            review_status=rng.choice([None, None, None, "confirmed", "rejected"]),
            n_mentions=0, n_sources=1,
            detail={"provenance": {}, "flags": [], "killed_by_category": categories},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "mixed.db"
    with Store(str(path)) as store, store.fusion() as tx:
        tx.replace_events(mixed_case_events(300), [])
    return path


@pytest.fixture()
def store(mixed: Path, tmp_path: Path) -> Any:
    path = tmp_path / "k.db"
    shutil.copy(mixed, path)
    with Store(str(path)) as s:
        yield s


def _old_match(event: Event, filters: dict[str, Any]) -> bool:
    """What the filters selected when they compared ``lower(column)`` (the values are ASCII,
    where SQLite's lower and Python's agree)."""
    for name in KEYED_COLUMNS:
        value = filters.get(name)
        if not value:
            continue
        wanted = {str(v).lower() for v in (value if isinstance(value, list) else [value])}
        if getattr(event, name) is None or getattr(event, name).lower() not in wanted:
            return False
    status = filters.get("review_status")
    if status is None:
        return event.review_status != "rejected"
    if status == "machine":
        return event.review_status is None
    return status == "any" or event.review_status == status


FILTERS = [
    {},
    {"perpetrator": "ISKP"},
    {"perpetrator": "Islamic State"},
    {"perpetrator": "is-k", "country": "Afghanistan"},
    {"country": "afghanistan", "admin1": "Kabul Province"},
    {"admin1": "KABUL", "attack_type": "BOMBING"},
    {"target_type": "civilians", "attribution": "claimed"},
    {"perpetrator": "TTP", "review_status": "any"},
    {"country": "Pakistan", "review_status": "rejected"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_filters_select_what_lower_selected(store: Store, filters: dict[str, Any]) -> None:
    every = store.events(mentions=False, review_status="any")
    resolved = resolve_filters(filters)
    expected = [e.id for e in every if _old_match(e, resolved)]
    assert [e.id for e in store.events(mentions=False, **filters)] == expected
    assert expected or filters.get("review_status") == "rejected"


@pytest.mark.parametrize(
    "filters",
    [
        *FILTERS,
        {"since": "2022-03", "until": "2023"},
        {"since": "2022", "perpetrator": "Islamic State"},
        {"since": "2022-03-15"},
        {"until": "2021-05"},
    ],
)
def test_stats_and_totals_from_the_tallies_equal_a_sum_of_the_events(
    store: Store, filters: dict[str, Any]
) -> None:  # fmt: skip
    selected = [e.row() for e in store.events(mentions=False, **filters)]
    from_tallies = tally_groups(store.event_tally_groups(**filters))
    assert from_tallies == tally(selected)
    # killed_min=0 keeps every event with a figure: the same sums, computed by a scan
    scanned = tally_groups(store.event_tally_groups(killed_min=-1, **filters))
    with_figure = tally([e for e in selected if e["killed_best"] is not None])
    assert scanned == with_figure
    totals = store.event_totals(**filters)
    assert totals["events"] == len(selected)
    assert totals["killed"] == sum(e["killed_best"] or 0 for e in selected)
    assert totals["claims"] == sum(e["claimed_killed"] is not None for e in selected)


def _tally_rows(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*(c for c in event_tallies.c if c.name != "id")))
        return sorted(rows, key=repr)


def _rebuilt(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.begin() as conn:
        refresh_tallies(conn)
    return _tally_rows(store)


def test_fusion_writes_keep_the_tallies_current(tmp_path: Path) -> None:
    with build_event_store(str(tmp_path / "s.db"), 400) as store:
        before = _tally_rows(store)
        assert before == _rebuilt(store) and len(before) > 50
        # an incremental fusion: the events of some mentions replaced by others, of other
        # months, places and perpetrators
        fresh = mixed_case_events(30, seed=9)
        for e in fresh:
            e.n_mentions = 2
        with store.fusion() as tx:
            tx.replace_events(fresh, [(m, fresh[m % 30].id, None) for m in range(1, 61)])
        after = _tally_rows(store)
        assert after != before and after == _rebuilt(store)
        # an event that lost a mention (a re-extraction deleted it) is deleted and re-fused
        damaged = [e for e in store.events(limit=50) if e.n_mentions == 1][:3]
        with store.engine.begin() as conn:
            for e in damaged:
                conn.execute(event_mentions.delete().where(
                    event_mentions.c.mention_id == e.mentions[0]["id"]))  # fmt: skip
        with store.fusion() as tx:
            assert len(tx.unsettled()) == len(damaged)
        assert store.count("events") == 400 - 60 + 30 - len(damaged)
        assert _tally_rows(store) == _rebuilt(store)
        with store.fusion() as tx:
            tx.clear_events()
        assert _tally_rows(store) == []


def test_event_rows_carry_their_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(events)).mappings().all()
    assert rows
    for r in rows:
        for name in KEYED_COLUMNS:
            assert r[f"{name}_key"] == (r[name].lower() if r[name] is not None else None)
        assert r["month"] == (r["date"][:7] if r["date"] else None)
        categories = r["detail"].get("killed_by_category") or {}
        assert all(r[f"killed_{k}"] == categories.get(k) for k in KILLED_CATEGORIES)


def _alembic(conn: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def test_migration_fills_the_new_columns_and_downgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    old_rows = [e.row() for e in mixed_case_events(60, seed=4)]
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "0011")
        columns = ", ".join(old_rows[0])
        marks = ", ".join(f":{k}" for k in old_rows[0])
        conn.execute(sa.text(f"INSERT INTO events ({columns}) VALUES ({marks})"),
                     [{**r, "detail": json.dumps(r["detail"])} for r in old_rows])  # fmt: skip
    engine.dispose()
    with Store(str(path)) as store:  # migrates to the head
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(events)).mappings().all()
        assert len(rows) == 60
        for r in rows:
            for name in KEYED_COLUMNS:
                assert r[f"{name}_key"] == (r[name].lower() if r[name] is not None else None)
            assert r["month"] == (r["date"][:7] if r["date"] else None)
            categories = r["detail"].get("killed_by_category") or {}
            assert all(r[f"killed_{k}"] == categories.get(k) for k in KILLED_CATEGORIES)
        assert _tally_rows(store) == _rebuilt(store)
        every = store.events(mentions=False, review_status="any")
        assert [e.id for e in store.events(mentions=False, perpetrator="ISKP")] == [
            e.id for e in every if _old_match(e, resolve_filters({"perpetrator": "ISKP"}))
        ]
        url = store.url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0011")
    with engine.connect() as conn:
        names = {c["name"] for c in sa.inspect(conn).get_columns("events")}
        assert not names & set(DERIVED)
        assert "event_tallies" not in sa.inspect(conn).get_table_names()
        assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar() == 60
    engine.dispose()
    with Store(str(path)) as store:  # and up again
        assert store.count("events") == 60
        assert _tally_rows(store) == _rebuilt(store)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "examples.db"
    with open_store(path) as store:
        ingest([str(EXAMPLES)], store)
    return path


def test_review_edits_keep_keys_and_tallies_current(ingested: Path, tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    shutil.copy(ingested, path)
    with open_store(path) as store:
        event = store.events()[0]
        review.correct(store, event.id, "perpetrator", "TTP", user="ana", reason="a claim")
        assert event.id in [e.id for e in store.events(perpetrator="ttp")]
        review.reject(store, event.id, user="ana", reason="not an attack")
        assert event.id not in [e.id for e in store.events(perpetrator="TTP")]
        assert event.id in [e.id for e in store.events(perpetrator="TTP", review_status="rejected")]
        with store.engine.connect() as conn:
            row = conn.execute(sa.select(events).where(events.c.id == event.id)).mappings().one()
        assert row["perpetrator_key"] == "ttp" and row["review_status"] == "rejected"
        assert _tally_rows(store) == _rebuilt(store)
        selected = [e.row() for e in store.events(mentions=False)]
        assert tally_groups(store.event_tally_groups()) == tally(selected)


def _old_events_json(store: Store, **filters: Any) -> str:
    """``events --json`` as it was: every event built in memory, then one dump."""
    rows = [e.as_dict() for e in store.events(**resolve_filters(filters))]
    return json.dumps({"events": rows}, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "args", [[], ["--perpetrator", "ISKP"], ["--limit", "3"], ["--country", "Nowhere"]]
)
def test_events_json_streams_the_same_bytes(ingested: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["events", "--db", str(ingested), "--json", *args])
    assert result.exit_code == 0, result.output
    filters = {"perpetrator": "ISKP"} if "--perpetrator" in args else {}
    if "--country" in args:
        filters = {"country": "Nowhere"}
    with Store(str(ingested)) as store:
        expected = _old_events_json(store, **filters)
        if "--limit" in args:
            rows = [e.as_dict() for e in store.events(limit=3)]
            expected = json.dumps({"events": rows}, indent=2, ensure_ascii=False) + "\n"
    assert result.output == expected


def test_iter_events_pages_give_the_list(store: Store) -> None:
    for filters in ({}, {"perpetrator": "Islamic State"}, {"review_status": "any"}):
        listed = [e.as_dict() for e in store.events(**filters)]
        assert [e.as_dict() for e in store.iter_events(page=7, **filters)] == listed
        assert [e.id for e in store.iter_events(page=4, limit=10, **filters)] == [
            e["id"] for e in listed[:10]
        ]


@pytest.mark.parametrize("filters", [{}, {"perpetrator": "Islamic State"}, {"admin1": "kabul"}])
def test_claims_from_the_index_equal_claims_from_every_event(
    store: Store, filters: dict[str, Any]
) -> None:  # fmt: skip
    scoped = scoped_filters(filters)
    every = [e.as_dict() for e in store.events(mentions=False, detail=False, **scoped)]
    for by in ("year", "month"):
        assert claims_vs_reported(store.event_claims(**scoped), by=by) == claims_vs_reported(
            every, by=by
        )


def test_event_id_prefix_in_any_case(store: Store) -> None:
    some = store.events(mentions=False, limit=1)[0].id
    assert some in store.event_ids(some[:6], limit=300)
    assert store.event(some[:12].upper()).id == some  # SQLite's LIKE ignores case, as before
    assert store.event(some).id == some


def test_synthetic_store_builder(tmp_path: Path) -> None:
    store = build_event_store(str(tmp_path / "s.db"), 230)
    with store:
        assert store.count("events") == 230
        assert store.count("incident_mentions") == 230
        assert store.count("documents") == 23
        assert _tally_rows(store) == _rebuilt(store)
        some = store.events(limit=1)[0]
        assert some.mentions and store.event(some.id) is not None
        selected = [e.row() for e in store.events(mentions=False, perpetrator="ISKP")]
        assert tally_groups(store.event_tally_groups(perpetrator="ISKP")) == tally(selected)


@pytest.mark.parametrize(("fmt", "columns"), [("csv", "default"), ("csv", "acled"),
                                              ("csv", "gtd"), ("json", "default"),
                                              ("geojson", "default")])  # fmt: skip
@pytest.mark.parametrize("args", [[], ["--perpetrator", "ISKP"], ["--country", "Nowhere"]])
def test_export_streams_the_same_text(
    ingested: Path, tmp_path: Path, fmt: str, columns: str, args: list[str]
) -> None:  # fmt: skip
    filters = dict(zip([a.lstrip("-") for a in args[::2]], args[1::2], strict=True))
    with Store(str(ingested)) as store:
        rows = [e.as_dict() for e in store.events(**resolve_filters(filters))]
    expected = export_events(rows, fmt, columns=columns)
    base = ["export", "--db", str(ingested), "--format", fmt, "--columns", columns, *args]
    result = CliRunner().invoke(cli, base)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected.encode("utf-8")
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, [*base, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected.encode("utf-8")
    assert f"{len(rows)} events written" in result.stderr


PAGE_FILTERS = [{"perpetrator": "ISKP"}, {"country": "Afghanistan"},
                {"country": "Afghanistan", "admin1": "Kunar"},
                {"admin1": "nangarhar", "since": "2020"},
                {"perpetrator": "TTP", "attack_type": "bombing"},
                {"country": "Pakistan", "target_type": "civilians"}]  # fmt: skip


@pytest.mark.parametrize("filters", PAGE_FILTERS)
def test_pages_by_either_index_equal_the_whole_list(
    tmp_path: Path, filters: dict[str, Any]
) -> None:
    # a page of 1 or 2 reads the key index of a filter the tallies count few events of, or
    # the list's order for a common one (SQLite): either way the list's first events
    with build_event_store(str(tmp_path / "s.db"), 400) as store:
        whole = [e.id for e in store.events(mentions=False, **filters)]
        assert whole
        for limit in (1, 2, 5):
            assert [e.id for e in store.events(mentions=False, limit=limit, **filters)] == (
                whole[:limit]
            )
            assert [e.id for e in store.iter_events(page=limit, **filters)] == whole
