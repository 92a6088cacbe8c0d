"""Run a whole-text pattern only where a match can start.

A pattern opening with a lookahead on its first character and ``\\b`` ("(?=[Tt])\\b(?i:the
day before|...)") is still tried at every position by ``re``, which skips ahead only for a
plain character class or literal. :func:`finditer_at` tries ``match`` at the word starts whose
first character may open a match instead, giving the same matches as ``finditer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["finditer_at", "first_word_positions", "word_start_positions", "word_starts"]

_WORD_STARTS = re.compile(r"\b\w")
_WORDS = re.compile(r"\w+")
_ASCII_DIGITS = frozenset("0123456789")


@lru_cache(maxsize=2)  # the dates and the numbers of one text ask in turn
def word_starts(text: str) -> dict[str, list[int]]:
    """The positions where a word starts in ``text``, by its first character."""
    starts: dict[str, list[int]] = {}
    for m in _WORD_STARTS.finditer(text):
        i = m.start()
        starts.setdefault(text[i], []).append(i)
    return starts


def word_start_positions(text: str, leads: frozenset[str], lead: re.Pattern[str]) -> list[int]:
    """The word starts of ``text`` whose first character matches ``lead`` (a character class
    compiled with the pattern's flags), in order. ``leads`` holds the ASCII characters it
    matches; a character beyond ASCII is asked of ``lead`` itself (under IGNORECASE the long
    s matches "s")."""
    positions: list[int] = []
    for c, starts in word_starts(text).items():
        if c in leads or (not c.isascii() and lead.match(c)):
            positions.extend(starts)
    positions.sort()
    return positions


@dataclass(frozen=True, slots=True)
class _Words:
    by_word: dict[str, list[int]]  # an ASCII word, lower-cased -> where it starts
    digit_led: list[int]  # the ASCII words that open with a digit
    other: dict[str, list[int]]  # a word with a character beyond ASCII, by its first character


@lru_cache(maxsize=2)  # the dates and the numbers of one text ask in turn
def _words(text: str) -> _Words:
    low = text.lower()
    if len(low) != len(text):  # a character that lowers to two ("\u0130"): word by word
        return _words_one_by_one(text)
    # every other character lowers to one that is a word character exactly when it is one
    # (checked over all of Unicode), so the words of ``low`` stand where those of ``text`` do
    by_word: dict[str, list[int]] = {}
    for m in _WORDS.finditer(low):
        found = by_word.get(m[0])
        if found is None:
            by_word[m[0]] = [m.start()]
        else:
            found.append(m.start())
    other: dict[str, list[int]] = {}
    for word in [w for w in by_word if not w.isascii()]:
        for i in by_word.pop(word):
            other.setdefault(text[i], []).append(i)
    digit_led = [i for w, found in by_word.items() if w[0] in _ASCII_DIGITS for i in found]
    return _Words(by_word, digit_led, other)


def _words_one_by_one(text: str) -> _Words:
    by_word: dict[str, list[int]] = {}
    digit_led: list[int] = []
    other: dict[str, list[int]] = {}
    for m in _WORDS.finditer(text):
        word, i = m.group(), m.start()
        if not word.isascii():  # case folding beyond ASCII ("\u017f" is "s"): by character
            other.setdefault(word[0], []).append(i)
            continue
        by_word.setdefault(word.lower(), []).append(i)
        if word[0] in _ASCII_DIGITS:
            digit_led.append(i)
    return _Words(by_word, digit_led, other)


def first_word_positions(
    text: str,
    firsts: frozenset[str],
    digits: bool,
    leads: frozenset[str],
    lead: re.Pattern[str],
) -> list[int]:
    """The word starts of ``text`` where a match can start, for a pattern whose match opens
    with a whole word: one of ``firsts`` (lower-cased; the word is followed by no word
    character in the match) or, with ``digits``, any word opening with an ASCII digit. A
    word with a character beyond ASCII is tried when its first character passes the test of
    :func:`word_start_positions` (``leads``, ``lead``). A subset of that function's
    positions, holding every one a match can start at."""
    words = _words(text)
    positions: list[int] = []
    by_word = words.by_word
    if len(firsts) < len(by_word):
        for w in firsts:
            found = by_word.get(w)
            if found is not None:
                positions.extend(found)
    else:
        for w, found in by_word.items():
            if w in firsts:
                positions.extend(found)
    if digits:
        positions.extend(words.digit_led)
    for c, starts in words.other.items():
        if c in leads or (not c.isascii() and lead.match(c)):
            positions.extend(starts)
    positions.sort()
    return positions


def finditer_at(regex: re.Pattern[str], text: str, positions: list[int]) -> list[re.Match[str]]:
    """``regex.finditer(text)`` as a list, given ascending ``positions`` that include every
    position a match can start at: ``match`` is tried there only, and each search resumes where
    the last match ended, as ``finditer``'s does."""
    match = regex.match
    found: list[re.Match[str]] = []
    resume = 0
    for i in positions:
        if i < resume:
            continue
        m = match(text, i)
        if m is not None:
            if m.end() == i:  # an empty match: finditer's own rules for what follows apply
                return list(regex.finditer(text))
            found.append(m)
            resume = m.end()
    return found
