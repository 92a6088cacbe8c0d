"""alert rules, what each rule last sent of each event, and every delivery

Revision ID: 0010
Revises: 0009

A rule is an event filter and a channel. ``alert_state`` keeps, per rule and event, the
figures last sent and the event's members (stable mention identities), so an event fires once
when it first matches and again only when a watched figure changes, even after re-fusion gave
it a new id. ``alert_deliveries`` logs every attempt's outcome.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(8)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("checked_through", sa.String(32)),
        sa.Column("last_digest_at", sa.String(32)),
        sa.Column("running_until", sa.String(32)),
    )
    op.create_table(
        "alert_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "rule_id",
            sa.Integer,
            sa.ForeignKey("alert_rules.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("members", sa.JSON, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("first_at", sa.String(32), nullable=False),
        sa.Column("last_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_alert_state_rule_event", "alert_state", ["rule_id", "event_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.String(32), nullable=False),
        sa.Column("rule_id", sa.Integer),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("event_id", sa.String(16)),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("payload", sa.JSON),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_alert_deliveries_at", "alert_deliveries", ["at"])
    op.create_index("ix_alert_deliveries_rule_status", "alert_deliveries", ["rule_id", "status"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_state")
    op.drop_table("alert_rules")
