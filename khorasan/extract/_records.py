"""Shared plumbing of the record extractors (statistics, strength, plots, leaders, relations).

Cue phrases live in ``data/records_cues.json`` (regex fragments, case-insensitive, matched on
word boundaries, read and checked by :mod:`khorasan.extract.cues`); :class:`View` gives one
sentence with the annotations inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from khorasan.annotate import AnnotatedDocument
from khorasan.annotate.persons import PersonMention, find_persons
from khorasan.extract.cues import RECORD_CUES, join_patterns
from khorasan.extract.prefilter import prefiltered
from khorasan.model import ActorMention, DateMention, NumberMention, PlaceMention

__all__ = [
    "View",
    "cue",
    "cue_alternation",
    "cue_pattern",
    "focal_group",
    "make_record",
    "sentence_views",
]

# The group a document is about when a sentence says only "the group" or "it".
DEFAULT_GROUP = "IS-K"
JIHADIST = "jihadist_group"

T = TypeVar("T")


def cue_table(name: str) -> Any:
    """A raw entry of the cue file (a list of phrases or a mapping of lists)."""
    return RECORD_CUES[name]


def cue_alternation(name: str, sub: str | None = None) -> str:
    """Cue list ``name`` (or ``name[sub]``) as one regex alternation, for the patterns that
    place it in a context of its own."""
    return join_patterns(cue_table(name) if sub is None else cue_table(name)[sub])


@cache
def cue_pattern(name: str, sub: str | None = None) -> re.Pattern[str]:
    """One case-insensitive alternation over cue list ``name`` (or ``name[sub]``)."""
    pattern = re.compile(rf"(?<![\w-])(?:{cue_alternation(name, sub)})(?![\w])", re.IGNORECASE)
    return prefiltered(pattern)


def cue(name: str, text: str, sub: str | None = None) -> re.Match[str] | None:
    return cue_pattern(name, sub).search(text)


def _inside(items: Sequence[T], starts: list[int], start: int, end: int) -> list[T]:
    i = bisect_left(starts, start)
    out = []
    while i < len(items) and starts[i] < end:
        item = items[i]
        if item.end <= end:  # type: ignore[attr-defined]
            out.append(item)
        i += 1
    return out


@dataclass(slots=True)
class View:
    """One sentence of a document with the annotations inside it."""

    index: int
    start: int
    end: int
    text: str  # the sentence text (offsets inside it add ``start``)
    numbers: list[NumberMention]
    dates: list[DateMention]
    actors: list[ActorMention]
    places: list[PlaceMention]
    persons: list[PersonMention]

    def local(self, start: int, end: int) -> str:
        """Document offsets to the text between them."""
        return self.text[start - self.start : end - self.start]


# The last document's views (the record extractors of one document ask in turn): the
# annotated document they were cut from, by identity, and the views with and without persons.
_VIEWS: dict[bool, tuple[AnnotatedDocument, list[View]]] = {}


def sentence_views(ann: AnnotatedDocument, persons: bool = False) -> list[View]:
    """A :class:`View` per sentence; ``persons`` also runs the person matcher. The views are
    read only: the extractors of one document share them."""
    hit = _VIEWS.get(persons)
    if hit is not None and hit[0] is ann:
        return list(hit[1])
    text = ann.doc.text
    found = find_persons(text) if persons else []
    lists: tuple[Sequence[Any], ...] = (ann.numbers, ann.dates, ann.actors, ann.places, found)
    starts = [[x.start for x in items] for items in lists]
    views = []
    for i, s in enumerate(ann.sentences):
        parts = [
            _inside(items, st, s.start, s.end) for items, st in zip(lists, starts, strict=True)
        ]
        views.append(View(i, s.start, s.end, text[s.start : s.end], *parts))
    _VIEWS[persons] = (ann, views)
    return list(views)


def focal_group(ann: AnnotatedDocument) -> str:
    """The jihadist group a document names most (IS-K when it names none)."""
    counts = Counter(a.canonical for a in ann.actors if a.type == JIHADIST)
    if not counts:
        return DEFAULT_GROUP
    if counts.get(DEFAULT_GROUP):  # a document about IS-K names IS and the Taliban as well
        return DEFAULT_GROUP
    return counts.most_common(1)[0][0]


def make_record(
    view: View, fields: dict[str, Any], spans: dict[str, list[int]], confidence: float
) -> dict[str, Any]:
    """A record with SCHEMA fields plus evidence, span, per-field spans and confidence."""
    record = dict(fields)
    record["evidence"] = view.text.strip()
    lead = len(view.text) - len(view.text.lstrip())
    record["span"] = [view.start + lead, view.start + len(view.text.rstrip())]
    record["spans"] = spans
    record["confidence"] = round(confidence, 2)
    return record
