"""stub"""

from __future__ import annotations

from typing import Any

from khorasan.annotate import AnnotatedDocument

__all__ = ["extract_relations"]


def extract_relations(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    return []
