"""events fused from incident mentions, and the mention-to-event links

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(16), primary_key=True),  # hash of the first member's key
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
        sa.Column("killed_low", sa.Integer),
        sa.Column("killed_best", sa.Integer),
        sa.Column("killed_high", sa.Integer),
        sa.Column("wounded_low", sa.Integer),
        sa.Column("wounded_best", sa.Integer),
        sa.Column("wounded_high", sa.Integer),
        sa.Column("claimed_killed", sa.Integer),
        sa.Column("claimed_wounded", sa.Integer),
        sa.Column("n_mentions", sa.Integer, nullable=False),
        sa.Column("n_sources", sa.Integer, nullable=False),
        sa.Column("n_flags", sa.Integer, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),  # provenance, flags, killed by category
        sa.Column("fused_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "event_mentions",
        sa.Column(
            "mention_id",
            sa.Integer,
            sa.ForeignKey("incident_mentions.id", ondelete="CASCADE"),
            primary_key=True,  # one mention joins one event
        ),
        sa.Column(
            "event_id",
            sa.String(16),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("score", sa.Float),  # mean link score to the other members (None: alone)
    )


def downgrade() -> None:
    op.drop_table("event_mentions")
    op.drop_table("events")
