"""Whole-word, longest-match alias search over a text in one Aho-Corasick pass.

Keys are normalised (lower case, one kind of dash, apostrophe and space) without changing
the text's length, so every offset found is an offset into the original text.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

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
        self._table = {key: (len(key), tuple(readings)) for key, readings in table.items()}
        self._empty = not table
        self._serial = next(_SERIALS)
        _LIVE[self._serial] = self

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
        for last, (length, readings) in _joint_with(self).hits(key_text).get(self._serial, ()):
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


# Every live matcher, by serial number (never reused, unlike ``id``), for the joint automaton.
_SERIALS = itertools.count()
_LIVE: weakref.WeakValueDictionary[int, AliasMatcher[Any]] = weakref.WeakValueDictionary()
_JOINT_LOCK = threading.Lock()


class _Joint:
    """One automaton over the keys of every live matcher. The matchers of a document (actors,
    places, non-places, persons) read the same text in turn: one pass finds the keys of all
    of them, where each pass costs some 25 ns a character however few keys it finds. Each
    matcher gets the hits of its own keys, in the order its own automaton gives them."""

    __slots__ = ("automaton", "last", "members")

    def __init__(self, matchers: list[AliasMatcher[Any]]) -> None:
        table: dict[str, list[tuple[int, Any]]] = {}
        for matcher in matchers:
            for key, value in matcher._table.items():
                table.setdefault(key, []).append((matcher._serial, value))
        self.automaton = ahocorasick.Automaton()
        for key, owners in table.items():
            self.automaton.add_word(key, tuple(owners))
        if table:
            self.automaton.make_automaton()
        self.members = frozenset(m._serial for m in matchers)
        self.last: tuple[str, dict[int, list[tuple[int, Any]]]] | None = None

    def hits(self, key_text: str) -> dict[int, list[tuple[int, Any]]]:
        """(end index, value) of every key in ``key_text``, by the serial of its matcher."""
        last = self.last
        if last is not None and last[0] == key_text:
            return last[1]
        by_matcher: dict[int, list[tuple[int, Any]]] = {}
        for end, owners in self.automaton.iter(key_text):
            for serial, value in owners:
                found = by_matcher.get(serial)
                if found is None:
                    by_matcher[serial] = [(end, value)]
                else:
                    found.append((end, value))
        self.last = (key_text, by_matcher)
        return by_matcher


_JOINT: _Joint | None = None


def _joint_with(matcher: AliasMatcher[Any]) -> _Joint:
    """The joint automaton, built anew when ``matcher`` is not yet in it (a matcher is made
    once per process and kind, so this happens a few times)."""
    global _JOINT
    joint = _JOINT
    if joint is None or matcher._serial not in joint.members:
        with _JOINT_LOCK:
            joint = _JOINT
            if joint is None or matcher._serial not in joint.members:
                joint = _JOINT = _Joint(list(_LIVE.values()))
    return joint
