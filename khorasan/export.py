"""Exports of fused events: CSV (ACLED / GTD-like columns), GeoJSON, JSON and Parquet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from khorasan.errors import ExportError

__all__ = ["CSV_COLUMNS", "FORMATS", "export_events", "geojson", "to_rows"]

FORMATS = ("csv", "geojson", "json", "parquet")
# event id, date, precision, place hierarchy and coordinates as ACLED names them; perpetrator,
# attack and target types and casualty ranges as GTD and UCDP users expect them
CSV_COLUMNS = (
    "event_id", "event_date", "time_precision", "country", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "perpetrator", "attribution", "attack_type",
    "suicide", "target_type", "target", "killed_low", "killed_best", "killed_high",
    "wounded_low", "wounded_best", "wounded_high", "claimed_killed", "claimed_wounded",
    "n_sources", "n_mentions", "sources", "notes",
)  # fmt: skip


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)"):
# text cells from articles get a leading apostrophe in CSV (OWASP's CSV-injection advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = frozenset({"latitude", "longitude", "killed_low", "killed_best", "killed_high",
                      "wounded_low", "wounded_best", "wounded_high", "claimed_killed",
                      "claimed_wounded", "n_sources", "n_mentions", "suicide"})  # fmt: skip


def _csv_safe(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: "'" + v if k not in _NUMERIC and isinstance(v, str) and v.startswith(
        _FORMULA_START) else v for k, v in row.items()}  # fmt: skip


def _notes(event: Mapping[str, Any]) -> str:
    flags = (event.get("detail") or {}).get("flags") or []
    parts = [f"{f['field']} disputed: " + "; ".join(f["values"]) for f in flags]
    return " | ".join(parts)


def _sources(event: Mapping[str, Any]) -> str:
    seen: list[str] = []
    for m in event.get("mentions") or []:
        label = m.get("outlet") or m.get("doc") or ""
        if label and label not in seen:
            seen.append(label)
    return "; ".join(seen)


def to_rows(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per event with :data:`CSV_COLUMNS`."""
    rows = []
    for e in events:
        rows.append({
            "event_id": e["id"], "event_date": e.get("date"),
            "time_precision": e.get("date_precision"), "country": e.get("country"),
            "admin1": e.get("admin1"), "admin2": e.get("admin2"), "location": e.get("place"),
            "latitude": e.get("latitude"), "longitude": e.get("longitude"),
            "geo_precision": e.get("geo_precision"), "perpetrator": e.get("perpetrator"),
            "attribution": e.get("attribution"), "attack_type": e.get("attack_type"),
            "suicide": e.get("suicide"), "target_type": e.get("target_type"),
            "target": e.get("target"),
            **{k: e.get(k) for k in ("killed_low", "killed_best", "killed_high", "wounded_low",
                                     "wounded_best", "wounded_high", "claimed_killed",
                                     "claimed_wounded", "n_sources", "n_mentions")},
            "sources": _sources(e), "notes": _notes(e),
        })  # fmt: skip
    return rows


def geojson(events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the events with coordinates, as Points ``[longitude, latitude]``
    (GeoJSON order); the others are counted in the collection's ``khorasan`` member."""
    features, skipped = [], 0
    for row in to_rows(events):
        if row["latitude"] is None or row["longitude"] is None:
            skipped += 1
            continue
        features.append({
            "type": "Feature",
            "id": row["event_id"],
            "geometry": {"type": "Point",
                         "coordinates": [float(row["longitude"]), float(row["latitude"])]},
            "properties": row,
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features,
            "khorasan": {"without_coordinates": skipped}}  # fmt: skip


def export_events(events: Sequence[Mapping[str, Any]], fmt: str, out: Path | None = None) -> str:
    """Write ``events`` as ``fmt`` to ``out`` (text formats may go to the returned string when
    ``out`` is None; Parquet needs a file)."""
    if fmt not in FORMATS:
        raise ExportError(fmt, f"unknown format; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if out is None:
            raise ExportError("parquet", "needs --output FILE")
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # a dependency; only a broken install lacks it
            raise ExportError("parquet", "needs pyarrow: pip install pyarrow") from exc

        table = pa.Table.from_pylist(to_rows(events), schema=_arrow_schema(pa))
        pq.write_table(table, out)
        return ""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        writer.writerows(_csv_safe(row) for row in to_rows(events))
        text = buf.getvalue()
    elif fmt == "geojson":
        text = json.dumps(geojson(events), ensure_ascii=False)
    else:
        text = json.dumps({"events": list(events)}, ensure_ascii=False, indent=2)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8", newline="")
        return ""
    return text


def _arrow_schema(pa: Any) -> Any:
    ints = {"killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
            "wounded_high", "claimed_killed", "claimed_wounded", "n_sources", "n_mentions"}
    floats = {"latitude", "longitude"}

    def kind(name: str) -> Any:
        if name in ints:
            return pa.int64()
        if name in floats:
            return pa.float64()
        if name == "suicide":
            return pa.bool_()
        return pa.string()

    return pa.schema([(name, kind(name)) for name in CSV_COLUMNS])  # fmt: skip
