"""the wire-copy check's fingerprints as a log in the store

Revision ID: 0014
Revises: 0013

A new document is a wire copy when its SimHash lies within a few bits of a stored one. Each
process used to read every stored hash once and keep its own list, so a second process
writing the same store never saw the first one's documents and split their wire stories.
``wire_fingerprints`` lists every document's hash in the order stored (backfilled here in that
order); a writer reads only the rows after the last one it saw, inside the transaction that
stores the next document, and compares the new hash with all of them in one vectorised pass.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 5000


def _signed(hex_hash: str) -> int:
    value = int(hex_hash, 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def upgrade() -> None:
    table = op.create_table(
        "wire_fingerprints",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(16),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("simhash", sa.BigInteger, nullable=False),
        sa.Column("wire_story_id", sa.String(16), nullable=False),
    )
    conn = op.get_bind()
    # the order the documents were stored in: SQLite's rowid, else the time of ingest
    order = "rowid" if conn.dialect.name == "sqlite" else "ingested_at, id"
    rows = conn.execute(
        sa.text(f"SELECT id, simhash, wire_story_id FROM documents ORDER BY {order}")
    )
    while batch := rows.fetchmany(_BATCH):
        op.bulk_insert(table, [{"document_id": d, "simhash": _signed(h), "wire_story_id": w}
                               for d, h, w in batch])  # fmt: skip


def downgrade() -> None:
    op.drop_table("wire_fingerprints")
