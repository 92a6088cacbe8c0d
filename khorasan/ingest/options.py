"""The options bundle and the failure record shared by every ingest module."""

from __future__ import annotations

from dataclasses import dataclass

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
    timeout: float = 20.0


@dataclass(frozen=True)
class Failure:
    """One input that could not be ingested; the batch goes on without it."""

    subject: str  # the path, path:LINE or URL
    reason: str  # one line, human readable
    kind: str  # short code, e.g. not_found, binary, fetch_refused
