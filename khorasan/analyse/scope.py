"""What an analysis counts: event filters resolved through the knowledge base, and the default
scope of ``stats`` and ``claims`` (the IS-K family: IS-K and the Islamic State it is a branch
of).

The store matches canonical values only; here a filter's value becomes the list of canonical
values it stands for: ``--perpetrator ISKP`` -> IS-K; ``--perpetrator "Islamic State"`` -> the
Islamic State and its branches (``kb/data/actors.csv`` parents); ``--admin1 "Kabul Province"``
-> Kabul; ``--country`` likewise (``kb/data/places.csv`` names and aliases).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khorasan.kb.actors import actor_family, actors_named
from khorasan.kb.resolve import place_names, resolve_filters

__all__ = ["ISK_FAMILY", "describe_scope", "place_names", "resolve_filters", "scoped_filters"]

# The default scope of stats and claims: the core and every branch of it.
ISK_FAMILY_ROOT = "Islamic State"
ISK_FAMILY = tuple(sorted(actor_family(ISK_FAMILY_ROOT), key=lambda n: n != "IS-K"))


def describe_scope(perpetrator: str | None = None, every_actor: bool = False) -> str:
    """The scope in words, which stats and claims put before their figures: "IS-K family (IS-K,
    Islamic State)", "all actors", "Islamic State with its branches (IS-K)", "TTP"."""
    if perpetrator:
        named = [a.canonical for a in actors_named(perpetrator)] or [perpetrator]
        head = named[0]
        more = [n for n in actor_family(perpetrator) if n != head]
        return head + (f" with its branches ({', '.join(more)})" if more else "")
    if every_actor:
        return "all actors"
    return f"IS-K family ({', '.join(ISK_FAMILY)})"


def scoped_filters(filters: Mapping[str, Any], every_actor: bool = False) -> dict[str, Any]:
    """``filters`` resolved, with the default scope (the IS-K family) unless ``every_actor``
    or a perpetrator filter says otherwise."""
    out = dict(filters)
    if not every_actor and not out.get("perpetrator"):
        out["perpetrator"] = list(ISK_FAMILY)
    return resolve_filters(out)
