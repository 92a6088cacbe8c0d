"""Cue lexicons for the extractors, compiled once from ``data/incident_cues.json``."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

__all__ = ["cue", "cue_pattern"]

CUES_FILE = Path(__file__).parent / "data" / "incident_cues.json"


@cache
def _cues() -> dict[str, list[str]]:
    data = json.loads(CUES_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def cue_pattern(name: str) -> re.Pattern[str]:
    """One case-insensitive alternation over the cue list ``name``, on word boundaries."""
    phrases = _cues()[name]
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in phrases) + r")", re.IGNORECASE)


def cue(name: str, text: str) -> bool:
    """True if any phrase of cue list ``name`` occurs in ``text``."""
    return cue_pattern(name).search(text) is not None
