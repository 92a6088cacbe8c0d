"""Strength estimates: how many fighters or members a group has, at a date.

"an estimated 4,000 to 6,000 fighters and family members, as reported in August 2023", "its
strength rose from 2,000-2,500 fighters to 5,500 in 2019", "cut its numbers to 4,000 from 10,000
a year earlier": each figure is one estimate with its own date (the date right after it, else the
sentence's date before it), unit and the group the sentence names.
"""

from __future__ import annotations

import re
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract._records import (
    View,
    cue,
    cue_alternation,
    cue_pattern,
    focal_group,
    make_record,
    sentence_views,
)
from khorasan.extract.cues import RECORD_LEXICON
from khorasan.model import DateMention, NumberMention

__all__ = ["extract_strength"]

# A strength figure counts people in the hundreds at least: "three fighters" is not an estimate.
MIN_STRENGTH = 100
# A date this close after a figure is the figure's date ("5,500 in 2019", "4,000, as reported in
# August 2023"); further away it belongs to something else in the sentence.
DATE_AFTER_MAX_CHARS = 30
DEFAULT_UNIT = "fighters"
# [\s,]*+: the leading blanks taken whole (a long run of them backtracked quadratically)
_GAP_TO_DATE = re.compile(
    r"^[\s,]*+(?:[\w-]+\s+){0,3}?(?:in|by|as\s+of|at|reported\s+in|,)?\s*$", re.I
)
_CLAUSE = re.compile(r"\b(?:when|while|which|who|after|before|because)\b|[;:]", re.I)
_PARTITIVE = re.compile(r"^\s*(?:of|per\s?cent|percent|%|years?\b|km)", re.I)
_NEXT_NOUN = re.compile(r"^\s+([A-Za-z][\w’'-]*)")
_FUNCTION_WORDS = frozenset(RECORD_LEXICON["strength_function_words"])
_SOURCE = re.compile(r"according\s+to\s+(?:an?\s+|the\s+)?([\w\s’'-]{3,60}?)(?=,|\.|$)", re.I)


def extract_strength(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Strength records: group, date, low, high, unit (plus qualifier, source, provenance)."""
    if not ann.numbers:
        return []
    default_group = focal_group(ann)
    records: list[dict[str, Any]] = []
    for view in sentence_views(ann):
        if view.numbers and _promising(view):
            records.extend(_sentence_records(view, default_group))
    return _dedupe(records)


def _dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per estimate: a headline repeating a dated estimate without its date goes."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for rec in records:
        key = (rec["group"], rec["low"], rec["high"])
        prior = kept.get(key)
        if prior is None or (prior["date"] and rec["date"] and prior["date"] != rec["date"]):
            kept[key] = rec
            out.append(rec)
        elif prior["date"] is None and rec["date"]:
            out[out.index(prior)] = rec
            kept[key] = rec
    return out


def _promising(view: View) -> bool:
    return bool(cue("strength_unit", view.text) or cue("strength_context", view.text))


def _sentence_records(view: View, default_group: str) -> list[dict[str, Any]]:
    context = cue("strength_context", view.text) is not None
    out = []
    unit_seen: str | None = None
    candidates = [
        n for n in view.numbers if not n.vague and max(n.value, n.high or 0) >= MIN_STRENGTH
    ]
    for i, n in enumerate(candidates):
        after = view.text[n.end - view.start :]
        before = view.text[: n.start - view.start]
        if _is_year(n, view) or _PARTITIVE.match(after):
            continue
        if _near_casualty(before, after):
            continue
        unit_match = cue_pattern("strength_unit").match(after.lstrip(" "))
        if unit_match is None:
            noun = _NEXT_NOUN.match(after)
            if noun and noun.group(1).lower() not in _FUNCTION_WORDS:
                continue  # "49 Indians", "1,000 prisoners": a count of something else
            if not context:
                continue
        unit_text = unit_match.group(0) if unit_match else _unit_before(before)
        unit = " ".join(unit_text.split()) if unit_text else (unit_seen or DEFAULT_UNIT)
        unit_seen = unit
        nxt = candidates[i + 1].start if i + 1 < len(candidates) else view.end
        date = _date_of(view, n, nxt)
        out.append(_record(view, n, unit, date, default_group))
    return out


def _unit_before(before: str) -> str | None:
    """The unit of "the number of fighters and family members ... estimated at 4,000"."""
    m = re.search(r"\bnumbers?\s+of\s+", before, re.I)
    if m:
        unit = cue_pattern("strength_unit").match(before, m.end())
        return unit.group(0) if unit else None
    return None


def _is_year(n: NumberMention, view: View) -> bool:
    return any(d.start <= n.start and n.end <= d.end for d in view.dates)


def _near_casualty(before: str, after: str) -> bool:
    """A casualty or arrest figure ("killing 300 fighters", "500 militants were arrested")."""
    tail = before[-25:]
    hits = list(cue_pattern("not_strength").finditer(tail))
    if hits and len(tail) - hits[-1].end() <= 15:
        return True
    return bool(_PASSIVE_CASUALTY.match(after[:60]))


_PASSIVE_CASUALTY = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:were|have\s+been|had\s+been)\s+"
    rf"(?:{cue_alternation('strength_casualty_verbs')})",
    re.I,
)


def _date_of(view: View, n: NumberMention, next_start: int) -> DateMention | None:
    for d in view.dates:
        if n.end <= d.start < next_start and d.start - n.end <= DATE_AFTER_MAX_CHARS:
            gap = view.local(n.end, d.start)
            unit = cue_pattern("strength_unit").match(gap.lstrip())
            if unit:
                gap = gap.lstrip()[unit.end() :]
            if _GAP_TO_DATE.match(gap) and not _CLAUSE.search(gap):
                return d
    # a date earlier in the sentence with no other figure between: "By April 2020 ... to 4,000"
    earlier = [d for d in view.dates if d.end <= n.start]
    if earlier:
        d = earlier[-1]
        between = [m for m in view.numbers if d.end <= m.start and m.end <= n.start]
        if not between and not _is_year(n, view):
            return d
    return None


def _record(
    view: View, n: NumberMention, unit: str, date: DateMention | None, default_group: str
) -> dict[str, Any]:
    low = n.low if n.low is not None else n.value
    high = n.high if n.high is not None else n.value
    spans: dict[str, list[int]] = {"low": [n.start, n.end], "high": [n.start, n.end]}
    group = default_group
    actors = [a for a in view.actors if a.type == "jihadist_group"]
    if actors:
        prior = [a for a in actors if a.end <= n.start]
        chosen = prior[-1] if prior else actors[0]
        group = chosen.canonical
        spans["group"] = [chosen.start, chosen.end]
    fields: dict[str, Any] = {
        "group": group,
        "date": date.value if date else None,
        "low": low,
        "high": high,
        "unit": unit,
        "qualifier": "exact" if n.low is not None else n.qualifier,
    }
    if date:
        spans["date"] = [date.start, date.end]
    source = _SOURCE.search(view.text)
    if source:
        fields["source"] = source.group(1).strip()
        spans["source"] = [view.start + source.start(1), view.start + source.end(1)]
    confidence = 0.5 + 0.2 * (date is not None) + 0.2 * ("group" in spans)
    return make_record(view, fields, spans, confidence)
