"""When a stored record holds: its own date (or window) as the text states it, else the date
its document was published (what the source said as of then), and whether that falls in a
``since`` / ``until`` window given as ISO prefixes (YYYY, YYYY-MM or YYYY-MM-DD).

Shared by the relations graph, the strength series and the leaders timeline, so the three
filter by date alike and every point they return keeps its source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khorasan.errors import FilterError
from khorasan.kb.actors import actors_named

__all__ = ["Dated", "canonical_actor", "check_window", "dated", "in_window", "source_of"]

_ISO_PREFIX = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
# the end of a prefix: "2024" runs to every date that starts with it
_END = "\uffff"


@dataclass(frozen=True, slots=True)
class Dated:
    start: str
    end: str
    by: str  # "text": the record states it; "published": its document's date stands in


def check_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``since`` and ``until`` checked (empty is none); a bad one raises :class:`FilterError`
    naming it, as the event filters do."""
    out: list[str | None] = []
    for name, value in (("since", since), ("until", until)):
        value = (value or "").strip() or None
        if value is not None and not _ISO_PREFIX.match(value):
            raise FilterError(name, f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        out.append(value)
    start, end = out
    if start and end and start[: len(end)] > end:
        raise FilterError("since", f"{start} is after {end}")
    return start, end


def dated(row: Mapping[str, Any], date: Any = None, to: Any = None) -> Dated | None:
    """A stored record mention's time: ``date`` (to ``to``) when the text gives one (the
    record's own ``date``/``to`` by default), else its document's publication date."""
    rec = row.get("record") or {}
    date = date if date is not None else rec.get("date")
    to = to if to is not None else rec.get("to")
    if date:
        return Dated(str(date), str(to or date), "text")
    published = row.get("published")
    if published:
        return Dated(str(published), str(published), "published")
    return None


def in_window(when: Dated | None, since: str | None, until: str | None) -> bool:
    """Whether ``when`` overlaps the window; an undatable record is in no window (but in an
    open one)."""
    if not since and not until:
        return True
    if when is None:
        return False
    if since and when.end + _END < since:
        return False
    return not (until and when.start > until + _END)


def source_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """One record mention's source: its document and sentence, and the mention's id (the
    document page highlights ``#r-<id>``)."""
    return {"mention_id": row.get("id"), "document_id": row["document_id"],
            "doc": row.get("doc"), "outlet": row.get("outlet"),
            "published": row.get("published"), "evidence": row.get("evidence") or "",
            "span": [row.get("span_start"), row.get("span_end")]}  # fmt: skip


def canonical_actor(name: str | None) -> str | None:
    """A group filter's canonical name ("ISKP" -> "IS-K"); the name itself when unknown."""
    if not name or not name.strip():
        return None
    found = actors_named(name)
    return found[0].canonical if found else name.strip()
