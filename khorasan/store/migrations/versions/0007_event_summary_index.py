"""indexes for the dashboard at scale: the attack, target and attribution choices, and one
covering index of the columns the dashboard sums and filters on

Revision ID: 0007
Revises: 0006

The dashboard's totals, timeline, claims and map sum the selected events in SQL. An events
row carries its ``detail`` JSON, so a scan of the table reads every event's provenance; the
covering index holds only the small columns those sums and the filters read, a few times
narrower, so a sum over 100k events scans it instead.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SUMMARY = ("date", "target_type", "killed_best", "latitude", "longitude", "claimed_killed",
           "country", "admin1", "perpetrator", "attack_type", "attribution", "review_status",
           "id")  # fmt: skip


def upgrade() -> None:
    for column in ("attack_type", "target_type", "attribution"):
        op.create_index(f"ix_events_{column}", "events", [column])
    op.create_index("ix_events_summary", "events", list(SUMMARY))


def downgrade() -> None:
    op.drop_index("ix_events_summary", "events")
    for column in ("attack_type", "target_type", "attribution"):
        op.drop_index(f"ix_events_{column}", "events")
