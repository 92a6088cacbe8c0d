"""Alerts: saved rules that tell a webhook, a mailbox or a file when an event matching them
appears, and again when its toll (or another watched figure) changes.

    rule = AlertRule(name="kabul", channel="webhook",
                     target={"url": "https://hooks.example/k", "secret": "s3cret"},
                     filters={"country": "Afghanistan", "killed_min": 5})
    add_rule(store, rule)
    notify(store)          # after each ingest or watch poll: sends what fired, logs it
    log(store)             # every delivery: sent, failed (and why), queued for a digest
"""

from __future__ import annotations

import uuid
from typing import Any

from khorasan.alerts.channels import DeliveryPolicy, Outcome, deliver, signature
from khorasan.alerts.firing import NotifySummary, figures, notify, plan
from khorasan.alerts.messages import alert_document
from khorasan.alerts.rules import (
    CHANNELS,
    DIGESTS,
    FILTERS,
    RELATION_KINDS,
    SMTP_TLS,
    AlertRule,
    add_rule,
    get_rule,
    list_rules,
    now_iso,
    remove_rule,
)
from khorasan.model import Event
from khorasan.store import Store

__all__ = [
    "CHANNELS",
    "DIGESTS",
    "FILTERS",
    "RELATION_KINDS",
    "SMTP_TLS",
    "AlertRule",
    "DeliveryPolicy",
    "NotifySummary",
    "Outcome",
    "add_rule",
    "deliver",
    "figures",
    "get_rule",
    "has_rules",
    "list_rules",
    "log",
    "notify",
    "plan",
    "remove_rule",
    "sample_event",
    "signature",
    "test_rule",
]


def has_rules(store: Store) -> bool:
    """Whether any rule is saved (a caller skips :func:`notify` cheaply when not)."""
    with store.alerting(write=False) as tx:
        return bool(tx.rules())


def sample_event() -> Event:
    """An invented event for :func:`test_rule`: it names no real place or source."""
    return Event(
        id="test000000000000",
        date="2000-01-01",
        country="Testland",
        admin1="Sample Province",
        place="Sample Town",
        perpetrator="Test Group",
        attribution="claimed",
        attack_type="bombing",
        target_type="civilians",
        killed_best=1,
        killed_low=1,
        killed_high=1,
        n_mentions=1,
        n_sources=1,
        mentions=[
            {
                "uid": "test:0-10",
                "document_id": "test",
                "outlet": "Test",
                "url": None,
                "published": "2000-01-01",
                "span": [0, 10],
                "evidence": "This is a test alert from Khorasan Monitor.",
            }
        ],
    )


def test_rule(store: Store, name: str, policy: DeliveryPolicy | None = None) -> Outcome:
    """Send an invented sample alert (kind ``test``) to the rule's channel and log it."""
    rule = get_rule(store, name)
    at = now_iso()
    document = alert_document(rule.name, "test", sample_event(), [], uuid.uuid4().hex, at)
    document["summary"] = "test alert: " + document["headline"]
    outcome = deliver(rule, document, policy)
    with store.alerting() as tx:
        tx.add_delivery(
            {
                "delivery_id": document["delivery_id"],
                "rule_id": rule.id,
                "rule": rule.name,
                "event_id": None,
                "kind": "test",
                "channel": rule.channel,
                "status": outcome.status,
                "attempts": outcome.attempts,
                "error": outcome.error,
                "summary": document["summary"],
                "payload": None,
                "at": at,
            }
        )
    return outcome


test_rule.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def log(store: Store, *, rule: str | None = None, limit: int | None = 100) -> list[dict[str, Any]]:
    """The delivery log, newest first: ``at``, ``rule``, ``event_id``, ``kind`` (new,
    update, digest, test), ``channel``, ``status`` (sent, failed, queued, digested),
    ``attempts``, ``error``, ``summary``, ``delivery_id``."""
    with store.alerting(write=False) as tx:
        return tx.deliveries(rule=rule, limit=limit)
