"""Taxonomy lexicons (``<name>.csv``: ``category,phrase``) for the incident extractor, and the
kinds of site fusion compares (``site_kinds``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from khorasan.errors import KnowledgeBaseError
from khorasan.kb._rows import DATA_DIR, check_unique, read_rows

__all__ = ["LEXICON_CATEGORIES", "LEXICONS", "load_lexicon"]

# The closed category sets of SCHEMA.md; a lexicon row outside them is a typo.
LEXICON_CATEGORIES: dict[str, frozenset[str]] = {
    "attack_types": frozenset({
        "bombing", "armed_assault", "assassination", "hostage_taking", "airstrike", "rocket",
        "raid", "jailbreak", "other",
    }),
    "target_types": frozenset({
        "religious", "civilians", "government", "security_forces", "militants", "foreign",
        "education", "infrastructure", "media", "other",
    }),
    "suicide": frozenset({"suicide"}),
    "casualties": frozenset({"killed", "wounded"}),
    # single words naming the kind of place an attack struck; hospitals (where the wounded are
    # taken), funerals and ministries (which speak) are left out: reports of one attack name them
    # beside its site
    "site_kinds": frozenset({
        "worship", "school", "hotel", "embassy", "airport", "market", "bank", "prison", "venue",
    }),
}  # fmt: skip
LEXICONS = tuple(LEXICON_CATEGORIES)


@cache
def load_lexicon(name: str, path: Path | None = None) -> dict[str, list[str]]:
    """Category -> phrases (plain text, file order) of lexicon ``name``."""
    if name not in LEXICON_CATEGORIES:
        raise KnowledgeBaseError(f"{name}.csv:0", f"unknown lexicon; known: {', '.join(LEXICONS)}")
    allowed = LEXICON_CATEGORIES[name]
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for row in read_rows(path or DATA_DIR / f"{name}.csv", ("category", "phrase")):
        category = row.choice("category", allowed)
        phrase = " ".join(row.text("phrase").split())
        check_unique(row, "phrase", f"{category}\x00{phrase.lower()}", seen)
        out.setdefault(category, []).append(phrase)
    return out
