"""Exports of fused events: CSV, GeoJSON, JSON and Parquet, with our columns or named and
coded as ACLED or the GTD do (``columns="acled"|"gtd"``; the codes are data in
``kb/data/dataset_codes.json``, every column is defined in ``docs/codebook.md``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from khorasan.errors import ExportError
from khorasan.escape import csv_cell, json_list_chunks, json_text

__all__ = [
    "COLUMN_SETS",
    "CSV_COLUMNS",
    "FORMATS",
    "export_events",
    "geojson",
    "write_events",
    "spreadsheet_safe",
    "to_rows",
]

FORMATS = ("csv", "geojson", "json", "parquet")
CODES_FILE = Path(__file__).parent / "kb" / "data" / "dataset_codes.json"
# event id, date (a full ISO date, the first day of its period, with year / month / day and
# the precision as ACLED codes it beside ours), place hierarchy and coordinates as ACLED names
# them; perpetrator, attack and target types and casualty ranges as GTD and UCDP users expect
CSV_COLUMNS = (
    "event_id", "event_date", "year", "month", "day", "time_precision", "date_precision",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "perpetrator", "attribution", "attack_type", "suicide", "target_type", "target",
    "killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best", "wounded_high",
    "claimed_killed", "claimed_wounded", "n_sources", "n_mentions", "sources", "source_urls",
    "notes", "review_status",
)  # fmt: skip
# The same events named and coded as ACLED's and the GTD's exports (their codebooks' names).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities", "tags",
)  # fmt: skip
GTD_COLUMNS = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "country_txt", "provstate", "city",
    "latitude", "longitude", "specificity", "suicide", "attacktype1_txt", "targtype1_txt",
    "target1", "gname", "claimed", "nkill", "nwound", "summary", "scite1", "dbsource",
)  # fmt: skip


_NUMERIC = frozenset({"latitude", "longitude", "killed_low", "killed_best", "killed_high",
                      "wounded_low", "wounded_best", "wounded_high", "claimed_killed",
                      "claimed_wounded", "n_sources", "n_mentions", "suicide", "year", "month",
                      "day", "time_precision", "fatalities", "iyear", "imonth", "iday",
                      "specificity", "claimed", "nkill", "nwound"})  # fmt: skip


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet shows as text, never runs as a formula, with no
    control character a terminal would act on (:func:`khorasan.escape.csv_cell`)."""
    return csv_cell(value)


def _csv_safe(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v if k in _NUMERIC else csv_cell(v) for k, v in row.items()}


def _notes(event: Mapping[str, Any]) -> str:
    flags = (event.get("detail") or {}).get("flags") or []
    parts = [f"{f['field']} disputed: " + "; ".join(f["values"]) for f in flags]
    return " | ".join(parts)


def _sources(event: Mapping[str, Any]) -> str:
    """The outlets that reported the event (never a file name: a document without an
    outlet is named by its URL's host, or left out)."""
    seen: list[str] = []
    for m in event.get("mentions") or []:
        label = m.get("outlet") or _host(m.get("url"))
        if label and label not in seen:
            seen.append(label)
    return "; ".join(seen)


def _urls(event: Mapping[str, Any]) -> str:
    urls = [m["url"] for m in event.get("mentions") or [] if m.get("url")]
    return " ".join(dict.fromkeys(urls))


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or "" if url else ""


@cache
def _codes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    return data


def _date_parts(value: str | None) -> tuple[str | None, int | None, int | None, int | None]:
    """(ISO date of the period's first day, year, month, day): "2022-06" -> 2022-06-01, 2022,
    6, None. Spreadsheets and pandas parse the first as a date; the parts say what is known."""
    if not value:
        return None, None, None, None
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else None
    day = parts[2] if len(parts) > 2 else None
    return date(year, month or 1, day or 1).isoformat(), year, month, day


def to_rows(events: Sequence[Mapping[str, Any]], columns: str = "default") -> list[dict[str, Any]]:
    """One flat row per event: our :data:`CSV_COLUMNS`, or ACLED's or the GTD's columns."""
    if columns not in COLUMN_SETS:
        raise ExportError(columns, f"unknown columns; choose one of {', '.join(COLUMN_SETS)}")
    return [_ROW_MAKERS[columns](e) for e in events]


def _row(e: Mapping[str, Any]) -> dict[str, Any]:
    iso, year, month, day = _date_parts(e.get("date"))
    precision = e.get("date_precision")
    return {
            "event_id": e["id"], "event_date": iso, "year": year, "month": month, "day": day,
            "time_precision": _codes()["acled_time_precision"].get(precision),
            "date_precision": precision, "country": e.get("country"),
            "admin1": e.get("admin1"), "admin2": e.get("admin2"), "location": e.get("place"),
            "latitude": e.get("latitude"), "longitude": e.get("longitude"),
            "geo_precision": e.get("geo_precision"), "perpetrator": e.get("perpetrator"),
            "attribution": e.get("attribution"), "attack_type": e.get("attack_type"),
            "suicide": e.get("suicide"), "target_type": e.get("target_type"),
            "target": e.get("target"),
            **{k: e.get(k) for k in ("killed_low", "killed_best", "killed_high", "wounded_low",
                                     "wounded_best", "wounded_high", "claimed_killed",
                                     "claimed_wounded", "n_sources", "n_mentions")},
            "sources": _sources(e), "source_urls": _urls(e), "notes": _notes(e),
            "review_status": e.get("review_status"),
    }  # fmt: skip


def _acled_row(e: Mapping[str, Any]) -> dict[str, Any]:
    codes = _codes()
    iso, year, _, _ = _date_parts(e.get("date"))
    kind = e.get("attack_type") or "other"
    if kind == "bombing" and e.get("suicide"):
        kind = "suicide_bombing"
    event_type, sub_event_type = codes["acled_event_type"].get(kind, codes["acled_event_type"]
                                                                ["other"])  # fmt: skip
    if event_type == "Violence against civilians" and e.get("target_type") in codes[
            "acled_armed_targets"]:  # fmt: skip
        event_type, sub_event_type = "Battles", "Armed clash"  # an attack on armed men
    perpetrator = e.get("perpetrator")
    return {
        "event_id_cnty": e["id"], "event_date": iso, "year": year,
        "time_precision": codes["acled_time_precision"].get(e.get("date_precision")),
        "event_type": event_type, "sub_event_type": sub_event_type,
        "actor1": perpetrator if perpetrator not in (None, "unknown") else UNIDENTIFIED,
        "actor2": e.get("target_type"), "country": e.get("country"), "admin1": e.get("admin1"),
        "admin2": e.get("admin2"), "location": e.get("place"), "latitude": e.get("latitude"),
        "longitude": e.get("longitude"),
        "geo_precision": codes["acled_geo_precision"].get(e.get("geo_precision") or ""),
        "source": _sources(e), "notes": _notes(e), "fatalities": e.get("killed_best"),
        "tags": f"claimed by the perpetrator: {e['claimed_killed']} killed"
        if e.get("claimed_killed") is not None else "",
    }  # fmt: skip


def _gtd_row(e: Mapping[str, Any]) -> dict[str, Any]:
    codes = _codes()
    _, year, month, day = _date_parts(e.get("date"))
    precision = e.get("geo_precision") or ""
    specificity = {"exact": 1, "site": 1, "city": 1, "neighbourhood": 1, "admin2": 3,
                   "admin1": 4, "country": 5}.get(precision)  # fmt: skip
    summary = (e.get("mentions") or [{}])[0].get("evidence") if e.get("mentions") else None
    return {
        "eventid": e["id"], "iyear": year, "imonth": month or 0, "iday": day or 0,
        "approxdate": e.get("date") if e.get("date_precision") != "day" else None,
        "country_txt": e.get("country"), "provstate": e.get("admin1"), "city": e.get("place"),
        "latitude": e.get("latitude"), "longitude": e.get("longitude"),
        "specificity": specificity,
        "suicide": None if e.get("suicide") is None else int(bool(e.get("suicide"))),
        "attacktype1_txt": codes["gtd_attacktype"].get(e.get("attack_type") or "other",
                                                       "Unknown"),
        "targtype1_txt": codes["gtd_targtype"].get(e.get("target_type") or "", "Unknown"),
        "target1": e.get("target"),
        "gname": e.get("perpetrator") if e.get("perpetrator") not in (None, "unknown")
        else "Unknown",
        "claimed": int(e.get("attribution") == "claimed"), "nkill": e.get("killed_best"),
        "nwound": e.get("wounded_best"), "summary": summary, "scite1": _urls(e) or _sources(e),
        "dbsource": "Khorasan Monitor",
    }  # fmt: skip


UNIDENTIFIED = "Unidentified Armed Group"  # ACLED's actor name for an unnamed perpetrator
_ROW_MAKERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "default": _row,
    "acled": _acled_row,
    "gtd": _gtd_row,
}
COLUMN_SETS = {"default": CSV_COLUMNS, "acled": ACLED_COLUMNS, "gtd": GTD_COLUMNS}


def geojson(events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the events with coordinates, as Points ``[longitude, latitude]``
    (GeoJSON order); the others are counted in the collection's ``khorasan`` member."""
    features, skipped = [], 0
    for row in to_rows(events, "default"):
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


def export_events(
    events: Sequence[Mapping[str, Any]], fmt: str, out: Path | None = None,
    columns: str = "default",
) -> str:  # fmt: skip
    """Write ``events`` as ``fmt`` to ``out`` (text formats may go to the returned string when
    ``out`` is None; Parquet needs a file), CSV and Parquet with the ``columns`` set."""
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

        table = pa.Table.from_pylist(
            to_rows(events, columns), schema=_arrow_schema(pa, COLUMN_SETS[columns])
        )
        pq.write_table(table, out)
        return ""
    if fmt == "csv":
        buf = io.StringIO()
        rows = to_rows(events, columns)
        writer = csv.DictWriter(buf, fieldnames=list(COLUMN_SETS[columns]))
        writer.writeheader()
        writer.writerows(_csv_safe(row) for row in rows)
        text = buf.getvalue()
    elif fmt == "geojson":
        text = json_text(geojson(events))
    else:
        text = json_text({"events": list(events)}, indent=2)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8", newline="")
        return ""
    return text


def write_events(
    events: Iterable[Mapping[str, Any]], fmt: str, stream: TextIO, columns: str = "default"
) -> int:
    """Write ``events`` as ``fmt`` (csv, geojson or json) to ``stream`` as they come, the same
    text :func:`export_events` returns, without holding them all (``export`` over a large
    store); returns how many events were written."""
    if fmt not in ("csv", "geojson", "json"):
        raise ExportError(fmt, "streams csv, geojson or json only")
    if columns not in COLUMN_SETS:
        raise ExportError(columns, f"unknown columns; choose one of {', '.join(COLUMN_SETS)}")
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(COLUMN_SETS[columns]))
        writer.writeheader()
        for e in events:
            writer.writerow(_csv_safe(_ROW_MAKERS[columns](e)))
            n += 1
        return n
    if fmt == "json":  # json_text({"events": [...]}, indent=2), an event at a time
        for chunk in json_list_chunks("events", events):
            stream.write(chunk)
            n += 1
        return n - 1  # the closing chunk is no event
    stream.write('{"type": "FeatureCollection", "features": [')  # as geojson(), one line
    skipped = 0
    for e in events:
        n += 1
        collection = geojson([e])
        skipped += collection["khorasan"]["without_coordinates"]
        for feature in collection["features"]:
            stream.write((", " if n - skipped > 1 else "") + json_text(feature))
    stream.write(f'], "khorasan": {{"without_coordinates": {skipped}}}}}')
    return n


def _arrow_schema(pa: Any, names: Sequence[str]) -> Any:
    def kind(name: str) -> Any:
        if name in ("latitude", "longitude"):
            return pa.float64()
        if name == "suicide" and names is CSV_COLUMNS:
            return pa.bool_()  # ours is true / false / null; the GTD codes it 0 / 1
        if name in _NUMERIC:
            return pa.int64()
        return pa.string()

    return pa.schema([(name, kind(name)) for name in names])
