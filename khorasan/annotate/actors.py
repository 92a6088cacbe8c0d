"""Actor mentions: groups, states and forces, resolved to the canonical names of SCHEMA.md."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from khorasan.kb import ActorAlias, actor_by_id, load_actor_aliases, load_contexts
from khorasan.kb.matcher import AliasMatcher, Match
from khorasan.model import ActorMention

__all__ = ["actor_matches", "find_actors"]

# Short all-caps aliases ("IS", "US") are words in an all-caps headline; skip them there.
_SHORT = 3
_WINDOW = 40

# SCHEMA: the Islamic State's branch, affiliate or chapter in Afghanistan or the region is IS-K.
# "the regional affiliate of Islamic State", "the local IS affiliate", "Afghanistan's ISIS
# affiliate", "the Islamic State (ISIS/ISIL) branch in Afghanistan", "Afghan Islamic State".
_AFFILIATE = r"(?:affiliate|branch|chapter|franchise|offshoot|wing|province)"
_REGION = r"(?:regional|local|Afghan|Afghanistan|Afghanistan[\u2019']s|South Asian|Central Asian)"
_BRANCH_BEFORE = re.compile(
    rf"(?:\b{_REGION}\s+(?:[\w-]+\s+)?{_AFFILIATE}\s+of\s+(?:the\s+)?"
    # "a local group affiliated with the Islamic State"
    rf"|\b{_REGION}\s+(?:[\w-]+\s+)?(?:group|organi[sz]ation|outfit|faction)\s+"
    rf"(?:affiliated|allied|linked)\s+(?:with|to)\s+(?:the\s+)?"
    rf"|\b(?:Afghan|Afghanistan[\u2019']s)\s+)$",
    re.I,
)
_BRANCH_AFTER = re.compile(
    rf"^(?:\s*\([^()]{{1,20}}\))?(?:\s+group)?(?:[\u2019']s)?\s+(?:"
    rf"{_REGION}\s+{_AFFILIATE}\b"
    rf"|{_AFFILIATE}\s+(?:in|for)\s+(?:Afghanistan|Pakistan|the\s+region|South\s+Asia|Central\s+Asia)\b"
    rf"|(?:local|regional)\s+\w+\s+{_AFFILIATE}\b)",
    re.I,
)
_LOCAL_BEFORE = re.compile(r"\b(?:local|regional)\s+$", re.I)
_LOCAL_AFTER = re.compile(rf"^(?:\s+group)?\s+{_AFFILIATE}\b", re.I)


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
        if actor.id == _CORE and (
            _names_the_branch(text, m.start, m.end) or _acronym_of_branch(text, out, m.start)
        ):
            actor = actor_by_id(_BRANCH)
        out.append(ActorMention(m.start, m.end, actor.id, actor.canonical, actor.type))
    return out


_CORE, _BRANCH = "is", "isk"
# "the regional chapter of the Islamic State (IS)", "Islamic State (ISIS/ISIL) branch"
_IN_PARENS = re.compile(r"^\s*\((?:[^()]*[,/;]\s*)?$")


def _acronym_of_branch(text: str, found: list[ActorMention], start: int) -> bool:
    """Whether this name is an acronym in parentheses right after a name of the branch."""
    if not found or found[-1].actor_id != _BRANCH or start - found[-1].end > 20:
        return False
    return _IN_PARENS.match(text[found[-1].end : start]) is not None


def _names_the_branch(text: str, start: int, end: int) -> bool:
    """Whether this name of the Islamic State is part of a description of its branch in
    Afghanistan or the region ("the regional chapter of the Islamic State", "the local IS
    affiliate", "the Islamic State branch in Afghanistan"): SCHEMA reads those as IS-K."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 60]
    if _BRANCH_BEFORE.search(before) or _BRANCH_AFTER.match(after):
        return True
    return bool(_LOCAL_BEFORE.search(before) and _LOCAL_AFTER.match(after))


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
