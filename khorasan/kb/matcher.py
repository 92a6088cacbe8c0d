"""Whole-word, longest-match alias search over a text in one Aho-Corasick pass.

Keys are normalised (lower case, one kind of dash, apostrophe and space) without changing
the text's length, so every offset found is an offset into the original text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import ahocorasick

__all__ = ["AliasMatcher", "Match", "case_ok", "normalise"]

T = TypeVar("T")

_FOLD = {
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"},
    **{ord(c): "'" for c in "\u2018\u2019\u02bc\u2032`"},
    **{ord(c): " " for c in "\u00a0\u2009\u202f\t\n\r\f\v"},
}

# the same folds as (character, replacement) pairs: ``str.replace`` of the few that occur
# scans in C, where ``translate`` with a dict looks up every character (0.6 ms a page)
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())


def _fold(text: str) -> str:
    """``text.translate(_FOLD)`` (no replacement is itself a character folded)."""
    for c, replacement in _FOLD_PAIRS:
        if c in text:
            text = text.replace(c, replacement)
    return text


@lru_cache(maxsize=8)  # the actor, place and non-place matchers read the same text in turn
def normalise(text: str) -> str:
    """Fold case, dashes, apostrophes and spaces; the result has the length of ``text``."""
    folded = _fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # a few characters (e.g. "İ") lower to two: keep those as they are
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def case_ok(surface: str, alias: str, mode: str) -> bool:
    """Whether ``surface`` (the text as written) may stand for ``alias`` under ``mode``."""
    if mode == "exact":
        return surface.translate(_FOLD) == alias.translate(_FOLD)
    if mode == "title" and alias[:1].isupper():
        return surface[:1].isupper()
    return True


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    start: int
    end: int
    payloads: tuple[T, ...]  # every reading whose case test the surface passed, in build order


class AliasMatcher(Generic[T]):
    """Finds aliases as whole words; on overlap the longest match (then the earliest) wins."""

    def __init__(self, entries: Iterable[tuple[str, str, T]]) -> None:
        """``entries``: (alias, case mode, payload); one alias may carry several payloads."""
        table: dict[str, list[tuple[str, str, T]]] = {}
        for alias, mode, payload in entries:
            key = normalise(alias.strip())
            if key:
                table.setdefault(key, []).append((alias, mode, payload))
        self._automaton = ahocorasick.Automaton()
        for key, readings in table.items():
            self._automaton.add_word(key, (len(key), tuple(readings)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table

    def find(
        self, text: str, accept: Callable[[str, int, int, str, str], bool] | None = None
    ) -> list[Match[T]]:
        """Matches sorted by start, non-overlapping. ``accept(text, start, end, alias, mode)``
        may veto a reading after the case test."""
        if self._empty or not text:
            return []
        key_text = normalise(text)
        n = len(text)
        found: list[tuple[int, int, tuple[T, ...]]] = []
        for last, (length, readings) in self._automaton.iter(key_text):
            start, end = last - length + 1, last + 1
            if (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum()):
                continue
            surface = text[start:end]
            ok = tuple(
                p
                for alias, mode, p in readings
                if case_ok(surface, alias, mode)
                and (accept is None or accept(text, start, end, alias, mode))
            )
            if ok:
                found.append((start, end, ok))
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = bytearray(n)
        chosen: list[Match[T]] = []
        for start, end, payloads in found:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(Match(start, end, payloads))
        chosen.sort(key=lambda m: m.start)
        return chosen
