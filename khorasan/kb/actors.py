"""Actors (groups, states, forces) and their press aliases: actors.csv, actor_aliases.csv."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khorasan.kb._rows import DATA_DIR, check_unique, read_rows
from khorasan.kb.places import load_contexts

__all__ = [
    "ACTOR_TYPES",
    "ALIAS_CASES",
    "Actor",
    "ActorAlias",
    "actor_by_id",
    "actor_family",
    "actor_lineage",
    "actors_named",
    "load_actor_aliases",
    "load_actors",
]

ACTOR_TYPES = frozenset({"jihadist_group", "state", "force", "party", "militia", "other"})
# exact: the surface must equal the alias (short acronyms such as "IS", "US");
# title: case-insensitive, but a capitalised alias needs a capital first letter;
# any: case-insensitive.
ALIAS_CASES = frozenset({"exact", "title", "any"})

ACTOR_COLUMNS = ("id", "canonical", "type", "parent", "region", "description")
ALIAS_COLUMNS = ("actor_id", "alias", "case", "context")


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    canonical: str  # the name SCHEMA.md uses
    type: str
    parent: str | None
    region: str | None  # a context (contexts.csv) a mention of this actor signals
    description: str


@dataclass(frozen=True, slots=True)
class ActorAlias:
    actor_id: str
    alias: str
    case: str
    context: str | None  # the alias means this actor only in that context


@cache
def load_actors(path: Path | None = None) -> list[Actor]:
    """Read and validate ``actors.csv`` (or ``path``)."""
    contexts = set(load_contexts())
    actors: list[Actor] = []
    seen: set[str] = set()
    rows = list(read_rows(path or DATA_DIR / "actors.csv", ACTOR_COLUMNS))
    for row in rows:
        check_unique(row, "id", row.text("id"), seen)
    for row in rows:
        parent = row.text("parent", required=False)
        if parent and parent not in seen:
            raise row.error("parent", f"{parent!r} is not an actor id")
        actors.append(
            Actor(
                id=row.text("id"),
                canonical=row.text("canonical"),
                type=row.choice("type", ACTOR_TYPES),
                parent=parent or None,
                region=row.choice("region", contexts, required=False) or None,
                description=row.text("description", required=False),
            )
        )
    return actors


@cache
def load_actor_aliases(
    path: Path | None = None, actors_path: Path | None = None
) -> list[ActorAlias]:
    """Read and validate ``actor_aliases.csv``; every alias must name a known actor."""
    ids = {a.id for a in load_actors(actors_path)}
    contexts = set(load_contexts())
    aliases: list[ActorAlias] = []
    seen: set[str] = set()
    for row in read_rows(path or DATA_DIR / "actor_aliases.csv", ALIAS_COLUMNS):
        actor_id = row.choice("actor_id", ids)
        alias = row.text("alias")
        context = row.choice("context", contexts, required=False) or None
        check_unique(row, "alias", f"{alias}\x00{context}", seen)
        aliases.append(ActorAlias(actor_id, alias, row.choice("case", ALIAS_CASES), context))
    return aliases


@cache
def _actor_index() -> dict[str, Actor]:
    return {a.id: a for a in load_actors()}


def actor_by_id(actor_id: str) -> Actor:
    """The actor with ``actor_id``; KeyError if there is none."""
    return _actor_index()[actor_id]


@cache
def _by_name() -> dict[str, tuple[str, ...]]:
    """Lower-cased canonical name or alias -> ids of the actors it names (first listed first)."""
    out: dict[str, list[str]] = {}
    for a in load_actors():
        out.setdefault(a.canonical.lower(), []).append(a.id)
    for al in load_actor_aliases():
        ids = out.setdefault(al.alias.lower(), [])
        if al.actor_id not in ids:
            ids.append(al.actor_id)
    return {k: tuple(v) for k, v in out.items()}


def actors_named(name: str) -> list[Actor]:
    """The actors a canonical name or a press alias names, ignoring case ("ISKP" -> IS-K;
    "Taliban" -> the movement and its forces); [] for a name the tables do not know."""
    return [actor_by_id(i) for i in _by_name().get(name.strip().lower(), ())]


def actor_lineage(name: str) -> list[str]:
    """Canonical names of the actor ``name`` names and of its parents, most specific first
    ("IS-K" -> ["IS-K", "Islamic State"]); [name] when the tables do not know it."""
    found = actors_named(name)
    if not found:
        return [name]
    out: list[str] = []
    actor: Actor | None = found[0]
    while actor is not None:
        if actor.canonical not in out:
            out.append(actor.canonical)
        actor = actor_by_id(actor.parent) if actor.parent else None
    return out


def actor_family(name: str) -> list[str]:
    """Canonical names of the actors ``name`` names (canonical or alias) and of all their
    branches ("Islamic State" -> ["Islamic State", "IS-K"]; "ISKP" -> ["IS-K"]); [name] when
    the tables do not know it."""
    found = actors_named(name)
    if not found:
        return [name]
    children: dict[str, list[Actor]] = {}
    for a in load_actors():
        if a.parent:
            children.setdefault(a.parent, []).append(a)
    out: list[str] = []
    todo = list(found)
    seen: set[str] = set()
    while todo:
        actor = todo.pop(0)
        if actor.id in seen:
            continue
        seen.add(actor.id)
        if actor.canonical not in out:
            out.append(actor.canonical)
        todo += children.get(actor.id, [])
    return out
