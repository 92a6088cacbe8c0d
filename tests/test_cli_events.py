"""The event commands end to end: ingest report files, then events / event / stats / claims /
export / fuse through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuse_helpers import KABUL, make_doc, record

from khorasan.cli import cli
from khorasan.fuse import update_events
from khorasan.store import Store


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "k.db")
    store = Store(path)
    ids = []
    for name, published, killed, claimed in (("a.txt", "2022-05-13", 13, 20),
                                             ("b.txt", "2022-05-14", 18, None)):  # fmt: skip
        rec = record("A suicide bomber struck the Shia mosque in Kabul, killing worshippers.",
                     date="2022-05-12", date_precision="day", **KABUL, perpetrator="IS-K",
                     attribution="claimed", attack_type="bombing", target_type="religious",
                     killed=killed, claimed_killed=claimed, latitude=None)  # fmt: skip
        rec["coordinates"] = {"lat": 34.53, "lon": 69.17}
        body = {"a.txt": "Kabul police said the attack came during evening prayers on Thursday.",
                "b.txt": "Hospital staff in the capital counted the dead late into Friday night."}
        doc = make_doc(name, body[name] + " " + rec["evidence"], published, "Outlet " + name)
        store.add_document(doc, [rec], "test")
        ids.append(doc.id)
    update_events(store, ids)
    store.close()
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_events_json_contract(db: str) -> None:
    (event,) = json.loads(run("events", "--db", db, "--json"))["events"]
    assert (event["killed_low"], event["killed_best"], event["killed_high"]) == (13, 18, 18)
    for m in event["mentions"]:
        assert {"doc", "evidence", "span", "date", "country", "admin1", "place", "perpetrator",
                "killed", "wounded"} <= set(m)  # fmt: skip
    assert run("events", "--db", db, "--json", "--admin1", "Herat") == '{\n  "events": []\n}\n'


def test_cli_event_shows_sources_and_disagreements(db: str) -> None:
    (event,) = json.loads(run("events", "--db", db, "--json"))["events"]
    out = run("event", event["id"][:8], "--db", db)
    assert "killed: 13 [a.txt]; 18 [b.txt]" in out
    assert out.count("Shia mosque in Kabul") == 2
    result = CliRunner().invoke(cli, ["event", "nope", "--db", db])
    assert result.exit_code == 1 and "no such event" in result.output


def test_cli_stats_and_claims(db: str) -> None:
    assert run("stats", "--db", db).startswith("18 killed in 1 incident from 2022-05-12 to")
    stats = json.loads(run("stats", "--db", db, "--json", "--from", "2022", "--to", "2022"))
    assert stats["sentence"] == "18 killed in 1 incident from 2022 to 2022 (range 13-18)"
    claims = json.loads(run("claims", "--db", db, "--json"))
    assert claims["total"]["claimed_killed"] == 20 and claims["total"]["reported_killed"] == 18


def test_cli_export_formats(db: str, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", db, "--format", "csv"))))
    assert rows[0]["killed_best"] == "18" and rows[0]["latitude"] == "34.53"
    geo = json.loads(run("export", "--db", db, "--format", "geojson"))
    assert geo["features"][0]["geometry"]["coordinates"] == [69.17, 34.53]
    out = tmp_path / "e.parquet"
    run("export", "--db", db, "--format", "parquet", "--output", str(out))
    assert out.stat().st_size > 0
    bad = CliRunner().invoke(cli, ["export", "--db", db, "--format", "parquet"])
    assert bad.exit_code == 2


def test_cli_fuse_rebuilds_the_same_events(db: str) -> None:
    before = json.loads(run("events", "--db", db, "--json"))
    assert "into 1 events" in run("fuse", "--db", db)
    assert json.loads(run("events", "--db", db, "--json"))["events"][0]["id"] == \
        before["events"][0]["id"]  # fmt: skip
