"""documents.extracted_with: the extractor version whose records the document holds

Revision ID: 0005
Revises: 0003, 0004

A document and its records are written in one transaction; this column says which extractor
made them (NULL: stored without extraction), so a later ingest with extraction completes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("extracted_with", sa.String(32)))
    # documents stored before this column had their mentions written with them: mark those
    op.execute(
        "UPDATE documents SET extracted_with = (SELECT MIN(extractor_version) FROM "
        "incident_mentions WHERE incident_mentions.document_id = documents.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("extracted_with")
