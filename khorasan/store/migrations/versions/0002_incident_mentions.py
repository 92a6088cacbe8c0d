"""incident mentions with provenance

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(16),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("date", sa.String(10), index=True),
        sa.Column("date_precision", sa.String(8)),
        sa.Column("country", sa.Text, index=True),
        sa.Column("admin1", sa.Text, index=True),
        sa.Column("admin2", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("geo_precision", sa.String(16)),
        sa.Column("perpetrator", sa.Text, index=True),
        sa.Column("attribution", sa.String(16)),
        sa.Column("attack_type", sa.String(24)),
        sa.Column("suicide", sa.Boolean),
        sa.Column("target_type", sa.String(24)),
        sa.Column("target", sa.Text),
        sa.Column("killed", sa.Integer),
        sa.Column("killed_qualifier", sa.String(16)),
        sa.Column("wounded", sa.Integer),
        sa.Column("wounded_qualifier", sa.String(16)),
        sa.Column("claimed_killed", sa.Integer),
        sa.Column("claimed_wounded", sa.Integer),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("document_id", "seq", name="uq_incident_document_seq"),
    )


def downgrade() -> None:
    op.drop_table("incident_mentions")
