"""fusion's candidate indexes cover the candidate query

Revision ID: 0015
Revises: 0014

The candidate query (``FusionTransaction.candidate_ids``) reads index ranges by country and
date (0012), then tests the province and, for a located mention, a box of latitude and
longitude. Neither coordinate was in the indexes, and the query also returned each row's
document id, so every index entry cost a read of its table row: on a 3,000-document bench
store a full update read a million candidate rows that way. The indexes now end with
latitude and longitude and the query returns ids alone (fusion leaves out a mention's own
document itself), so the database answers from the index.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_BLOCK = ["country", "date", "doc_published", "admin1"]
_TIME = ["date", "doc_published"]
_PLACE = ["admin1", "latitude", "longitude"]


def _replace(block: list[str], time: list[str]) -> None:
    op.drop_index("ix_incident_mentions_fuse_block", "incident_mentions")
    op.drop_index("ix_incident_mentions_fuse_time", "incident_mentions")
    op.create_index("ix_incident_mentions_fuse_block", "incident_mentions", block)
    op.create_index("ix_incident_mentions_fuse_time", "incident_mentions", time)


def upgrade() -> None:
    _replace([*_BLOCK, "latitude", "longitude"], [*_TIME, *_PLACE])


def downgrade() -> None:
    _replace(_BLOCK, _TIME)
