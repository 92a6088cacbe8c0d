"""Build the dashboard's base map: country outlines as a small GeoJSON file.

The source is the npm package ``world-atlas`` (Natural Earth 1:110m admin-0 countries, public
domain; the package is ISC), a TopoJSON topology. This module decodes it (quantized,
delta-encoded arcs stitched into rings) and writes GeoJSON with rounded coordinates, so the
committed file under ``static/vendor/world/`` can be rebuilt with::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m khorasan.serve.boundaries package/countries-110m.json \\
        khorasan/serve/static/vendor/world/countries-110m.geojson

(``make boundaries`` does both). No network is needed to serve the map.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["topology_to_geojson"]

Point = list[float]


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([[float(p[0]), float(p[1])] for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * sx + tx, y * sy + ty])
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]], digits: int) -> list[Point]:
    ring: list[Point] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # consecutive arcs share their joining point: keep it once
        ring.extend(points[1:] if ring else points)
    out: list[Point] = []
    for x, y in ring:
        p = [round(x, digits), round(y, digits)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def topology_to_geojson(topology: dict[str, Any], name: str = "countries",
                        digits: int = 2) -> dict[str, Any]:  # fmt: skip
    """The object ``name`` of a TopoJSON ``topology`` as a GeoJSON FeatureCollection (each
    feature keeps ``id`` and ``properties.name``), coordinates rounded to ``digits``."""
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [[_ring(r, arcs, digits) for r in polygon] for polygon in polygons]
        rings = [[r for r in polygon if len(r) >= 4] for polygon in rings]
        rings = [polygon for polygon in rings if polygon]
        if not rings:
            continue
        features.append({
            "type": "Feature",
            "id": geometry.get("id"),
            "properties": {"name": (geometry.get("properties") or {}).get("name")},
            "geometry": {"type": "MultiPolygon", "coordinates": rings},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m khorasan.serve.boundaries TOPOJSON OUT.geojson", file=sys.stderr)
        return 2
    topology = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    geojson = topology_to_geojson(topology)
    Path(args[1]).write_text(json.dumps(geojson, separators=(",", ":")) + "\n",
                             encoding="utf-8")  # fmt: skip
    print(f"{args[1]}: {len(geojson['features'])} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
