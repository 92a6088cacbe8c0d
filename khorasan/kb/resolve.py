"""Query values as analysts write them, resolved to the knowledge base's canonical values:
``ISKP`` -> IS-K; "Islamic State" -> the Islamic State and its branches (``actors.csv``
parents); "Kabul Province" -> Kabul; a country by any of its names (``places.csv`` names and
aliases). The store matches canonical values; every reader resolves through here first."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from khorasan.kb.actors import actor_family
from khorasan.kb.places import load_places

__all__ = ["place_names", "resolve_filters"]


@cache
def _place_index(kind: str) -> dict[str, tuple[str, ...]]:
    """Lower-cased name or alias of a country or province -> its canonical name(s)."""
    out: dict[str, list[str]] = {}
    for p in load_places():
        if p.kind != kind:
            continue
        canonical = p.country if kind == "country" else p.admin1 or p.name
        for name in p.names:
            names = out.setdefault(name.lower(), [])
            if canonical not in names:
                names.append(canonical)
    return {k: tuple(v) for k, v in out.items()}


def place_names(kind: str, value: str) -> list[str]:
    """Canonical names a country or province filter stands for ("Kabul Province" -> Kabul);
    the value itself as well, so a name the gazetteer lacks still matches itself."""
    found = _place_index(kind).get(value.strip().lower(), ())
    return sorted({value, *found})


def resolve_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Event filters with perpetrator, country and admin1 as lists of canonical values."""
    out = dict(filters)
    perpetrator = out.get("perpetrator")
    if isinstance(perpetrator, str) and perpetrator:
        out["perpetrator"] = sorted({perpetrator, *actor_family(perpetrator)})
    for key, kind in (("country", "country"), ("admin1", "admin1")):
        value = out.get(key)
        if isinstance(value, str) and value:
            out[key] = place_names(kind, value)
    return out
