"""Actor mentions: groups, states and forces, resolved to the canonical names of SCHEMA.md."""

from __future__ import annotations

from functools import cache, lru_cache

from khorasan.kb import ActorAlias, actor_by_id, load_actor_aliases, load_contexts
from khorasan.kb.matcher import AliasMatcher, Match
from khorasan.model import ActorMention

__all__ = ["actor_matches", "find_actors"]

# Short all-caps aliases ("IS", "US") are words in an all-caps headline; skip them there.
_SHORT = 3
_WINDOW = 40


@cache
def _matcher() -> AliasMatcher[ActorAlias]:
    return AliasMatcher((a.alias, a.case, a) for a in load_actor_aliases())


def _not_shouting(text: str, start: int, end: int, alias: str, mode: str) -> bool:
    if mode != "exact" or len(alias) > _SHORT:
        return True
    around = text[max(0, start - _WINDOW) : start] + text[end : end + _WINDOW]
    letters = [c for c in around if c.isalpha()]
    return len(letters) < 8 or sum(c.isupper() for c in letters) < 0.7 * len(letters)


def actor_matches(text: str) -> list[Match[ActorAlias]]:
    """Raw actor spans with every reading (before context resolution)."""
    return list(_actor_matches(text))


@lru_cache(maxsize=16)  # find_places asks for the same text's actor spans
def _actor_matches(text: str) -> tuple[Match[ActorAlias], ...]:
    return tuple(_matcher().find(text, _not_shouting))


def find_actors(text: str) -> list[ActorMention]:
    """Actor mentions in ``text``, sorted, non-overlapping.

    Context-dependent aliases ("Daesh", "Khawarij") take their context reading (IS-K in an
    Afghan/Pakistani document) when the document names a place of that context or an actor
    of that region, and their plain reading otherwise.
    """
    matches = actor_matches(text)
    if not matches:
        return []
    active: set[str] | None = None
    out: list[ActorMention] = []
    for m in matches:
        readings = m.payloads
        if any(r.context for r in readings):
            if active is None:
                active = _active_contexts(text, matches)
            chosen = next((r for r in readings if r.context in active), None)
            chosen = chosen or next((r for r in readings if r.context is None), None)
            if chosen is None:
                continue
        else:
            chosen = readings[0]
        actor = actor_by_id(chosen.actor_id)
        out.append(ActorMention(m.start, m.end, actor.id, actor.canonical, actor.type))
    return out


def _active_contexts(text: str, matches: list[Match[ActorAlias]]) -> set[str]:
    from khorasan.annotate.places import find_places  # places mask actor names: import late

    countries = {p.country for p in find_places(text) if p.country}
    active = {c for c, members in load_contexts().items() if countries & members}
    for m in matches:
        for r in m.payloads:
            region = actor_by_id(r.actor_id).region
            if r.context is None and region:
                active.add(region)
    return active
