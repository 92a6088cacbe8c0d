"""Annotate: spans over a document's unchanged text.

Each module has one plain function from text to a list of spans; :func:`annotate` runs them
all and bundles the result. Nothing here alters ``doc.text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from khorasan.annotate.actors import find_actors
from khorasan.annotate.dates import find_dates
from khorasan.annotate.numbers import find_numbers
from khorasan.annotate.places import find_places
from khorasan.annotate.sentences import split_sentences
from khorasan.kb.dates import date_from_url
from khorasan.model import (
    ActorMention,
    DateMention,
    Document,
    NumberMention,
    PlaceMention,
    Sentence,
)

__all__ = ["AnnotatedDocument", "annotate"]


@dataclass(slots=True)
class AnnotatedDocument:
    doc: Document
    sentences: list[Sentence]
    numbers: list[NumberMention]
    dates: list[DateMention]
    places: list[PlaceMention]
    actors: list[ActorMention]


def annotate(doc: Document) -> AnnotatedDocument:
    """Run every annotator over ``doc.text``."""
    text = doc.text
    return AnnotatedDocument(
        doc=doc,
        sentences=split_sentences(text),
        numbers=find_numbers(text),
        dates=find_dates(text, doc.published, date_from_url(doc.url)),
        places=find_places(text),
        actors=find_actors(text),
    )
