"""Dates in news text, absolute and relative, as spans with an honest precision.

Absolute: ``18 April 2015``, ``April 18, 2015``, ``Monday 3 August 2020``, ``2023-06-10``,
``January 2015``, ``in 2019``, ``2015-19`` and ``between 2015 and 2023`` (year ranges, with
``end_value``). A day and month without a year (``April 18``) take the year that puts them at or
before the publication date plus :data:`FUTURE_GRACE_DAYS`; they are explicit, so not relative.

Relative (``relative=True``), resolved against ``published``:
- a weekday (``on Thursday``, ``Thursday's bombings``) is the most recent such day on or before
  publication (a Thursday report about "Thursday" means that day); ``last Friday`` is strictly
  before. A weekday with an explicit date (``on Monday, April 29``) is that date.
- ``today``/``tonight``/``this morning`` = publication day, ``yesterday``/``last night`` = the day
  before; ``last month``/``earlier this month`` and ``last year``/``this year`` at month and year
  precision; ``last week`` at month precision of the date a week earlier (a day would be a guess);
  ``last December`` the most recent December before the publication month, ``in December`` the
  most recent on or before it; ``March last year``, ``May of this year`` that month of the
  year the words give; ``two years ago`` and the like.
- ``a year earlier``, ``the next day``... count from the last explicit date before them in the
  text (``By April 2020 ... a year earlier`` is April 2019), else from publication;
  ``three months later``, ``two years earlier`` only from such a date, at most at the month
  or year they count; ``on the same day in 2020`` that date's day and month in that year.
Without ``published``, ``last year`` and the like count from the year of ``year_hint``, else of
the first day the text writes out. Relative dates that cannot be resolved (no ``published``, or
too coarse) are not returned.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from khorasan.annotate._scan import finditer_at, first_word_positions
from khorasan.model import DateMention

__all__ = ["FUTURE_GRACE_DAYS", "date_spans", "find_dates", "is_year"]

_DATA = Path(__file__).parent / "data" / "dates.json"

# Reports speak of days slightly ahead ("the vote on April 18" in an April 15 report).
FUTURE_GRACE_DAYS = 7
# Without a publication date, a year-less date ("March 22") borrows the year of an explicit
# date at most this many characters before it; further away the year is not safely known.
YEARLESS_ANCHOR_CHARS = 300
YEAR_MIN, YEAR_MAX = 1900, 2100
# "a year earlier" counts from an explicit date only if it is this close before it.
ANCHOR_WINDOW_CHARS = 600

_S = r"[^\S\n\r]"  # whitespace within a line: a date never spans a line break
_Candidate = tuple[int, int, int, str, re.Match[str]]  # start, end, priority, kind, match


@dataclass(frozen=True, slots=True)
class _Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    year_words: frozenset[str]
    count_followers: frozenset[str]
    not_plural: frozenset[str]
    relative: dict[str, tuple[str, int]]  # lower-cased phrase -> (unit, offset)
    anchored: dict[str, tuple[str, int]]
    ago_units: dict[str, str]
    small_numbers: dict[str, int]
    weekday_modifiers: dict[str, str]  # lower-cased word -> latest, before, next
    anchored_count_units: dict[str, str]  # "months" -> month
    anchored_count_directions: dict[str, int]  # "later" -> 1, "earlier" -> -1
    month_year_words: dict[str, int]  # "last year" -> -1: the year of "March last year"
    patterns: list[_DatePattern]


@dataclass(frozen=True, slots=True)
class _DatePattern:
    """A date pattern and the characters a match can start with (``word_start``: only where
    no word character precedes, the pattern opening with ``\\b``): :func:`_select` tries the
    pattern only there, since ``re`` does not skip ahead on the lookahead that says so."""

    kind: str
    regex: re.Pattern[str]
    leads: frozenset[str]
    word_start: bool
    probe: re.Pattern[str]  # one of the lead characters (a scan re runs fast)
    # the words a match can open with (lower-cased; ``digits``: any word opening with a
    # digit): with ``word_start``, the pattern is tried only where one of them starts
    firsts: frozenset[str]
    digits: bool


_WORD = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _firsts(*groups: Any) -> frozenset[str]:
    """The first words of the phrases in ``groups``, lower-cased: every pattern that opens
    with one of them follows it with a non-word character or ``\\b``, so the text's word
    there is that word."""
    out = set()
    for words in groups:
        for w in words:
            m = _WORD_RUN.match(w)
            if m is None:  # such a pattern is no word_start one: tried at every lead character
                raise ValueError(f"a date phrase that opens with no word: {w!r}")
            out.add(m.group().lower())
    return frozenset(out)


def _lead(*groups: Any, fold: bool = False) -> str:
    """The characters the words in ``groups`` can start with, for a character class."""
    chars = {w[0] for words in groups for w in words}
    if fold:
        chars |= {c.swapcase() for c in chars}
    return "".join(sorted(re.escape(c) for c in chars))


@cache
def _lexicon() -> _Lexicon:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    months = {**raw["month_abbreviations"], **raw["months"]}
    relative = {}
    for unit in ("days", "weeks", "months", "years"):
        for phrase, offset in raw[f"relative_{unit}"].items():
            relative[phrase.lower()] = (unit[:-1], offset)
    anchored = {k.lower(): (v[0], v[1]) for k, v in raw["anchored"].items()}
    return _Lexicon(
        months=months,
        weekdays=raw["weekdays"],
        year_words=frozenset(raw["year_words"]),
        count_followers=frozenset(raw["count_followers"]),
        not_plural=frozenset(raw["not_plural"]),
        relative=relative,
        anchored=anchored,
        ago_units=raw["ago_units"],
        small_numbers=raw["small_numbers"],
        weekday_modifiers=raw["weekday_modifiers"],
        anchored_count_units={k.lower(): v for k, v in raw["anchored_count_units"].items()},
        anchored_count_directions={
            k.lower(): v for k, v in raw["anchored_count_directions"].items()
        },
        month_year_words={k.lower(): v for k, v in raw["month_year_words"].items()},
        patterns=_compile(raw, months, relative, anchored),
    )


def _compile(
    raw: dict[str, Any],
    months: dict[str, int],
    relative: dict[str, tuple[str, int]],
    anchored: dict[str, tuple[str, int]],
) -> list[_DatePattern]:
    month = rf"(?P<month>(?:{_alt(months)})\b\.?)"
    full_month = rf"(?P<month>(?:{_alt(raw['months'])})\b)"
    weekday = rf"(?P<wd>{_alt(raw['weekdays'])})"
    wd = rf"(?:{weekday},?{_S}+(?:the{_S}+)?)?"
    day_num, nth = r"(?:0?[1-9]|[12]\d|3[01])", "(?:st|nd|rd|th)?"
    day = rf"(?P<day>{day_num}){nth}(?:{_S}*[-–]{_S}*(?P<day2>{day_num}){nth})?"
    year = r"(?P<year>(?:19|20)\d\d)(?![\d%])"
    y1, y2 = r"(?P<y1>(?:19|20)\d\d)", r"(?P<y2>(?:19|20)\d\d)"
    no_digit_after = r"(?![\d:]|[.,]\d)"
    digits, wds = "0123456789", raw["weekdays"]
    small, units = _alt(raw["small_numbers"]), _alt(raw["ago_units"])
    joins = "(?i:and|to|until|till|through)"
    # "March last year", "May of this year": a month whose year is told in words
    month_year = rf",?{_S}+(?:of{_S}+)?(?P<yw>(?i:{_alt(raw['month_year_words'])}))\b"
    wd_mods, periods = list(raw["weekday_modifiers"]), raw["month_periods"]
    sources = [
        ("iso", r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
        ("dmy", rf"\b{wd}{day}(?:{_S}+(?:of{_S}+)?|-){month}(?:,?{_S}+|-){year}"),
        ("mdy", rf"\b{wd}{month}{_S}+{day}(?:,{_S}*|{_S}+){year}"),
        ("wd_paren", rf"\b{weekday}{_S}*\({_S}*{month}{_S}+{day}(?:,{_S}*{year})?{_S}*\)"),
        ("dm", rf"\b{wd}{day}{_S}+(?:of{_S}+)?{month}(?!\w)"),
        ("md", rf"\b{wd}{month}{_S}+{day}\b{no_digit_after}"),
        ("my", rf"\b(?:(?i:{_alt(periods)})(?:-|{_S}))?{month},?{_S}+(?:of{_S}+)?{year}"),
        ("between_years", rf"\b(?i:between|from){_S}+{y1}{_S}+{joins}{_S}+{y2}\b"),
        ("year_range", rf"(?<![\d,.$£€/-]){y1}{_S}*[-–—/]{_S}*(?P<y2>(?:19|20)?\d\d)(?![\d%-])"),
        ("year", r"(?<![\w.,$£€#/])(?P<year>(?:19|20)\d\d)(?![\w%]|[.,:]\d)"),
        ("relative", rf"\b(?i:{_alt(relative)})\b"),
        ("anchored", rf"\b(?i:{_alt(anchored)})\b"),
        ("ago", rf"\b(?P<n>(?i:{small})|\d{{1,2}}){_S}+(?P<unit>(?i:{units})){_S}+(?i:ago)\b"),
        ("anniversary", rf"\b(?i:{_alt(raw['anniversary_days'])}){_S}+(?i:in|of){_S}+{year}"),
        ("anchored_count", rf"\b(?P<n>(?i:{small})|\d{{1,2}}){_S}+"
                           rf"(?P<unit>(?i:{_alt(raw['anchored_count_units'])})){_S}+"
                           rf"(?P<dir>(?i:{_alt(raw['anchored_count_directions'])}))\b"),
        ("month_name", rf"\b(?P<mod>{_alt(raw['month_modifiers'])})(?:{_S}|-)+{full_month}"
                       rf"(?!(?:{_S}|,)*(?:of{_S}+)?\d|{month_year})"),
        ("month_year_word", rf"\b{full_month}{month_year}"),
        ("weekday", rf"\b(?:(?P<mod>(?i:{_alt(wd_mods)})){_S}+)?{weekday}(?:['’]s)?\b"),
    ]  # fmt: skip
    # first characters each pattern can start with: lets the regex engine skip most positions
    leads = {
        "iso": "12", "year_range": "12", "year": "12",
        "dmy": _lead(digits, wds), "dm": _lead(digits, wds),
        "mdy": _lead(wds, months), "md": _lead(wds, months), "wd_paren": _lead(wds),
        "my": _lead(months, periods, fold=True),
        "between_years": _lead(["between", "from"], fold=True),
        "relative": _lead(relative, fold=True), "anchored": _lead(anchored, fold=True),
        "ago": _lead(raw["small_numbers"], digits, fold=True),
        "anchored_count": _lead(raw["small_numbers"], digits, fold=True),
        "anniversary": _lead(raw["anniversary_days"], fold=True),
        "month_name": _lead(raw["month_modifiers"]), "month_year_word": _lead(raw["months"]),
        "weekday": _lead(wds, wd_mods, fold=True),
    }  # fmt: skip
    # the words a match can open with: a stricter test than the first character
    firsts = {
        "dmy": (_firsts(wds), True), "dm": (_firsts(wds), True),
        "mdy": (_firsts(wds, months), False), "md": (_firsts(wds, months), False),
        "wd_paren": (_firsts(wds), False), "my": (_firsts(months, periods), False),
        "between_years": (_firsts(["between", "from"]), False),
        "relative": (_firsts(relative), False), "anchored": (_firsts(anchored), False),
        "ago": (_firsts(raw["small_numbers"]), True),
        "anchored_count": (_firsts(raw["small_numbers"]), True),
        "anniversary": (_firsts(raw["anniversary_days"]), False),
        "month_name": (_firsts(raw["month_modifiers"]), False),
        "month_year_word": (_firsts(raw["months"]), False),
        "weekday": (_firsts(wds, wd_mods), False),
    }  # fmt: skip
    out = []
    for kind, src in sources:
        chars = frozenset(re.sub(r"\\(.)", r"\1", leads[kind]))  # the class, unescaped
        # a match starting at a word character after \b starts a word
        word_start = src.startswith(r"\b") and all(_WORD.match(c) for c in chars)
        regex = re.compile(f"(?=[{leads[kind]}])" + src)
        probe = re.compile(f"[{leads[kind]}]")
        words, digits_lead = firsts.get(kind, (frozenset(), True))
        out.append(_DatePattern(kind, regex, chars, word_start, probe, words, digits_lead))
    return out


# ---------------------------------------------------------------------------------- public
def find_dates(text: str, published: str | None, year_hint: str | None = None) -> list[DateMention]:
    """Date mentions in ``text``; relative ones resolved against ``published`` (ISO date).

    ``year_hint`` (an ISO date the document is filed under, e.g. from its URL, when it has no
    publication date) gives only the year of "April 29" and of "last year"; it resolves no "on
    Monday".
    """
    ref = _Published.parse(published)
    hint = None if ref is not None else _Published.parse(year_hint)
    out: list[DateMention] = []
    anchor: DateMention | None = None
    # no publication date: the year "last year" counts from is that of the URL's date, else of
    # the first day the text writes out (a dateline, a caption, the lead)
    year_ref = hint
    for start, end, _prio, kind, m in _select(text):
        mention = _resolve(kind, m, start, end, ref, anchor)
        if mention is None and hint is not None and kind in _EXPLICIT:
            mention = _explicit(kind, m, start, end, hint)  # "April 29" in a 2024 URL
        if mention is None and ref is None and year_ref is not None and kind == "relative":
            unit, offset = _lexicon().relative[m.group().lower()]
            if unit == "year":
                mention = _shift(year_ref, unit, offset, start, end)
        if mention is None:
            continue
        if year_ref is None and not mention.relative and mention.precision == "day":
            year_ref = _Published.parse(mention.value)
        out.append(mention)
        if not mention.relative and mention.end_value is None:
            anchor = mention
    return out


def date_spans(text: str) -> list[tuple[int, int]]:
    """Spans of explicit dates and years (no publication date needed), for other annotators."""
    return [(s, e) for s, e, _p, kind, _m in _select(text) if kind in _EXPLICIT]


def is_year(text: str, start: int, end: int) -> bool:
    """Whether the bare number ``text[start:end]`` reads as a year rather than a count.

    A 4-digit number in 1900-2100 is a year unless a plural noun follows it ("some 2000
    people") and no year word precedes it ("in 2019", "the 2019 attacks").
    """
    token = text[start:end]
    if len(token) != 4 or not token.isdigit() or not YEAR_MIN <= int(token) <= YEAR_MAX:
        return False
    lex = _lexicon()
    before = text[max(0, start - 12) : start].split()
    if before and (before[-1] in lex.year_words or before[-1].rstrip("-") in lex.year_words):
        return True
    if start > 0 and text[start - 1] == "-":  # mid-2019, pre-2001
        return True
    nxt = re.match(r"\s+([a-z]+)", text[end : end + 20])
    if nxt:
        word = nxt.group(1)
        if word in lex.count_followers:
            return False
        if len(word) > 3 and word.endswith("s") and word not in lex.not_plural:
            return False
    return True


_EXPLICIT = frozenset({"iso", "dmy", "mdy", "wd_paren", "dm", "md", "my", "between_years",
                       "year_range", "year"})  # fmt: skip


# ---------------------------------------------------------------------------------- search
@lru_cache(maxsize=8)  # find_numbers asks for date_spans of the text find_dates just read
def _select(text: str) -> tuple[_Candidate, ...]:
    """Every pattern's matches, then the leftmost-longest non-overlapping ones."""
    cands: list[_Candidate] = []
    for prio, date_pattern in enumerate(_lexicon().patterns):
        kind = date_pattern.kind
        for m in _finditer(date_pattern, text):
            if kind == "year" and not is_year(text, m.start(), m.end()):
                continue
            if kind == "weekday" and m.group("mod") is None and m.start() > 0:
                # a weekday glued to a word ("Friday-based") is no date; "Friday prayers" is
                if text[m.start() - 1] in "-/":
                    continue
            cands.append((m.start(), m.end(), prio, kind, m))
    cands.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
    chosen: list[_Candidate] = []
    last_end = -1
    for c in cands:
        if c[0] >= last_end:
            chosen.append(c)
            last_end = c[1]
    return tuple(chosen)


def _finditer(date_pattern: _DatePattern, text: str) -> list[re.Match[str]]:
    """``regex.finditer(text)``, trying the pattern only where a match can start."""
    if date_pattern.word_start:
        positions = first_word_positions(
            text, date_pattern.firsts, date_pattern.digits, date_pattern.leads, date_pattern.probe
        )
    else:
        positions = [m.start() for m in date_pattern.probe.finditer(text)]
    return finditer_at(date_pattern.regex, text, positions)


# ------------------------------------------------------------------------------ resolution
@dataclass(frozen=True, slots=True)
class _Published:
    day: date  # the publication day, or the last day of its month/year
    precision: str  # day, month, year

    @staticmethod
    def parse(published: str | None) -> _Published | None:
        if not published:
            return None
        parts = published.strip()[:10].split("-")
        try:
            nums = [int(p) for p in parts]
            if len(nums) == 3:
                return _Published(date(nums[0], nums[1], nums[2]), "day")
            if len(nums) == 2:
                last = calendar.monthrange(nums[0], nums[1])[1]
                return _Published(date(nums[0], nums[1], last), "month")
            if len(nums) == 1:
                return _Published(date(nums[0], 12, 31), "year")
        except ValueError:
            return None
        return None


def _resolve(
    kind: str,
    m: re.Match[str],
    start: int,
    end: int,
    ref: _Published | None,
    anchor: DateMention | None,
) -> DateMention | None:
    if kind in _EXPLICIT:
        if ref is None and anchor is not None and start - anchor.end <= YEARLESS_ANCHOR_CHARS:
            # no publication date: "its March 25, 2024 statement following its March 22
            # attack" takes the year of the full date just written before it
            return _explicit(kind, m, start, end, _Published.parse(anchor.value))
        return _explicit(kind, m, start, end, ref)
    if kind == "anchored":
        unit, step = _lexicon().anchored[m.group().lower()]
        return _anchored(unit, step, start, end, ref, anchor)
    if kind == "anniversary":
        return _anniversary(m, start, end, ref, anchor)
    if kind == "anchored_count":
        # "three months later": from the date written before it only (from the report's own
        # day it would be the future, or a day the words do not give)
        lex = _lexicon()
        unit = lex.anchored_count_units[m.group("unit").lower()]
        step = _count(m.group("n")) * lex.anchored_count_directions[m.group("dir").lower()]
        found = _anchored(unit, step, start, end, None, anchor)
        if found is None or found.precision == "year" or found.precision == unit:
            return found
        # a span counted in months or years gives no day ("two years later" is no anniversary)
        cut = 7 if unit == "month" else 4
        return DateMention(start, end, found.value[:cut], unit, True)
    if ref is None:
        return None
    if kind == "relative":
        unit, offset = _lexicon().relative[m.group().lower()]
        return _shift(ref, unit, offset, start, end)
    if kind == "ago":
        return _ago(m, start, end, ref)
    if kind == "month_name":
        return _month_name(m, start, end, ref)
    if kind == "month_year_word":
        offset = _lexicon().month_year_words[m.group("yw").lower()]
        year, month = ref.day.year + offset, _month(m.group("month"))
        return DateMention(start, end, f"{year:04d}-{month:02d}", "month", True)
    return _weekday(m, start, end, ref)


def _explicit(
    kind: str, m: re.Match[str], start: int, end: int, ref: _Published | None
) -> DateMention | None:
    groups = m.groupdict()
    if kind in ("between_years", "year_range"):
        y1, y2 = int(groups["y1"]), groups["y2"]
        high = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
        if not y1 < high <= YEAR_MAX:
            return None
        return DateMention(start, end, str(y1), "year", end_value=str(high))
    if kind == "year":
        return DateMention(start, end, groups["year"], "year")
    month = int(groups["mon"]) if kind == "iso" else _month(groups["month"])
    if kind == "my":
        return DateMention(start, end, f"{int(groups['year']):04d}-{month:02d}", "month")
    year = (
        int(groups["year"]) if groups.get("year") else _infer_year(month, int(groups["day"]), ref)
    )
    if year is None:
        return None
    first = _day(year, month, int(groups["day"]))
    if first is None:
        return None
    last = _day(year, month, int(groups["day2"])) if groups.get("day2") else None
    end_value = last.isoformat() if last is not None and last > first else None
    return DateMention(start, end, first.isoformat(), "day", end_value=end_value)


def _month(name: str) -> int:
    return _lexicon().months[name.rstrip(".")]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, ref: _Published | None) -> int | None:
    """The year that puts month/day at or before publication (plus a grace of a few days)."""
    if ref is None:
        return None
    limit = ref.day + timedelta(days=FUTURE_GRACE_DAYS)
    year = limit.year
    candidate = _day(year, month, day) or _day(year, month, 28)
    if candidate is not None and candidate > limit:
        year -= 1
    return year


def _shift(ref: _Published, unit: str, offset: int, start: int, end: int) -> DateMention | None:
    need = {
        "day": ("day",),
        "week": ("day",),
        "month": ("day", "month"),
        "year": ("day", "month", "year"),
    }  # noqa: E501
    if ref.precision not in need[unit]:
        return None
    d = ref.day
    if unit == "day":
        return DateMention(start, end, (d + timedelta(days=offset)).isoformat(), "day", True)
    if unit == "week":
        return DateMention(start, end, (d + timedelta(weeks=offset)).isoformat()[:7], "month", True)
    if unit == "month":
        y, mo = divmod(d.year * 12 + d.month - 1 + offset, 12)
        return DateMention(start, end, f"{y:04d}-{mo + 1:02d}", "month", True)
    return DateMention(start, end, f"{d.year + offset:04d}", "year", True)


def _ago(m: re.Match[str], start: int, end: int, ref: _Published) -> DateMention | None:
    n_text = m.group("n").lower()
    n = int(n_text) if n_text.isdigit() else _lexicon().small_numbers[n_text]
    unit = _lexicon().ago_units[m.group("unit").lower()]
    if unit == "day" and ref.precision == "day":
        return DateMention(start, end, (ref.day - timedelta(days=n)).isoformat(), "day", True)
    return _shift(ref, unit, -n, start, end) if unit != "day" else None


def _month_name(m: re.Match[str], start: int, end: int, ref: _Published) -> DateMention | None:
    if ref.precision == "year":
        return None
    month = _month(m.group("month"))
    mod = m.group("mod").lower()
    year = ref.day.year
    if mod == "this":
        pass
    elif mod == "last":
        year -= 1 if month >= ref.day.month else 0
    elif month > ref.day.month:
        year -= 1
    return DateMention(start, end, f"{year:04d}-{month:02d}", "month", True)


def _weekday(m: re.Match[str], start: int, end: int, ref: _Published) -> DateMention | None:
    sense = _lexicon().weekday_modifiers.get((m.group("mod") or "").lower(), "latest")
    if ref.precision != "day" or sense == "next":
        return None
    back = (ref.day.weekday() - _lexicon().weekdays[m.group("wd")]) % 7
    if back == 0 and sense == "before":
        back = 7
    return DateMention(start, end, (ref.day - timedelta(days=back)).isoformat(), "day", True)


def _anniversary(
    m: re.Match[str], start: int, end: int, ref: _Published | None, anchor: DateMention | None
) -> DateMention | None:
    """ "killed on the same day in 2020": the day of the date before it (else of the report)."""
    if (
        anchor is not None
        and anchor.precision == "day"
        and start - anchor.end <= ANCHOR_WINDOW_CHARS
    ):
        base = date.fromisoformat(anchor.value)
    elif ref is not None and ref.precision == "day":
        base = ref.day
    else:
        return None
    day = _day(int(m.group("year")), base.month, base.day)
    return DateMention(start, end, day.isoformat(), "day", True) if day else None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _lexicon().small_numbers[word.lower()]


def _anchored(
    unit: str,
    step: int,
    start: int,
    end: int,
    ref: _Published | None,
    anchor: DateMention | None,
) -> DateMention | None:
    if anchor is not None and start - anchor.end <= ANCHOR_WINDOW_CHARS:
        base, precision = anchor.value, anchor.precision
    elif ref is not None:
        base, precision = (
            ref.day.isoformat()[: {"day": 10, "month": 7, "year": 4}[ref.precision]],
            ref.precision,
        )  # noqa: E501
    else:
        return None
    order = ("year", "month", "day")
    if order.index(precision) < order.index(unit):  # "the next day" after "in 2019": unknown day
        return None
    parts = [int(p) for p in base.split("-")]
    if unit == "year":
        parts[0] += step
    elif unit == "month":
        y, mo = divmod(parts[0] * 12 + parts[1] - 1 + step, 12)
        parts[0], parts[1] = y, mo + 1
    else:
        d = date(parts[0], parts[1], parts[2]) + timedelta(days=step)
        parts = [d.year, d.month, d.day]
    if precision == "day" and unit != "day":
        day = _day(parts[0], parts[1], parts[2]) or _day(parts[0], parts[1], 28)
        assert day is not None
        parts = [day.year, day.month, day.day]
    value = "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))
    return DateMention(start, end, value, precision, True)
