"""Extract: one extractor per record kind, each a function of an annotated document.

:func:`extract_document` is the contract of ``khorasan extract --json`` (see DESIGN.md): one
object per document with every record kind, each record carrying evidence, span and confidence.
"""

from __future__ import annotations

from typing import Any

from khorasan.annotate import annotate
from khorasan.extract.incidents import extract_incidents
from khorasan.extract.leaders import extract_leaders
from khorasan.extract.plots import extract_plots
from khorasan.extract.relations import extract_relations
from khorasan.extract.statistics import extract_statistics
from khorasan.extract.strength import extract_strength
from khorasan.extract.version import data_files, extractor_version
from khorasan.model import Document

__all__ = ["EXTRACTOR_VERSION", "extract_document"]

# Stored mentions record the version that made them: the package version and a hash of every
# data file extraction reads ("0.1.0+3f2a9c1d"), so it changes whenever the output may.
EXTRACTOR_VERSION = extractor_version(data_files())

RECORD_KINDS = ("incidents", "statistics", "strength", "plots", "leaders", "relations")
# The other record kinds, each one function of the annotated document.
RECORD_EXTRACTORS = {
    "statistics": extract_statistics,
    "strength": extract_strength,
    "plots": extract_plots,
    "leaders": extract_leaders,
    "relations": extract_relations,
}


def extract_document(doc: Document) -> dict[str, Any]:
    """Every record kind for one document (kinds without an extractor yet are empty lists)."""
    ann = annotate(doc)
    result: dict[str, Any] = {"doc": doc.name, "published": doc.published}
    for kind in RECORD_KINDS:
        result[kind] = []
    result["incidents"] = extract_incidents(ann)
    for kind, extractor in RECORD_EXTRACTORS.items():
        result[kind] = extractor(ann)
    return result
