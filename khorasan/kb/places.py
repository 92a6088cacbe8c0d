"""The gazetteer: ``places.csv`` (countries, provinces, districts, cities, sites, demonyms)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khorasan.kb._rows import DATA_DIR, Row, check_unique, read_rows

__all__ = [
    "PLACE_KINDS",
    "PRECISIONS",
    "Place",
    "load_contexts",
    "load_places",
    "place_by_id",
]

PLACE_KINDS = frozenset(
    {"country", "admin1", "region", "admin2", "city", "neighbourhood", "site", "demonym"}
)
# what the coordinate stands for: the place itself, or the unit whose coordinate it borrows
PRECISIONS = frozenset({"exact", "city", "admin2", "admin1", "country"})

PLACE_COLUMNS = (
    "id", "name", "kind", "country", "admin1", "admin2", "lat", "lon", "precision", "aliases",
    "source",
)  # fmt: skip
CONTEXT_COLUMNS = ("context", "country")


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str
    country: str
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    precision: str
    aliases: tuple[str, ...]  # press spellings besides ``name``
    source: str
    order: int  # position in the file: the earlier place wins a tie between equal readings

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@cache
def load_places(path: Path | None = None) -> list[Place]:
    """Read and validate ``places.csv`` (or ``path``); file order is kept."""
    rows = list(read_rows(path or DATA_DIR / "places.csv", PLACE_COLUMNS))
    seen: set[str] = set()
    countries: set[str] = set()
    admin1s: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        check_unique(row, "id", row.text("id"), seen)
        kind = row.choice("kind", PLACE_KINDS)
        if kind == "country":
            countries.add(row.text("name"))
        elif kind == "admin1":
            admin1s[row.text("country")].add(row.text("admin1"))
    return [_place(row, i, countries, admin1s) for i, row in enumerate(rows)]


def _place(row: Row, order: int, countries: set[str], admin1s: dict[str, set[str]]) -> Place:
    kind = row.text("kind")
    name = row.text("name")
    country = row.text("country")
    if kind == "country" and country != name:
        raise row.error("country", f"a country row must name itself, not {country!r}")
    if country not in countries:
        raise row.error("country", f"{country!r} has no country row")
    admin1 = row.text("admin1", required=kind == "admin1")
    if kind == "admin1" and admin1 != name:
        raise row.error("admin1", f"an admin1 row must name itself, not {admin1!r}")
    if admin1 and admin1 not in admin1s[country]:
        raise row.error("admin1", f"{admin1!r} is not an admin1 of {country}")
    admin2 = row.text("admin2", required=kind == "admin2")
    lat = row.number("lat", -90.0, 90.0)
    lon = row.number("lon", -180.0, 180.0)
    if (lat is None) != (lon is None):
        raise row.error("lon" if lon is None else "lat", "lat and lon must be given together")
    return Place(
        id=row.text("id"),
        name=name,
        kind=kind,
        country=country,
        admin1=admin1 or None,
        admin2=admin2 or None,
        lat=lat,
        lon=lon,
        precision=row.choice("precision", PRECISIONS),
        aliases=row.items("aliases"),
        source=row.text("source", required=False),
        order=order,
    )


@cache
def _place_index() -> dict[str, Place]:
    return {p.id: p for p in load_places()}


def place_by_id(place_id: str) -> Place:
    """The place with ``place_id``; KeyError if there is none."""
    return _place_index()[place_id]


@cache
def load_contexts(path: Path | None = None) -> dict[str, frozenset[str]]:
    """Context name -> the countries whose mention puts a document in that context."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(path or DATA_DIR / "contexts.csv", CONTEXT_COLUMNS):
        out[row.text("context")].add(row.text("country"))
    return {k: frozenset(v) for k, v in out.items()}


@cache
def load_non_place_names(path: Path | None = None) -> tuple[str, ...]:
    """Names that contain a place name but are no place (outlets, banks, parties, institutes)."""
    file = path or DATA_DIR / "non_place_names.txt"
    names = []
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line)
    return tuple(names)
