"""When an alert fires: once per event when it first matches a rule, again only when a
watched figure of that event changes (``killed 13 -> 60``), never twice for the same news.

An event is known to a rule by its id and by its members' stable identities (document and
span): when re-fusion gives an event a new id, the rule finds it again through a shared member
and says nothing unless a watched figure moved. Only events written by a fusion since the
rule's last complete run are looked at, so a run with nothing new costs a few queries.
A delivery that fails leaves that event's state unchanged and the rule's mark where it was:
the next run tries again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from khorasan.alerts.channels import DeliveryPolicy, Outcome, deliver
from khorasan.alerts.messages import (
    FIGURE_LABELS,
    Change,
    alert_document,
    digest_document,
    relation_document,
)
from khorasan.alerts.rules import AlertRule, now_iso
from khorasan.model import Event
from khorasan.store import Store
from khorasan.store.alerts import AlertTransaction

__all__ = ["Alert", "NotifySummary", "baseline", "figures", "notify", "plan"]

DIGEST_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# How long a run holds a rule: longer than any run takes (a crashed run's hold lapses)
RUN_HOLD = timedelta(minutes=15)


@dataclass(slots=True)
class Alert:
    """One alert to send: ``kind`` new or update, and the state to keep once it is sent."""

    kind: str
    event: Event | None  # None: an actor relation
    changes: list[Change]
    state: dict[str, Any]
    relation: dict[str, Any] | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.event.id if self.event is not None else str(self.state["event_id"])

    def document(self, rule: str, delivery_id: str, at: str) -> dict[str, Any]:
        if self.event is None:
            assert self.relation is not None
            return relation_document(rule, self.relation, self.sources, delivery_id, at)
        return alert_document(rule, self.kind, self.event, self.changes, delivery_id, at)


@dataclass(slots=True)
class NotifySummary:
    """What one :func:`notify` run did."""

    rules: int = 0
    sent: int = 0
    failed: int = 0
    queued: int = 0  # alerts of digest rules, waiting for their digest
    deferred: int = 0  # not tried: an earlier alert of the same rule failed this run
    busy: int = 0  # rules another run was evaluating
    digests: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, rule: str, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)
        counts = self.by_rule.setdefault(rule, {"sent": 0, "failed": 0, "queued": 0,
                                                "deferred": 0, "digests": 0})  # fmt: skip
        counts[status] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "sent": self.sent,
            "failed": self.failed,
            "queued": self.queued,
            "deferred": self.deferred,
            "digests": self.digests,
            "busy": self.busy,
            "by_rule": self.by_rule,
        }


def figures(event: Event) -> dict[str, Any]:
    """The watched figures of an event: a change of any fires an update."""
    return {name: getattr(event, name) for name in FIGURE_LABELS}


def _members(event: Event) -> list[str]:
    return sorted({str(m["uid"]) for m in event.mentions or [] if m.get("uid")})


def plan(events: Sequence[Event], states: Sequence[dict[str, Any]],
         at: str) -> tuple[list[Alert], list[dict[str, Any]]]:  # fmt: skip
    """The alerts ``events`` call for, given what the rule sent before (``states``), and the
    states to save whatever the deliveries do (an event known under a new id or new members,
    its figures unchanged)."""
    by_event = {s["event_id"]: s for s in states}
    by_id = {s["id"]: s for s in states}
    by_member: dict[str, dict[str, Any]] = {}
    for s in states:
        for uid in s["members"]:
            by_member.setdefault(uid, s)
    taken: set[int] = set()
    alerts: list[Alert] = []
    quiet: list[dict[str, Any]] = []
    # events still under their old id first: a split leaves the old state to the part that
    # kept the id, and the part that left is new
    for event in sorted(events, key=lambda e: (e.id not in by_event, e.id)):
        members = _members(event)
        state = by_event.get(event.id)
        if state is None or state["id"] in taken:
            shared = Counter(by_member[u]["id"] for u in members
                             if u in by_member and by_member[u]["id"] not in taken)  # fmt: skip
            best = max(shared, key=lambda k: (shared[k], -k)) if shared else None
            state = by_id.get(best)
        now = figures(event)
        if state is None:
            row = {"id": None, "event_id": event.id, "members": members, "figures": now,
                   "first_at": at, "last_at": at}  # fmt: skip
            alerts.append(Alert("new", event, [], row))
            continue
        taken.add(state["id"])
        before = state["figures"]
        changes = [(k, before.get(k), v) for k, v in now.items() if before.get(k) != v]
        row = {**state, "event_id": event.id, "members": members, "figures": now,
               "last_at": at}  # fmt: skip
        if changes:
            alerts.append(Alert("update", event, changes, row))
        elif (state["event_id"], state["members"]) != (event.id, members):
            quiet.append({**row, "figures": before, "last_at": state["last_at"]})
    return alerts, quiet


def _relations(tx: AlertTransaction, rule: AlertRule) -> dict[str, list[dict[str, Any]]]:
    """The actor relations a relation rule watches, by key (a, b, kind), with their records.
    ``perpetrator`` keeps those with that actor (any alias, with its branches) on one side."""
    kind = rule.filters["relation"]
    records = tx.relations(None if kind == "any" else kind)
    actor = rule.filters.get("perpetrator")
    if actor:
        wanted = tx.resolve({"perpetrator": actor})["perpetrator"]
        names = {str(n).lower() for n in (wanted if isinstance(wanted, list) else [wanted])}
        records = [
            r
            for r in records
            if {str(r["group_name"]).lower(), str(r["other_group"]).lower()} & names
        ]
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        key = f"{r['group_name']}|{r['other_group']}|{r['relation']}".lower()
        out.setdefault(hashlib.sha256(key.encode()).hexdigest()[:16], []).append(r)
    return out


def _relation_alerts(tx: AlertTransaction, rule: AlertRule, at: str) -> list[Alert]:
    """One alert per relation the rule has not told of before (a new pair or a new kind)."""
    assert rule.id is not None
    known = {s["event_id"] for s in tx.states(rule.id)}
    alerts = []
    for key, records in _relations(tx, rule).items():
        if key in known:
            continue
        first = records[0]
        relation = {"a": first["group_name"], "b": first["other_group"],
                    "kind": first["relation"], "date": first["date"]}  # fmt: skip
        members = sorted(f"{r['document_id']}:{r['span_start']}-{r['span_end']}" for r in records)
        state = {"id": None, "event_id": key, "members": members, "figures": relation,
                 "first_at": at, "last_at": at}  # fmt: skip
        alerts.append(Alert("new", None, [], state, relation, records))
    return alerts


def _delivery_id(rule: AlertRule, kind: str, subject: str, what: Any) -> str:
    """The same alert (rule, kind, event, figures) gets the same id in every run: a run that
    sent it but died before logging it sends it again, and the receiver can drop the repeat."""
    key = json.dumps([rule.id, rule.name, kind, subject, what], sort_keys=True, default=str)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _selection(rule: AlertRule) -> tuple[dict[str, Any], int | None, bool]:
    filters = {k: v for k, v in rule.filters.items()
               if k not in ("killed_min", "claimed", "relation")}  # fmt: skip
    return filters, rule.filters.get("killed_min"), bool(rule.filters.get("claimed"))


def baseline(tx: AlertTransaction, rule: AlertRule) -> None:
    """Take every event matching ``rule`` now as known (no alert until a figure changes)."""
    assert rule.id is not None
    at = rule.created_at or now_iso()
    if "relation" in rule.filters:
        tx.save_states(rule.id, [a.state for a in _relation_alerts(tx, rule, at)])
        return
    filters, killed_min, claimed = _selection(rule)
    latest = tx.latest_fusion()
    events = tx.matching_events(filters, since=None, killed_min=killed_min, claimed=claimed)
    tx.save_states(rule.id, [{"event_id": e.id, "members": _members(e), "figures": figures(e),
                              "first_at": at, "last_at": at} for e in events])  # fmt: skip
    tx.update_rule(rule.id, checked_through=latest)


def _iso(now: datetime | str | None) -> str:
    if now is None:
        return now_iso()
    when = datetime.fromisoformat(now) if isinstance(now, str) else now
    if when.tzinfo is None:  # a naive time is taken as UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _log_row(rule: AlertRule, document: dict[str, Any], kind: str, event_id: str | None,
             outcome: Outcome, at: str) -> dict[str, Any]:  # fmt: skip
    return {
        "delivery_id": document["delivery_id"],
        "rule_id": rule.id,
        "rule": rule.name,
        "event_id": event_id,
        "kind": kind,
        "channel": rule.channel,
        "status": outcome.status,
        "attempts": outcome.attempts,
        "error": outcome.error,
        "summary": document["summary"],
        "payload": document if outcome.status == "queued" else None,
        "at": at,
    }


def notify(
    store: Store, now: datetime | str | None = None, *, policy: DeliveryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> NotifySummary:  # fmt: skip
    """Evaluate every saved rule against the events and deliver what fires (or queue it for
    the rule's digest, and send the digest when it is due). ``now``: the time to record
    (default: the clock). No rules: nothing is read but the rule table."""
    at = _iso(now)
    summary = NotifySummary()
    with store.alerting(write=False) as tx:
        rules = [AlertRule.from_row(r) for r in tx.rules()]
    summary.rules = len(rules)
    for rule in rules:
        assert rule.id is not None
        clock = datetime.now(UTC)  # the hold is real time, whatever ``now`` says
        with store.alerting() as tx:
            held = tx.claim_rule(rule.id, clock.isoformat(timespec="seconds"),
                                 (clock + RUN_HOLD).isoformat(timespec="seconds"))  # fmt: skip
        if not held:  # another run is at it: it sends what this one would
            summary.busy += 1
            continue
        try:
            _run_rule(store, rule, at, policy, sleep, summary)
        finally:
            with store.alerting() as tx:
                tx.update_rule(rule.id, running_until=None)
    return summary


def _run_rule(store: Store, rule: AlertRule, at: str, policy: DeliveryPolicy | None,
              sleep: Callable[[float], None] | None, summary: NotifySummary) -> None:  # fmt: skip
    assert rule.id is not None
    filters, killed_min, claimed = _selection(rule)
    with store.alerting(write=False) as tx:  # the rule is held: no other run writes its state
        latest = tx.latest_fusion()
        quiet: list[dict[str, Any]] = []
        if "relation" in rule.filters:
            alerts = _relation_alerts(tx, rule, at)
        else:
            events = tx.matching_events(filters, since=rule.checked_through,
                                        killed_min=killed_min, claimed=claimed)  # fmt: skip
            # nothing fused since the last run: the rule's state need not even be read
            alerts, quiet = plan(events, tx.states(rule.id), at) if events else ([], [])
    kept = list(quiet)
    logs: list[dict[str, Any]] = []
    all_done = True
    for alert in alerts:
        if not all_done:  # the channel is failing: the rest wait for the next run
            summary.count(rule.name, "deferred")
            continue
        document = alert.document(
            rule.name, _delivery_id(rule, alert.kind, alert.subject, alert.state["figures"]), at
        )
        if rule.digest:
            outcome = Outcome("queued", 0)
        else:
            outcome = deliver(rule, document, policy, **({"sleep": sleep} if sleep else {}))
        summary.count(rule.name, outcome.status)
        logs.append(_log_row(rule, document, alert.kind, alert.subject, outcome, at))
        if outcome.status == "failed":
            all_done = False
        else:
            kept.append(alert.state)
    if kept or logs or latest != rule.checked_through:
        _record(store, rule, kept, logs, latest if all_done else None)
    if rule.digest:
        _digest(store, rule, at, policy, sleep, summary)


def _record(store: Store, rule: AlertRule, states: list[dict[str, Any]],
            logs: list[dict[str, Any]], checked_through: str | None) -> None:  # fmt: skip
    assert rule.id is not None
    with store.alerting() as tx:
        tx.save_states(rule.id, states)
        for row in logs:
            tx.add_delivery(row)
        if checked_through is not None:
            tx.update_rule(rule.id, checked_through=checked_through)


def _digest(store: Store, rule: AlertRule, at: str, policy: DeliveryPolicy | None,
            sleep: Callable[[float], None] | None, summary: NotifySummary) -> None:  # fmt: skip
    """Send the rule's queued alerts in one digest once its period has passed."""
    assert rule.id is not None and rule.digest is not None
    last = datetime.fromisoformat(rule.last_digest_at or rule.created_at)
    if datetime.fromisoformat(at) < last + DIGEST_PERIODS[rule.digest]:
        return
    with store.alerting(write=False) as tx:
        waiting = tx.queued(rule.id)
    if waiting:
        digest_id = _delivery_id(rule, "digest", "", [w["delivery_id"] for w in waiting])
        document = digest_document(rule.name, rule.digest, [w["payload"] for w in waiting],
                                   digest_id, at)  # fmt: skip
        document["summary"] = (
            f"{len(waiting)} alerts: "
            + "; ".join(str(w["summary"]) for w in waiting[:5])
            + (" ..." if len(waiting) > 5 else "")
        )
        outcome = deliver(rule, document, policy, **({"sleep": sleep} if sleep else {}))
        summary.count(rule.name, "digests" if outcome.status == "sent" else "failed")
        with store.alerting() as tx:
            tx.add_delivery(_log_row(rule, document, "digest", None, outcome, at))
            if outcome.status == "sent":
                tx.mark_digested([w["id"] for w in waiting], document["delivery_id"])
                tx.update_rule(rule.id, last_digest_at=at)
        return
    with store.alerting() as tx:  # nothing to send: the next period starts now
        tx.update_rule(rule.id, last_digest_at=at)
