"""Ingest: sources (files, directories, JSONL, URLs, feeds) to clean, fingerprinted Documents.

The front door is :func:`iter_documents`; :func:`document_from_text` turns one text into a
:class:`~khorasan.model.Document`. Each step is its own module: ``sources`` (walk inputs),
``decode`` (bytes to text), ``html`` (main text), ``clean`` (noise removal, rules in
``noise_patterns.txt``), ``metadata`` and ``dates`` (title, date, outlet; the date a URL
files a page under is :mod:`khorasan.kb.dates`, shared with annotate), ``fingerprint`` (content
hash, SimHash) and ``fetch`` (safe HTTP).
"""

from __future__ import annotations

from khorasan.ingest.clean import clean_text
from khorasan.ingest.document import document_from_text
from khorasan.ingest.fetch import FetchedPage, check_url, fetch_url, fetch_with, make_client
from khorasan.ingest.fingerprint import (
    WIRE_COPY_MAX_DISTANCE,
    content_hash,
    hamming,
    is_wire_copy,
    normalise,
    simhash,
)
from khorasan.ingest.options import Failure, IngestOptions
from khorasan.ingest.sources import (
    FeedEntry,
    count_items,
    feed_entries,
    iter_documents,
    page_document,
    page_kind,
)

__all__ = [
    "WIRE_COPY_MAX_DISTANCE",
    "Failure",
    "FeedEntry",
    "FetchedPage",
    "IngestOptions",
    "check_url",
    "clean_text",
    "content_hash",
    "count_items",
    "document_from_text",
    "feed_entries",
    "fetch_url",
    "fetch_with",
    "hamming",
    "is_wire_copy",
    "iter_documents",
    "make_client",
    "normalise",
    "page_document",
    "page_kind",
    "simhash",
]
