"""One incident record from one group of sentences: SCHEMA.md fields, evidence, spans and
confidence. Every field keeps the span of the words it came from (``spans``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from khorasan.extract.cues import cue
from khorasan.extract.incidents.attack import OTHER, attack_fields, state_means
from khorasan.extract.incidents.casualties import casualty_fields
from khorasan.extract.incidents.confidence import calibrated_confidence
from khorasan.extract.incidents.features import GENERIC, SentenceFeatures
from khorasan.extract.incidents.grouping import Group
from khorasan.extract.incidents.perpetrator import perpetrator_fields
from khorasan.model import PlaceMention

__all__ = ["build_record", "called_recent", "dominant_country"]


def build_record(
    text: str, group: Group, fallback_country: PlaceMention | None
) -> dict[str, Any] | None:
    """The record of ``group``, or None when it reports no incident (a headline alone, an
    aggregate, nothing that places it in time or space)."""
    sentences = group.sentences
    if not any(f.triggers for f in sentences) and not any(f.figures for f in sentences):
        return None
    if all(f.headline for f in sentences) and not _captions_an_incident(group):
        return None  # a headline or caption alone is no report of an incident
    place = group.place
    if group.date is None and place is None and fallback_country is None:
        return None  # not placed in time or space: SCHEMA says it is no incident
    if all(f.aggregate or f.plot for f in sentences):
        return None
    spans: dict[str, list[int]] = {}
    # evidence: the first full sentence that reports the incident with a figure, else with a
    # trigger (a caption or comment line that only mentions the attack is weaker evidence)
    reporting = [f for f in sentences if not f.headline and (f.triggers or f.figures)]
    anchor = next(
        (f for f in reporting if f.figures),
        reporting[0] if reporting else max(sentences, key=_evidence_score),
    )
    record: dict[str, Any] = {
        "date": group.date.value if group.date else None,
        "date_precision": group.date.precision if group.date else None,
    }
    if group.date and group.date.start in group.said and group.date.precision == "day":
        # "IS on Monday said it fired rockets": the day of the statement, not of the attack,
        # which the text leaves to its month
        record["date"], record["date_precision"] = group.date.value[:7], "month"
    if group.date:
        spans["date"] = [group.date.start, group.date.end]
    record.update(_place_fields(place, fallback_country, spans))
    record.update(perpetrator_fields(text, sentences, spans))
    record.update(attack_fields(text, sentences, spans))
    if record["attack_type"] == OTHER:
        means = state_means(text, sentences, spans.get("perpetrator"), record["target_type"])
        if means is not None:
            record["attack_type"] = means
            if record["suicide"] is None:
                record["suicide"] = False  # SCHEMA: an air strike or a raid is no suicide attack
    record.update(casualty_fields(sentences, spans))
    s = anchor.evidence
    record["evidence"] = text[s.start : s.end]
    record["span"] = [s.start, s.end]
    record["sentences"] = sorted({(f.evidence.start, f.evidence.end) for f in sentences})
    record["spans"] = spans
    record["confidence"] = _confidence(record, sentences)
    return record


def dominant_country(places: Sequence[PlaceMention]) -> PlaceMention | None:
    """The first mention of the country a document names most."""
    counts = Counter(p.country for p in places if p.country)
    if not counts:
        return None
    country = counts.most_common(1)[0][0]
    return next(p for p in places if p.country == country)


def called_recent(group: Group) -> bool:
    """Whether the text calls the incident recent ("the recent bombing", "recently")."""
    return any(
        cue("recent", f.text[max(0, a - f.sentence.start - 30) : a - f.sentence.start])
        for f in group.sentences
        for _, a, _ in f.triggers
    )


def _captions_an_incident(group: Group) -> bool:
    """A caption that names an attack of a kind, a month or day and a place stands for an
    incident the body may only allude to ("... before his death in a US airstrike in Jowzjan
    in April 2018"); an undated or unplaced one is furniture."""
    return (
        group.date is not None
        and group.date.precision in ("day", "month")
        and not group.date.relative
        and group.place is not None
        and any(k != GENERIC for f in group.sentences for k, _, _ in f.triggers)
    )


def _evidence_score(f: SentenceFeatures) -> tuple[int, int]:
    """Rank sentences for the evidence: a full sentence that says what, where, when, how many."""
    info = (
        2 * bool(f.triggers)
        + 2 * bool(f.figures)
        + bool(f.dates)
        + bool(f.places)
        + bool(f.actors)
        + 2 * (not f.headline)
    )
    return info, -f.index


def _place_fields(
    place: PlaceMention | None, fallback: PlaceMention | None, spans: dict[str, list[int]]
) -> dict[str, Any]:
    chosen = place or fallback
    if chosen is None:
        return {
            "country": None,
            "admin1": None,
            "admin2": None,
            "place": None,
            "coordinates": None,
            "place_precision": None,
        }
    spans["place"] = [chosen.start, chosen.end]
    kind = chosen.kind
    coords = {"lat": chosen.lat, "lon": chosen.lon} if chosen.lat is not None else None
    return {
        "country": chosen.country,
        "admin1": chosen.admin1,
        "admin2": chosen.admin2,
        "place": chosen.name if kind not in ("country", "demonym") else None,
        "coordinates": coords,
        "place_precision": chosen.precision if place is not None else "country",
    }


def _confidence(record: dict[str, Any], sentences: list[SentenceFeatures]) -> float:
    """The probability that the record is right on every key field (date, place, perpetrator,
    attack type, killed, wounded): a logistic model over the record's features, fitted on the
    development set (``python -m khorasan.evaluate.calibrate``; see :mod:`.confidence`)."""
    return calibrated_confidence(record, sentences)
