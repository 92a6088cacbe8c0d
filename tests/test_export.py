"""Exports: CSV columns, GeoJSON FeatureCollection, JSON, Parquet read back with pyarrow."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from khorasan.errors import ExportError
from khorasan.export import ACLED_COLUMNS, CSV_COLUMNS, GTD_COLUMNS, export_events

EVENTS: list[dict[str, Any]] = [
    {"id": "abc123", "date": "2022-05-12", "date_precision": "day", "country": "Afghanistan",
     "admin1": "Kabul", "admin2": None, "place": "Shor Bazar", "latitude": 34.51,
     "longitude": 69.18, "geo_precision": "city", "perpetrator": "IS-K",
     "attribution": "claimed", "attack_type": "bombing", "suicide": True,
     "target_type": "religious", "target": "mosque", "killed_low": 13, "killed_best": 13,
     "killed_high": 18, "wounded_low": 30, "wounded_best": 30, "wounded_high": 35,
     "claimed_killed": 20, "claimed_wounded": None, "n_sources": 3, "n_mentions": 4,
     "detail": {"flags": [{"field": "killed", "values": {"13": [1], "18": [2]}}]},
     "mentions": [{"outlet": "Wire A", "doc": "a.txt", "url": "https://wire.example/a",
                   "evidence": "A suicide bomber killed 13 worshippers."},
                  {"outlet": None, "doc": "b.txt", "url": "https://news.example.org/b"},
                  {"outlet": None, "doc": "c.txt", "url": None}]},
    {"id": "def456", "date": "2022-06", "date_precision": "month", "country": "Afghanistan",
     "admin1": None, "admin2": None, "place": None, "latitude": None, "longitude": None,
     "geo_precision": None, "perpetrator": "unknown", "attribution": "none",
     "attack_type": None, "suicide": None, "target_type": None, "target": None,
     "killed_low": None, "killed_best": None, "killed_high": None, "wounded_low": None,
     "wounded_best": None, "wounded_high": None, "claimed_killed": None,
     "claimed_wounded": None, "n_sources": 1, "n_mentions": 1, "detail": {"flags": []},
     "mentions": []},
]  # fmt: skip


def test_export_csv_has_acled_gtd_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(EVENTS, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["event_id"] == "abc123" and rows[0]["killed_high"] == "18"
    # outlets and URLs, never file names
    assert rows[0]["sources"] == "Wire A; news.example.org"
    assert rows[0]["source_urls"] == "https://wire.example/a https://news.example.org/b"
    assert "killed disputed" in rows[0]["notes"]


def test_export_dates_parse_as_dates_with_their_precision() -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(EVENTS, "csv"))))
    got = [(r["event_date"], r["year"], r["month"], r["day"], r["time_precision"],
            r["date_precision"]) for r in rows]  # fmt: skip
    assert got == [("2022-05-12", "2022", "5", "12", "1", "day"),
                   ("2022-06-01", "2022", "6", "", "3", "month")]  # fmt: skip


def test_export_acled_columns_name_and_code_as_acled() -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(EVENTS, "csv", columns="acled"))))
    assert tuple(rows[0]) == ACLED_COLUMNS
    first, second = rows
    assert (first["event_type"], first["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Suicide bomb",
    )
    assert first["actor1"] == "IS-K" and first["fatalities"] == "13"
    assert first["geo_precision"] == "1" and first["time_precision"] == "1"
    assert "20 killed" in first["tags"]
    assert second["actor1"] == "Unidentified Armed Group" and second["time_precision"] == "3"


def test_export_gtd_columns_name_and_code_as_the_gtd() -> None:
    rows = list(csv.DictReader(io.StringIO(export_events(EVENTS, "csv", columns="gtd"))))
    assert tuple(rows[0]) == GTD_COLUMNS
    first, second = rows
    assert (first["iyear"], first["imonth"], first["iday"]) == ("2022", "5", "12")
    assert (second["imonth"], second["iday"], second["approxdate"]) == ("6", "0", "2022-06")
    assert first["attacktype1_txt"] == "Bombing/Explosion" and first["suicide"] == "1"
    assert first["targtype1_txt"] == "Religious Figures/Institutions"
    assert (first["gname"], first["claimed"], first["nkill"]) == ("IS-K", "1", "13")
    assert second["gname"] == "Unknown"


def test_export_parquet_with_gtd_columns(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "gtd.parquet"
    export_events(EVENTS, "parquet", out, columns="gtd")
    assert tuple(pq.read_table(out).column_names) == GTD_COLUMNS


def test_export_unknown_column_set_is_an_export_error() -> None:
    with pytest.raises(ExportError):
        export_events(EVENTS, "csv", columns="ucdp")


def test_export_codebook_defines_every_column() -> None:
    codebook = (Path(__file__).resolve().parents[1] / "docs" / "codebook.md").read_text("utf-8")
    for name in (*CSV_COLUMNS, *ACLED_COLUMNS, *GTD_COLUMNS):
        assert f"`{name}`" in codebook, name


def test_export_geojson_is_a_feature_collection_of_points() -> None:
    data = json.loads(export_events(EVENTS, "geojson"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [69.18, 34.51]}
    assert feature["properties"]["event_id"] == "abc123"


def test_export_json_round_trips() -> None:
    assert json.loads(export_events(EVENTS, "json"))["events"][0]["id"] == "abc123"


def test_export_parquet_reads_back(tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # a dependency (pyproject.toml): no skip

    out = tmp_path / "events.parquet"
    export_events(EVENTS, "parquet", out)
    table = pq.read_table(out)
    assert table.column_names == list(CSV_COLUMNS)
    assert table.column("killed_best").to_pylist() == [13, None]


def test_export_refuses_parquet_to_stdout_and_unknown_formats() -> None:
    with pytest.raises(ValueError):
        export_events(EVENTS, "parquet")
    with pytest.raises(ValueError):
        export_events(EVENTS, "xlsx")


def test_export_csv_columns_are_the_readmes() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `khorasan export") :]
    listed = re.search(r"CSV columns follow ACLED and GTD usage: `([^`]+)`", section)
    assert listed is not None
    assert tuple(c.strip() for c in listed.group(1).split(",")) == CSV_COLUMNS


def test_export_csv_cells_from_articles_are_never_formulas() -> None:
    event = {**EVENTS[0], "place": "=HYPERLINK(\"http://e.vil\")", "target": "+1 mosque",
             "mentions": [{"outlet": "@outlet", "doc": "a.txt"}]}  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(export_events([event], "csv")))
    assert row["location"] == '\'=HYPERLINK("http://e.vil")'
    assert row["target"] == "'+1 mosque" and row["sources"] == "'@outlet"
    assert row["killed_best"] == "13"


def test_export_geojson_is_valid_for_gis() -> None:
    data = json.loads(export_events(EVENTS, "geojson"))
    assert set(data) >= {"type", "features"}
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert all(
            isinstance(v, str | int | float | bool | type(None)) for v in f["properties"].values()
        )  # flat: QGIS reads them as columns
    assert data["khorasan"] == {"without_coordinates": 1}
