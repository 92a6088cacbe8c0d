"""Every error Khorasan Monitor raises on purpose.

Hierarchy::

    KhorasanError                 base; carries the input it concerns
    ├── InputError                a document or source cannot be taken in
    │   ├── UnreadableInput       binary, undecodable, empty, too large, not found
    │   ├── BadMetadata           a sidecar or JSONL record is malformed
    │   └── FetchError            a URL or feed could not be fetched (or was refused)
    ├── KnowledgeBaseError        a knowledge-base data file has a bad row (file, line, field)
    ├── StoreError                the database cannot be opened or written
    └── ConfigError               a setting or option has an invalid value

The CLI turns any of them into one line, ``Error: <input>: <reason>``.
"""

from __future__ import annotations

__all__ = [
    "BadMetadata",
    "ConfigError",
    "FetchError",
    "FilterError",
    "InputError",
    "KhorasanError",
    "KnowledgeBaseError",
    "StoreError",
    "UnreadableInput",
]


class KhorasanError(Exception):
    """Base class. ``subject`` names the input (path, URL, file:line) the error concerns."""

    def __init__(self, subject: str, reason: str, *, kind: str = "error") -> None:
        self.subject = subject
        self.reason = reason
        self.kind = kind
        super().__init__(f"{subject}: {reason}")


class InputError(KhorasanError):
    """A document or source cannot be ingested; the batch goes on without it."""


class UnreadableInput(InputError):
    """Raised for binary, undecodable, empty, missing or oversized inputs."""


class BadMetadata(InputError):
    """Raised for a malformed sidecar ``.meta.json`` or an invalid JSONL line."""


class FetchError(InputError):
    """Raised when a URL or feed cannot be fetched, is refused, or is not what it claims."""


class KnowledgeBaseError(KhorasanError):
    """Raised when a knowledge-base file has a bad row; ``subject`` is ``file:line``."""


class StoreError(KhorasanError):
    """Raised when the database cannot be opened, migrated or written."""


class ConfigError(KhorasanError):
    """Raised for an invalid setting or option value."""


class FilterError(KhorasanError):
    """Raised for a bad query filter (an unknown name or a malformed date); ``subject`` is
    the filter's name, kept as ``field``."""

    @property
    def field(self) -> str:
        return self.subject


class DataFileError(KhorasanError):
    """Raised when an extractor's data file (cue patterns, word lists) is malformed;
    ``subject`` is the file name, ``reason`` names the key and what is wrong with it."""
