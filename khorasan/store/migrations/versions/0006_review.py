"""analyst review: the review_actions log and each event's review status

Revision ID: 0006
Revises: 0005

Corrections live beside the machine's output: fusion re-applies the log after every run, so
they survive re-extraction and re-fusion.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("review_status", sa.String(12)))
        batch.create_index("ix_events_review_status", ["review_status"])
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("event_id", sa.String(16)),
        sa.Column("anchors", sa.JSON, nullable=False),
        sa.Column("field", sa.String(32)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("undone_by", sa.Integer),
    )
    op.create_index("ix_review_actions_at", "review_actions", ["at"])
    op.create_index("ix_review_actions_event_id", "review_actions", ["event_id"])


def downgrade() -> None:
    op.drop_table("review_actions")
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_review_status")
        batch.drop_column("review_status")
