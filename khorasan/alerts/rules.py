"""Saved alert rules: a name, an event filter (as for ``khorasan events``) and a channel.

Channels: ``webhook`` (an HTTP POST of a JSON document signed with an HMAC of its body),
``email`` (plain text over SMTP, STARTTLS, SSL or none; the password read from an environment
variable at send time, never stored) and ``file`` (JSON lines appended to a file, ``-`` for
stdout).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from khorasan.errors import AlertError, FetchError
from khorasan.ingest.fetch import check_url
from khorasan.ingest.options import IngestOptions
from khorasan.store import Store

__all__ = ["CHANNELS", "DIGESTS", "FILTERS", "RELATION_KINDS", "SMTP_TLS", "AlertRule",
           "add_rule", "get_rule", "list_rules", "remove_rule"]  # fmt: skip

CHANNELS = ("webhook", "email", "file")
DIGESTS = ("daily", "weekly")
SMTP_TLS = {"starttls": 587, "ssl": 465, "none": 25}  # each mode and its usual port
# Filters a rule may hold: those of Store.events, plus killed_min and claimed
FILTERS = ("country", "admin1", "perpetrator", "attack_type", "target_type", "attribution",
           "killed_min", "claimed", "relation")  # fmt: skip
# A rule with ``relation`` watches actor relations (a kind of them, or "any"), not events
RELATION_KINDS = ("any", "war", "rivalry", "alliance", "split", "allegiance", "defection")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True, kw_only=True)
class AlertRule:
    """One saved rule. ``target`` holds the channel's settings: ``url``, ``secret``,
    ``allow_private`` (webhook); ``to``, ``host``, ``port``, ``tls``, ``sender``, ``user``,
    ``password_env``, ``ca_file`` (email); ``path`` (file)."""

    name: str
    channel: str
    target: dict[str, Any]
    filters: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None
    id: int | None = None
    created_at: str = ""
    checked_through: str | None = None
    last_digest_at: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AlertRule:
        return cls(
            **{
                k: row[k]
                for k in (
                    "name",
                    "channel",
                    "target",
                    "filters",
                    "digest",
                    "id",
                    "created_at",
                    "checked_through",
                    "last_digest_at",
                )
            }
        )

    def as_dict(self, *, secrets: bool = False) -> dict[str, Any]:
        """The rule as ``alerts list --json`` shows it: a webhook secret only as ``***``."""
        target = dict(self.target)
        if target.get("secret") and not secrets:
            target["secret"] = "***"
        return {
            "name": self.name,
            "channel": self.channel,
            "target": target,
            "filters": self.filters,
            "digest": self.digest,
            "created_at": self.created_at,
        }

    def where(self) -> str:
        """Where the channel delivers, in a few words."""
        t = self.target
        if self.channel == "webhook":
            return str(t["url"])
        if self.channel == "email":
            return f"{t['to']} via {t['host']}:{t['port']} ({t['tls']})"
        return "stdout" if t["path"] == "-" else str(t["path"])


def _check(rule: AlertRule) -> None:
    if not rule.name.strip() or any(ch in rule.name for ch in "\r\n\t"):
        raise AlertError("name", "a rule needs a name on one line")
    if rule.channel not in CHANNELS:
        raise AlertError(rule.name, f"unknown channel {rule.channel!r}; known: "
                         f"{', '.join(CHANNELS)}")  # fmt: skip
    if rule.digest is not None and rule.digest not in DIGESTS:
        raise AlertError("digest", f"{rule.digest!r} is not one of {', '.join(DIGESTS)}")
    unknown = set(rule.filters) - set(FILTERS)
    if unknown:
        raise AlertError(sorted(unknown)[0], f"not an alert filter; known: {', '.join(FILTERS)}")
    relation = rule.filters.get("relation")
    if relation is not None and relation not in RELATION_KINDS:
        raise AlertError("relation", f"{relation!r} is not one of {', '.join(RELATION_KINDS)}")
    killed_min = rule.filters.get("killed_min")
    if killed_min is not None and (not isinstance(killed_min, int) or killed_min < 0):
        raise AlertError("killed_min", f"{killed_min!r} is not a whole number of 0 or more")
    t = rule.target
    needs = {"webhook": ("url",), "email": ("to", "host", "port", "tls", "sender"),
             "file": ("path",)}[rule.channel]  # fmt: skip
    for key in needs:
        if t.get(key) in (None, ""):
            raise AlertError(rule.name, f"a {rule.channel} channel needs {key}")
    if rule.channel == "webhook":
        try:
            check_url(str(t["url"]), IngestOptions(allow_private=bool(t.get("allow_private"))))
        except FetchError as exc:
            raise AlertError(str(t["url"]), exc.reason) from exc
    if rule.channel == "email":
        if t["tls"] not in SMTP_TLS:
            raise AlertError("smtp-tls", f"{t['tls']!r} is not one of {', '.join(SMTP_TLS)}")
        if bool(t.get("user")) != bool(t.get("password_env")):
            raise AlertError("smtp-user", "a login needs both the user and the name of the "
                             "environment variable holding the password")  # fmt: skip


def add_rule(store: Store, rule: AlertRule, *, backfill: bool = False) -> AlertRule:
    """Save ``rule`` (its name must be new; a webhook without a secret gets a random one, in
    ``rule.target["secret"]``). Events that match it now are taken as known:
    they fire only when a watched figure changes; ``backfill=True`` alerts them too on the
    next :func:`~khorasan.alerts.notify`. A bad filter or channel raises :class:`AlertError`
    (or :class:`FilterError`)."""
    from khorasan.alerts.firing import baseline

    _check(rule)
    if rule.channel == "webhook" and not rule.target.get("secret"):
        rule.target["secret"] = secrets.token_hex(16)  # the caller reads it from the rule
    if rule.channel == "file" and rule.target["path"] != "-":
        rule.target["path"] = str(Path(rule.target["path"]).expanduser().resolve())
    rule.created_at = rule.created_at or now_iso()
    rule.last_digest_at = rule.last_digest_at or rule.created_at
    row = {**rule.as_dict(secrets=True), "last_digest_at": rule.last_digest_at}
    with store.alerting() as tx:
        # a bad filter value (an unknown date shape, ...) says so now, not at the first run
        tx.resolve({k: v for k, v in rule.filters.items()
                    if k not in ("killed_min", "claimed", "relation")})  # fmt: skip
        if tx.rules(rule.name):
            raise AlertError(rule.name, "a rule of that name exists (remove it first)")
        rule.id = tx.add_rule(row)
        if not backfill:
            baseline(tx, rule)
    return rule


def list_rules(store: Store) -> list[AlertRule]:
    """Every saved rule, by name."""
    with store.alerting(write=False) as tx:
        return [AlertRule.from_row(r) for r in tx.rules()]


def get_rule(store: Store, name: str) -> AlertRule:
    """The rule of that name; :class:`AlertError` when there is none."""
    with store.alerting(write=False) as tx:
        found = tx.rules(name)
    if not found:
        raise AlertError(name, "no alert rule of that name")
    return AlertRule.from_row(found[0])


def remove_rule(store: Store, name: str) -> None:
    """Delete the rule and what it sent of each event (its delivery log stays)."""
    with store.alerting() as tx:
        if not tx.remove_rule(name):
            raise AlertError(name, "no alert rule of that name")
