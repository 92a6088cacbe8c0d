"""Metadata: sidecar ``.meta.json`` files, and title, date and outlet read from the text."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from khorasan.errors import BadMetadata
from khorasan.ingest.dates import date_line_kind, find_date, iso_or_none

__all__ = [
    "storable",
    "HEAD_LINES",
    "META_FIELDS",
    "find_sidecar",
    "outlet_from_url",
    "publication_date",
    "read_sidecar",
    "split_date_marker",
    "title_from_text",
    "validate_meta",
]

META_FIELDS = ("url", "published", "outlet", "title")
# Dates are only read from a page's head: a date further down is an event, not publication.
HEAD_LINES = 10
TITLE_MAX_CHARS = 200  # a longer first line is a paragraph: the page has no title line
TITLE_MIN_WORDS = 3

# Some stored pages open with " date 2021-08-27 " and then the body on the same line.
_DATE_MARKER = re.compile(r"^\s*date\s+((?:19|20)\d\d-[01]\d-[0-3]\d)\b[ \t]*")
# Which date line wins when several are in the head.
_DATE_PRIORITY = ("published", "bare", "byline", "updated")


# Lone surrogates (from "\ud800" in JSON, or a caller's str) cannot be encoded, and NUL cannot be
# stored in PostgreSQL text: they are the only characters taken out.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without the characters no store can keep (lone surrogates, NUL)."""
    return _UNSTORABLE.sub("", text)


def split_date_marker(text: str) -> tuple[str, str | None]:
    """Strip a leading ``date YYYY-MM-DD`` marker; return the text and the marker's date."""
    match = _DATE_MARKER.match(text)
    if match is None:
        return text, None
    return text[match.end() :], iso_or_none(match.group(1))


def publication_date(text: str) -> str | None:
    """The publication date shown in the first HEAD_LINES non-blank lines, as ISO, else None."""
    head = [line for line in text.split("\n") if line.strip()][:HEAD_LINES]
    found: dict[str, str] = {}
    for line in head:
        kind = date_line_kind(line)
        if kind and kind not in found and (iso := find_date(line)):
            found[kind] = iso
    return next((found[k] for k in _DATE_PRIORITY if k in found), None)


def title_from_text(text: str) -> str | None:
    """The first substantial line that is not a date line; None when it reads like a paragraph."""
    for line in text.split("\n"):
        line = line.strip()
        if len(line.split()) < TITLE_MIN_WORDS or date_line_kind(line):
            continue
        # A long first line, or one ending in a full stop, is a paragraph: no title line.
        return line if len(line) <= TITLE_MAX_CHARS and not line.endswith(".") else None
    return None


def outlet_from_url(url: str | None) -> str | None:
    """The site's host without ``www.`` (www.trtworld.com -> trtworld.com)."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    return host or None


def find_sidecar(path: Path) -> Path | None:
    """``NAME.meta.json`` or ``NAME.EXT.meta.json`` beside ``path``, if one exists."""
    for candidate in (
        path.with_name(path.stem + ".meta.json"),
        path.with_name(path.name + ".meta.json"),
    ):
        if candidate.is_file():
            return candidate
    return None


def validate_meta(meta: Mapping[str, Any], subject: str) -> dict[str, str | None]:
    """Keep the known fields; each must be null or a string, ``published`` an ISO-like date."""
    out: dict[str, str | None] = {}
    for field in META_FIELDS:
        value = meta.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            out[field] = None  # null means unknown: the text may still tell
            continue
        if not isinstance(value, str):
            raise BadMetadata(
                subject,
                f"field {field!r} must be a string or null, got {type(value).__name__}",
                kind="bad_metadata",
            )
        out[field] = storable(value).strip() or None
    if out["published"] is not None:
        iso = iso_or_none(out["published"])
        if iso is None:
            raise BadMetadata(
                subject,
                f"field 'published' is not a date: {out['published']!r}",
                kind="bad_metadata",
            )
        out["published"] = iso
    return out


def read_sidecar(path: Path) -> dict[str, str | None]:
    """Read and validate a sidecar; a malformed one raises :class:`BadMetadata`."""
    subject = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadMetadata(
            subject, f"cannot read metadata sidecar: {exc}", kind="bad_metadata"
        ) from exc
    except json.JSONDecodeError as exc:
        raise BadMetadata(
            subject,
            f"metadata sidecar is not valid JSON: {exc.msg} at line {exc.lineno}",
            kind="bad_metadata",
        ) from exc
    except RecursionError as exc:
        raise BadMetadata(
            subject, "metadata sidecar nested too deeply", kind="bad_metadata"
        ) from exc
    if not isinstance(data, dict):
        raise BadMetadata(subject, "metadata sidecar must be a JSON object", kind="bad_metadata")
    return validate_meta(data, subject)
