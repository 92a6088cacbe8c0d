"""Interdicted plots: "at least sixteen plots since 2015: three in India, four in Iran ...".

A plot passage is a run of sentences with a plot cue (plots, interdicted, foiled, thwarted). In
it, a figure followed by the plot noun is a total ("sixteen ISKP plots", "twelve of these
interdictions"), a figure followed by "in <country>" a per-country count and a figure followed
by "in <year>" a per-year count. The period runs from the passage's "since <year>" (or an anchor
event such as the Taliban takeover) to the latest year the passage names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from khorasan.model import NumberMention

__all__ = ["extract_plots"]

# Words allowed between a total and its plot noun ("sixteen ISKP plots", "twelve of these
# interdictions", "five foiled attack plots").
MAX_TOTAL_GAP_WORDS = 4
_IN = re.compile(r"^\s+(?:(?:thus|so)\s+far\s+)?in\s+(?:the\s+)?$", re.I)
_SINCE = re.compile(r"\b(?:since|from|starting\s+in|beginning\s+in)\s+(?:early\s+|late\s+)?$", re.I)
_AFTER = re.compile(r"\b(?:after|since|following)\s+", re.I)


@dataclass(slots=True)
class _Passage:
    views: list[View]
    group: str
    start_year: str | None
    end_year: str | None


def extract_plots(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Plot records: group, country, count, period (plus qualifier and provenance)."""
    if not ann.numbers:
        return []
    records: list[dict[str, Any]] = []
    published_year = (ann.doc.published or "")[:4] or None
    for passage in _passages(ann, published_year):
        for view in passage.views:
            records.extend(_sentence_records(view, passage))
    return records


def _passages(ann: AnnotatedDocument, published_year: str | None) -> list[_Passage]:
    default = focal_group(ann)
    passages: list[_Passage] = []
    current: list[View] = []
    views = sentence_views(ann)
    for view in views + [None]:
        if view is not None and cue("plot_context", view.text) and _counts(view):
            current.append(view)
            continue
        if current:
            passages.append(_passage(current, default, published_year))
            current = []
    return passages


# "one in the Maldives": the number annotator leaves "one" alone (a pronoun as often as not);
# in a list of plot counts it is a count.
_ONE = re.compile(r"\b(?:one|a\s+single)(?=\s+(?:in|plots?)\b)", re.I)


def _counts(view: View) -> list[NumberMention]:
    years = [(d.start, d.end) for d in view.dates]
    found = [
        n for n in view.numbers
        if not n.vague and not any(a <= n.start and n.end <= b for a, b in years)
    ]  # fmt: skip
    taken = {n.start for n in found}
    for m in _ONE.finditer(view.text):
        start = view.start + m.start()
        if start not in taken:
            found.append(NumberMention(start, view.start + m.end(), 1))
    return sorted(found, key=lambda n: n.start)


def _passage(views: list[View], default: str, published_year: str | None) -> _Passage:
    group = default
    for view in views:
        jihadist = [a for a in view.actors if a.type == "jihadist_group"]
        if jihadist:
            group = jihadist[0].canonical
            break
    start = None
    years: list[str] = []
    for view in views:
        for d in view.dates:
            years.append(d.value[:4])
            if d.end_value:
                years.append(d.end_value[:4])
            if start is None and _SINCE.search(view.text[: d.start - view.start]):
                start = d.value[:4]
    end = max(years) if years else None
    if start and (end is None or end <= start):
        end = published_year  # "since 2016" and nothing later: up to the report's date
    return _Passage(views, group, start, end)


def _period(start: str | None, end: str | None) -> str | None:
    if start and end and end > start:
        return f"{start}-{end}"
    return start or end


def _sentence_records(view: View, passage: _Passage) -> list[dict[str, Any]]:
    out = []
    for n in _counts(view):
        after = view.text[n.end - view.start :]
        country = _country_after(view, n)
        if country is not None:
            place, (a, b) = country
            out.append(
                _record(
                    view, passage, n, place, _period(passage.start_year, passage.end_year), [a, b]
                )
            )
            continue
        year = _year_after(view, n)
        if year is not None:
            out.append(_record(view, passage, n, None, year.value[:4], [year.start, year.end]))
            continue
        if _is_total(after):
            out.append(_record(view, passage, n, None, _total_period(view, n, passage), None))
    return out


def _is_total(after: str) -> bool:
    words = rf"(?:[\w’'-]+\s+){{0,{MAX_TOTAL_GAP_WORDS}}}?"
    return re.match(rf"^\s+{words}(?:{_plot_nouns()})", after, re.I) is not None


def _plot_nouns() -> str:
    return cue_alternation("plot_context")


def _total_period(view: View, n: NumberMention, passage: _Passage) -> str | None:
    """A total "after the Taliban took power" runs from that event to the passage's end."""
    rest = view.text[n.end - view.start :]
    for date, phrases in cue_table("anchor_events").items():
        for phrase in phrases:
            if re.search(rf"{_AFTER.pattern}{phrase}", rest, re.I):
                return _period(date[:4], passage.end_year)
    since = [d for d in view.dates if _SINCE.search(view.text[: d.start - view.start])]
    if since:
        return _period(since[0].value[:4], passage.end_year)
    return _period(passage.start_year, passage.end_year)


def _country_after(view: View, n: NumberMention) -> tuple[str, tuple[int, int]] | None:
    for p in view.places:
        if p.start >= n.end and p.country and _IN.match(view.local(n.end, p.start)):
            return p.country, (p.start, p.end)
        if p.start > n.end + 30:
            break
    return None


def _year_after(view: View, n: NumberMention) -> Any:
    for d in view.dates:
        if d.start >= n.end and _IN.match(view.local(n.end, d.start)):
            return d
    return None


def _record(
    view: View,
    passage: _Passage,
    n: NumberMention,
    country: str | None,
    period: str | None,
    where: list[int] | None,
) -> dict[str, Any]:
    spans: dict[str, list[int]] = {"count": [n.start, n.end]}
    if where:
        spans["country" if country else "period"] = where
    fields = {
        "group": passage.group,
        "country": country,
        "count": n.value,
        "period": period,
        "qualifier": n.qualifier,
        "outcome": "interdicted",
    }
    foiled = cue_pattern("plot_context").search(view.text)
    if foiled:
        spans["cue"] = [view.start + foiled.start(), view.start + foiled.end()]
    return make_record(view, fields, spans, 0.8 if country or period else 0.6)
