"""queries at scale: filter keys, killed by category and month in columns, a tally table, and
the indexes the event filters and claims use

Revision ID: 0013
Revises: 0012

Filters compared ``lower(column)``, which no index serves. Each filterable event column gets a
``<column>_key`` beside it, its value lower-cased when the event is written (fusion writes
every event row, ``khorasan.store.events.complete_event_rows``), indexed with the date so one
filtered page reads only its rows. ``month`` (the date's first seven characters) and the
killed by category (``killed_<category>``, from ``detail``) are columns so a tally reads no
JSON. ``event_tallies`` holds the events summed by (month, country, province, perpetrator,
review status), kept current by every fusion write (each event row names its group in
``tally_group``, indexed, so a write recounts only the groups it touched): stats and the
dashboard's totals read a few thousand rows, not every event. Existing rows are filled here,
a page at a time (in Python: the same lower-casing as at write time, which SQL's ``lower`` is
not beyond ASCII); the tallies by ``khorasan.store.events.refresh_tallies`` (a later migration
that changes these tables must fill them itself).

The downgrade drops all of it; on SQLite by ``ALTER TABLE ... DROP COLUMN`` (3.35+), not a
batch copy: dropping the events table would cascade to ``event_mentions``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KEYED = ("country", "admin1", "perpetrator", "attack_type", "target_type", "attribution")
CATEGORIES = ("civilians", "security_forces", "militants", "unspecified")
SUMMARY = (
    "date",
    "target_type",
    "killed_best",
    "latitude",
    "longitude",
    "claimed_killed",
    "country",
    "admin1",
    "perpetrator",
    "attack_type",
    "attribution",
    "review_status",
    "id",
)  # fmt: skip (0007's covering index; this one adds the keys)
CLAIMS = ("date", "id", "claimed_killed", "killed_best", "killed_high", "place", "admin1",
          "perpetrator", "target_type", "review_status", "country_key", "admin1_key",
          "perpetrator_key")  # fmt: skip
TALLY_FIGURES = ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                 "wounded_high", *CATEGORIES, "without_killed", "unplaced", "claims",
                 "claims_events", "claimed_killed", "reported_killed")  # fmt: skip
BATCH = 5000


def _new_columns() -> list[sa.Column[Any]]:
    return [
        *(sa.Column(f"{name}_key", sa.Text) for name in KEYED),
        sa.Column("month", sa.String(7)),
        *(sa.Column(f"killed_{name}", sa.Integer) for name in CATEGORIES),
        sa.Column("tally_group", sa.Text),
    ]


def _group(row: Any) -> str:
    """``khorasan.store.events.tally_group`` as it is at this revision."""
    return "\x1f".join(
        "\x1e" if row[n] is None else str(row[n])
        for n in ("month", "country", "admin1", "perpetrator", "review_status")
    )


def _key(value: Any) -> str | None:
    return None if value is None else str(value).lower()


def _backfill(conn: sa.Connection) -> None:
    events = sa.table("events", sa.column("id"), sa.column("date"), sa.column("detail", sa.JSON),
                      sa.column("review_status"), *(sa.column(n) for n in KEYED))  # fmt: skip
    target = sa.table("events", sa.column("id"), *(c.copy() for c in _new_columns()))
    update = target.update().where(target.c.id == sa.bindparam("_id"))
    last = ""
    while True:  # a page at a time by id: memory stays flat in the number of events
        rows = (
            conn.execute(
                sa.select(events).where(events.c.id > last).order_by(events.c.id).limit(BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        values = []
        for r in rows:
            detail = r["detail"] or {}
            categories = detail.get("killed_by_category") or {} if isinstance(detail, dict) else {}
            values.append({
                "_id": r["id"], **{f"{n}_key": _key(r[n]) for n in KEYED},
                "month": r["date"][:7] if r["date"] is not None else None,
                **{f"killed_{n}": categories.get(n) for n in CATEGORIES},
                "tally_group": _group({**r, "month": r["date"][:7] if r["date"] else None}),
            })  # fmt: skip
        conn.execute(update, values)
        last = rows[-1]["id"]


def _refill_tallies(conn: sa.Connection) -> None:
    from khorasan.store.events import refresh_tallies

    refresh_tallies(conn)


def upgrade() -> None:
    bind = op.get_bind()
    for column in _new_columns():
        op.add_column("events", column)
    _backfill(bind)
    postgres = bind.dialect.name == "postgresql"
    date_desc = sa.text("date DESC NULLS LAST" if postgres else "date DESC")
    for name in KEYED:
        op.create_index(f"ix_events_{name}_key", "events", [f"{name}_key", date_desc, "id"])
    op.create_index("ix_events_list", "events", [date_desc, "id"])
    # a tally group's events (a fusion write recounts the groups it touched)
    op.create_index("ix_events_tally_group", "events", ["tally_group"])
    op.drop_index("ix_events_summary", "events")
    op.create_index("ix_events_summary", "events",
                    [*SUMMARY, *(f"{n}_key" for n in KEYED)])  # fmt: skip
    claimed = sa.text("claimed_killed IS NOT NULL")
    op.create_index("ix_events_claims", "events", [date_desc, *CLAIMS[1:]],
                    sqlite_where=claimed, postgresql_where=claimed)  # fmt: skip
    op.create_table(
        "event_tallies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tally_group", sa.Text, nullable=False),
        sa.Column("month", sa.String(7)),
        sa.Column("country", sa.Text),
        sa.Column("admin1", sa.Text),
        sa.Column("perpetrator", sa.Text),
        sa.Column("review_status", sa.String(12)),
        sa.Column("country_key", sa.Text),
        sa.Column("admin1_key", sa.Text),
        sa.Column("perpetrator_key", sa.Text),
        sa.Column("events", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in TALLY_FIGURES),
        sa.Column("first", sa.String(10)),
        sa.Column("last", sa.String(10)),
    )
    # stats group by these (and a refresh finds a month's rows): read in this order, no sort
    op.create_index("ix_event_tallies_group", "event_tallies", ["month", "country", "admin1"])
    op.create_index("ix_event_tallies_tally_group", "event_tallies", ["tally_group"])
    for name in ("country", "admin1", "perpetrator"):  # how many events a filter selects
        op.create_index(f"ix_event_tallies_{name}_key", "event_tallies", [f"{name}_key", "events"])
    _refill_tallies(bind)


def downgrade() -> None:
    op.drop_table("event_tallies")
    for name in ("ix_events_claims", "ix_events_summary", "ix_events_tally_group", "ix_events_list",
                 *(f"ix_events_{n}_key" for n in KEYED)):  # fmt: skip
        op.drop_index(name, "events")
    op.create_index("ix_events_summary", "events", list(SUMMARY))
    bind = op.get_bind()
    for column in _new_columns():
        if bind.dialect.name == "sqlite":
            op.execute(f"ALTER TABLE events DROP COLUMN {column.name}")
        else:
            op.drop_column("events", column.name)
