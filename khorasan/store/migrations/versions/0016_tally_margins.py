"""stats' two margins: the event tallies summed by month and by place

Revision ID: 0016
Revises: 0015

Stats shows the events by month and by province. Summed from ``event_tallies`` (0013) that
is a pass over each (month, place, perpetrator, verdict) row in scope: at a million events
22,000 rows, most of a stats call's 150 ms. ``tally_months`` and ``tally_places`` hold those
rows summed over the place and over the month, per perpetrator and verdict, a few hundred
rows each, kept current by every fusion write (``khorasan.store.rollups``). Existing stores
get them filled here from ``event_tallies``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TALLY_COLUMNS = ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                 "wounded_high", "civilians", "security_forces", "militants", "unspecified",
                 "without_killed", "unplaced", "claims", "claims_events", "claimed_killed",
                 "reported_killed")  # fmt: skip


def _columns(group: str, kept: tuple[str, ...]) -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(group, sa.Text, nullable=False),
        *(sa.Column(c, sa.String(7) if c == "month" else sa.Text) for c in kept),
        sa.Column("perpetrator", sa.Text),
        sa.Column("review_status", sa.String(12)),
        *(sa.Column(f"{c}_key", sa.Text) for c in kept if c != "month"),
        sa.Column("perpetrator_key", sa.Text),
        sa.Column("events", sa.Integer, nullable=False),
        *(sa.Column(c, sa.Integer, nullable=False) for c in TALLY_COLUMNS),
        sa.Column("first", sa.String(10)),
        sa.Column("last", sa.String(10)),
    ]


MARGINS = (("tally_months", "month_group", ("month",)),
           ("tally_places", "place_group", ("country", "admin1")))  # fmt: skip


def _fill(conn: sa.Connection) -> None:
    """Both margins summed from ``event_tallies``, as ``khorasan.store.rollups`` sums them
    at this revision (a group's key: its values joined by U+001F, None as U+001E)."""
    for table, group, kept in MARGINS:
        by = [*kept, "perpetrator", "review_status"]
        keys = [*(f"{c}_key" for c in kept if c != "month"), "perpetrator_key"]
        key = " || '\x1f' || ".join(f"coalesce({c}, '\x1e')" for c in by)
        sums = ", ".join(f"sum({c})" for c in ("events", *TALLY_COLUMNS))
        target = ", ".join([group, *by, *keys, "events", *TALLY_COLUMNS, "first", "last"])
        conn.execute(sa.text(
            f"INSERT INTO {table} ({target}) SELECT {key}, {', '.join(by)}, "
            f"{', '.join(f'min({k})' for k in keys)}, {sums}, min(first), max(last) "
            f"FROM event_tallies GROUP BY {', '.join(by)}"
        ))  # fmt: skip


def upgrade() -> None:
    for table, group, kept in MARGINS:
        op.create_table(table, *_columns(group, kept))
        op.create_index(f"ix_{table}_{group}", table, [group])
    _fill(op.get_bind())


def downgrade() -> None:
    for table, group, _ in MARGINS:
        op.drop_index(f"ix_{table}_{group}", table)
        op.drop_table(table)
