"""Incident extraction: from an annotated document to SCHEMA.md incident records.

The cascade, cheapest first, one module a step:
1. :mod:`.features`, :mod:`.clauses`: each sentence gets features: attack triggers, casualty
   figures, dates, places, actors, claim / suspicion / aggregate / plot cues; a sentence that
   lists several incidents is cut into clauses;
2. :mod:`.grouping`: sentences that carry a trigger or a casualty figure are grouped into
   incidents: a sentence joins the incident whose date and place it agrees with, and starts a
   new one when it names a date or place no open incident is compatible with (background
   incidents);
3. :mod:`.record`: each group becomes one record, its fields read by :mod:`.perpetrator`,
   :mod:`.attack` and :mod:`.casualties`; every field keeps the span of the words it came from.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract.incidents.attack import OTHER, likened_attack
from khorasan.extract.incidents.clauses import sentence_features
from khorasan.extract.incidents.features import SentenceFeatures
from khorasan.extract.incidents.grouping import Group, group_sentences
from khorasan.extract.incidents.perpetrator import (
    antecedent_perpetrator,
    borrowed_sentences,
    branch_named_as_attacker,
    listing_perpetrator,
    stronger_perpetrator,
)
from khorasan.extract.incidents.record import build_record, called_recent, dominant_country
from khorasan.model import PlaceMention

__all__ = ["SentenceFeatures", "extract_incidents", "sentence_features"]

ISK = "IS-K"
CORE_IS = "Islamic State"


def extract_incidents(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Incident records (SCHEMA.md fields plus evidence, span, spans, confidence)."""
    text = ann.doc.text
    features = sentence_features(ann)
    groups = group_sentences(features, ann.doc.published)
    # the branch named as the attacker of an earlier incident told for context ("a week
    # earlier, a local group affiliated with IS bombed a mosque") says nothing of this one
    asides = {id(f) for g in groups if g.shift for f in g.sentences}
    branch_attacks = branch_named_as_attacker(text, [f for f in features if id(f) not in asides])
    borrowed = borrowed_sentences(text, features, groups)
    records: list[dict[str, Any]] = []
    doc_country = dominant_country(ann.places)
    for g_index, group in enumerate(groups):
        # the main incident, and one told as earlier or elsewhere, are in the report's country
        fallback = doc_country if g_index == 0 else _country_only(doc_country, group)
        record = build_record(text, group, fallback)
        if record is None:
            continue
        _date_from_publication(record, group, ann.doc.published, main=g_index == 0)
        if group.shift == "separate" and record["date"] is None and records:
            # "Elsewhere, a suicide bomber hit a funeral": the time of the incident before
            record["date"] = records[0]["date"]
            record["date_precision"] = records[0]["date_precision"]
        likened = likened_attack(text, group.sentences) if records else None
        if likened and record["attack_type"] == OTHER and records[-1]["attack_type"] != OTHER:
            # "A similar attack took place outside a bank in Kandahar in March": the means of
            # the incident it is likened to (the one told just before)
            record["attack_type"] = records[-1]["attack_type"]
            record["spans"]["attack_type"] = likened
        if g_index in borrowed:
            own = group.sentences + borrowed[g_index]
            record.update(stronger_perpetrator(record, text, own))
        if record["perpetrator"] == "unknown":
            record.update(antecedent_perpetrator(ann, group, record["spans"]))
        if record["perpetrator"] == "unknown":
            record.update(listing_perpetrator(ann, group, record["spans"]))
        # IS names IS-K when this incident's sentences name the branch, or the text names the
        # branch as an attacker and this is the report's own incident, not one told as earlier
        # or elsewhere (a report that calls it "the local IS affiliate" in passing, or tells
        # of arrests of IS-K members, does not say whose this attack was)
        in_group = branch_named_as_attacker(text, group.sentences)
        # nor one of another time than the report's own ("IS has claimed attacks in Iran,
        # including a 2022 shooting at a shrine" in a report of 2024)
        own_time = not records or _same_time(record["date"], records[0]["date"])
        branch = in_group or (branch_attacks and not group.shift and own_time)
        if branch and record["perpetrator"] == CORE_IS:
            record["perpetrator"] = ISK
        records.append(record)
    return records


def _same_time(a: str | None, b: str | None) -> bool:
    """Whether two record dates may be one time (one within the other, or either unknown)."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _country_only(place: PlaceMention | None, group: Group) -> PlaceMention | None:
    """The report's country, no finer, for an incident told as earlier or elsewhere ("A week
    earlier, a bomber hit a mosque in the northern province") or dated from the report's
    own time ("24 students were killed last month"): where the report's first place is a
    city, that incident was not necessarily there. An incident with a date of its own and no
    place ("in March 2019") may be anywhere."""
    if place is None or place.country is None:
        return None
    if group.shift is None and (group.date is None or group.date.relative is False):
        return None
    return replace(place, name=place.country, kind="country", admin1=None, admin2=None,
                   lat=None, lon=None, precision="country")  # fmt: skip


def _date_from_publication(
    record: dict[str, Any], group: Group, published: str | None, *, main: bool
) -> None:
    """Date an undated incident by the report's publication date, at the honest precision."""
    if record["date"] is not None or not published:
        return
    if main:
        # a news report is about something recent: its month is the honest precision (SCHEMA:
        # without "today", "on Tuesday" or a written date the text does not give the day, and
        # "33 people have been killed" may be yesterday's news)
        record["date"] = published[:7]
        record["date_precision"] = "month"
    elif called_recent(group):
        # "the recent suicide bombing at Kabul airport": this year, at the honest precision
        # (a report in January may mean December: then no year is given)
        if published[5:7] not in ("", "01", "02"):
            record["date"] = published[:4]
            record["date_precision"] = "year"
