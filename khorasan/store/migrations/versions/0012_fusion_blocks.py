"""fusion's candidate blocks as indexes the candidate query uses

Revision ID: 0012
Revises: 0011

An incremental fusion asks, for each new mention, which stored mentions may be the same
incident: same country (or none), same province (or none, or a place nearby), and possible
days that overlap. The single-column indexes left the database one choice (every mention of
the country, at all times: rows read per mention grew with the store). Here:

- ``doc_published`` copies the document's publication date onto its mentions (backfilled
  here; fusion fills it for new mentions before it looks for any, and the candidate query
  takes a mention without it for one of any time): an undated mention spans the year before
  its document's publication, so it is bounded in time by that. The write path does not
  name the column, so a store at an older schema can still be written;
- ``ix_incident_mentions_fuse_block`` (country, date, doc_published, admin1): a country's
  dated mentions in a date range, and its undated ones (date IS NULL) in a publication
  range, the province read from the index;
- ``ix_incident_mentions_fuse_time`` (date, doc_published): the same for a mention of no
  country (which may match any).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no batch rebuild: 0011's search triggers stay as they are)
    op.add_column("incident_mentions", sa.Column("doc_published", sa.String(10)))
    op.execute(
        "UPDATE incident_mentions SET doc_published = (SELECT documents.published FROM documents "
        "WHERE documents.id = incident_mentions.document_id)"
    )
    op.create_index("ix_incident_mentions_fuse_block", "incident_mentions",
                    ["country", "date", "doc_published", "admin1"])  # fmt: skip
    op.create_index("ix_incident_mentions_fuse_time", "incident_mentions",
                    ["date", "doc_published"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_incident_mentions_fuse_time", "incident_mentions")
    op.drop_index("ix_incident_mentions_fuse_block", "incident_mentions")
    # SQLite 3.35+ drops a column in place (the search triggers do not name this one)
    op.drop_column("incident_mentions", "doc_published")
