"""Trigger matchers built from the knowledge base's taxonomies (attack types, targets, suicide)."""

from __future__ import annotations

import re
from functools import cache

from khorasan.kb import load_lexicon

__all__ = ["attack_triggers", "suicide_pattern", "target_triggers"]


def _alternation(phrases: list[str]) -> str:
    # longest first so "car bomb" wins over "bomb"; phrases are plain text, not regexes
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


@cache
def _category_pattern(lexicon: str) -> re.Pattern[str]:
    groups = []
    for i, (_category, phrases) in enumerate(sorted(load_lexicon(lexicon).items())):
        if phrases:
            groups.append(f"(?P<c{i}>{_alternation(phrases)})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(groups) + r")(?![\w-])", re.IGNORECASE)


@cache
def _category_names(lexicon: str) -> dict[str, str]:
    return {f"c{i}": c for i, c in enumerate(sorted(load_lexicon(lexicon)))}


def _find(lexicon: str, text: str) -> list[tuple[str, int, int]]:
    names = _category_names(lexicon)
    out = []
    for m in _category_pattern(lexicon).finditer(text):
        group = m.lastgroup
        if group is not None:
            out.append((names[group], m.start(), m.end()))
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
    return re.compile(r"(?<![\w-])(?:" + _alternation(phrases) + r")(?![\w-])", re.IGNORECASE)


ATTACK_LEXICON = "attack_types"
TARGET_LEXICON = "target_types"
SUICIDE_LEXICON = "suicide"
