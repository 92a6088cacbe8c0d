"""stub"""

from __future__ import annotations

from typing import Any

from khorasan.annotate import AnnotatedDocument

__all__ = ["extract_leaders"]


def extract_leaders(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    return []
