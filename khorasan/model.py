"""The record model shared by every stage: documents, spans and annotations.

A :class:`Document`'s ``text`` is fixed once ingested; every later record points into it
by character offsets (``text[start:end]``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ActorMention",
    "DateMention",
    "Document",
    "NumberMention",
    "PlaceMention",
    "Sentence",
]


@dataclass(slots=True)
class Document:
    """One cleaned document with its metadata and fingerprints."""

    text: str
    name: str  # file name or URL tail; the "doc" of the extract contract
    source: str  # path or URL it was read from
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD (or YYYY-MM / YYYY)
    outlet: str | None = None
    url: str | None = None
    id: str = ""  # content id, set by fingerprinting
    content_hash: str = ""  # hash of the normalised text (exact duplicates)
    simhash: int = 0  # 64-bit SimHash (near duplicates, wire copies)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number in the text. ``value`` is the point value; ranges keep ``low``/``high``."""

    start: int
    end: int
    value: int
    qualifier: str = "exact"  # exact, at_least, about, over, up_to
    low: int | None = None
    high: int | None = None
    vague: bool = False  # "dozens", "scores": an order of magnitude, not a count


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date. ``value`` is ISO at ``precision`` (day: YYYY-MM-DD, month: YYYY-MM, year: YYYY)."""

    start: int
    end: int
    value: str
    precision: str  # day, month, year
    relative: bool = False  # resolved against the publication date
    end_value: str | None = None  # for ranges ("between 2015 and 2023")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    place_id: str
    name: str  # canonical name
    kind: str  # country, admin1, admin2 (district), city, neighbourhood, site
    country: str | None
    admin1: str | None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "exact"  # exact, admin2, admin1, country: what the coordinate stands for


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    actor_id: str
    canonical: str  # the name SCHEMA.md uses ("IS-K", "Taliban", "US")
    type: str  # jihadist_group, state, force, party, other
