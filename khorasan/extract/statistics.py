"""Quoted statistics: aggregate figures with their window, source and parts.

"According to data collated by <source>, a total of 429 persons, including 136 cadres and 220
civilians, have been killed in 73 incidents since August 15, 2021 (data till May 3, 2024)" is one
record: killed 429 (parts by category), incidents 73, from 2021-08-15, to 2024-05-03, source.
A figure is read from the words around it (``stat_before`` / ``stat_after`` in the cue file):
"arrested 49 Indians", "over 270 operations", "24 of them were killed", "90 per cent of". Counts
of killed need an aggregate cue ("a total of", "of them", "since"): a single attack's toll is an
incident, not a statistic.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract._records import (
    View,
    cue,
    cue_alternation,
    cue_pattern,
    cue_table,
    focal_group,
    make_record,
    sentence_views,
)
from khorasan.extract.cues import RECORD_LEXICON
from khorasan.model import DateMention, NumberMention

__all__ = ["extract_statistics"]

# Words allowed between a cue verb and its figure ("arrested at least 49", "claimed over 270").
# \s*+: the leading blanks are taken whole (a long run of them would backtrack quadratically)
_QUALIFIER_GAP = re.compile(rf"^\s*+(?:{cue_alternation('stat_qualifiers')}|)\s*$", re.I)
# "plots" and "interdictions" are the plots extractor's
_PLOTS = re.compile(rf"\b(?:{cue_alternation('stat_plot_words')})\b", re.I)
_PART_STOP_WORDS = frozenset(RECORD_LEXICON["stat_part_stop_words"])
_CLAUSE_SPLIT = re.compile(r",\s*(?:while|but|whereas)\b|;\s|\.\s", re.I)
_PERCENT = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(?:per\s?cent|percent|%)"
    r"(?:\s+(higher|lower|more|less|fewer))?",
    re.I,
)
# "429 persons, including 136 cadres and 58 Taliban, have been killed", "112 Indians – 26 men,
# 13 women and 21 children –": the parts of a figure
_PARENTHETICAL = re.compile(
    r"(?:,\s*including|\s[–—-]\s|\s\()([^;()–—]*?)"
    r"(?:,\s+(?=(?:have|has|had|were|was)\b)|\s[–—-]\s|\)|$)",
    re.I,
)
_PART = re.compile(r"^\s*([\w’'-]+(?:\s+[\w’'-]+)?)")
_FROM_BEFORE = re.compile(
    r"(?:\b(?:since|after|following|starting)\b[^,;()]{0,45}|\bfrom\s+(?:early\s+|late\s+)?)$", re.I
)
_TO_BEFORE = re.compile(r"\b(?:till|until|up\s+to|through|to|as\s+of)\s+$", re.I)
_SOURCE_BY = re.compile(
    r"(?i:according\s+to\s+(?:data|figures|statistics|a\s+report|research)\s+(?:\w+\s+)?by)\s+"
    r"(?:the\s+)?([A-Z][\w’'&-]*(?:\s+(?:of|for|and|on)?\s*[A-Z][\w’'&-]*){0,7})|(?i:according\s+to)\s+"
    r"(?:the\s+)?([A-Z][\w’'&-]*(?:\s+(?:of|for|and|on)?\s*[A-Z][\w’'&-]*){0,7})"
)
_SOURCE_AGENT = re.compile(
    r"((?:[A-Z][\w’'-]*\s+(?:(?:of|for)\s+)?){1,7}?(?:[A-Z][\w’'-]*|authorities|police|officials|"
    r"forces))\s+(?:have\s+|has\s+|had\s+)?(?:arrested|detained|apprehended)"
)


@dataclass(slots=True)
class _Figure:
    key: str
    number: NumberMention
    parts: dict[str, int] = field(default_factory=dict)
    low_high: tuple[float, float] | None = None  # a percent range


def extract_statistics(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Statistics records: subject, from, to, source, one field per figure, qualifiers, parts."""
    group = focal_group(ann)
    records = []
    views = sentence_views(ann)
    for view in views:
        if not (view.numbers or "%" in view.text or "cent" in view.text):
            continue
        if _PLOTS.search(view.text):
            continue  # the plots extractor's
        pool = _candidates(view)
        starts = [n.start for n in pool]
        for start, end in _clauses(view):
            figures = _figures(view, start, end, pool, starts)
            if figures:
                previous = views[view.index - 1] if view.index else None
                records.append(_record(view, start, end, figures, group, previous))
    return records


def _clauses(view: View) -> list[tuple[int, int]]:
    bounds = [0]
    bounds += [m.start() + 1 for m in _CLAUSE_SPLIT.finditer(view.text)]
    bounds.append(len(view.text))
    return [(view.start + a, view.start + b) for a, b in zip(bounds, bounds[1:], strict=False)]


def _candidates(view: View) -> list[NumberMention]:
    """The sentence's numbers that can be figures: not vague, not inside a date. Worked out
    once per sentence (with the dates' furthest end so far) so that no clause's work grows
    with the sentence (issue 14: a line of thousands of numbers stays linear)."""
    years = sorted((d.start, d.end) for d in view.dates)
    year_starts = [a for a, _ in years]
    reach = list(accumulate((b for _, b in years), max))
    out = []
    for n in view.numbers:
        if n.vague:
            continue
        covering = bisect_right(year_starts, n.start)  # the dates that start at or before it
        if covering and reach[covering - 1] >= n.end:
            continue  # inside a date: a year, a day of the month
        out.append(n)
    return out


def _in_clause(
    pool: list[NumberMention], starts: list[int], start: int, end: int
) -> list[NumberMention]:
    i = bisect_left(starts, start)
    out = []
    while i < len(pool) and pool[i].start < end:
        if pool[i].end <= end:
            out.append(pool[i])
        i += 1
    return out


def _figures(
    view: View, start: int, end: int, pool: list[NumberMention], starts: list[int]
) -> list[_Figure]:
    numbers = _in_clause(pool, starts, start, end)
    clause = view.local(start, end)
    aggregate = cue("stat_aggregate", clause) is not None
    keys: list[str | None] = [_key(view, n, start, end, aggregate) for n in numbers]
    part_of: set[int] = set()
    figures: list[_Figure] = []
    # coordination: "10 women and 21 children surrendered" -> one figure of 31 with two parts
    for i in range(len(numbers) - 2, -1, -1):
        gap = view.local(numbers[i].end, numbers[i + 1].start)
        if keys[i] is None and keys[i + 1] and re.fullmatch(r"\s+[\w’'-]+\s+and\s+", gap):
            keys[i] = keys[i + 1]
            part_of.add(i)
    for i, n in enumerate(numbers):
        key = keys[i]
        if key is None or i in part_of:
            continue
        fig = _Figure(key, n)
        j = i - 1
        if j in part_of:
            fig = _coordinated(view, numbers, part_of, i, key)
        figures.append(fig)
    _attach_parts(view, figures, numbers)
    figures.extend(_percents(view, start, end))
    return [f for f in figures if f.key]


def _coordinated(
    view: View, numbers: list[NumberMention], part_of: set[int], i: int, key: str
) -> _Figure:
    first = i
    while first - 1 in part_of:
        first -= 1
    members = numbers[first : i + 1]
    parts = {_who(view, n): n.value for n in members}
    total = sum(n.value for n in members)
    span = NumberMention(members[0].start, members[-1].end, total)
    return _Figure(key, span, parts)


def _who(view: View, n: NumberMention) -> str:
    m = _PART.match(view.text[n.end - view.start :])
    words = m.group(1).split() if m else []
    kept = []
    for w in words:
        if w.lower() in _PART_STOP_WORDS:
            break
        kept.append(w)
    return " ".join(kept) or "unspecified"


def _attach_parts(view: View, figures: list[_Figure], numbers: list[NumberMention]) -> None:
    """Numbers in "429 persons, including 136 cadres, 58 Taliban ..." are parts of 429."""
    for fig in figures:
        if fig.parts:
            continue
        after = view.text[fig.number.end - view.start :]
        m = _PARENTHETICAL.search(after[:40] + after[40:200]) if after else None
        if m is None or m.start() > 30:
            continue
        lo, hi = fig.number.end + m.start(1), fig.number.end + m.end(1)
        inside = [n for n in numbers if lo <= n.start and n.end <= hi]
        if len(inside) >= 2:
            fig.parts = {_who(view, n): n.value for n in inside}


def _key(view: View, n: NumberMention, start: int, end: int, aggregate: bool) -> str | None:
    before = view.text[max(0, n.start - view.start - 45) : n.start - view.start]
    after = view.text[n.end - view.start : end - view.start]
    if cue_pattern("strength_unit").match(after.lstrip()) or _noun_excluded(after):
        return None
    for key in cue_table("stat_before"):
        for m in cue_pattern("stat_before", key).finditer(before):
            if _QUALIFIER_GAP.match(before[m.end() :]):
                return key if key != "count" or _counted_noun(after) else None
    for key in cue_table("stat_after"):
        if cue_pattern("stat_after", key).match(after.lstrip(" ,")):
            if key == "killed" and not aggregate:
                return None
            if key == "incidents" and not aggregate and _dated_to_the_day(view):
                return None  # "killed on Thursday in two suicide bombings": one event's parts
            return key
    if (
        aggregate
        and re.search(r"a\s+total\s+of\s+$", before, re.I)
        and cue("stat_after", after, "killed")
    ):
        return "killed"  # "a total of 429 persons, including ..., have been killed"
    return None


def _dated_to_the_day(view: View) -> bool:
    return any(d.precision == "day" and d.end_value is None for d in view.dates)


def _counted_noun(after: str) -> bool:
    m = re.match(r"^\s+([A-Za-z][\w’'-]*)", after)
    return bool(m and m.group(1)[0].isalpha() and not cue_pattern("not_stat_nouns").fullmatch(
        m.group(1)))  # fmt: skip


def _noun_excluded(after: str) -> bool:
    m = re.match(r"^[\s-]*([A-Za-z][\w’'-]*)", after)
    return bool(m and cue_pattern("not_stat_nouns").fullmatch(m.group(1)))


def _percents(view: View, start: int, end: int) -> list[_Figure]:
    out = []
    for m in _PERCENT.finditer(view.local(start, end)):
        a = start + m.start()
        low = float(m.group(1))
        high = float(m.group(2)) if m.group(2) else low
        # a percentage may be fractional ("12.5 per cent"): kept as written, not a count
        number = NumberMention(a, start + m.end(), _int(low))  # type: ignore[arg-type]
        comparative = (m.group(3) or "").lower()
        if comparative or m.group(2):
            key = f"percent_{comparative}" if comparative else "percent"
            out.append(_Figure(key, number, low_high=(low, high)))
        else:
            out.append(_Figure("percent", number))
    return out


def _int(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _window(view: View, figures: list[_Figure]) -> tuple[DateMention | None, DateMention | None]:
    dates = list(view.dates)
    if not dates:
        return None, None
    start: DateMention | None = None
    end: DateMention | None = None
    for d in dates:
        before = view.text[: d.start - view.start]
        if _TO_BEFORE.search(before):
            end = end or d
        elif _FROM_BEFORE.search(before):
            start = start or d
    if start or end:
        return start, end
    anchor = figures[0].number.start
    nearest = min(dates, key=lambda d: min(abs(d.start - anchor), abs(d.end - anchor)))
    return nearest, nearest


def _record(
    view: View, start: int, end: int, figures: list[_Figure], group: str, previous: View | None
) -> dict[str, Any]:
    dates = [d for d in view.dates if start <= d.start < end]
    window_view = View(view.index, view.start, view.end, view.text, view.numbers, dates,
                       view.actors, view.places, view.persons)  # fmt: skip
    date_from, date_to = _window(window_view, figures)
    if not view.dates and previous is not None and cue("stat_anaphora", view.text):
        # "Among the casualties were 13 Indians." / "..., the report added.": the sentence
        # before gives the window
        date_from, date_to = _window(previous, figures[:0] or [_Figure("", _last(previous))])
    spans: dict[str, list[int]] = {}
    fields: dict[str, Any] = {
        "subject": _subject(view, figures[0], group),
        "from": date_from.value if date_from else None,
        "to": (date_to.end_value or date_to.value) if date_to else None,
        "source": _source(view, spans),
    }
    if date_from:
        spans["from"] = [date_from.start, date_from.end]
    if date_to:
        spans["to"] = [date_to.start, date_to.end]
    qualifiers: dict[str, str] = {}
    for fig in figures:
        if fig.key in fields:
            continue
        if fig.low_high is not None:
            fields[f"{fig.key}_low"] = _int(fig.low_high[0])
            fields[f"{fig.key}_high"] = _int(fig.low_high[1])
        else:
            fields[fig.key] = fig.number.value
            if fig.number.qualifier != "exact":
                qualifiers[fig.key] = fig.number.qualifier
        if fig.parts:
            fields[f"{fig.key}_parts"] = fig.parts
        spans[fig.key] = [fig.number.start, fig.number.end]
    if qualifiers:
        fields["qualifiers"] = qualifiers
    confidence = 0.5 + 0.2 * bool(date_from or date_to) + 0.2 * bool(fields["source"])
    return make_record(view, fields, spans, confidence)


def _last(view: View) -> NumberMention:
    """A stand-in figure at the end of ``view`` (the anchor for its nearest date)."""
    return NumberMention(view.end, view.end, 0)


def _subject(view: View, fig: _Figure, group: str) -> str:
    after = view.text[fig.number.end - view.start :]
    words = re.split(r"[,;.:()–—]", after, maxsplit=1)[0].split()[:6]
    return f"{group}: {fig.key} ({' '.join(words)})" if words else f"{group}: {fig.key}"


def _source(view: View, spans: dict[str, list[int]]) -> str | None:
    for pattern in (_SOURCE_BY, _SOURCE_AGENT):
        m = pattern.search(view.text)
        if m:
            g = next(i for i in range(1, (m.lastindex or 1) + 1) if m.group(i))
            spans["source"] = [view.start + m.start(g), view.start + m.end(g)]
            name = m.group(g).strip()
            return re.sub(r"^(?:In|On|The)\s+(?:\d[\d-]*\s+)?", "", name) or None
    return None
