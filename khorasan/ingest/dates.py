"""Publication dates in known shapes, read with regular expressions (no guessing parser).

``find_date`` turns the first date in a string into ISO ``YYYY-MM-DD``; ``date_line_kind``
says whether a line is only a date (with weekday, time, label) and what label it carries.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from khorasan.kb.dates import MONTH_NUMBERS

__all__ = ["date_line_kind", "find_date", "iso_or_none"]

_MONTHS = MONTH_NUMBERS
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_SHAPES = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}(?:\s+of)?[\s-]+{_MONTH}[\s,-]+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?"
_ZONE = r"(?:utc|gmt|ist|pkt|ast|est|edt|cet)(?:[+-]\d{1,2})?"
_TIME = rf"\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*{_ZONE})?"
_LABEL = r"(?:first\s+)?(?:published|posted|updated|last\s+updated|modified)(?:\s+(?:on|at))?"
# What may sit around a date on a line that is only a date: weekday, time, label, punctuation.
_FILLER = re.compile(
    rf"^(?:\s|[,.:;|/@·•\-–—]|{_WEEKDAY}\b|{_TIME}|{_LABEL}\b|\d{{1,3}}\b)*$",
    re.IGNORECASE,
)
_LABELLED = re.compile(rf"^\s*(?P<label>{_LABEL})\b", re.IGNORECASE)
_BYLINE_DATE = re.compile(r"^\s*by\b[^.!?]{0,60}$", re.IGNORECASE)


def _iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"].lower()[:3]]
    try:
        return dt.date(int(parts["year"]), month, int(parts["day"])).isoformat()
    except ValueError:  # 31 February and the like: not a date
        return None


# every shape holds a year: a text without one needs no shape tried (most lines)
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")


def _first_match(text: str) -> re.Match[str] | None:
    if _ANY_YEAR.search(text) is None:
        return None
    found = [m for shape in _SHAPES if (m := shape.search(text))]
    return min(found, key=lambda m: m.start()) if found else None


def find_date(text: str) -> str | None:
    """The first date in a known shape in ``text``, as ISO YYYY-MM-DD, else None."""
    match = _first_match(text)
    return _iso(match) if match else None


# Cleaning and metadata both classify every line, and pages repeat their furniture lines.
@lru_cache(maxsize=4096)
def date_line_kind(line: str) -> str | None:
    """Classify a line that carries a date: ``published``, ``updated``, ``bare``, ``byline``.

    None when the line is not a date line (a date inside a sentence is not one).
    """
    match = _first_match(line)
    if match is None or _iso(match) is None:
        return None
    rest = line[: match.start()] + " " + line[match.end() :]
    if _FILLER.match(rest):
        label = _LABELLED.match(line)
        if label is None:
            return "bare"
        return "updated" if re.search(r"updated|modified", label["label"], re.I) else "published"
    head = line[: match.start()]
    if _BYLINE_DATE.match(head) and _FILLER.match(line[match.end() :]):
        return "byline"
    return None


def iso_or_none(value: str) -> str | None:
    """Accept ISO YYYY-MM-DD, YYYY-MM or YYYY (an ISO datetime is cut to its date)."""
    value = value.strip()
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-([01]\d)(?:-([0-3]\d))?)?(?:[T ][\d:.+\-Z]*)?", value)
    if not m:
        return find_date(value)
    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(p for p in (year, month, day) if p)
