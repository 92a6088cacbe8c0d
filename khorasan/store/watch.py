"""SQL for ``khorasan watch``: sources' polling state, and which URLs and texts are stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.store.schema import appearances, documents, source_state

__all__ = ["STATE_FIELDS", "extracted_hashes", "known_sources", "known_urls", "load_states",
           "save_state"]  # fmt: skip

STATE_FIELDS = ("last_poll", "next_due", "etag", "last_modified", "errors", "last_error",
                "stamps")  # fmt: skip
_CHUNK = 500  # values per IN list: well under every database's bound-parameter limit


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def known_urls(conn: Connection, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` some stored appearance was read from (its source or its URL)."""
    found: set[str] = set()
    for chunk in _chunks(urls):
        for column in (appearances.c.source, appearances.c.url):
            found.update(r[0] for r in conn.execute(sa.select(column).where(column.in_(chunk))))
    return found


def known_sources(conn: Connection, sources: Iterable[str]) -> set[str]:
    """Those of ``sources`` some stored appearance was read from (as its source)."""
    found: set[str] = set()
    for chunk in _chunks(sources):
        found.update(conn.execute(_READ_FROM, {"sources": chunk}).scalars())
    return found


_READ_FROM = sa.select(appearances.c.source).where(
    appearances.c.source.in_(sa.bindparam("sources", expanding=True))
)


def extracted_hashes(conn: Connection, hashes: Iterable[str]) -> set[str]:
    """Those of ``hashes`` whose document is stored and extracted."""
    found: set[str] = set()
    for chunk in _chunks(hashes):
        found.update(conn.execute(_EXTRACTED, {"hashes": chunk}).scalars())
    return found


# built once: ingest asks once per document, and building the statement cost more than the query
_EXTRACTED = sa.select(documents.c.content_hash).where(
    documents.c.content_hash.in_(sa.bindparam("hashes", expanding=True)),
    documents.c.extracted_with.is_not(None),
)


def load_states(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every source's state, by its key."""
    return {r.source: {f: getattr(r, f) for f in STATE_FIELDS}
            for r in conn.execute(sa.select(source_state))}  # fmt: skip


def save_state(conn: Connection, source: str, values: dict[str, Any]) -> None:
    """Insert or replace one source's state (fields not given keep their stored value)."""
    row = {f: values[f] for f in STATE_FIELDS if f in values}
    done = conn.execute(source_state.update().where(source_state.c.source == source)
                        .values(**row)).rowcount  # fmt: skip
    if not done:
        conn.execute(source_state.insert().values(source=source, **row))
