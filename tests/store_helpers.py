"""Store test helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from khorasan.store import Store, wireindex


class _NoWireIndex:
    def refresh(self, conn: Any) -> None:
        pass

    def match(self, simhash: int, max_distance: int) -> str | None:
        return None


@contextmanager
def without_fingerprint_log(store: Store) -> Iterator[None]:
    """Writes as a release from before migration 0014 made them: no wire-fingerprint log read
    or written (a test that downgrades a store below 0014 and then writes to it)."""
    saved = store._wire_index
    store._wire_index = _NoWireIndex()  # type: ignore[assignment]
    try:
        with mock.patch.object(wireindex, "record", lambda *args: None):
            yield
    finally:
        store._wire_index = saved
