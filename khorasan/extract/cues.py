"""The extractors' data files, each read once: cue patterns and word lists in ``data/``.

A cue file (``*_cues.json``) maps a key to a list of regex fragments, or to a mapping of such
lists (``"leader_roles": {"emir": [...], ...}``); keys starting with ``_`` are comments. Every
fragment is compiled when the file is read, at import, so a bad one stops a run before its first
document with a :class:`~khorasan.errors.DataFileError` naming the file and the key. A lexicon
file (``*_lexicon.json``) holds plain words and tables: nothing in it is a pattern.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from khorasan.errors import DataFileError
from khorasan.extract.prefilter import prefiltered

__all__ = [
    "DATA_DIR",
    "INCIDENT_CUES",
    "INCIDENT_LEXICON",
    "RECORD_CUES",
    "RECORD_LEXICON",
    "Cues",
    "cue",
    "cue_alternation",
    "cue_pattern",
    "join_patterns",
    "load_cues",
    "load_lexicon_file",
    "word_alternation",
    "word_order",
]

DATA_DIR = Path(__file__).parent / "data"

Cues = dict[str, list[str] | dict[str, list[str]]]


def load_cues(path: Path) -> Cues:
    """The cue file at ``path``, every pattern in it compiled once to prove it valid."""
    cues: Cues = {}
    for key, value in _read_object(path).items():
        if isinstance(value, dict):
            for sub, phrases in value.items():
                _check_patterns(path, f"{key}.{sub}", phrases)
        else:
            _check_patterns(path, key, value)
        cues[key] = value
    return cues


def _check_patterns(path: Path, key: str, phrases: Any) -> None:
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise DataFileError(path.name, f"key {key!r}: expected a list of patterns")
    for phrase in phrases:
        # alone, for the position in the message; inside a group, as the extractors join them.
        # A phrase that compiles alone has balanced groups, so inside one it fails only where
        # it opens with global flags ("(?i)..."); the second compile is spent on those alone
        # (each compile costs about 0.2 ms, and every pool worker imports this module)
        sources = (phrase, f"(?:{phrase})") if phrase.startswith("(?") else (phrase,)
        for source in sources:
            try:
                re.compile(source, re.IGNORECASE)
            except re.error as exc:
                raise DataFileError(path.name, f"key {key!r}: bad pattern: {exc}") from None


def load_lexicon_file(path: Path) -> dict[str, Any]:
    """The word lists and tables of the lexicon file at ``path``."""
    return _read_object(path)


def _read_object(path: Path) -> dict[str, Any]:
    """A JSON object without its comment keys (``_...``); a broken file is a DataFileError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(path.name, f"cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise DataFileError(path.name, f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(path.name, "expected a JSON object of keys")
    return {k: v for k, v in data.items() if not k.startswith("_")}


# Read at import: a bad pattern or a broken file fails before any document is read.
INCIDENT_CUES = load_cues(DATA_DIR / "incident_cues.json")
RECORD_CUES = load_cues(DATA_DIR / "records_cues.json")
INCIDENT_LEXICON = load_lexicon_file(DATA_DIR / "incident_lexicon.json")
RECORD_LEXICON = load_lexicon_file(DATA_DIR / "records_lexicon.json")


def join_patterns(phrases: Iterable[str]) -> str:
    """Regex fragments as one alternation, each in a group of its own."""
    return "|".join(f"(?:{p})" for p in phrases)


def word_order(words: Iterable[str]) -> list[str]:
    """The distinct stripped words in the order :func:`word_alternation` tries them."""
    return sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)


def word_alternation(words: Iterable[str]) -> str:
    """Plain words and phrases (not patterns) as one alternation: longest first, so "car bomb"
    wins over "bomb" and "Dr." over "Dr"; a space matches any run of whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in word_order(words))


def cue_alternation(name: str, sub: str | None = None) -> str:
    """The phrases of incident cue list ``name`` (or ``name[sub]``) as one regex alternation,
    for the patterns that place them in a context of their own."""
    entry: Any = INCIDENT_CUES[name]
    return join_patterns(entry if sub is None else entry[sub])


@cache
def cue_pattern(name: str) -> re.Pattern[str]:
    """One case-insensitive alternation over the incident cue list ``name``, on word boundaries."""
    pattern = re.compile(r"(?<!\w)(?:" + cue_alternation(name) + r")", re.IGNORECASE)
    return prefiltered(pattern)


def cue(name: str, text: str) -> bool:
    """True if any phrase of incident cue list ``name`` occurs in ``text``."""
    return cue_pattern(name).search(text) is not None
