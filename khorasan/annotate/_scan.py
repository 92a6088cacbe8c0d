"""Run a whole-text pattern only where a match can start.

A pattern opening with a lookahead on its first character and ``\\b`` ("(?=[Tt])\\b(?i:the
day before|...)") is still tried at every position by ``re``, which skips ahead only for a
plain character class or literal. :func:`finditer_at` tries ``match`` at the word starts whose
first character may open a match instead, giving the same matches as ``finditer``.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["finditer_at", "word_start_positions", "word_starts"]

_WORD_STARTS = re.compile(r"\b\w")


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
