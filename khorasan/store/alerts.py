"""SQL for alerts: saved rules, what each rule last sent of each event, and the delivery log.

What fires and when is ``khorasan.alerts``'s business; this module only reads and writes rows,
and selects the events a rule's filter matches among those fused since a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.model import Event
from khorasan.store.events import _filtered, _refined, mentions_of
from khorasan.store.schema import alert_deliveries, alert_rules, alert_state, events

__all__ = [
    "AlertTransaction",
    "add_delivery",
    "add_rule",
    "deliveries",
    "latest_fusion",
    "mark_digested",
    "matching_events",
    "queued",
    "remove_rule",
    "rules",
    "save_states",
    "states",
    "update_rule",
]


def add_rule(conn: Connection, row: dict[str, Any]) -> int:
    key = conn.execute(alert_rules.insert().values(**row)).inserted_primary_key
    assert key is not None
    return int(key[0])


def rules(conn: Connection, name: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(alert_rules).order_by(alert_rules.c.name)
    if name is not None:
        query = query.where(alert_rules.c.name == name)
    return [dict(r._mapping) for r in conn.execute(query)]


def remove_rule(conn: Connection, name: str) -> bool:
    found = conn.execute(sa.select(alert_rules.c.id).where(alert_rules.c.name == name)).first()
    if found is None:
        return False
    conn.execute(alert_state.delete().where(alert_state.c.rule_id == found[0]))
    conn.execute(alert_rules.delete().where(alert_rules.c.id == found[0]))
    return True


def update_rule(conn: Connection, rule_id: int, **values: Any) -> None:
    conn.execute(alert_rules.update().where(alert_rules.c.id == rule_id).values(**values))


def latest_fusion(conn: Connection) -> str | None:
    """When the newest event was written (every fusion stamps the events it writes)."""
    return conn.execute(sa.select(sa.func.max(events.c.fused_at))).scalar()


def matching_events(
    conn: Connection, filters: dict[str, Any], *, since: str | None,
    killed_min: int | None = None, claimed: bool = False,
) -> list[Event]:  # fmt: skip
    """Events matching ``filters`` (resolved, as :meth:`Store.events` takes them) written by a
    fusion at or after ``since`` (None: all), each with its mentions. ``claimed``: a claimed
    figure or a claimed attribution."""
    c = events.c
    query = _refined(_filtered(sa.select(events), filters), None, killed_min, None, ())
    if since is not None:
        query = query.where(c.fused_at >= since)
    if claimed:
        query = query.where(sa.or_(c.claimed_killed.is_not(None),
                                   c.attribution_key == "claimed"))  # fmt: skip
    found = [Event.from_row(r._mapping) for r in conn.execute(query.order_by(c.id))]
    by_event = mentions_of(conn, [e.id for e in found]) if found else {}
    for e in found:
        e.mentions = by_event.get(e.id, [])
    return found


def states(conn: Connection, rule_id: int) -> list[dict[str, Any]]:
    query = sa.select(alert_state).where(alert_state.c.rule_id == rule_id)
    return [dict(r._mapping) for r in conn.execute(query.order_by(alert_state.c.id))]


def save_states(conn: Connection, rule_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows without an ``id``, update those with one."""
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        if row.get("id") is None:
            conn.execute(alert_state.insert().values(rule_id=rule_id, **values))
        else:
            conn.execute(alert_state.update().where(alert_state.c.id == row["id"]).values(**values))


def add_delivery(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(alert_deliveries.insert().values(**row))


def queued(conn: Connection, rule_id: int) -> list[dict[str, Any]]:
    """A digest rule's alerts waiting for their digest, oldest first."""
    c = alert_deliveries.c
    query = sa.select(alert_deliveries).where(c.rule_id == rule_id, c.status == "queued")
    return [dict(r._mapping) for r in conn.execute(query.order_by(c.id))]


def mark_digested(conn: Connection, ids: Sequence[int], digest_id: str) -> None:
    c = alert_deliveries.c
    conn.execute(alert_deliveries.update().where(c.id.in_(list(ids)))
                 .values(status="digested", error=None, summary=sa.func.coalesce(c.summary, "")
                         + f" (in digest {digest_id})"))  # fmt: skip


def deliveries(
    conn: Connection, *, rule: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The delivery log, newest first."""
    c = alert_deliveries.c
    query = sa.select(*(col for col in alert_deliveries.c if col.name != "payload"))
    if rule is not None:
        query = query.where(c.rule == rule)
    return [dict(r._mapping) for r in conn.execute(query.order_by(c.id.desc()).limit(limit))]


class AlertTransaction:
    """One alert run's reads or writes in one transaction (see :meth:`Store.alerting`).
    ``resolve`` turns a rule's filters into the store's (aliases and hierarchy resolved)."""

    def __init__(self, conn: Connection,
                 resolve: Callable[[dict[str, Any]], dict[str, Any]]) -> None:  # fmt: skip
        self.conn = conn
        self.resolve = resolve

    def rules(self, name: str | None = None) -> list[dict[str, Any]]:
        return rules(self.conn, name)

    def add_rule(self, row: dict[str, Any]) -> int:
        return add_rule(self.conn, row)

    def remove_rule(self, name: str) -> bool:
        return remove_rule(self.conn, name)

    def update_rule(self, rule_id: int, **values: Any) -> None:
        update_rule(self.conn, rule_id, **values)

    def claim_rule(self, rule_id: int, now: str, until: str) -> bool:
        """Hold the rule until ``until`` unless another run holds it past ``now``; whether
        this run got it (one conditional UPDATE: atomic on SQLite and PostgreSQL)."""
        c = alert_rules.c
        result = self.conn.execute(
            alert_rules.update()
            .where(c.id == rule_id, sa.or_(c.running_until.is_(None), c.running_until < now))
            .values(running_until=until)
        )
        return bool(result.rowcount == 1)

    def latest_fusion(self) -> str | None:
        return latest_fusion(self.conn)

    def matching_events(
        self,
        filters: dict[str, Any],
        *,
        since: str | None,
        killed_min: int | None = None,
        claimed: bool = False,
    ) -> list[Event]:
        return matching_events(self.conn, self.resolve(filters), since=since,
                               killed_min=killed_min, claimed=claimed)  # fmt: skip

    def states(self, rule_id: int) -> list[dict[str, Any]]:
        return states(self.conn, rule_id)

    def relations(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Stored actor relation records (of one ``kind`` when given) with their document."""
        from khorasan.store.records import list_records

        return list_records(self.conn, "relations", relation=kind)

    def save_states(self, rule_id: int, rows: Sequence[dict[str, Any]]) -> None:
        save_states(self.conn, rule_id, rows)

    def add_delivery(self, row: dict[str, Any]) -> None:
        add_delivery(self.conn, row)

    def queued(self, rule_id: int) -> list[dict[str, Any]]:
        return queued(self.conn, rule_id)

    def mark_digested(self, ids: Sequence[int], digest_id: str) -> None:
        mark_digested(self.conn, ids, digest_id)

    def deliveries(self, *, rule: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:  # fmt: skip
        return deliveries(self.conn, rule=rule, limit=limit)
