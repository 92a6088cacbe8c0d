"""Numbers in news text, normalised, with the qualifier that bounds them.

What comes out:
- digits (``13``, ``1,600``, ``2.5 million``) and words (``seven``, ``twenty-one``, ``a hundred``,
  ``two hundred and fifty``, ``a dozen``, ``half a dozen``);
- vague amounts (``dozens``, ``scores of``, ``hundreds``, ``tens of thousands``): ``vague=True``
  with ``value = low`` = the smallest honest reading (dozens 24, scores 40, hundreds 200) and
  qualifier ``at_least``; ``a handful`` is about 3 (low 2, high 5). Values live in the data file;
- ranges (``2,000-2,500``, ``600 to 800``, ``between 30 and 40``): ``value = low``, ``low`` and
  ``high`` set, qualifier ``at_least`` (the least the source commits to) unless a qualifier
  word says otherwise. ``from 30 to 40`` is left as two numbers: it usually reports a change;
- qualifiers before the number (``at least`` -> at_least, ``nearly``/``about``/``some`` -> about,
  ``more than``/``over`` -> over, ``up to``/``as many as`` -> up_to; see the data file) or after it
  (``30 or more``, ``100-plus``); the span covers qualifier and number.

What does not: years and every other part of an explicit date (:func:`dates.date_spans`), times
(``12:27``, ``7 a.m.``), ordinals (``13th``, ``second``), percentages and money (not counts of
anything), plain decimals (``7.8``), ages (``50-year-old``, ``aged 50``, and ``Hakim Khan, 50,``:
a number alone between a comma after a capitalised word and a comma), numbers inside words or
identifiers (``GBU-43B``, ``COVID-19``, ``Flight 9268``, ``Resolution 2593``), and ``one`` as a
pronoun: a bare ``one`` is kept only before a person/event noun (optionally after one other
word: ``one U.S. soldier``) or after a qualifier (``at least one``). ``a`` alone is not a number.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from khorasan.annotate._scan import finditer_at, first_word_positions
from khorasan.annotate.dates import date_spans
from khorasan.model import NumberMention

__all__ = ["find_numbers", "parse_number_words"]

_DATA = Path(__file__).parent / "data" / "numbers.json"

_S = r"[^\S\n\r]"  # whitespace within a line: a number never spans a line break
# a range's second half, skipped to see what the whole range counts ("50-100 per cent")
_RANGE_TAIL = re.compile(rf"(?:{_S}*[-–—]{_S}*|{_S}+to{_S}+)[\d,.]+")
# How far before a number to look for a qualifier or a label ("in excess of", "Resolution").
_LOOKBACK_CHARS = 40
# Above this a "number" is no count of anything (and would not fit a database integer).
MAX_NUMBER = 10**15


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    value: int
    kind: str  # digits, decimal (no scale: only half of a range), words, vague
    scale: int = 1  # the trailing scale word's factor ("2.5 million"), for ranges
    vague: dict[str, Any] | None = None
    raw: float = 0.0  # the number before its scale word (1.5 in "1.5 million")


@dataclass(frozen=True, slots=True)
class _Leads:
    """The characters a ``\\b``-led pattern's match can start with: as a set of ASCII
    characters and as a class compiled with the pattern's flags (see annotate._scan)."""

    chars: frozenset[str]
    regex: re.Pattern[str]
    word_start: bool  # every one a word character: a match starts a word
    # the first words of ``words``, lower-cased: each is followed in the pattern by no word
    # character, so a match starts only where one of them does (annotate._scan)
    firsts: frozenset[str]

    @staticmethod
    def of(words: Any) -> _Leads:
        chars = frozenset(c for w in words for c in (w[0].lower(), w[0].upper()))
        regex = re.compile("[" + "".join(sorted(re.escape(c) for c in chars)) + "]", re.I)
        word_start = all(_WORD.match(c) for c in chars)
        firsts = frozenset(m.group().lower() for w in words if (m := _WORD_RUN.match(w)))
        return _Leads(chars, regex, word_start, firsts)


_WORD = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    words: dict[str, int]  # units, teens, tens
    scales: dict[str, int]
    digit_scales: dict[str, int]
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    vague: dict[str, dict[str, Any]]
    one_nouns: frozenset[str]
    one_pronoun_followers: frozenset[str]
    digits_re: re.Pattern[str]
    words_re: re.Pattern[str]
    vague_re: re.Pattern[str]
    words_leads: _Leads
    vague_leads: _Leads
    qualifier_before_re: re.Pattern[str]
    qualifier_after_re: re.Pattern[str]
    label_before_re: re.Pattern[str]
    not_count_after_re: re.Pattern[str]
    currency_before_re: re.Pattern[str]


def _alt(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _lead(words: Any) -> str:
    """A lookahead on the possible first characters (either case): skips most positions fast."""
    chars = {c for w in words for c in (w[0].lower(), w[0].upper())}
    return "(?=[" + "".join(sorted(re.escape(c) for c in chars)) + "])"


@cache
def _lexicon() -> _Lexicon:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    words = {**raw["units"], **raw["teens"], **raw["tens"]}
    number_word = _alt([*words, "hundred", *raw["scales"], "dozen"])
    vague = {k.lower(): v for k, v in raw["vague"].items()}
    vague_src = "|".join(
        re.escape(k) + (r"(?=\s+of\b)" if v.get("of") else "")
        for k, v in sorted(vague.items(), key=lambda kv: -len(kv[0]))
    )
    labels = _alt(raw["label_words"])
    # a word needs a boundary before it ("Rs"), a sign does not ("$")
    currency = "|".join(
        (r"\b" if w[0].isalnum() else "") + re.escape(w)
        for w in sorted(raw["currency_before"], key=len, reverse=True)
    )
    return _Lexicon(
        words=words,
        scales=raw["scales"],
        digit_scales=raw["digit_scales"],
        qualifiers_before=raw["qualifiers_before"],
        qualifiers_after=raw["qualifiers_after"],
        vague=vague,
        one_nouns=frozenset(raw["one_nouns"]),
        one_pronoun_followers=frozenset(raw["one_pronoun_followers"]),
        digits_re=re.compile(
            r"(?=\d)(?<![\w.,/#@$£€+:])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"(?:\s*(?P<scale>{_alt(raw['digit_scales'])})\b)?(?![\w%/]|[.,:]\d)"
        ),
        words_re=re.compile(
            _lead([*words, "hundred", *raw["scales"], "dozen", "a", "half"])
            + rf"\b(?:(?:half{_S}+)?a{_S}+)?(?:{number_word})"
            rf"(?:(?:{_S}+and{_S}+|(?:{_S}|-)+)(?:{number_word}))*\b",
            re.I,
        ),
        vague_re=re.compile(_lead(vague) + rf"\b(?:{vague_src})\b", re.I),
        words_leads=_Leads.of([*words, "hundred", *raw["scales"], "dozen", "a", "half"]),
        vague_leads=_Leads.of(vague),
        qualifier_before_re=re.compile(
            rf"(?<![\w-])(?:{_alt(raw['qualifiers_before'])})\s+$", re.I
        ),
        qualifier_after_re=re.compile(r"(?:\s+(?:or more|or so)\b|-plus\b|\+)", re.I),
        label_before_re=re.compile(rf"(?<![\w])(?:{labels})\s*$"),
        not_count_after_re=re.compile(rf"\s*(?:{_alt(raw['not_count_after'])})(?![\w])", re.I),
        currency_before_re=re.compile(rf"(?:{currency})\s*$"),
    )


# ---------------------------------------------------------------------------------- public
def find_numbers(text: str) -> list[NumberMention]:
    """Number mentions in ``text``, sorted, non-overlapping."""
    blocked = _SpanIndex(date_spans(text))
    atoms = [a for a in _atoms(text) if not blocked.overlaps(a) and _is_count(text, a)]
    groups = [g for g in _ranges(text, atoms) if len(g) == 2 or g[0].kind != "decimal"]
    return [_mention(text, group) for group in groups]


def parse_number_words(words: str) -> int | None:
    """The value of a complete number in words ("two hundred and fifty"), or None."""
    tokens = [t.lower() for t in re.findall(r"[A-Za-z]+", words)]
    value, used = _parse_tokens(tokens)
    return value if used == len(tokens) and used else None


# ---------------------------------------------------------------------------------- atoms
def _atoms(text: str) -> list[_Atom]:
    lex = _lexicon()
    cands: list[_Atom] = []
    for m in _finditer(lex.vague_re, lex.vague_leads, text):
        spec = lex.vague[m.group().lower()]
        cands.append(_Atom(m.start(), m.end(), spec["value"], "vague", vague=spec))
    for m in lex.digits_re.finditer(text):
        atom = _digit_atom(text, m)
        if atom is not None:
            cands.append(atom)
    for m in _finditer(lex.words_re, lex.words_leads, text):
        cands.extend(_word_atoms(m))
    cands.sort(key=lambda a: (a.start, a.start - a.end))
    chosen: list[_Atom] = []
    for a in cands:
        if not chosen or a.start >= chosen[-1].end:
            chosen.append(a)
    return chosen


def _finditer(regex: re.Pattern[str], leads: _Leads, text: str) -> list[re.Match[str]]:
    """``regex.finditer(text)``, trying the pattern only at the word starts a match can open."""
    if not leads.word_start:
        return list(regex.finditer(text))
    positions = first_word_positions(text, leads.firsts, False, leads.chars, leads.regex)
    return finditer_at(regex, text, positions)


def _digit_atom(text: str, m: re.Match[str]) -> _Atom | None:
    num, scale_word = m.group("num"), m.group("scale")
    if (
        m.start() > 0
        and text[m.start() - 1] == "-"
        and text[m.start() - 2 : m.start() - 1].isalpha()
    ):
        return None  # GBU-43, COVID-19
    scale = _lexicon().digit_scales[scale_word.lower()] if scale_word else 1
    raw = float(num.replace(",", ""))
    if not raw * scale <= MAX_NUMBER:  # 400 digits, 1e400 (inf): no count, and no int64
        return None
    # 7.8 magnitude, 2.5 km: not a count, unless it opens a range ("1.5 to 2 million")
    kind = "decimal" if "." in num and scale == 1 else "digits"
    return _Atom(m.start(), m.end(), round(raw * scale), kind, scale=scale, raw=raw)


def _word_atoms(m: re.Match[str]) -> list[_Atom]:
    """Numbers in a run of number words; "seven and eight" is two of them."""
    tokens = [(t.group().lower(), t.start(), t.end()) for t in re.finditer(r"[A-Za-z]+", m.group())]
    atoms = []
    i = 0
    while i < len(tokens):
        value, used = _parse_tokens([t for t, _s, _e in tokens[i:]])
        if not used:
            i += 1
            continue
        first, last = tokens[i], tokens[i + used - 1]
        word = last[0]
        scale = _lexicon().scales.get(word, 100 if word == "hundred" else 1)
        if value <= MAX_NUMBER:  # "a million million million ..."
            atoms.append(_Atom(m.start() + first[1], m.start() + last[2], value, "words",
                               scale=scale, raw=float(value)))  # fmt: skip
        i += used
    return atoms


def _parse_tokens(tokens: list[str]) -> tuple[int, int]:
    """Value and count of the longest valid prefix of number-word ``tokens`` (0 used: none)."""
    lex = _lexicon()
    total = current = 0
    prev = ""  # kind of the previous token: unit, teen, tens, hundred, scale, a, and, half
    last_scale = 10**12
    best = (0, 0)
    for i, tok in enumerate(tokens):
        value = lex.words.get(tok)
        if tok == "half" and i == 0:
            prev = "half"
            continue
        if tok == "a" and prev in ("", "half"):
            current, prev = 1, "a"
            continue
        if tok == "and" and prev in ("hundred", "scale"):
            prev = "and"
            continue
        if (
            value is not None
            and value < 10
            and (prev in ("", "hundred", "scale", "and") or (prev == "tens" and current % 10 == 0))
        ):
            current, prev = current + value, "unit"
        elif value is not None and value >= 10 and prev in ("", "hundred", "scale", "and"):
            current, prev = current + value, ("teen" if value < 20 else "tens")
        elif tok == "hundred" and prev in ("unit", "a") and 0 < current < 10:
            current, prev = current * 100, "hundred"
        elif tok in lex.scales and prev in ("unit", "teen", "tens", "hundred", "a"):
            scale = lex.scales[tok]
            if scale >= last_scale:
                break
            total, current, last_scale, prev = total + current * scale, 0, scale, "scale"
        elif tok == "dozen" and prev in ("unit", "a") and 0 < current < 10:
            half = tokens[0] == "half"
            return (6 if half else current * 12), i + 1
        else:
            break
        if prev != "a":
            best = (total + current, i + 1)
    return best


class _SpanIndex:
    """Spans asked "does any overlap this atom?" in log time (a page of 20,000 dates and
    numbers asked it of every span for every atom: quadratic)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _e in ordered]
        self._max_end: list[int] = []  # the furthest end among the spans up to each one
        for _s, e in ordered:
            self._max_end.append(max(e, self._max_end[-1]) if self._max_end else e)

    def overlaps(self, a: _Atom) -> bool:
        n = bisect.bisect_left(self._starts, a.end)  # the spans that start before a ends
        return n > 0 and self._max_end[n - 1] > a.start


def _is_count(text: str, a: _Atom) -> bool:
    lex = _lexicon()
    before = text[max(0, a.start - _LOOKBACK_CHARS) : a.start]
    after = text[a.end : a.end + 30]
    tail = _RANGE_TAIL.match(after)
    unit_after = after[tail.end() :] if tail else after
    if a.kind != "vague" and (
        lex.label_before_re.search(before) or lex.not_count_after_re.match(unit_after)
    ):
        return False
    if after.startswith(")") and "(" not in before[-6:]:
        return False  # a list marker: "3) The Islamic State ..."
    if a.kind == "digits" and lex.currency_before_re.search(before):
        return False
    if re.search(r"\b[A-Z][\w'’.-]*,\s*$", before) and re.match(r",", after):
        return False  # "Hakim Khan, 50, was ...": an age in apposition
    if a.kind == "digits" and a.value <= 31 and _SECOND_DAY_BEFORE.search(before):
        return False  # "on March 26 and 27": the second day of a date, not a count
    if a.kind == "words" and text[a.start : a.end].lower() == "one":
        return _one_is_count(before, after)
    return True


_SECOND_DAY_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"\s*(?:and|to|&|-|–)\s*$",
    re.I,
)


def _one_is_count(before: str, after: str) -> bool:
    lex = _lexicon()
    if lex.qualifier_before_re.search(before):
        return True
    words = re.findall(r"[\w.’'-]+", after.lower())[:2]
    if not words or words[0] in lex.one_pronoun_followers:
        return False
    return any(w.rstrip(".") in lex.one_nouns for w in words)


# --------------------------------------------------------------------------------- ranges
_DIGITS = ("digits", "decimal")
_RANGE_GAP = re.compile(rf"{_S}*[-–—]{_S}*|{_S}+to{_S}+|{_S}+and{_S}+", re.I)


def _ranges(text: str, atoms: list[_Atom]) -> list[list[_Atom]]:
    groups: list[list[_Atom]] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and _is_range(text, a, b):
            groups.append([a, b])
            i += 2
        else:
            groups.append([a])
            i += 1
    return groups


def _is_range(text: str, a: _Atom, b: _Atom) -> bool:
    if a.kind == "vague" or b.kind == "vague":
        return False
    gap = text[a.end : b.start]
    if not _RANGE_GAP.fullmatch(gap):
        return False
    before = text[max(0, a.start - 12) : a.start].lower()
    word = gap.strip().lower()
    if word == "and" and not before.rstrip().endswith("between"):
        return False
    if word == "to" and before.rstrip().endswith("from"):
        return False  # "rose from 30 to 40": a change, not a range
    if word in "-–—" and (a.kind not in _DIGITS or b.kind not in _DIGITS):
        return False
    if b.kind == "decimal" or (a.kind == "decimal" and b.scale == 1):
        return False
    return _low(a, b) < b.value


def _low(a: _Atom, b: _Atom) -> int:
    """Low end of a range; "2 to 3 million" carries the scale over to the first number."""
    if a.scale == 1 and b.scale > 1 and a.raw * b.scale < b.value:
        return round(a.raw * b.scale)
    return a.value


def _mention(text: str, group: list[_Atom]) -> NumberMention:
    lex = _lexicon()
    first, last = group[0], group[-1]
    start, end = first.start, last.end
    lead = text[max(0, start - 12) : start]
    if len(group) == 2 and lead.lower().rstrip().endswith("between"):
        start -= len(lead) - lead.lower().rindex("between")
    qualifier = None
    q = lex.qualifier_before_re.search(text[max(0, start - _LOOKBACK_CHARS) : start])
    if q is not None:
        qualifier = lex.qualifiers_before[re.sub(r"\s+", " ", q.group().strip().lower())]
        start -= len(q.group())
    else:
        qa = lex.qualifier_after_re.match(text, end)
        if qa is not None:
            qualifier = lex.qualifiers_after[qa.group().strip().lower()]
            end = qa.end()
    if len(group) == 2:
        low = _low(first, last)
        return NumberMention(start, end, low, qualifier or "at_least", low, last.value)
    if first.vague is not None:
        spec = first.vague
        return NumberMention(
            start, end, first.value, qualifier or spec["qualifier"], spec.get("low"),
            spec.get("high"), vague=True,
        )  # fmt: skip
    return NumberMention(start, end, first.value, qualifier or "exact")
