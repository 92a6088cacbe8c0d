"""Trigger matchers built from the knowledge base's taxonomies (attack types, targets, suicide)."""

from __future__ import annotations

import re
from functools import cache

from khorasan.extract.cues import word_alternation
from khorasan.kb import load_lexicon

__all__ = ["attack_triggers", "suicide_pattern", "target_triggers"]


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@cache
def _phrase_index(lexicon: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over every phrase of every category, longest first across categories,
    so "shot dead" (assassination) beats "shot" (armed assault) and "stormed the prison"
    (jailbreak) beats "stormed"; and the category of each phrase."""
    category_of: dict[str, str] = {}
    for category, phrases in sorted(load_lexicon(lexicon).items()):
        for phrase in phrases:
            category_of.setdefault(_key(phrase), category)
    phrases = [p for ps in load_lexicon(lexicon).values() for p in ps]
    pattern = re.compile(
        r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])", re.IGNORECASE
    )
    return pattern, category_of


# Characters that re.IGNORECASE folds onto an ASCII letter although str.lower() leaves them
# alone (re/_casefix.py): a text holding one takes the case-insensitive pattern.
_EXTRA_FOLDS = ("\u0131", "\u017f")


@cache
def _lowercase_pattern(lexicon: str) -> re.Pattern[str] | None:
    """The phrase alternation, lowercased and case-sensitive, to run over ``text.lower()``:
    a case-insensitive alternation this size is several times slower. None when a phrase holds
    a cased non-ASCII character, where lowercasing might not match as re.IGNORECASE does."""
    phrases = [p.lower() for ps in load_lexicon(lexicon).values() for p in ps]
    if any(not ch.isascii() and ch.upper() != ch for p in phrases for ch in p):
        return None
    return re.compile(r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])")


def _find(lexicon: str, text: str) -> list[tuple[str, int, int]]:
    pattern, category_of = _phrase_index(lexicon)
    # Same matches, faster: lowercasing keeps every offset when it keeps the length, and for
    # ASCII phrases it matches exactly what re.IGNORECASE would, bar the two extra folds.
    lowered = text.lower()
    fast = _lowercase_pattern(lexicon)
    if (
        fast is not None
        and len(lowered) == len(text)
        and not any(c in lowered for c in _EXTRA_FOLDS)
    ):
        pattern, text = fast, lowered
    out = []
    for m in pattern.finditer(text):
        category = category_of.get(_key(m.group()))
        if category is not None:
            out.append((category, m.start(), m.end()))
    return out


def attack_triggers(text: str) -> list[tuple[str, int, int]]:
    """(attack_type, start, end) for every trigger phrase in ``text``."""
    return _find(ATTACK_LEXICON, text)


def target_triggers(text: str) -> list[tuple[str, int, int]]:
    """(target_type, start, end) for every target phrase in ``text``."""
    return _find(TARGET_LEXICON, text)


@cache
def suicide_pattern() -> re.Pattern[str]:
    phrases = [p for ps in load_lexicon(SUICIDE_LEXICON).values() for p in ps]
    return re.compile(r"(?<![\w-])(?:" + word_alternation(phrases) + r")(?![\w-])", re.IGNORECASE)


ATTACK_LEXICON = "attack_types"
TARGET_LEXICON = "target_types"
SUICIDE_LEXICON = "suicide"
