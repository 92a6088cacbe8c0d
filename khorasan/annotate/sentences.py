"""Sentence spans over unchanged text, by rule.

A line break ends a sentence (headlines, captions and paragraphs are lines of their own),
except in a hard-wrapped paragraph: a line that does not end like a sentence goes on over a
single line break when the next line begins in lower case, or when it ends with a comma or a
word that never ends a sentence ("... killed in\\nKabul on Friday"). Inside a line, ``.``,
``!`` or ``?`` (with any closing quotes or brackets) ends a sentence when whitespace and a
capital, a digit or an opening quote follow, except after abbreviations (``Gen.``, ``Jan.``),
initials (``Kenneth F. McKenzie``) and, unless a typical sentence opener follows,
abbreviations that may also close a sentence (``... in the U.S. The group ...``).
A run longer than any newsroom sentence (``MAX_SENTENCE_CHARS``) is cut at clause punctuation,
so that the work per mention of a sentence stays bounded on hostile pages.
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


# A sentence longer than this is no newsroom sentence (a list or table run together, or
# hostile input): it is cut at clause punctuation so that no per-mention reading of the
# sentence costs more than this many characters (issue 14); news sentences run to some 600.
MAX_SENTENCE_CHARS = 4000
_CLAUSE_MARK = re.compile(r"[;,:](?=\s+[^\d\s])")

_BREAK = re.compile(r"\r\n|[\n\r\u2028]")
_LINE_END = re.compile(r"[.!?:;\"'”’)\]]$")
_LAST_WORD = re.compile(r"(\w+)\W*$")


@dataclass(frozen=True, slots=True)
class _Rules:
    never_final: frozenset[str]
    maybe_final: frozenset[str]
    openers: frozenset[str]
    wrap_words: frozenset[str] = frozenset()


@cache
def _rules() -> _Rules:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return _Rules(
        frozenset(raw["never_final"]),
        frozenset(raw["maybe_final"]),
        frozenset(raw["openers"]),
        frozenset(raw.get("wrap_words", ())),
    )


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as spans trimmed of surrounding whitespace, in order."""
    sentences: list[Sentence] = []
    for line_start, line_end in _logical_lines(text):
        start = line_start
        for cut in _cuts(text, line_start, line_end):
            _add(text, start, cut, sentences)
            start = cut
        _add(text, start, line_end, sentences)
    return sentences


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """Line spans, the lines of a hard-wrapped sentence joined into one."""
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        if out and _continues(text, out[-1][1], m.start()):
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((m.start(), m.end()))
    return out


def _continues(text: str, end: int, start: int) -> bool:
    """Whether the line ending at ``end`` goes on in the line starting at ``start``."""
    gap = text[end:start]
    if len(_BREAK.findall(gap)) > 1 or "\u2029" in gap:
        return False  # a blank line or a paragraph separator between: a new paragraph
    previous = text[max(0, end - 200) : end].rstrip()
    following = text[start : start + 200].lstrip()
    if not previous or not following or _LINE_END.search(previous):
        return False
    if following[0].islower():
        return not following.startswith(("http:", "https:", "www."))
    if not following[0].isalnum():
        return False  # a bullet, a quote opening, a dash: a new item
    if previous.endswith(","):
        return True
    last = _LAST_WORD.search(previous)
    return last is not None and last.group(1).lower() in _rules().wrap_words


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
    while end - start > MAX_SENTENCE_CHARS:  # no newsroom sentence: cut into clauses
        cut = _clause_cut(text, start, start + MAX_SENTENCE_CHARS)
        _add(text, start, cut, out)  # at most MAX_SENTENCE_CHARS long: added as it is
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append(Sentence(start, end))


def _clause_cut(text: str, start: int, limit: int) -> int:
    """Where to end the first piece of a run too long for a sentence: after the last clause
    mark before ``limit`` that a space and a word (not a figure) follow, else at the last
    space, else at ``limit``; never in the first half of the run."""
    low = (start + limit) // 2
    cut = None
    for m in _CLAUSE_MARK.finditer(text, low, limit):
        cut = m.end()
    if cut is not None:
        return cut
    space = text.rfind(" ", low, limit)
    return space if space > low else limit


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
