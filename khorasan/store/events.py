"""SQL for events: the mentions fusion reads, the events it writes, and queries back.

Fusion (``khorasan.fuse``) decides which mentions form an event; this module only reads and
writes rows, inside the transaction of a :class:`FusionTransaction`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from khorasan.model import EVENT_COLUMNS, KILLED_CATEGORIES, Event, ReviewAction
from khorasan.store import review as review_sql
from khorasan.store.rollups import GROUP_COLUMNS, clear_rollups, group_key, refresh_rollups
from khorasan.store.schema import (
    KEYED_COLUMNS,
    KILLED_CATEGORY_NAMES,
    TALLY_COLUMNS,
    documents,
    event_mentions,
    event_tallies,
    events,
    incident_mentions,
    tally_months,
    tally_places,
)

__all__ = ["EVENT_FILTERS", "EVENT_SORTS", "FusionTransaction", "claim_table",
           "complete_event_rows", "event_ids", "mentions_of", "query_events",
           "recount", "refresh_tallies"]  # fmt: skip

EVENT_FILTERS = ("date_from", "date_to", "country", "admin1", "perpetrator", "attack_type",
                 "target_type", "attribution", "review_status")  # fmt: skip
# The columns a list of events sorts by (the dashboard's table): each a key of one or more
# values, a missing value first when ascending (as an empty string or -1); ties keep the
# list's own order (newest first, undated last, then id).
EVENT_SORTS = ("date", "place", "attack_type", "target_type", "perpetrator", "killed",
               "wounded", "sources", "flags")  # fmt: skip
CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit

_MENTION_SELECT = sa.select(
    incident_mentions,
    documents.c.published,
    documents.c.wire_story_id,
    documents.c.name.label("doc"),
    documents.c.outlet,
    documents.c.url,
).join(documents, documents.c.id == incident_mentions.c.document_id)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def damaged_events() -> sa.Select[Any]:
    """Ids of events that hold fewer mentions than they count (re-extraction deleted some)."""
    counts = (
        sa.select(event_mentions.c.event_id, sa.func.count().label("n"))
        .group_by(event_mentions.c.event_id)
        .subquery()
    )
    query = sa.select(events.c.id).outerjoin(counts, counts.c.event_id == events.c.id)
    return query.where(sa.func.coalesce(counts.c.n, 0) != events.c.n_mentions)


def unlinked_mentions() -> Any:
    """The condition of a mention that no event holds (new, or left by a fusion that failed)."""
    return incident_mentions.c.id.not_in(sa.select(event_mentions.c.mention_id))


@functools.cache
def _candidate_query(country: bool, admin1: bool, near: bool, undated_too: bool) -> Any:
    """The statement of :meth:`FusionTransaction.candidate_ids` for one shape of its
    arguments, built once with bound parameters (building it per mention cost more than
    running it).

    A union of parts that each read one index range (migration 0012): per country value (the
    mention's, or none), dated mentions in the date range (``ix_incident_mentions_fuse_dated``)
    or at the month or year the range starts in (a coarser date sorts before its first day),
    and undated ones by their document's publication date the same way
    (``ix_incident_mentions_fuse_undated``). An OR across these would leave the database one
    index for all of them, read for every date."""
    c = incident_mentions.c
    place: list[Any] = []
    if admin1:
        same_admin1 = sa.or_(c.admin1 == sa.bindparam("admin1"), c.admin1.is_(None))
        if near:
            lat = c.latitude.between(sa.bindparam("lat_lo"), sa.bindparam("lat_hi"))
            lon = c.longitude.between(sa.bindparam("lon_lo"), sa.bindparam("lon_hi"))
            same_admin1 = sa.or_(same_admin1, sa.and_(lat, lon))
        place.append(same_admin1)
    countries = [c.country == sa.bindparam("country"), c.country.is_(None)] if country else [None]
    whens: list[Any] = [
        c.date.between(sa.bindparam("date_low"), sa.bindparam("date_high")),
        c.date.in_([sa.bindparam("date_month"), sa.bindparam("date_year")]),
    ]
    if undated_too:
        published = c.doc_published
        whens += [
            sa.and_(c.date.is_(None),
                    published.between(sa.bindparam("published_low"),
                                      sa.bindparam("published_high"))),
            sa.and_(c.date.is_(None), published.in_([sa.bindparam("published_month"),
                                                     sa.bindparam("published_year")])),
            sa.and_(c.date.is_(None), published.is_(None)),
        ]  # fmt: skip
    parts = [
        sa.select(c.id).where(*[w for w in (in_country, when) if w is not None], *place)
        for in_country in countries for when in whens
    ]  # fmt: skip
    return sa.union_all(*parts)


@functools.cache
def _candidate_sql(country: bool, admin1: bool, near: bool, undated_too: bool,
                   dialect: Any) -> tuple[str, tuple[str, ...] | None]:  # fmt: skip
    """:func:`_candidate_query` as the driver's SQL, and the order of its parameter names
    where the driver takes them by position (None: by name)."""
    compiled = _candidate_query(country, admin1, near, undated_too).compile(dialect=dialect)
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None


class FusionTransaction:
    """The reads and writes of one fusion run, in one transaction (see ``Store.fusion``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._borrowed: list[tuple[Any, ...]] | None = None

    # -- reading mentions ----------------------------------------------------------------
    def mention_rows(self, where: Any = None) -> list[RowMapping]:
        """Incident mention rows joined with their document's publication date, wire story,
        name and outlet (every row, or those ``where`` selects)."""
        query = _MENTION_SELECT if where is None else _MENTION_SELECT.where(where)
        return [r._mapping for r in self.conn.execute(query)]

    def mentions_of_documents(self, document_ids: Sequence[str]) -> list[RowMapping]:
        out: list[RowMapping] = []
        for chunk in _chunks(sorted(set(document_ids))):
            out += self.mention_rows(incident_mentions.c.document_id.in_(chunk))
        return out

    def mention_ids_of_documents(self, document_ids: Sequence[str]) -> list[int]:
        """Row ids of the incident mentions of ``document_ids``."""
        c = incident_mentions.c
        out: list[int] = []
        for chunk in _chunks(sorted(set(document_ids))):
            out += [int(i) for (i,) in self.conn.execute(
                sa.select(c.id).where(c.document_id.in_(chunk)))]  # fmt: skip
        return out

    def mentions_by_id(self, ids: Sequence[int]) -> list[RowMapping]:
        out: list[RowMapping] = []
        for chunk in _chunks(list(ids)):
            out += self.mention_rows(incident_mentions.c.id.in_(chunk))
        return out

    def candidate_ids(
        self, *, country: str | None, admin1: str | None,
        near: tuple[float, float, float, float] | None, dates: tuple[str, str],
        published: tuple[str, str] | None,
    ) -> list[int]:  # fmt: skip
        """Ids of mentions that may be the same incident (of any document, the asking one's
        too: fusion's blocking rule leaves those out):
        same country and province where known (or inside the ``near`` box: lat_lo, lat_hi,
        lon_lo, lon_hi), dated within ``dates`` (first and last ISO day: a month or year
        that overlaps them counts), or undated in a document published within ``published``
        (or undated: any time), when given. A superset: fusion filters it with its own
        blocking rule. Mentions whose month or year was read outside their own evidence are
        not all among them: see :meth:`borrowed_dates`."""
        params: dict[str, Any] = {"date_low": dates[0],
                                  "date_high": dates[1] + "\uffff", "date_month": dates[0][:7],
                                  "date_year": dates[0][:4]}  # fmt: skip
        if published is not None:
            params.update(
                published_low=published[0],
                published_high=published[1] + "\uffff",
                published_month=published[0][:7],
                published_year=published[0][:4],
            )
        if country:
            params["country"] = country
        if admin1:
            params["admin1"] = admin1
            if near is not None:
                params.update(lat_lo=near[0], lat_hi=near[1], lon_lo=near[2], lon_hi=near[3])
        sql, names = _candidate_sql(bool(country), bool(admin1), bool(admin1) and near is not None,
                                    published is not None, self.conn.dialect)  # fmt: skip
        # the driver's own cursor: a busy component asks for millions of rows, and building
        # SQLAlchemy rows for them cost more than the database's work (plain ids)
        cursor = self.conn.connection.cursor()
        try:
            cursor.execute(sql, params if names is None else [params[n] for n in names])
            return [int(i) for (i,) in cursor.fetchall()]
        finally:
            cursor.close()

    def settle_published(self, mention_ids: Sequence[int] | None = None) -> None:
        """Copy each document's publication date onto its mentions that lack it (``ids``, or
        all), before they are looked for by it: the write path leaves ``doc_published`` to
        fusion, so that a store at an older schema can still be written."""
        c = incident_mentions.c
        published = (sa.select(documents.c.published).where(documents.c.id == c.document_id)
                     .scalar_subquery())  # fmt: skip
        update = incident_mentions.update().values(doc_published=published)
        missing = c.doc_published.is_(None)
        if mention_ids is None:
            self.conn.execute(update.where(missing))
            return
        for chunk in _chunks(sorted(set(mention_ids))):
            self.conn.execute(update.where(missing, c.id.in_(chunk)))

    def borrowed_dates(self) -> list[tuple[Any, ...]]:
        """Mentions whose month or year was read outside their own evidence, which fusion
        compares beyond their date (back to their document's publication): (id, document id,
        country, admin1, latitude, longitude, date, publication date). Few, read once a run."""
        if self._borrowed is None:
            c = incident_mentions.c
            first, last = c.record[("spans", "date", 0)], c.record[("spans", "date", 1)]
            coarse = sa.or_(c.date_precision.in_(("month", "year")), sa.func.length(c.date) < 10)
            borrowed = sa.or_(first.as_integer() < c.span_start, last.as_integer() > c.span_end)
            query = sa.select(c.id, c.document_id, c.country, c.admin1, c.latitude, c.longitude,
                              c.date, c.doc_published).where(
                c.date.is_not(None), coarse, borrowed)  # fmt: skip
            self._borrowed = [tuple(r) for r in self.conn.execute(query)]
        return self._borrowed

    def unsettled(self) -> list[RowMapping]:
        """Rows of :meth:`unsettled_ids` (which see)."""
        return self.mentions_by_id(self.unsettled_ids())

    def unsettled_ids(self) -> list[int]:
        """Mentions fusion must look at again: the remaining members of events that lost
        mentions (re-extraction deleted them), and mentions in no event (new, or left by a
        fusion that failed). Deletes the damaged events."""
        damaged_ids = [r[0] for r in self.conn.execute(damaged_events())]
        members = sa.select(event_mentions.c.mention_id).where(
            event_mentions.c.event_id.in_(damaged_ids)
        )
        c = incident_mentions.c
        query = sa.select(c.id).where(sa.or_(c.id.in_(members), unlinked_mentions()))
        out = sorted(int(i) for (i,) in self.conn.execute(query))
        if damaged_ids:
            groups = _groups_of(self.conn, damaged_ids)
            self.conn.execute(events.delete().where(events.c.id.in_(damaged_ids)))
            recount(self.conn, groups)
        return out

    def review_actions(self) -> list[ReviewAction]:
        """The analysts' actions fusion lays over its events (none undone), oldest first."""
        return review_sql.actions(self.conn, active_only=True)

    # -- writing events --------------------------------------------------------------------
    def clear_events(self) -> None:
        self.conn.execute(event_mentions.delete())
        self.conn.execute(events.delete())
        self.conn.execute(event_tallies.delete())
        clear_rollups(self.conn)

    def replace_events(
        self, new_events: Sequence[Event], links: Sequence[tuple[int, str, float | None]]
    ) -> int:
        """Replace the events of every linked mention by ``new_events``; ``links`` are
        (mention id, event id, score)."""
        ids = [mention_id for mention_id, _, _ in links]
        groups: set[str] = set()
        for chunk in _chunks(ids):
            old = sa.select(event_mentions.c.event_id).where(event_mentions.c.mention_id.in_(chunk))
            groups |= _groups_of(self.conn, old)
            self.conn.execute(events.delete().where(events.c.id.in_(old)))
            self.conn.execute(event_mentions.delete().where(event_mentions.c.mention_id.in_(chunk)))
        if new_events:
            rows = complete_event_rows([e.row() for e in new_events])
            groups |= {r["tally_group"] for r in rows}
            self.conn.execute(events.insert(), rows)
        if groups:
            recount(self.conn, groups)
        if links:
            self.conn.execute(event_mentions.insert(), [
                {"mention_id": m, "event_id": e, "score": s} for m, e, s in links
            ])  # fmt: skip
        return len(new_events)


# ------------------------------------------------------------------ derived columns, tallies
def _key(value: Any) -> str | None:
    """A filterable value as filters compare it: lower-cased (``str.lower``, as the filter's
    own value is)."""
    return None if value is None else str(value).lower()


def complete_event_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` rows (``Event.row()``) with the columns derived from them filled in: each
    filterable column's ``_key``, the ``month`` and the killed by category (migration 0013).
    Every writer of event rows passes them through here."""
    for row in rows:
        for name in KEYED_COLUMNS:
            row[f"{name}_key"] = _key(row.get(name))
        date = row.get("date")
        row["month"] = None if date is None else str(date)[:7]
        detail = row.get("detail")
        categories = (detail.get("killed_by_category") if isinstance(detail, dict) else None) or {}
        for name in KILLED_CATEGORY_NAMES:
            row[f"killed_{name}"] = categories.get(name)
        row["tally_group"] = tally_group(row)
    return rows


def tally_group(row: Any) -> str:
    """The event_tallies row an events row counts in, as one indexed string (its
    :data:`GROUP_COLUMNS` by :func:`group_key`), so a fusion write recounts every group it
    touched in two statements."""
    return group_key(row[n] for n in GROUP_COLUMNS)


def _groups_of(conn: Connection, ids: Any) -> set[str]:
    """The tally groups of the events ``ids`` (a list or a subquery) names."""
    query = sa.select(events.c.tally_group).where(events.c.id.in_(ids)).distinct()
    return {g for (g,) in conn.execute(query)}


_TALLY_GROUP = ("tally_group", *GROUP_COLUMNS, "country_key", "admin1_key", "perpetrator_key")
FULL_REFRESH = 5000  # more groups than this touched: rebuild the whole table in one statement


def _tally_select() -> sa.Select[Any]:
    c = events.c

    def count(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def total(value: Any, condition: Any = None) -> Any:
        inner = value if condition is None else sa.case((condition, value), else_=0)
        return sa.func.coalesce(sa.func.sum(inner), 0)

    both = sa.and_(c.claimed_killed.is_not(None), c.killed_best.is_not(None),
                   c.killed_best != 0)  # fmt: skip
    sums = {
        **{f: total(c[f]) for f in TALLY_COLUMNS[:6]},
        **{n: total(c[f"killed_{n}"]) for n in KILLED_CATEGORY_NAMES},
        "without_killed": count(c.killed_best.is_(None)),
        "unplaced": count(sa.or_(c.latitude.is_(None), c.longitude.is_(None))),
        "claims": count(c.claimed_killed.is_not(None)),
        "claims_events": count(both),
        "claimed_killed": total(c.claimed_killed, both),
        "reported_killed": total(c.killed_best, both),
    }
    group = [c[n] for n in _TALLY_GROUP]
    columns = [*group, sa.func.count().label("events"),
               *(sums[n].label(n) for n in TALLY_COLUMNS),
               sa.func.min(c.date).label("first"), sa.func.max(c.date).label("last")]  # fmt: skip
    return sa.select(*columns).group_by(*group)


_TALLY_TARGET = [*_TALLY_GROUP, "events", *TALLY_COLUMNS, "first", "last"]


_DELETE_GROUPS = event_tallies.delete().where(
    event_tallies.c.tally_group.in_(sa.bindparam("groups", expanding=True))
)
_INSERT_GROUPS = event_tallies.insert().from_select(
    _TALLY_TARGET,
    _tally_select().where(events.c.tally_group.in_(sa.bindparam("groups", expanding=True))),
)


def refresh_tallies(conn: Connection, groups: Iterable[str] | None = None) -> None:
    """Recompute ``event_tallies`` from the events: the rows of ``groups`` (``tally_group``
    values; None: every row). Each group is recounted from its own events, found by their
    indexed ``tally_group``: a fusion write costs what the groups it touched hold (a month's
    events of one place, perpetrator and verdict), not a scan of the store."""
    wanted = None if groups is None else sorted(set(groups))
    if wanted is None or len(wanted) > FULL_REFRESH:
        conn.execute(event_tallies.delete())
        conn.execute(event_tallies.insert().from_select(_TALLY_TARGET, _tally_select()))
        return
    for chunk in _chunks(wanted):
        conn.execute(_DELETE_GROUPS, {"groups": list(chunk)})
        conn.execute(_INSERT_GROUPS, {"groups": list(chunk)})


def recount(conn: Connection, groups: Iterable[str] | None = None) -> None:
    """Recount the tally groups ``groups`` (None: all) and the margin rows they fall in."""
    refresh_tallies(conn, groups)
    refresh_rollups(conn, groups)


# ------------------------------------------------------------------------------------ queries
def _filtered(query: sa.Select[Any], filters: dict[str, Any], table: sa.Table = events,
              unindexed: frozenset[str] = frozenset()) -> sa.Select[Any]:  # fmt: skip
    """``query`` narrowed by ``filters``; ``table`` the events or their tallies (whose month
    stands for the date: see :func:`_tally_serves`); the keys of the ``unindexed`` filters
    compared so that SQLite uses no index for them (see :func:`_sqlite_plan`)."""
    c = table.c
    date = c.date if table is events else c.get("month")  # the place margin has none
    if filters.get("date_from"):
        query = query.where(date >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(date <= filters["date_to"] + "\uffff")
    status = filters.get("review_status")
    if not status:  # an event an analyst rejected is out of every list and tally unless asked
        query = query.where(sa.or_(c.review_status.is_(None), c.review_status != "rejected"))
    elif status == "machine":
        query = query.where(c.review_status.is_(None))
    elif status != "any":
        query = query.where(c.review_status == status)
    for name in EVENT_FILTERS[2:-1]:
        value = filters.get(name)
        if not value:
            continue
        # each column's lower-cased copy (0013), written with the row: an index serves it
        key: Any = c[f"{name}_key"]
        if name in unindexed:  # SQLite's unary plus: the same value, no index
            key = sa.literal_column(f"+{table.name}.{name}_key", sa.Text)
        if isinstance(value, list | tuple | set | frozenset):
            # canonical values the caller resolved (an actor and its branches, a province and
            # its aliases): any of them
            query = query.where(key.in_(sorted({str(v).lower() for v in value})))
        else:
            query = query.where(key == str(value).lower())
    return query


ESTIMATED = ("country", "admin1", "perpetrator")  # the filters event_tallies counts
SELECTIVE = 100  # a key index serves a page when at most this many pages of events match


def _sqlite_plan(conn: Connection, filters: dict[str, Any],
                 limit: int | None) -> tuple[frozenset[str], bool]:  # fmt: skip
    """Which index reads one page of the list (newest first) on SQLite, which keeps no
    statistics and so takes any equality index over the list's order, sorting a
    million-row match: the key index of the most selective of :data:`ESTIMATED` when the
    tallies count at most :data:`SELECTIVE` pages of its events, otherwise the list's own
    order (read until the page is full). Returns the filters whose index is not to be used
    and whether the order's index may be."""
    present = [n for n in EVENT_FILTERS[2:-1] if filters.get(n)]
    if conn.dialect.name != "sqlite" or limit is None or not present:
        return frozenset(), True
    counts = {}
    for name in (n for n in present if n in ESTIMATED):
        value = filters[name]
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        key = event_tallies.c[f"{name}_key"]
        query = sa.select(sa.func.coalesce(sa.func.sum(event_tallies.c.events), 0)).where(
            key.in_(sorted({str(v).lower() for v in values})))  # fmt: skip
        counts[name] = int(conn.execute(query).scalar_one())
    best = min(counts, key=lambda n: counts[n]) if counts else None
    if best is not None and counts[best] <= SELECTIVE * limit:
        return frozenset(present) - {best}, False
    return frozenset(present), True


def _refined(
    query: sa.Select[Any], after: tuple[str | None, str] | None, killed_min: int | None,
    killed_max: int | None, words: Sequence[str],
) -> sa.Select[Any]:  # fmt: skip
    """Keyset pagination (the events after ``after`` = (date, id) in the list's order: newest
    first, undated last, then id), the best killed figure's range, and words that every
    event's sources' sentences (or its place or target) must hold between them."""
    c = events.c
    if after is not None:
        date, eid = after
        if date is None:
            query = query.where(c.date.is_(None), c.id > eid)
        else:
            query = query.where(sa.or_(c.date < date, sa.and_(c.date == date, c.id > eid),
                                       c.date.is_(None)))  # fmt: skip
    if killed_min is not None:
        query = query.where(c.killed_best >= killed_min)
    if killed_max is not None:
        query = query.where(c.killed_best <= killed_max)
    for word in words:
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"  # fmt: skip
        told = (
            sa.select(event_mentions.c.event_id)
            .join(incident_mentions, incident_mentions.c.id == event_mentions.c.mention_id)
            .where(sa.func.lower(incident_mentions.c.evidence).like(pattern, escape="\\"))
        )
        query = query.where(sa.or_(
            c.id.in_(told),
            sa.func.lower(sa.func.coalesce(c.place, "")).like(pattern, escape="\\"),
            sa.func.lower(sa.func.coalesce(c.target, "")).like(pattern, escape="\\"),
        ))  # fmt: skip
    return query


def _text_key(conn: Connection, column: Any) -> Any:
    """A text column as a sort key: missing values as the empty string, compared by code
    point (SQLite's binary collation does; PostgreSQL is told to)."""
    key = sa.func.coalesce(column, "")
    return sa.collate(key, "C") if conn.dialect.name == "postgresql" else key


def _sort_keys(conn: Connection, sort: str) -> list[Any]:
    c = events.c
    if sort == "place":
        return [_text_key(conn, c.country), _text_key(conn, c.admin1), _text_key(conn, c.place)]
    if sort in ("killed", "wounded"):
        return [sa.func.coalesce(c[f"{sort}_best"], -1)]
    if sort in ("sources", "flags"):
        return [c[f"n_{sort}"]]
    return [_text_key(conn, c[sort])]


def _ordered(conn: Connection, query: sa.Select[Any], sort: str | None,
             descending: bool) -> sa.Select[Any]:  # fmt: skip
    """``query`` in the list's order (newest first, undated last, then id), or sorted by one
    of :data:`EVENT_SORTS` with that order breaking ties."""
    natural = [events.c.date.desc().nulls_last(), events.c.id]
    if sort is None or (sort == "date" and descending):
        return query.order_by(*natural)  # the same order; the date index serves it
    if sort not in EVENT_SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    keys = [k.desc() if descending else k.asc() for k in _sort_keys(conn, sort)]
    return query.order_by(*keys, *natural)


def query_events(
    conn: Connection, *, mentions: bool = True, limit: int | None = None,
    after: tuple[str | None, str] | None = None, killed_min: int | None = None,
    killed_max: int | None = None, words: Sequence[str] = (), detail: bool = True,
    sort: str | None = None, descending: bool = True, offset: int = 0,
    claimed_only: bool = False, **filters: Any,
) -> list[Event]:  # fmt: skip
    """Events matching ``filters`` (see :data:`EVENT_FILTERS`; a filter's value is one value
    or a list of values, any of which matches, ignoring case) and the refinements of
    :func:`_refined`, newest first (or by ``sort``, one of :data:`EVENT_SORTS`), from
    ``offset`` on, each with its mentions (document, evidence, span and the values its
    document gave) unless told not to. ``detail=False`` reads of each event's detail only its
    killed by category (tallies need no more; it is much faster). ``claimed_only``: only
    events with a claimed killed figure, largest claim first (then oldest, then id)."""
    columns: list[Any] = [events.c[n] for n in EVENT_COLUMNS if n != "detail" or detail]
    if not detail:
        columns.append(events.c.detail["killed_by_category"].label("killed_by_category"))
    c = events.c

    def arranged(query: sa.Select[Any]) -> sa.Select[Any]:
        if claimed_only:
            return query.where(c.claimed_killed.is_not(None)).order_by(
                c.claimed_killed.desc(), _text_key(conn, c.date), c.id)  # fmt: skip
        return _ordered(conn, query, sort, descending)

    natural = not claimed_only and (sort is None or (sort == "date" and descending))
    unindexed, by_order = frozenset[str](), True
    if natural and not offset:
        unindexed, by_order = _sqlite_plan(conn, filters, limit)

    def selected(*chosen: Any) -> sa.Select[Any]:
        return _refined(_filtered(sa.select(*chosen), filters, unindexed=unindexed), after,
                        killed_min, killed_max, words)  # fmt: skip

    if natural and not offset and not by_order:
        # the key index finds the few matches; sorting them beats reading the whole order
        plain_date = sa.literal_column("+events.date", sa.String)
        query = selected(*columns).order_by(plain_date.desc().nulls_last(), c.id).limit(limit)
    elif natural and not offset:
        query = arranged(selected(*columns)).limit(limit)
    else:
        # sort and skip narrow rows (ids), then read the page's whole rows: a sort of 100k
        # rows with their detail JSON is many times slower
        page = arranged(selected(c.id)).limit(limit).offset(offset or None)
        query = arranged(sa.select(*columns).where(c.id.in_(page)))
    result = conn.execute(query)
    names = list(result.keys())  # once, not per row: a long list reads much faster
    out = []
    for values in result:
        row = dict(zip(names, values, strict=True))
        if not detail:
            row["detail"] = {"killed_by_category": row.pop("killed_by_category") or {}}
        out.append(Event(**row))
    if mentions and out:
        by_event = mentions_of(conn, [e.id for e in out])
        for e in out:
            e.mentions = by_event.get(e.id, [])
    return out


def _claim_selection(conn: Connection, columns: Sequence[Any], killed_min: int | None,
                     killed_max: int | None, words: Sequence[str],
                     filters: dict[str, Any]) -> sa.Select[Any]:  # fmt: skip
    """The selected events with a claimed killed figure: the rows the partial index
    ``ix_events_claims`` holds."""
    # SQLite would take a key's index over the partial one (it keeps no statistics)
    unindexed = frozenset(EVENT_FILTERS[2:-1]) if conn.dialect.name == "sqlite" else frozenset()
    query = _filtered(sa.select(*columns), filters, unindexed=unindexed)
    query = _refined(query, None, killed_min, killed_max, words)
    return query.where(events.c.claimed_killed.is_not(None))


def claim_rows(
    conn: Connection, *, killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """The selected events with a claimed killed figure, in the list's order (newest first,
    undated last, then id), with only what ``claims_vs_reported`` reads: a partial index
    holds exactly these rows and columns."""
    c = events.c
    columns = [c.id, c.date, c.place, c.admin1, c.perpetrator, c.target_type,
               c.claimed_killed, c.killed_best, c.killed_high]  # fmt: skip
    query = _claim_selection(conn, columns, killed_min, killed_max, words, filters)
    result = conn.execute(query.order_by(c.date.desc().nulls_last(), c.id))
    names = list(result.keys())
    return [dict(zip(names, values, strict=True)) for values in result]


def claim_table(
    conn: Connection, *, width: int, killed_min: int | None = None,
    killed_max: int | None = None, words: Sequence[str] = (), **filters: Any,
) -> tuple[list[Sequence[Any]], list[Sequence[Any]]]:  # fmt: skip
    """What claims shows, read in two scans of the partial index ``ix_events_claims``:
    the selected events with a claimed killed figure as plain tuples (id, date, place or
    else admin1 as claims shows it, perpetrator, target type, claimed killed, killed best,
    killed high) in the list's order; and over those whose reported toll is known and not
    0, summed in SQL by (period, target type): ``(period, target_type, events, claimed_killed,
    reported_killed)``, the period the first ``width`` characters of the date (or of
    "undated"), a missing target type "unknown".

    The rows come straight from the database driver, without SQLAlchemy's row objects (of
    17k claims at 1M events they took most of the time); the columns are text and integers,
    which the drivers give as SQLAlchemy would."""
    c = events.c
    place = sa.func.coalesce(sa.func.nullif(c.place, ""), c.admin1)
    columns = [c.id, c.date, place, c.perpetrator, c.target_type, c.claimed_killed,
               c.killed_best, c.killed_high]  # fmt: skip
    query = _claim_selection(conn, columns, killed_min, killed_max, words, filters)
    result = conn.execute(query.order_by(c.date.desc().nulls_last(), c.id))
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    period = sa.func.substr(sa.func.coalesce(sa.func.nullif(c.date, ""), "undated"), 1, width)
    target = sa.func.coalesce(sa.func.nullif(c.target_type, ""), "unknown")
    sums = [period, target, sa.func.count(), sa.func.sum(c.claimed_killed),
            sa.func.sum(c.killed_best)]  # fmt: skip
    grouped = _claim_selection(conn, sums, killed_min, killed_max, words, filters)
    grouped = grouped.where(c.killed_best.is_not(None), c.killed_best != 0)
    # by position: PostgreSQL takes the expressions' bound values for different ones
    groups: list[Sequence[Any]] = [
        tuple(r) for r in conn.execute(grouped.group_by(sa.text("1, 2")))
    ]
    return rows, groups


TALLY_FIGURES = ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                 "wounded_high")  # fmt: skip


def tally_groups(
    conn: Connection, *, killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """The selected events summed by (month, country, admin1), in SQL: per group the number of
    events, the sums of each figure and of each killed category, the events without a killed
    figure, and the first and last date. A few hundred rows stand for any number of events."""
    if _tally_serves(filters, killed_min, killed_max, words):
        t = event_tallies.c
        columns: list[Any] = [
            t.month, t.country, t.admin1, sa.func.sum(t.events).label("events"),
            *(sa.func.sum(t[f]).label(f) for f in (*TALLY_FIGURES, *KILLED_CATEGORIES,
                                                  "without_killed")),
            sa.func.min(t.first).label("first"), sa.func.max(t.last).label("last"),
        ]  # fmt: skip
        query = _filtered(sa.select(*columns), filters, event_tallies)
        result = conn.execute(query.group_by(t.month, t.country, t.admin1))
        names = list(result.keys())  # once: a few thousand groups read much faster
        return [dict(zip(names, values, strict=True)) for values in result]
    c = events.c
    month = c.month  # the date's first seven characters: a year-only date stays its year
    columns = [
        month, c.country, c.admin1, sa.func.count().label("events"),
        *(sa.func.coalesce(sa.func.sum(c[f]), 0).label(f) for f in TALLY_FIGURES),
        *(sa.func.coalesce(sa.func.sum(c[f"killed_{k}"]), 0).label(k)
          for k in KILLED_CATEGORIES),
        sa.func.sum(sa.case((c.killed_best.is_(None), 1), else_=0)).label("without_killed"),
        sa.func.min(c.date).label("first"), sa.func.max(c.date).label("last"),
    ]  # fmt: skip
    query = _refined(_filtered(sa.select(*columns), filters), None, killed_min, killed_max,
                     words).group_by(month, c.country, c.admin1)  # fmt: skip
    return [dict(r._mapping) for r in conn.execute(query)]


_MARGIN_SUMS = ("events", *TALLY_FIGURES, *KILLED_CATEGORIES, "without_killed")


def tally_sums(
    conn: Connection, *, killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """The sums of :func:`tally_groups` by month (``months``: month, and the sums, first and
    last) and by place (``places``: country, admin1, and the sums). Read from the margins
    (``tally_months``, ``tally_places``) where the filters allow: the month margin knows no
    place, the place margin no date. Otherwise summed from the groups."""
    served = _tally_serves(filters, killed_min, killed_max, words)
    margins = {
        "months": served and not (filters.get("country") or filters.get("admin1")),
        "places": served and not (filters.get("date_from") or filters.get("date_to")),
    }
    groups = [] if all(margins.values()) else tally_groups(
        conn, killed_min=killed_min, killed_max=killed_max, words=words, **filters)  # fmt: skip
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table, kept in (("months", tally_months, ("month",)),
                              ("places", tally_places, ("country", "admin1"))):  # fmt: skip
        if not margins[name]:
            out[name] = _folded(groups, kept)
            continue
        t = table.c
        columns: list[Any] = [
            *(t[k] for k in kept), *(sa.func.sum(t[f]).label(f) for f in _MARGIN_SUMS),
            sa.func.min(t.first).label("first"), sa.func.max(t.last).label("last"),
        ]  # fmt: skip
        query = _filtered(sa.select(*columns), filters, table).group_by(*(t[k] for k in kept))
        result = conn.execute(query)
        names = list(result.keys())
        out[name] = [dict(zip(names, values, strict=True)) for values in result]
    return out


def _folded(groups: Iterable[dict[str, Any]], kept: Sequence[str]) -> list[dict[str, Any]]:
    """Groups of :func:`tally_groups` summed over the columns not ``kept``."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for g in groups:
        key = tuple(g[k] for k in kept)
        row = out.get(key)
        if row is None:
            out[key] = {**{k: g[k] for k in kept}, **{f: g[f] or 0 for f in _MARGIN_SUMS},
                        "first": g["first"], "last": g["last"]}  # fmt: skip
            continue
        for f in _MARGIN_SUMS:
            row[f] += g[f] or 0
        if g["first"] is not None:
            row["first"] = g["first"] if row["first"] is None else min(row["first"], g["first"])
            row["last"] = g["last"] if row["last"] is None else max(row["last"], g["last"])
    return list(out.values())


_TALLY_FILTERS = {"date_from", "date_to", "country", "admin1", "perpetrator", "review_status"}


def _tally_serves(filters: dict[str, Any], killed_min: int | None, killed_max: int | None,
                  words: Sequence[str]) -> bool:  # fmt: skip
    """Whether ``event_tallies`` answers a sum over the events ``filters`` select: filters
    on its columns only, dates to the year or month (a month's events are all in or all out:
    ``date >= F`` is ``month >= F`` for an F of at most seven characters, as is ``<=``)."""
    if killed_min is not None or killed_max is not None or words:
        return False
    if any(v for k, v in filters.items() if k not in _TALLY_FILTERS):
        return False
    return all(len(str(filters.get(k) or "")) <= 7 for k in ("date_from", "date_to"))


def review_queue(
    conn: Connection, *, limit: int | None = None, killed_min: int | None = None,
    killed_max: int | None = None, words: Sequence[str] = (), **filters: Any,
) -> list[Event]:  # fmt: skip
    """Events no analyst has acted on, least confident first, then the deadliest."""
    filters = {**filters, "review_status": "machine"}
    confidence = events.c.detail["confidence"].as_float()
    query = _refined(_filtered(sa.select(events), filters), None, killed_min, killed_max, words)
    query = query.order_by(confidence.asc().nulls_first(), events.c.killed_best.desc().nulls_last(),
                           events.c.id).limit(limit)  # fmt: skip
    return [Event.from_row(r._mapping) for r in conn.execute(query)]


def totals(
    conn: Connection, *, killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> dict[str, int]:  # fmt: skip
    """Sums over the selected events in one pass: ``events``, ``killed`` (best), ``unplaced``
    (no coordinates); and over those with a claimed killed figure: ``claims``, and where the
    reported toll is known and not 0, ``claims_events``, ``claimed_killed`` and
    ``reported_killed`` (the totals of ``claims_vs_reported``)."""
    if _tally_serves(filters, killed_min, killed_max, words):
        t = event_tallies.c
        sums = {
            "events": t.events,
            "killed": t.killed_best,
            "unplaced": t.unplaced,
            "claims": t.claims,
            "claims_events": t.claims_events,
            "claimed_killed": t.claimed_killed,
            "reported_killed": t.reported_killed,
        }
        query = _filtered(sa.select(*(sa.func.sum(v).label(k) for k, v in sums.items())),
                          filters, event_tallies)  # fmt: skip
        return {k: int(v or 0) for k, v in conn.execute(query).one()._mapping.items()}
    c = events.c

    def count(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def total(value: Any, condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    both = sa.and_(c.claimed_killed.is_not(None), c.killed_best.is_not(None),
                   c.killed_best != 0)  # fmt: skip
    columns = [
        sa.func.count().label("events"),
        sa.func.coalesce(sa.func.sum(c.killed_best), 0).label("killed"),
        count(sa.or_(c.latitude.is_(None), c.longitude.is_(None))).label("unplaced"),
        count(c.claimed_killed.is_not(None)).label("claims"),
        count(both).label("claims_events"),
        total(c.claimed_killed, both).label("claimed_killed"),
        total(c.killed_best, both).label("reported_killed"),
    ]
    query = _refined(_filtered(sa.select(*columns), filters), None, killed_min, killed_max,
                     words)  # fmt: skip
    row = conn.execute(query).one()._mapping
    return {k: int(v or 0) for k, v in row.items()}


def month_groups(
    conn: Connection, *, killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """The selected events counted and their best killed summed by (month, target type):
    ``month`` is the date's first seven characters (a year-only date stays its year; None:
    undated)."""
    c = events.c
    month = sa.func.substr(c.date, 1, 7).label("month")
    columns = [month, c.target_type, sa.func.count().label("events"),
               sa.func.coalesce(sa.func.sum(c.killed_best), 0).label("killed")]  # fmt: skip
    query = _refined(_filtered(sa.select(*columns), filters), None, killed_min, killed_max,
                     words).group_by(month, c.target_type)  # fmt: skip
    return [dict(r._mapping) for r in conn.execute(query)]


Box = tuple[float, float, float, float]  # south, west, north, east
MIN_CELL = 2.0**-10  # degrees: about 100 m, finer than any place we geocode
_ROW = 2**20  # more columns than a row of the finest grid has (360 / MIN_CELL)


def _cell_of(conn: Connection, value: Any, origin: float, cell: float) -> Any:
    """The grid index of ``value`` (cells of ``cell`` degrees from ``origin``): a floor."""
    shifted = (value - origin) / cell  # never negative: coordinates lie above the origin
    if conn.dialect.name == "postgresql":
        return sa.func.floor(shifted)
    return sa.cast(shifted, sa.Integer)  # SQLite truncates, which is the floor here


def map_summary(
    conn: Connection, *, max_points: int, box: Box | None = None, grid: int = 24,
    cluster: bool = True,
    killed_min: int | None = None, killed_max: int | None = None,
    words: Sequence[str] = (), **filters: Any,
) -> dict[str, Any]:  # fmt: skip
    """What a map of the selected events draws: ``placed`` (events with coordinates, inside
    ``box`` when given), ``unplaced`` (the selection's events without), ``bounds`` (of the
    placed ones), and the events themselves as ``points`` when at most ``max_points``,
    otherwise ``clusters``: the events summed on a grid of about ``grid`` cells across the
    view (a power of two in degrees, anchored at -90/-180, so panning keeps the cells),
    each with its count, killed sum, centroid and extent (``cluster=False``: neither, only
    the counts and bounds, for a map that first fits its view to them)."""
    c = events.c

    def selected(*columns: Any) -> sa.Select[Any]:
        return _refined(_filtered(sa.select(*columns), filters), None, killed_min,
                        killed_max, words)  # fmt: skip

    placed = sa.and_(c.latitude.is_not(None), c.longitude.is_not(None))
    inside = placed
    if box is not None:
        south, west, north, east = box
        inside = sa.and_(placed, c.latitude.between(south, north),
                         c.longitude.between(west, east))  # fmt: skip
    # two plain scans: each condition once a row (CASE expressions per aggregate cost more)
    extent = conn.execute(selected(
        sa.func.count(), sa.func.min(c.latitude), sa.func.min(c.longitude),
        sa.func.max(c.latitude), sa.func.max(c.longitude),
    ).where(inside)).one()  # fmt: skip
    unplaced = conn.execute(selected(sa.func.count()).where(~placed)).scalar_one()
    n_placed = int(extent[0])
    bounds = list(extent[1:]) if n_placed else None
    out: dict[str, Any] = {"placed": n_placed, "unplaced": int(unplaced), "bounds": bounds}
    if n_placed <= max_points:
        columns = [c.id, c.date, c.place, c.admin1, c.country, c.latitude, c.longitude,
                   c.attack_type, c.killed_best]  # fmt: skip
        query = selected(*columns).where(inside).order_by(
            sa.func.coalesce(c.killed_best, -1).desc(), c.id)  # fmt: skip
        out["points"] = [dict(r._mapping) for r in conn.execute(query)]
        return out
    if not cluster:
        return out
    view = box or tuple(bounds or (0.0, 0.0, 0.0, 0.0))
    span = max(view[2] - view[0], view[3] - view[1], 1e-3)
    cell = max(2.0 ** round(math.log2(span / grid)), MIN_CELL)
    # one integer key per cell (a row of the grid, then its column): grouping by one key is
    # about a third faster than by two
    key = (_cell_of(conn, c.latitude, -90.0, cell) * _ROW
           + _cell_of(conn, c.longitude, -180.0, cell)).label("cell")  # fmt: skip
    query = selected(
        key, sa.func.count().label("events"),
        sa.func.coalesce(sa.func.sum(c.killed_best), 0).label("killed"),
        sa.func.avg(c.latitude).label("latitude"), sa.func.avg(c.longitude).label("longitude"),
        sa.func.min(c.latitude).label("south"), sa.func.min(c.longitude).label("west"),
        sa.func.max(c.latitude).label("north"), sa.func.max(c.longitude).label("east"),
        sa.func.min(c.id).label("id"),
    ).where(inside).group_by(key)  # fmt: skip
    clusters = []
    for r in conn.execute(query):
        row = dict(r._mapping)
        row.pop("cell")
        row["killed"] = int(row["killed"])
        if row["events"] != 1:
            row["id"] = None  # only a cluster of one is an event to open
        clusters.append(row)
    clusters.sort(key=lambda r: (-r["events"], r["latitude"], r["longitude"]))
    out.update(clusters=clusters, cell=cell)
    return out


def mentions_of(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's mentions as ``events --json`` shows them, oldest document first."""
    from khorasan.model import IncidentMention

    out: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(list(event_ids)):
        query = (
            _MENTION_SELECT.add_columns(event_mentions.c.event_id, event_mentions.c.score)
            .join(event_mentions, event_mentions.c.mention_id == incident_mentions.c.id)
            .where(event_mentions.c.event_id.in_(chunk))
            .order_by(documents.c.published, incident_mentions.c.document_id,
                      incident_mentions.c.seq)
        )  # fmt: skip
        for r in conn.execute(query):
            row = r._mapping
            item = IncidentMention.from_row(row).as_json()
            item.update(doc=row["doc"], outlet=row["outlet"], url=row["url"],
                        published=row["published"], wire_story_id=row["wire_story_id"],
                        score=row["score"])  # fmt: skip
            out.setdefault(row["event_id"], []).append(item)
    return out


def distinct_values(conn: Connection, column: str) -> list[str]:
    """The different values one event column holds, sorted (for a filter's choices)."""
    c = events.c[column]
    return [v for (v,) in conn.execute(sa.select(c).where(c.is_not(None)).distinct().order_by(c))]


def links_of_document(conn: Connection, document_id: str) -> dict[int, str]:
    """Mention id -> event id for every mention of one document that an event holds."""
    query = (
        sa.select(event_mentions.c.mention_id, event_mentions.c.event_id)
        .join(incident_mentions, incident_mentions.c.id == event_mentions.c.mention_id)
        .where(incident_mentions.c.document_id == document_id)
    )
    return {int(m): e for m, e in conn.execute(query)}


def event_ids(conn: Connection, prefix: str, limit: int = 2) -> list[str]:
    """Ids of events starting with ``prefix`` (at most ``limit``; ``%`` and ``_`` are literal)."""
    if not prefix:
        return []
    c = events.c
    query = sa.select(c.id).where(c.id.startswith(prefix, autoescape=True))
    if conn.dialect.name != "sqlite":
        return [r[0] for r in conn.execute(query.order_by(c.id).limit(limit))]
    # SQLite's LIKE ignores ASCII case and so uses no index: one range of the primary key per
    # case of the prefix finds the candidates (one query each: an OR of ranges scans them
    # all in order); LIKE still decides
    found: set[str] = set()
    for p in {prefix, prefix.lower(), prefix.upper()}:
        ranged = query.where(c.id >= p, c.id < p + "\uffff").order_by(c.id).limit(limit)
        found.update(r[0] for r in conn.execute(ranged))
    return sorted(found)[:limit]


def get_event(conn: Connection, event_id: str) -> Event | None:
    row = conn.execute(sa.select(events).where(events.c.id == event_id)).first()
    if row is None:
        return None
    event = Event.from_row(row._mapping)
    event.mentions = mentions_of(conn, [event.id]).get(event.id, [])
    return event
