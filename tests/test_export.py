"""Exports: CSV columns, GeoJSON FeatureCollection, JSON, Parquet read back with pyarrow."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from khorasan.export import CSV_COLUMNS, export_events

EVENTS: list[dict[str, Any]] = [
    {"id": "abc123", "date": "2022-05-12", "date_precision": "day", "country": "Afghanistan",
     "admin1": "Kabul", "admin2": None, "place": "Shor Bazar", "latitude": 34.51,
     "longitude": 69.18, "geo_precision": "city", "perpetrator": "IS-K",
     "attribution": "claimed", "attack_type": "bombing", "suicide": True,
     "target_type": "religious", "target": "mosque", "killed_low": 13, "killed_best": 13,
     "killed_high": 18, "wounded_low": 30, "wounded_best": 30, "wounded_high": 35,
     "claimed_killed": 20, "claimed_wounded": None, "n_sources": 3, "n_mentions": 4,
     "detail": {"flags": [{"field": "killed", "values": {"13": [1], "18": [2]}}]},
     "mentions": [{"outlet": "Wire A", "doc": "a.txt"}, {"outlet": None, "doc": "b.txt"}]},
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
    assert rows[0]["sources"] == "Wire A; b.txt"
    assert "killed disputed" in rows[0]["notes"]


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
    section = readme[readme.index("### `khorasan export"):]
    listed = re.search(r"CSV columns follow ACLED and GTD usage: `([^`]+)`", section)
    assert listed is not None
    assert tuple(c.strip() for c in listed.group(1).split(",")) == CSV_COLUMNS


def test_export_csv_cells_from_articles_are_never_formulas() -> None:
    event = {**EVENTS[0], "place": "=HYPERLINK(\"http://e.vil\")", "target": "+1 mosque",
             "mentions": [{"outlet": "@outlet", "doc": "a.txt"}]}  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(export_events([event], "csv")))
    assert row["location"] == "'=HYPERLINK(\"http://e.vil\")"
    assert row["target"] == "'+1 mosque" and row["sources"] == "'@outlet"
    assert row["killed_best"] == "13"


def test_export_geojson_is_valid_for_gis() -> None:
    data = json.loads(export_events(EVENTS, "geojson"))
    assert set(data) >= {"type", "features"}
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert all(isinstance(v, str | int | float | bool | type(None))
                   for v in f["properties"].values())  # flat: QGIS reads them as columns
    assert data["khorasan"] == {"without_coordinates": 1}
