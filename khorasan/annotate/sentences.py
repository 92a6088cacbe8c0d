"""Sentence spans over unchanged text, by rule.

A line break always ends a sentence (headlines, captions and paragraphs are lines of their
own). Inside a line, ``.``, ``!`` or ``?`` (with any closing quotes or brackets) ends a sentence
when whitespace and a capital, a digit or an opening quote follow, except after abbreviations
(``Gen.``, ``Jan.``), initials (``Kenneth F. McKenzie``) and, unless a typical sentence opener
follows, abbreviations that may also close a sentence (``... in the U.S. The group ...``).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khorasan.model import Sentence

__all__ = ["sentence_at", "split_sentences"]

_DATA = Path(__file__).parent / "data" / "sentences.json"

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
# end punctuation, closing quotes/brackets, then whitespace and something that may open a sentence
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+\S)")
_OPENING_QUOTES = "\"'“‘([«"
_AFTER = re.compile(r"\s+(\S)([\w’'-]*)")  # first character after the gap, rest of its word
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, U.N, a.m (final period removed)


@dataclass(frozen=True, slots=True)
class _Rules:
    never_final: frozenset[str]
    maybe_final: frozenset[str]
    openers: frozenset[str]


@cache
def _rules() -> _Rules:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return _Rules(
        frozenset(raw["never_final"]), frozenset(raw["maybe_final"]), frozenset(raw["openers"])
    )


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as spans trimmed of surrounding whitespace, in order."""
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for cut in _cuts(text, line.start(), line.end()):
            _add(text, start, cut, sentences)
            start = cut
        _add(text, start, line.end(), sentences)
    return sentences


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence containing character ``offset``, or None (``sentences`` sorted by start)."""
    i = bisect_right(sentences, offset, key=lambda s: s.start) - 1
    if i >= 0 and sentences[i].start <= offset < sentences[i].end:
        return sentences[i]
    return None


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end))


def _cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets inside ``text[start:end]`` (one line) after which a sentence ends."""
    cuts = []
    for m in _BOUNDARY.finditer(text, start, end):
        after = _AFTER.match(text, m.end(), end)
        if after is None:
            continue
        nxt, rest = after.groups()
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENING_QUOTES):
            continue
        next_word = rest if nxt in _OPENING_QUOTES else nxt + rest
        if _ends_sentence(text, start, m, next_word, nxt):
            cuts.append(m.end())
    return cuts


def _ends_sentence(text: str, line_start: int, m: re.Match[str], next_word: str, nxt: str) -> bool:
    punct = m.group().rstrip("\"'”’)]")
    if punct != ".":  # "!", "?", "..." end a sentence when a capital follows
        return True
    i = m.start()
    while i > line_start and not text[i - 1].isspace():
        i -= 1
    word = text[i : m.start()].lstrip(_OPENING_QUOTES)
    if not word:
        return True
    rules = _rules()
    if word in rules.never_final:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "Kenneth F. McKenzie"
        return False
    if word in rules.maybe_final or _ACRONYM.fullmatch(word):
        return next_word in rules.openers or nxt in _OPENING_QUOTES
    return True
