"""Person mentions: leaders and figures of the knowledge base, every spelling to one entry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from khorasan.kb import Person, actor_by_id, load_persons
from khorasan.kb.matcher import AliasMatcher

__all__ = ["PersonMention", "find_persons"]


@dataclass(frozen=True, slots=True)
class PersonMention:
    """A person named in the text, resolved to ``persons.csv``."""

    start: int
    end: int
    person_id: str
    name: str  # canonical spelling
    group: str  # canonical name of the person's group ("IS-K", "Taliban")
    roles: tuple[str, ...]


@cache
def _matcher() -> AliasMatcher[Person]:
    # "title": a capitalised spelling needs a capital in the text ("Baghdadi", not "baghdadi")
    return AliasMatcher((s, "title", p) for p in load_persons() for s in p.spellings)


# The text last read and its mentions: the incident and record extractors of one document
# each ask for them (by identity: the same text object, so the same answer).
_LAST: list[tuple[str, tuple[PersonMention, ...]]] = []


def find_persons(text: str) -> list[PersonMention]:
    """Person mentions in ``text``, sorted and non-overlapping (the longest spelling wins)."""
    hit = _LAST[0] if _LAST else None  # one read: another thread may replace it
    if hit is not None and hit[0] is text:
        return list(hit[1])
    out = []
    for m in _matcher().find(text):
        person = m.payloads[0]
        group = actor_by_id(person.group).canonical
        out.append(PersonMention(m.start, m.end, person.id, person.name, group, person.roles))
    _LAST[:] = [(text, tuple(out))]
    return out
