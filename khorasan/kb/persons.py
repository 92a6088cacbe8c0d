"""Persons (leaders, commanders, spokesmen) and their spellings: ``persons.csv``.

One row per person: ``id``, canonical ``name``, ``group`` (an actor id of ``actors.csv``),
``roles`` and ``aliases`` (``|``-separated), so that one person spelled three ways is one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khorasan.kb._rows import DATA_DIR, check_unique, read_rows
from khorasan.kb.actors import load_actors

__all__ = ["PERSON_COLUMNS", "Person", "load_persons", "person_by_id"]

PERSON_COLUMNS = ("id", "name", "group", "roles", "aliases")


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str  # canonical spelling
    group: str  # actor id
    roles: tuple[str, ...]
    aliases: tuple[str, ...]  # other spellings (the canonical name is not repeated)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@cache
def load_persons(path: Path | None = None, actors_path: Path | None = None) -> list[Person]:
    """Read and validate ``persons.csv``: unique ids, known groups, no spelling used twice."""
    groups = {a.id for a in load_actors(actors_path)}
    persons: list[Person] = []
    ids: set[str] = set()
    spellings: set[str] = set()
    for row in read_rows(path or DATA_DIR / "persons.csv", PERSON_COLUMNS):
        person_id = row.text("id")
        check_unique(row, "id", person_id, ids)
        name = row.text("name")
        own: dict[str, str] = {}
        for spelling in (name, *row.items("aliases")):
            own.setdefault(spelling.casefold(), spelling)  # "al-X" and "Al-X": one spelling
        for key in own:
            check_unique(row, "aliases", key, spellings)  # one spelling, one person
        aliases = tuple(own.values())[1:]
        persons.append(
            Person(
                id=person_id,
                name=name,
                group=row.choice("group", groups),
                roles=row.items("roles"),
                aliases=aliases,
            )
        )
    return persons


@cache
def _person_index() -> dict[str, Person]:
    return {p.id: p for p in load_persons()}


def person_by_id(person_id: str) -> Person:
    """The person with ``person_id``; KeyError if there is none."""
    return _person_index()[person_id]
