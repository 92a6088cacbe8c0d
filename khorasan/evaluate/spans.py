"""Locating evidence strings in document text, and comparing evidence by tokens.

Gold evidence is verbatim but may join non-adjacent passages, either with " ... " or simply
with a space between sentences that are apart in the document; locating therefore falls back
from exact search to whitespace-normalised search to sentence-by-sentence search.
"""

from __future__ import annotations

import re

__all__ = [
    "Span",
    "evidence_pieces",
    "locate_evidence",
    "overlap_chars",
    "token_containment",
]

Span = tuple[int, int]

_PIECE_SEP = " ... "
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)]?\s+")
_TOKEN = re.compile(r"\w+")
# Typographic variants that annotators and extractors render differently; same-length
# replacements keep offsets valid.
_CHAR_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_MIN_SENTENCE_CHARS = 12  # shorter fragments ("Advertisement") locate spuriously


def evidence_pieces(evidence: str | None) -> list[str]:
    """Split evidence on the " ... " joiner; empty pieces are dropped."""
    if not evidence:
        return []
    return [p.strip() for p in evidence.split(_PIECE_SEP) if p.strip()]


def _normalise(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space and fold quotes; returns the offset map."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_CHAR_FOLD)):
        if ch.isspace():
            if in_space:
                continue
            in_space = True
            out.append(" ")
        else:
            in_space = False
            out.append(ch)
        index.append(i)
    return "".join(out), index


class _Locator:
    """Finds strings in one text: exact first, then whitespace/quote-normalised."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm, self.index = _normalise(text)

    def find(self, needle: str, start_hint: int = 0) -> Span | None:
        needle = needle.strip()
        if not needle:
            return None
        pos = self.text.find(needle, start_hint)
        if pos < 0:
            pos = self.text.find(needle)
        if pos >= 0:
            return (pos, pos + len(needle))
        norm_needle, _ = _normalise(needle)
        norm_needle = norm_needle.strip()
        npos = self.norm.find(norm_needle)
        if npos < 0:
            return None
        start = self.index[npos]
        end = self.index[npos + len(norm_needle) - 1] + 1
        return (start, end)


def locate_evidence(text: str, evidence: str | None) -> list[Span]:
    """Character spans of every evidence piece found in ``text`` (possibly empty).

    A piece that is not found whole is split into sentences and each sentence located, so
    gold that silently skips sentences still yields spans.
    """
    locator = _Locator(text)
    spans: list[Span] = []
    cursor = 0
    for piece in evidence_pieces(evidence):
        span = locator.find(piece, cursor)
        if span is not None:
            spans.append(span)
            cursor = span[1]
            continue
        for sentence in _SENTENCE_SPLIT.split(piece):
            if len(sentence.strip()) < _MIN_SENTENCE_CHARS:
                continue
            span = locator.find(sentence, cursor)
            if span is not None:
                spans.append(span)
                cursor = span[1]
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def overlap_chars(a: list[Span], b: list[Span]) -> int:
    """Characters shared by two span lists (each assumed non-overlapping internally)."""
    total = 0
    for s1, e1 in a:
        for s2, e2 in b:
            total += max(0, min(e1, e2) - max(s1, s2))
    return total


def _tokens(text: str | None) -> set[str]:
    return {t.casefold() for t in _TOKEN.findall(text or "")}


def token_containment(a: str | None, b: str | None) -> float:
    """Share of the smaller token set found in the other, 0.0 when either is empty."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))
