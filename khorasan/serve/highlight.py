"""Cut a document's text into pieces for highlighting extracted spans.

The pages never build markup from article text: these functions return plain pieces of text,
each with the spans that cover it, and the templates (autoescaped) wrap them in elements.
Spans may nest or overlap; every piece knows all the spans over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Piece", "Span", "context_window", "pieces", "span_of"]


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted range of the text: ``key`` names it in the page (an anchor id such as
    ``m-12``), ``kind`` styles it (``evidence``, ``killed``, ...), ``label`` says what it is,
    ``href`` where it leads (its event or record)."""

    start: int
    end: int
    key: str
    kind: str = "evidence"
    label: str = ""
    href: str | None = None


@dataclass(slots=True)
class Piece:
    text: str
    spans: list[Span] = field(default_factory=list)
    starts: list[Span] = field(default_factory=list)  # spans that begin with this piece
    ends: list[Span] = field(default_factory=list)  # spans that end with this piece

    @property
    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.spans})

    @property
    def keys(self) -> str:
        return " ".join(s.key for s in self.spans)


def pieces(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> list[Piece]:
    """``text[start:end]`` as pieces, cut at every span boundary inside it."""
    end = len(text) if end is None else min(end, len(text))
    inside = [s for s in spans if s.start < s.end and s.end > start and s.start < end]
    cuts = sorted({start, end, *(max(s.start, start) for s in inside),
                   *(min(s.end, end) for s in inside)})  # fmt: skip
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        over = [s for s in inside if s.start <= a and s.end >= b]
        out.append(Piece(text[a:b], over, [s for s in over if max(s.start, start) == a],
                         [s for s in over if min(s.end, end) == b]))  # fmt: skip
    return out


def context_window(text: str, start: int, end: int, around: int = 280) -> tuple[int, int]:
    """A window of about ``around`` characters either side of ``[start, end)``, widened to
    whole words and never across a blank line (the paragraph around the sentence)."""
    lo = max(0, start - around)
    hi = min(len(text), end + around)
    blank = text.rfind("\n\n", lo, start)
    if blank != -1:
        lo = blank + 2
    elif lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    blank = text.find("\n\n", end, hi)
    if blank != -1:
        hi = blank
    elif hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return lo, hi


def span_of(mention: dict[str, Any]) -> tuple[int, int]:
    """A mention's evidence span, from a stored row (``span_start``/``span_end``) or an
    event's mention (``span``)."""
    if "span" in mention and mention["span"]:
        return int(mention["span"][0]), int(mention["span"][1])
    return int(mention.get("span_start") or 0), int(mention.get("span_end") or 0)
