"""The wire-copy check: which stored document a new one nearly duplicates.

The hashes live in the store (``wire_fingerprints``, in the order stored); this keeps them in
one growing numpy array, reads only the rows appended since its last look (by this process or
any other writer) and compares a new hash with all of them at once: XOR and a bit count over
the array, in C, instead of a Python loop over every stored document.
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.store.schema import wire_fingerprints

__all__ = ["WireIndex", "record", "signed64"]


def signed64(value: int) -> int:
    """A 64-bit unsigned hash as the signed integer SQL stores."""
    return value - (1 << 64) if value >= 1 << 63 else value


_SINCE = (sa.select(wire_fingerprints.c.seq, wire_fingerprints.c.simhash,
                    wire_fingerprints.c.wire_story_id)
          .where(wire_fingerprints.c.seq > sa.bindparam("seq"))
          .order_by(wire_fingerprints.c.seq))  # fmt: skip


class WireIndex:
    """Every stored fingerprint with its wire story, refreshed from the store on each check."""

    def __init__(self) -> None:
        self._seq = 0  # the last log row read
        self._hashes = np.empty(1024, dtype=np.uint64)
        self._size = 0
        self._wires: list[str] = []

    def __len__(self) -> int:
        return self._size

    def refresh(self, conn: Connection) -> None:
        """Read the fingerprints stored since the last look (any writer's)."""
        rows = conn.execute(_SINCE, {"seq": self._seq}).all()
        if not rows:
            return
        new = np.array([h for _, h, _ in rows], dtype=np.int64).view(np.uint64)
        end = self._size + len(new)
        if end > len(self._hashes):  # grow by doubling: appends stay linear in total
            grown = np.empty(max(end, 2 * len(self._hashes)), dtype=np.uint64)
            grown[: self._size] = self._hashes[: self._size]
            self._hashes = grown
        self._hashes[self._size : end] = new
        self._size = end
        self._wires.extend(w for _, _, w in rows)
        self._seq = rows[-1][0]

    def mark(self) -> tuple[int, int]:
        """Where the index stands now, for :meth:`reset`."""
        return self._seq, self._size

    def reset(self, mark: tuple[int, int]) -> None:
        """Forget what was read since ``mark`` (rows of a transaction rolled back: their row
        numbers will be used again)."""
        self._seq, self._size = mark
        del self._wires[self._size :]

    def match(self, simhash: int, max_distance: int) -> str | None:
        """The wire story of the first stored document within ``max_distance`` bits."""
        if not self._size:
            return None
        distances = np.bitwise_count(self._hashes[: self._size] ^ np.uint64(simhash))
        near = np.flatnonzero(distances <= max_distance)
        return self._wires[int(near[0])] if len(near) else None


def record(conn: Connection, document_id: str, simhash: int, wire_story_id: str) -> None:
    """Log a stored document's fingerprint (in its storing transaction)."""
    row = {"document_id": document_id, "simhash": signed64(simhash), "wire_story_id": wire_story_id}
    conn.execute(_INSERT, row)


_INSERT = wire_fingerprints.insert()  # built once: it runs once per stored document
