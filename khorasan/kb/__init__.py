"""Knowledge base: actors, gazetteer and lexicons, read from ``kb/data`` and validated on load.

Every loader is cached and takes an optional path (for tests and alternative tables); a bad
row raises :class:`~khorasan.errors.KnowledgeBaseError` naming ``file:line`` and the field.
"""

from __future__ import annotations

from khorasan.kb.actors import (
    Actor,
    ActorAlias,
    actor_by_id,
    load_actor_aliases,
    load_actors,
)
from khorasan.kb.lexicons import LEXICONS, load_lexicon
from khorasan.kb.persons import Person, load_persons, person_by_id
from khorasan.kb.places import (
    Place,
    load_contexts,
    load_non_place_names,
    load_places,
    place_by_id,
)

__all__ = [
    "LEXICONS",
    "Actor",
    "ActorAlias",
    "Person",
    "Place",
    "actor_by_id",
    "load_actor_aliases",
    "load_actors",
    "load_contexts",
    "load_lexicon",
    "load_non_place_names",
    "load_persons",
    "load_places",
    "person_by_id",
    "place_by_id",
]
