"""Extractors for the worker-pool tests: importable by name, so that worker processes can run
them. Each behaves as the real one but on a document carrying its marker word."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

from khorasan.extract import extract_document
from khorasan.model import Document
from khorasan.store import Store

RAISE_MARKER = "Zqxjvraise"  # a word no real report holds
DIE_MARKER = "Zqxjvdie"


def raise_on_marker(doc: Document) -> dict[str, Any]:
    if RAISE_MARKER in doc.text:
        raise ValueError("cannot read this one\nsecond line")
    return extract_document(doc)


def die_on_marker(doc: Document) -> dict[str, Any]:
    if DIE_MARKER in doc.text:
        os._exit(3)  # as a process killed mid-document: no exception, no result
    return extract_document(doc)


def store_rows(store: Store) -> dict[str, list[str]]:
    """Every row of every table (search indexes included), clock readings left out."""
    out: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in inspector.get_table_names():
            cols = [c["name"] for c in inspector.get_columns(table)
                    if not c["name"].endswith("_at") and c["name"] != "last_poll"]  # fmt: skip
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = conn.execute(sa.text(f'SELECT {quoted} FROM "{table}"')).fetchall()
            out[table] = sorted(repr(tuple(r)) for r in rows)
    return out
