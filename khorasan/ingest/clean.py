"""Noise removal: page furniture (comment boxes, share widgets, bylines, captions, related
article lists, embedded posts, markup residue) out of text.

Rules live in ``noise_patterns.txt`` beside this module. The article body is kept whole: a
rule only drops a line that is furniture from start to end, or cuts a caption credit off the
end of a line. Beyond single lines:

- a related-articles label ("Related Articles", "Check Also") drops itself and the headlines
  and teasers listed under it, up to the next body paragraph;
- inside the body, a lone headline that reports an attack (``inset:`` rules) between two body
  paragraphs is another article's headline, inset by the page;
- a repeated line keeps one copy: a headline or caption its first, a paragraph its last (a
  teaser at the top of a page repeats the body's opening paragraphs, which go on below it);
- an HTML fragment (a page's paragraphs with their tags) loses its tags and scripts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from khorasan.errors import ConfigError
from khorasan.ingest.dates import date_line_kind
from khorasan.ingest.html import strip_fragment_markup

__all__ = ["NoiseRules", "clean_text", "load_rules"]

PATTERNS_FILE = "noise_patterns.txt"
# A repeated line this long is a repeated caption or paragraph, not a short refrain.
REPEAT_MIN_CHARS = 40
_MAX_PASSES = 8  # each pass only deletes, so a handful always reaches the fixed point


# A body paragraph: a line this long that ends like a sentence.
BODY_MIN_CHARS = 60
# A headline: at most this long and this many words, and not ending like a sentence.
HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 20
_CLOSING = ".!?:;\"”’'"
# a line that ends like this goes on in the next: a hard-wrapped sentence, no headline
_WRAPPED = re.compile(
    r"(?:,|\b(?:a|an|the|of|in|on|at|to|by|for|with|from|into|and|or|but|as|that|which|who|"
    r"was|were|is|are|has|have|had|its|their))$",
    re.I,
)
_TEASER_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])$")
# a character str.isalnum() accepts (a word character but the underscore: checked over all
# of Unicode): one search in C instead of a generator over the line
_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class NoiseRules:
    lines: tuple[re.Pattern[str], ...]  # a line matching one of these is furniture
    cuts: tuple[re.Pattern[str], ...]  # fragments cut out of a line (caption credits)
    labels: tuple[re.Pattern[str], ...] = ()  # related-list labels: they and their list go
    insets: tuple[re.Pattern[str], ...] = ()  # a lone headline in the body matching is inset
    # each kind's rules as one alternation: one call in C per line, not one per rule (a
    # line's fate is the same: see _either); None where they cannot be joined
    any_line: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    any_label: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    any_inset: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, patterns in (("any_line", self.lines), ("any_label", self.labels),
                               ("any_inset", self.insets)):  # fmt: skip
            object.__setattr__(self, name, _either(patterns))


_NUMBERED_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _either(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches (fullmatch, search) where one of ``patterns`` does: an
    alternation backtracks into its next branch, so ``(?:a)|(?:b)`` fullmatches a line iff
    ``a`` or ``b`` does. None for no patterns, mixed flags, or a pattern whose group numbers
    would shift (a numbered back-reference) or clash (a named group twice)."""
    if not patterns or len({p.flags for p in patterns}) != 1:
        return None
    if any(_NUMBERED_REFERENCE.search(p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


@cache
def load_rules() -> NoiseRules:
    """Read and compile ``noise_patterns.txt`` once; a bad rule fails with its line number."""
    source = resources.files(__package__).joinpath(PATTERNS_FILE)
    lines: list[re.Pattern[str]] = []
    cuts: list[re.Pattern[str]] = []
    labels: list[re.Pattern[str]] = []
    insets: list[re.Pattern[str]] = []
    kinds = {"line": lines, "cut": cuts, "label": labels, "inset": insets}
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        kind, _, regex = rule.partition(":")
        target = kinds.get(kind.strip())
        if target is None or not regex.strip():
            raise ConfigError(
                f"{PATTERNS_FILE}:{number}", "expected 'line:', 'cut:', 'label:' or 'inset:' REGEX"
            )
        try:
            target.append(re.compile(regex.strip(), re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(f"{PATTERNS_FILE}:{number}", f"bad regex: {exc}") from exc
    return NoiseRules(tuple(lines), tuple(cuts), tuple(labels), tuple(insets))


def _cut_credits(line: str, rules: NoiseRules) -> tuple[str, bool]:
    cut = False
    changed = True
    while changed and line:
        changed = False
        for pattern in rules.cuts:
            match = pattern.search(line)
            if match and match.end() > match.start():
                line = (line[: match.start()] + line[match.end() :]).strip()
                cut = changed = True
    return line, cut


def _is_furniture(line: str, rules: NoiseRules) -> bool:
    if _ALNUM.search(line) is None:
        return True  # separators, bullets, lone dashes
    if date_line_kind(line) in ("published", "updated"):
        return True  # "Published: ..." / "Last Updated ..." (metadata reads it first)
    if rules.any_line is not None:
        return rules.any_line.fullmatch(line) is not None
    return any(p.fullmatch(line) for p in rules.lines)


def _clean_line(line: str, rules: NoiseRules) -> str | None:
    """The line without furniture: None to drop it, "" for a blank line."""
    line = line.strip()
    if not line:
        return ""
    line, cut = _cut_credits(line, rules)
    if cut and not any(ch.islower() for ch in line):
        return None  # a caption reduced to its slug ("AFGHANISTAN-CONFLICT")
    if not line or _is_furniture(line, rules):
        return None
    return line


def _is_paragraph(line: str) -> bool:
    """A body paragraph: long, ending like a sentence, not a teaser cut off with "…"."""
    return len(line) >= BODY_MIN_CHARS and line[-1] in _CLOSING and not _TEASER_END.search(line)


def _is_headline(line: str) -> bool:
    """A headline or link text: short, and not ending like a sentence."""
    return (
        len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and line[-1] not in _CLOSING
    )


def _kept_lines(lines: list[str | None], labels: list[bool], rules: NoiseRules) -> list[str | None]:
    """Drop related lists and inset headlines; None marks a dropped line,
    "" a blank one. ``labels`` says which lines are related-list labels."""
    out: list[str | None] = list(lines)
    listing = False  # under a related-articles label, until the next body paragraph
    in_body = False  # a body paragraph has been kept
    previous = ""  # the last non-blank line kept
    for i, line in enumerate(lines):
        if labels[i]:
            out[i] = None
            # before the body, a label is navigation: the article's own title may follow
            listing = listing or in_body
            continue
        if line is None or not line:
            continue
        if listing:
            if not _is_paragraph(line):
                out[i] = None
                continue
            listing = False
        if (
            _is_headline(line)
            and (line[0].isupper() or line[0].isdigit())
            and not _WRAPPED.search(line)
            and _is_paragraph(previous)
            and _found(line, rules.insets, rules.any_inset)
        ):
            nxt = _after(lines, i)
            if nxt is not None and _is_paragraph(nxt) and not nxt[0].islower():
                out[i] = None  # another article's headline between two paragraphs
                continue
        previous = line
        in_body = in_body or _is_paragraph(line)
    return out


def _found(line: str, patterns: Sequence[re.Pattern[str]], either: re.Pattern[str] | None) -> bool:
    """Whether one of ``patterns`` is found in ``line`` (``either``: them joined)."""
    if either is not None:
        return either.search(line) is not None
    return any(p.search(line) for p in patterns)


def _after(lines: list[str | None], i: int) -> str | None:
    """The first non-blank line after line ``i``."""
    return next((x for x in lines[i + 1 :] if x), None)


def _copy_kept(lines: list[str | None]) -> set[int]:
    """Which copy of each repeated line stays: a paragraph its last one, anything else (a
    caption, a headline) its first; a copy right after another is the same print twice."""
    positions: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line and len(line) >= REPEAT_MIN_CHARS:
            positions.setdefault(line, []).append(i)
    keep: set[int] = set()
    for line, where in positions.items():
        keep.add(where[-1] if _is_paragraph(line) else where[0])
    return keep


def _clean_once(text: str, rules: NoiseRules, memo: dict[str, tuple[bool, str | None]]) -> str:
    raw_lines = text.split("\n")
    read = []
    for raw in raw_lines:
        found = memo.get(raw)
        if found is None:
            stripped = raw.strip()
            label = (rules.any_label.fullmatch(stripped) is not None
                     if rules.any_label is not None
                     else any(p.fullmatch(stripped) for p in rules.labels))  # fmt: skip
            found = memo[raw] = (label, _clean_line(raw, rules))
        read.append(found)
    labels = [label for label, _line in read]
    lines = _kept_lines([line for _label, line in read], labels, rules)
    chosen = _copy_kept(lines)
    kept: list[str] = []
    last = None
    for i, line in enumerate(lines):
        if line is None:
            continue
        if line:
            if line == last:
                continue  # a caption or paragraph printed twice in a row
            if len(line) >= REPEAT_MIN_CHARS and i not in chosen:
                continue  # another copy of it stays
            last = line
        elif not kept or not kept[-1]:
            continue  # one blank line between paragraphs is enough
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def clean_text(text: str) -> str:
    """Remove page furniture from plain text; the body is kept whole, nothing is added."""
    rules = load_rules()
    text = strip_fragment_markup(text)
    # a line reads the same in every pass (each pass sees most lines again): read it once
    memo: dict[str, tuple[bool, str | None]] = {}
    for _ in range(_MAX_PASSES):
        cleaned = _clean_once(text, rules, memo)
        if cleaned == text:
            break
        text = cleaned
    return text
