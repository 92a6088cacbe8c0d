"""Noise removal: page furniture (comment boxes, share widgets, bylines, captions) out of text.

Rules live in ``noise_patterns.txt`` beside this module. The article body is kept whole: a
rule only drops a line that is furniture from start to end, or cuts a caption credit off the
end of a line; a repeated line (a caption printed twice) keeps its first copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from khorasan.errors import ConfigError
from khorasan.ingest.dates import date_line_kind

__all__ = ["NoiseRules", "clean_text", "load_rules"]

PATTERNS_FILE = "noise_patterns.txt"
# A repeated line this long is a repeated caption or paragraph, not a short refrain.
REPEAT_MIN_CHARS = 40
_MAX_PASSES = 8  # each pass only deletes, so a handful always reaches the fixed point


@dataclass(frozen=True)
class NoiseRules:
    lines: tuple[re.Pattern[str], ...]  # a line matching one of these is furniture
    cuts: tuple[re.Pattern[str], ...]  # fragments cut out of a line (caption credits)


@cache
def load_rules() -> NoiseRules:
    """Read and compile ``noise_patterns.txt`` once; a bad rule fails with its line number."""
    source = resources.files(__package__).joinpath(PATTERNS_FILE)
    lines: list[re.Pattern[str]] = []
    cuts: list[re.Pattern[str]] = []
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        kind, _, regex = rule.partition(":")
        target = {"line": lines, "cut": cuts}.get(kind.strip())
        if target is None or not regex.strip():
            raise ConfigError(f"{PATTERNS_FILE}:{number}", "expected 'line: REGEX' or 'cut: REGEX'")
        try:
            target.append(re.compile(regex.strip(), re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(f"{PATTERNS_FILE}:{number}", f"bad regex: {exc}") from exc
    return NoiseRules(tuple(lines), tuple(cuts))


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
    if not any(ch.isalnum() for ch in line):
        return True  # separators, bullets, lone dashes
    if date_line_kind(line) in ("published", "updated"):
        return True  # "Published: ..." / "Last Updated ..." (metadata reads it first)
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


def _clean_once(text: str, rules: NoiseRules) -> str:
    kept: list[str] = []
    seen: set[str] = set()
    last = None
    for raw in text.split("\n"):
        line = _clean_line(raw, rules)
        if line is None:
            continue
        if line:
            if line == last or (len(line) >= REPEAT_MIN_CHARS and line in seen):
                continue  # a caption or paragraph printed twice
            last = line
            seen.add(line)
        elif not kept or not kept[-1]:
            continue  # one blank line between paragraphs is enough
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def clean_text(text: str) -> str:
    """Remove page furniture from plain text; the body is kept whole, nothing is added."""
    rules = load_rules()
    for _ in range(_MAX_PASSES):
        cleaned = _clean_once(text, rules)
        if cleaned == text:
            break
        text = cleaned
    return text
