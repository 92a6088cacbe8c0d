"""Place mentions resolved against the gazetteer, with their province and country."""

from __future__ import annotations

from functools import cache, lru_cache

from khorasan.annotate.actors import actor_matches
from khorasan.kb import Place, load_non_place_names, load_places
from khorasan.kb.matcher import AliasMatcher, Match
from khorasan.model import PlaceMention

__all__ = ["find_places", "resolve_place_context"]


def _case_mode(alias: str) -> str:
    # acronyms ("KP", "NWFP", "UAE") must be written as such; names need a capital letter
    compact = alias.replace(".", "")
    return "exact" if compact.isupper() and " " not in alias and len(compact) <= 5 else "title"


@cache
def _non_place_matcher() -> AliasMatcher[str]:
    names = load_non_place_names()
    return AliasMatcher((name, "exact", name) for name in names)


@cache
def _matcher() -> AliasMatcher[Place]:
    return AliasMatcher((name, _case_mode(name), p) for p in load_places() for name in p.names)


def find_places(text: str) -> list[PlaceMention]:
    """Place mentions in ``text``: sorted, non-overlapping, longest spelling first.

    A name several places share goes to the one whose province (then country) the text
    names elsewhere, then to the earliest in ``places.csv``. Place names inside an actor's
    name ("Tehrik-i-Taliban Pakistan", "Islamic State of Iraq and Syria") are not places.
    """
    return list(_find(text))


@lru_cache(maxsize=16)  # find_actors asks for the same text's places when resolving "Daesh"
def _find(text: str) -> tuple[PlaceMention, ...]:
    matches = _matcher().find(text)
    if not matches:
        return ()
    blocked = [(a.start, a.end) for a in actor_matches(text)]
    blocked += [(m.start, m.end) for m in _non_place_matcher().find(text)]
    matches = [m for m in matches if not _inside(m, blocked)]
    return tuple(_mention(m, place) for m, place in resolve_place_context(matches))


def _inside(m: Match[Place], spans: list[tuple[int, int]]) -> bool:
    return any(s <= m.start and m.end <= e and (e - s) > (m.end - m.start) for s, e in spans)


def resolve_place_context(matches: list[Match[Place]]) -> list[tuple[Match[Place], Place]]:
    """Pick one place per match, preferring places whose province/country the text names."""
    admin1s: set[tuple[str, str | None]] = set()
    countries: set[str] = set()
    for m in matches:
        if len({(p.country, p.admin1) for p in m.payloads}) == 1:
            p = m.payloads[0]
            countries.add(p.country)
            if p.admin1:
                admin1s.add((p.country, p.admin1))
    out = []
    for m in matches:
        if len(m.payloads) == 1:
            out.append((m, m.payloads[0]))
            continue
        best = max(
            m.payloads,
            key=lambda p: ((p.country, p.admin1) in admin1s, p.country in countries, -p.order),
        )
        out.append((m, best))
    return out


def _mention(m: Match[Place], p: Place) -> PlaceMention:
    return PlaceMention(
        start=m.start,
        end=m.end,
        place_id=p.id,
        name=p.name,
        kind=p.kind,
        country=p.country,
        admin1=p.admin1,
        admin2=p.admin2,
        lat=p.lat,
        lon=p.lon,
        precision=p.precision,
    )
