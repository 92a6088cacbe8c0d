"""The options bundle and the failure record shared by every ingest module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["DEFAULT_INCLUDE", "Failure", "IngestOptions", "SIDECAR_SUFFIXES"]

# What a directory walk takes when no include globs are given.
DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.jsonl")
# Metadata and gold files sit beside documents but are never documents themselves.
SIDECAR_SUFFIXES = (".meta.json", ".gold.json")


@dataclass(frozen=True)
class IngestOptions:
    """How inputs are walked and fetched."""

    include: tuple[str, ...] = ()  # file-name globs for directory walks; () means DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()  # file-name (or relative path) globs to skip
    max_bytes: int = 5_000_000
    allow_private: bool = False  # allow loopback/private/link-local fetches (tests only)
    timeout: float = 20.0  # seconds per connect, read or write
    deadline: float = 60.0  # seconds for a whole download, redirects included (>= timeout)
    max_feed_entries: int = 200  # entries fetched from one feed; the rest are reported skipped
    max_run_entries: int = 2000  # feed entries fetched in one run, all feeds together
    # files taken from folders in one run, all folders together; None: every file. No default:
    # a folder is the user's own (a remote server decides a feed's length, not a folder's),
    # and archives and the bench corpora hold tens of thousands of files
    max_files: int | None = None
    # seconds one document's extraction may take before it fails (kind "timeout"); None: no
    # budget. Extraction is linear in the text, so only a pathological page reaches it.
    doc_seconds: float | None = 60.0
    # host, port -> addresses; None: the system resolver (tests inject a hostile one)
    resolver: Callable[[str, int], Sequence[str]] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True)
class Failure:
    """One input that could not be ingested; the batch goes on without it."""

    subject: str  # the path, path:LINE or URL
    reason: str  # one line, human readable
    kind: str  # short code, e.g. not_found, binary, fetch_refused
