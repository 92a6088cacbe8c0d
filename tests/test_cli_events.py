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
from khorasan.export import CSV_COLUMNS
from khorasan.fuse import update_events
from khorasan.store import Store


@pytest.fixture
def db(store_url: str) -> str:
    path = store_url
    store = Store(path)
    ids = []
    for name, published, killed, claimed in (("a.txt", "2022-05-13", 13, 20),
                                             ("b.txt", "2022-05-14", 18, None)):  # fmt: skip
        rec = record("A suicide bomber struck the Shia mosque in Kabul, killing worshippers.",
                     date="2022-05-12", date_precision="day", **KABUL, perpetrator="IS-K",
                     attribution="claimed", attack_type="bombing", target_type="religious",
                     killed=killed, claimed_killed=claimed, latitude=None)  # fmt: skip
        rec["coordinates"] = {"lat": 34.53, "lon": 69.17}
        body = {
            "a.txt": "Kabul police said the attack came during evening prayers on Thursday.",
            "b.txt": "Hospital staff in the capital counted the dead late into Friday night.",
        }
        doc = make_doc(name, body[name] + " " + rec["evidence"], published, "Outlet " + name)
        store.add_document(doc, {"incidents": [rec]}, "test")
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
    assert run("stats", "--db", db).startswith(
        "IS-K family (IS-K, Islamic State): 18 killed in 1 incident from 2022-05-12 to"
    )
    stats = json.loads(run("stats", "--db", db, "--json", "--from", "2022", "--to", "2022"))
    assert stats["sentence"] == ("IS-K family (IS-K, Islamic State): 18 killed in 1 incident "
                                 "from 2022 to 2022 (range 13-18)")  # fmt: skip
    assert stats["scope"] == "IS-K family (IS-K, Islamic State)"
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


@pytest.fixture
def db2(store_url: str) -> str:
    """Three events: the Kabul mosque bombing (two reports, a claim), a Nangarhar checkpoint
    attack whose figure has parts, and a Herat event whose text carries rich markup and a
    terminal escape (article text is untrusted)."""
    path = store_url
    store = Store(path)
    mosque = dict(date="2022-05-12", date_precision="day", **KABUL, perpetrator="IS-K",
                  attack_type="bombing", target_type="religious")  # fmt: skip
    docs = [
        (
            "a.txt",
            "2022-05-13",
            [
                record(
                    "A bomber struck the Shia mosque in Kabul, killing 13.",
                    **mosque,
                    attribution="claimed",
                    killed=13,
                    claimed_killed=20,
                )
            ],
        ),
        (
            "b.txt",
            "2022-05-14",
            [
                record(
                    "The toll at the Shia mosque in Kabul rose to 18.",
                    **mosque,
                    attribution="attributed",
                    killed=18,
                )
            ],
        ),
        (
            "c.txt",
            "2022-06-03",
            [
                record(
                    "Gunmen killed 3 soldiers and 2 civilians at a checkpoint in Jalalabad.",
                    date="2022-06-02",
                    date_precision="day",
                    country="Afghanistan",
                    admin1="Nangarhar",
                    place="Jalalabad",
                    perpetrator="TTP",
                    attribution="suspected",
                    attack_type="armed_assault",
                    target_type="security_forces",
                    killed={
                        "value": 5,
                        "qualifier": "exact",
                        "parts": [
                            {"value": 3, "who": "soldiers"},
                            {"value": 2, "who": "civilians"},
                        ],
                    },
                )
            ],
        ),
        (
            "d.txt",
            "2023-01-10",
            [
                record(
                    "[red]x[/red] a blast \x1b[31mhit\x1b[0m Herat [link=http://e.vil]here[/link].",
                    date="2023-01-09",
                    date_precision="day",
                    country="Afghanistan",
                    admin1="Herat",
                    place="[bold]Herat[/bold]",
                    attack_type="bombing",
                    killed=2,
                )
            ],
        ),
    ]
    ids = []
    for name, published, recs in docs:
        doc = make_doc(name, f"Report {name}. " + recs[0]["evidence"], published, "Outlet")
        store.add_document(doc, {"incidents": recs}, "test")
        ids.append(doc.id)
    update_events(store, ids)
    store.close()
    return path


def _events(db: str, *args: str) -> list[dict]:
    return json.loads(run("events", "--db", db, "--json", *args))["events"]


def test_cli_text_from_articles_is_never_markup(db2: str) -> None:
    table = run("events", "--db", db2)
    assert "[bold]Herat[/bold]" in table  # rich would have eaten the tags
    (herat,) = _events(db2, "--admin1", "Herat")
    out = run("event", herat["id"], "--db", db2)
    assert "[red]x[/red]" in out and "[link=http://e.vil]here[/link]" in out
    assert "\x1b" not in out and "\\x1b[31mhit" in out  # the escape is shown, not acted on
    stats = run("stats", "--db", db2, "--admin1", "Herat", "--all")
    assert "Afghanistan / Herat" in stats
    claims = run("claims", "--db", db2)
    assert "Kabul" in claims


@pytest.mark.parametrize("command", ["events", "stats", "claims", "export"])
@pytest.mark.parametrize(("args", "option"), [
    (["--from", "2022-13"], "--from"), (["--to", "yesterday"], "--to"),
    (["--from", "2022-02-30"], "--from"), (["--from", "2023", "--to", "2022-05"], "--from"),
])  # fmt: skip
def test_cli_bad_dates_give_one_line_naming_the_option(
    db2: str, command: str, args: list[str], option: str
) -> None:
    result = CliRunner().invoke(cli, [command, "--db", db2, *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {option}: "), result.output


def test_cli_event_unknown_or_ambiguous_id_is_one_line(db2: str) -> None:
    for arg, reason in (("NOSUCH", "no such event"), ("%", "no such event"),
                        ("", "no such event")):  # fmt: skip
        result = CliRunner().invoke(cli, ["event", arg, "--db", db2])
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [f"Error: {arg}: {reason}"]
    ids = sorted(e["id"] for e in _events(db2))
    common = next((i for i in range(16) if len({x[:i] for x in ids}) < len(ids)), None)
    prefix = "" if common is None else ids[0][: max(common - 1, 0)]
    if prefix:  # ids sharing a first character: their common prefix is ambiguous
        result = CliRunner().invoke(cli, ["event", prefix, "--db", db2])
        assert result.exit_code == 1 and "ambiguous" in result.output


def test_cli_event_shows_every_value_with_its_documents(db2: str) -> None:
    (mosque,) = _events(db2, "--admin1", "Kabul")
    out = run("event", mosque["id"], "--db", db2)
    assert "killed: best 18  [b.txt]; low 13  [a.txt]; high 18  [b.txt]" in out
    assert "claimed killed: 20" in out and "perpetrator: IS-K (claimed)  [a.txt, b.txt]" in out
    assert "killed: 13 [a.txt]; 18 [b.txt]" in out  # the disagreement
    assert out.count("Shia mosque in Kabul") == 2


def test_cli_events_json_follows_the_design_contract(db2: str) -> None:
    events = _events(db2)
    assert [e["date"] for e in events] == sorted((e["date"] for e in events), reverse=True)
    for e in events:
        for key in ("id", "date", "date_precision", "country", "admin1", "place", "latitude",
                    "longitude", "perpetrator", "attribution", "attack_type", "killed_low",
                    "killed_best", "killed_high", "wounded_low", "wounded_best",
                    "wounded_high", "claimed_killed", "n_sources", "n_mentions", "n_flags",
                    "detail", "mentions"):  # fmt: skip
            assert key in e, key
        assert {"provenance", "flags", "killed_by_category"} <= set(e["detail"])
        for m in e["mentions"]:
            assert {"doc", "evidence", "span", "date", "country", "admin1", "place",
                    "perpetrator", "killed", "wounded", "spans"} <= set(m)  # fmt: skip
            assert isinstance(m["span"], list) and len(m["span"]) == 2
    assert len(_events(db2, "--limit", "2")) == 2


_ISK = "IS-K family (IS-K, Islamic State): "
_ALL = "all actors: "


@pytest.mark.parametrize(("args", "expected"), [
    # stats state their scope, and default to the IS-K family (issue 9)
    ([], _ISK + "18 killed in 1 incident from 2022-05-12 to 2022-05-12 (range 13-18)"),
    (["--all"], _ALL + "25 killed in 3 incidents from 2022-05-12 to 2023-01-09 (range 20-25)"),
    (["--from", "2022-06", "--to", "2022", "--all"],
     _ALL + "5 killed in 1 incident from 2022-06 to 2022"),
    (["--from", "2022-06", "--to", "2022"], _ISK + "0 killed in 0 incidents from 2022-06 to 2022"),
    (["--country", "Afghanistan", "--admin1", "kabul"],
     _ISK + "18 killed in 1 incident from 2022-05-12 to 2022-05-12 (range 13-18)"),
    (["--admin1", "Kabul Province"],
     _ISK + "18 killed in 1 incident from 2022-05-12 to 2022-05-12 (range 13-18)"),
    (["--perpetrator", "TTP"], "TTP with its branches (Jamaat-ul-Ahrar): 5 killed in 1 "
     "incident from 2022-06-02 to 2022-06-02"),
    (["--perpetrator", "ISKP"], "IS-K: 18 killed in 1 incident from 2022-05-12 to 2022-05-12 "
     "(range 13-18)"),
    (["--perpetrator", "Islamic State"], "Islamic State with its branches (IS-K): 18 killed in "
     "1 incident from 2022-05-12 to 2022-05-12 (range 13-18)"),
    (["--attack-type", "bombing", "--all"],
     _ALL + "20 killed in 2 incidents from 2022-05-12 to 2023-01-09 (range 15-20)"),
    (["--target-type", "security_forces", "--all"], _ALL + "5 killed in 1 incident from "
     "2022-06-02 to 2022-06-02"),
    (["--attribution", "claimed"], _ISK + "18 killed in 1 incident from 2022-05-12 to "
     "2022-05-12 (range 13-18)"),
    (["--admin1", "Kandahar"], _ISK + "0 killed in 0 incidents"),
])  # fmt: skip
def test_cli_stats_filters_and_icm_sentence(db2: str, args: list[str], expected: str) -> None:
    assert run("stats", "--db", db2, *args).splitlines()[0] == expected
    assert json.loads(run("stats", "--db", db2, "--json", *args))["sentence"] == expected


def test_cli_events_filters_understand_aliases_and_the_actor_hierarchy(db2: str) -> None:
    (mosque,) = _events(db2, "--perpetrator", "ISKP")
    assert mosque["perpetrator"] == "IS-K"
    assert [e["id"] for e in _events(db2, "--perpetrator", "Islamic State")] == [mosque["id"]]
    assert [e["id"] for e in _events(db2, "--admin1", "Kabul Province")] == [mosque["id"]]
    assert _events(db2, "--perpetrator", "Taliban") == []


def test_cli_stats_and_claims_all_is_not_for_one_perpetrator(db2: str) -> None:
    result = CliRunner().invoke(cli, ["stats", "--db", db2, "--all", "--perpetrator", "TTP"])
    assert result.exit_code == 2 and "--all" in result.output
    claims = json.loads(run("claims", "--db", db2, "--json", "--all"))
    assert claims["scope"] == "all actors"
    assert run("claims", "--db", db2).startswith("Scope: IS-K family (IS-K, Islamic State)")


def test_cli_stats_killed_by_category_month_and_province(db2: str) -> None:
    t = json.loads(run("stats", "--db", db2, "--json", "--all"))
    # the checkpoint's parts: 3 soldiers, 2 civilians; the mosque by its target type
    assert t["killed_by_category"] == {"civilians": 20, "security_forces": 3, "militants": 0,
                                       "unspecified": 2}  # fmt: skip
    assert sum(t["killed_by_category"].values()) == t["killed_best"]
    assert t["by_month"]["2022-06"]["killed_by_category"]["security_forces"] == 3
    assert set(t["by_month"]) == {"2022-05", "2022-06", "2023-01"}
    assert t["by_province"]["Afghanistan / Nangarhar"]["killed_best"] == 5
    text = run("stats", "--db", db2, "--all")
    assert "killed by category (best): civilians 20, security_forces 3" in text
    assert "Nangarhar" in text and "2022-06" in text


def test_cli_claims_per_event_and_by_period_and_target(db2: str) -> None:
    c = json.loads(run("claims", "--db", db2, "--json", "--by", "month"))
    (row,) = c["events"]
    assert (row["claimed_killed"], row["reported_killed_best"], row["ratio"]) == (20, 18, 1.111)
    assert c["by_month"]["2022-05"]["ratio"] == 1.111
    assert c["by_target_type"]["religious"]["claimed_killed"] == 20
    assert json.loads(run("claims", "--db", db2, "--json", "--admin1", "Herat"))["events"] == []
    text = run("claims", "--db", db2)
    assert "total: 20 claimed vs 18 reported killed in 1 events with both" in text


def test_cli_export_csv_columns_geojson_and_parquet(db2: str, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", db2))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3
    geo = json.loads(run("export", "--db", db2, "--format", "geojson", "--admin1", "Kabul"))
    assert geo["type"] == "FeatureCollection"
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "e.parquet"
    run("export", "--db", db2, "--format", "parquet", "-o", str(out), "--from", "2022-06")
    table = pq.read_table(out)
    assert table.column_names == list(CSV_COLUMNS) and table.num_rows == 2


@pytest.mark.parametrize(("columns", "first"), [("acled", "event_id_cnty"), ("gtd", "eventid")])
def test_cli_export_columns_as_other_datasets(db2: str, columns: str, first: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", db2, "--columns", columns])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split(",")[0] == first
