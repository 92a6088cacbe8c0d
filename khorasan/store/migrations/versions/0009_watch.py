"""watch: each watched source's polling state, and indexes to look up stored URLs

Revision ID: 0009
Revises: 0008

``khorasan watch`` keeps, per source, when it last polled and is next due, the validators of
its last answer (ETag, Last-Modified) for conditional requests, and its consecutive errors, so
a restart resumes. It skips entries already stored by their URL: appearances' ``source`` and
``url`` get indexes for that.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("last_poll", sa.String(32)),
        sa.Column("next_due", sa.String(32)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("stamps", sa.JSON),
    )
    op.create_index("ix_appearances_source", "appearances", ["source"])
    op.create_index("ix_appearances_url", "appearances", ["url"])


def downgrade() -> None:
    op.drop_index("ix_appearances_url", "appearances")
    op.drop_index("ix_appearances_source", "appearances")
    op.drop_table("source_state")
