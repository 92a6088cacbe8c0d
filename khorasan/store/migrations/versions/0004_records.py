"""record mentions: statistics, strength, plots, leaders and relations with provenance

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(16),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("group_name", sa.Text, index=True),
        sa.Column("other_group", sa.Text, index=True),
        sa.Column("person", sa.Text, index=True),
        sa.Column("date", sa.String(10), index=True),
        sa.Column("date_to", sa.String(10)),
        sa.Column("country", sa.Text, index=True),
        sa.Column("relation", sa.String(16)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("document_id", "kind", "seq", name="uq_record_document_kind_seq"),
    )


def downgrade() -> None:
    op.drop_table("record_mentions")
