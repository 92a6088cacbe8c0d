"""Trigger matchers built from the knowledge base's taxonomies (attack types, targets, suicide)."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

import ahocorasick

from khorasan.extract.cues import word_alternation, word_order
from khorasan.kb import load_lexicon

__all__ = ["attack_triggers", "suicide_pattern", "target_triggers"]


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@cache
def _phrase_index(lexicon: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over every phrase of every category, longest first across categories,
    so "shot dead" (assassination) beats "shot" (armed assault) and "stormed the prison"
    (jailbreak) beats "stormed"; and the category of each phrase."""
    category_of: dict[str, str] = {}
    for category, phrases in sorted(load_lexicon(lexicon).items()):
        for phrase in phrases:
            category_of.setdefault(_key(phrase), category)
    phrases = [p for ps in load_lexicon(lexicon).values() for p in ps]
    pattern = re.compile(
        r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])", re.IGNORECASE
    )
    return pattern, category_of


# Characters that re.IGNORECASE folds onto an ASCII letter although str.lower() leaves them
# alone (re/_casefix.py): a text holding one takes the case-insensitive pattern.
_EXTRA_FOLDS = ("\u0131", "\u017f")


@cache
def _lowercase_pattern(lexicon: str) -> re.Pattern[str] | None:
    """The phrase alternation, lowercased and case-sensitive, to run over ``text.lower()``:
    a case-insensitive alternation this size is several times slower. None when a phrase holds
    a cased non-ASCII character, where lowercasing might not match as re.IGNORECASE does."""
    phrases = [p.lower() for ps in load_lexicon(lexicon).values() for p in ps]
    if any(not ch.isascii() and ch.upper() != ch for p in phrases for ch in p):
        return None
    return re.compile(r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])")


@cache
def _phrase_automaton(lexicon: str) -> ahocorasick.Automaton | None:
    """The lowercased phrases in an Aho-Corasick automaton, each with its rank in the
    alternation, its length and its category: the alternation tries every phrase at every
    position, the automaton finds every occurrence in one pass. None where a phrase holds
    whitespace other than single spaces (the regex's ``\\s+`` would read it otherwise)."""
    if _lowercase_pattern(lexicon) is None:
        return None
    _pattern, category_of = _phrase_index(lexicon)
    phrases = word_order(p.lower() for ps in load_lexicon(lexicon).values() for p in ps)
    if any("  " in p or any(c.isspace() and c != " " for c in p) for p in phrases):
        return None
    automaton = ahocorasick.Automaton()
    for rank, phrase in enumerate(phrases):
        automaton.add_word(phrase, (rank, len(phrase), category_of.get(_key(phrase))))
    automaton.make_automaton()
    return automaton


# A whitespace run the phrases' single spaces stand for but the text does not hold as one
# space: collapsed to one before the automaton reads the text.
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")
_WORDISH = re.compile(r"[\w-]")
# the ASCII characters ``\s`` matches besides the space
_ASCII_ODD_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _odd_space(low: str) -> bool:
    """Whether ``low`` holds whitespace other than single spaces (a few substring tests on
    ASCII text, several times quicker than the regex's scan)."""
    if not low.isascii():
        return _ODD_SPACE.search(low) is not None
    return "  " in low or any(c in low for c in _ASCII_ODD_SPACE)


def _collapsed(low: str) -> tuple[str, list[int], list[int]]:
    """``low`` with every whitespace run as one space, and where the offsets shift: from
    collapsed offset ``starts[k]`` on, add ``shifts[k]`` for the offset in ``low``."""
    parts: list[str] = []
    starts, shifts = [0], [0]
    prev = length = removed = 0
    for m in _ODD_SPACE.finditer(low):
        s, e = m.span()
        parts.append(low[prev:s])
        parts.append(" ")
        length += s - prev + 1
        removed += e - s - 1
        starts.append(length)
        shifts.append(removed)
        prev = e
    parts.append(low[prev:])
    return "".join(parts), starts, shifts


def _scan(automaton: ahocorasick.Automaton, low: str) -> list[tuple[str, int, int]]:
    """What ``finditer`` of the lowercased alternation finds in ``low``: at the leftmost
    position with a word boundary before it, the first phrase in alternation order with a
    boundary after it; then on from its end."""
    text = low
    starts: list[int] | None = None
    shifts: list[int] = []
    if _odd_space(low):
        text, starts, shifts = _collapsed(low)
    found = []
    for last, (rank, length, category) in automaton.iter(text):
        first = last - length + 1
        if starts is not None:  # back to offsets in ``low`` (both ends are not whitespace)
            first += shifts[bisect_right(starts, first) - 1]
            last += shifts[bisect_right(starts, last) - 1]
        found.append((first, rank, last + 1, category))
    if not found:
        return []
    found.sort()
    out = []
    cursor = 0  # where the last match ended: the next one starts at or after it
    size = len(low)
    for first, _rank, end, category in found:
        if first < cursor:
            continue
        if first and _WORDISH.match(low, first - 1):
            continue
        if end < size and _WORDISH.match(low, end):
            continue
        if category is not None:
            out.append((category, first, end))
        cursor = end
    return out


def _find(lexicon: str, text: str) -> list[tuple[str, int, int]]:
    pattern, category_of = _phrase_index(lexicon)
    # Same matches, faster: lowercasing keeps every offset when it keeps the length, and for
    # ASCII phrases it matches exactly what re.IGNORECASE would, bar the two extra folds.
    lowered = text.lower()
    fast = _lowercase_pattern(lexicon)
    if (
        fast is not None
        and len(lowered) == len(text)
        and not any(c in lowered for c in _EXTRA_FOLDS)
    ):
        automaton = _phrase_automaton(lexicon)
        if automaton is not None:
            return _scan(automaton, lowered)
        pattern, text = fast, lowered
    out = []
    for m in pattern.finditer(text):
        category = category_of.get(_key(m.group()))
        if category is not None:
            out.append((category, m.start(), m.end()))
    return out


def attack_triggers(text: str) -> list[tuple[str, int, int]]:
    """(attack_type, start, end) for every trigger phrase in ``text``."""
    return _find(ATTACK_LEXICON, text)


def target_triggers(text: str) -> list[tuple[str, int, int]]:
    """(target_type, start, end) for every target phrase in ``text``."""
    return _find(TARGET_LEXICON, text)


@cache
def suicide_pattern() -> re.Pattern[str]:
    phrases = [p for ps in load_lexicon(SUICIDE_LEXICON).values() for p in ps]
    return re.compile(r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])", re.IGNORECASE)


ATTACK_LEXICON = "attack_types"
TARGET_LEXICON = "target_types"
SUICIDE_LEXICON = "suicide"
