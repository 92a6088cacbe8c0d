"""The two margins of ``event_tallies``: its rows summed by month (over every place) and by
place (over every month), per perpetrator and review status (``tally_months``,
``tally_places``, 0016).

Stats shows a tally by month and one by province. Summed from ``event_tallies`` they cost a
pass over every (month, place, perpetrator, verdict) row in scope, tens of thousands at a
million events; each margin holds a few hundred. Like ``event_tallies`` they are kept current
by every fusion write: the write names the tally groups it touched, and only the margin rows
those groups fall in are summed again, from ``event_tallies`` through its indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.store.schema import TALLY_COLUMNS, event_tallies, tally_months, tally_places

__all__ = ["GROUP_COLUMNS", "clear_rollups", "group_key", "refresh_rollups"]

# an event_tallies row's group: the raw values (its keys follow from them)
GROUP_COLUMNS = ("month", "country", "admin1", "perpetrator", "review_status")
# a group's values joined as one indexed string, None as a record separator (no text holds
# one; a clash would only recount two groups together)
_SEP, _NONE = "\x1f", "\x1e"
FULL_REFRESH = 5000  # more keys than this touched: rebuild the margin in one statement
CHUNK = 500


def group_key(values: Iterable[Any]) -> str:
    """``values`` as one string: the key of a tally group (``events.tally_group``) or of a
    margin row."""
    return _SEP.join(_NONE if v is None else str(v) for v in values)


def _sql_key(columns: Sequence[Any]) -> Any:
    """:func:`group_key` in SQL, over ``event_tallies`` columns."""
    out: Any = None
    for column in columns:
        part = sa.func.coalesce(column, _NONE)
        out = part if out is None else out + _SEP + part
    return out


class _Margin:
    """One margin: its table, the ``event_tallies`` columns it keeps besides perpetrator and
    verdict, and the indexed column that narrows a partial refresh to the rows it can need."""

    def __init__(self, table: sa.Table, group: str, kept: Sequence[str], narrow: str) -> None:
        t = event_tallies.c
        self.table = table
        self.group = table.c[group]  # the row's key, as :func:`group_key` makes it
        self.by = [*kept, "perpetrator", "review_status"]
        self.narrow = narrow
        keys = [*(f"{c}_key" for c in kept if c != "month"), "perpetrator_key"]
        self.target = [group, *self.by, *keys, "events", *TALLY_COLUMNS, "first", "last"]
        self.select = sa.select(
            _sql_key([t[c] for c in self.by]),
            *(t[c] for c in self.by),
            *(sa.func.min(t[k]) for k in keys),  # each a function of its grouped value
            sa.func.sum(t.events),
            *(sa.func.sum(t[c]) for c in TALLY_COLUMNS),
            sa.func.min(t.first),
            sa.func.max(t.last),
        ).group_by(*(t[c] for c in self.by))

    def refresh(self, conn: Connection, groups: list[dict[str, str | None]] | None) -> None:
        keys = None if groups is None else {group_key(g[c] for c in self.by) for g in groups}
        if keys is None or len(keys) > FULL_REFRESH:
            conn.execute(self.table.delete())
            conn.execute(self.table.insert().from_select(self.target, self.select))
            return
        ordered = sorted(keys)
        for i in range(0, len(ordered), CHUNK):
            conn.execute(self.table.delete().where(self.group.in_(ordered[i : i + CHUNK])))
        # read the touched groups' months (or provinces) through the index, and keep the
        # margin rows touched: a write costs what its months or provinces hold
        narrow = event_tallies.c[self.narrow]
        values = {_narrowing(self.narrow, g) for g in groups or ()}
        wheres = [narrow.is_(None)] if None in values else []
        present = sorted(v for v in values if v is not None)
        wheres += [narrow.in_(present[i : i + CHUNK]) for i in range(0, len(present), CHUNK)]
        for where in wheres:
            rows = [r for r in conn.execute(self.select.where(where)) if r[0] in keys]
            if rows:
                conn.execute(self.table.insert(),
                             [dict(zip(self.target, r, strict=True)) for r in rows])  # fmt: skip


def _narrowing(column: str, group: dict[str, str | None]) -> str | None:
    if column == "admin1_key":
        admin1 = group["admin1"]
        return None if admin1 is None else admin1.lower()  # as ``event_tallies`` keys it
    return group[column]


MARGINS = (
    _Margin(tally_months, "month_group", ("month",), "month"),
    _Margin(tally_places, "place_group", ("country", "admin1"), "admin1_key"),
)


def _parse(group: str) -> dict[str, str | None]:
    values = [None if v == _NONE else v for v in group.split(_SEP)]
    return dict(zip(GROUP_COLUMNS, values, strict=True))


def refresh_rollups(conn: Connection, groups: Iterable[str] | None = None) -> None:
    """Sum again the margin rows the ``event_tallies`` groups ``groups`` (``tally_group``
    values, whose rows were just recounted) fall in; None: rebuild both margins."""
    parsed = None if groups is None else [_parse(g) for g in set(groups)]
    for margin in MARGINS:
        margin.refresh(conn, parsed)


def clear_rollups(conn: Connection) -> None:
    for margin in MARGINS:
        conn.execute(margin.table.delete())
