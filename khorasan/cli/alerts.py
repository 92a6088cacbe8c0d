"""``khorasan alerts ...``: saved rules that deliver new and changed events to a webhook, a
mailbox or a file (see ``khorasan.alerts``)."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import click

from khorasan import alerts as library
from khorasan.cli._common import (
    Col,
    OptionError,
    db_option,
    echo_json,
    open_db,
    print_table,
    safe,
)

__all__ = ["COMMANDS"]


@click.group()
def alerts() -> None:
    """Alert rules: add, list, remove and test them; run them; show what was delivered."""


def _channel(
    webhook: str | None, secret: str | None, allow_private: bool, email: str | None,
    smtp: Mapping[str, object], path: str | None,
) -> tuple[str, dict[str, object]]:  # fmt: skip
    given = [name for name, v in (("--webhook", webhook), ("--email", email), ("--file", path))
             if v is not None]  # fmt: skip
    if len(given) != 1:
        raise OptionError("--webhook, --email, --file: give exactly one channel")
    if webhook is not None:
        return "webhook", {"url": webhook, "secret": secret, "allow_private": allow_private}
    if email is not None:
        if not smtp["host"]:
            raise OptionError("--smtp-host: an --email channel needs it")
        if bool(smtp["user"]) != bool(smtp["password_env"]):
            raise OptionError("--smtp-user, --smtp-password-env: give both or neither")
        tls = str(smtp["tls"])
        port = smtp["port"] or library.SMTP_TLS[tls]
        return "email", {"to": email, "host": smtp["host"], "port": port, "tls": tls,
                         "sender": smtp["sender"], "user": smtp["user"],
                         "password_env": smtp["password_env"],
                         "ca_file": smtp["ca_file"]}  # fmt: skip
    return "file", {"path": path}


_CA_FILE = click.Path(exists=True, dir_okay=False, resolve_path=True)


@alerts.command(name="add")
@click.argument("name")
@db_option
@click.option("--webhook", metavar="URL", help="POST each alert as JSON to this URL.")
@click.option("--secret", metavar="S", help="The webhook's HMAC key (default: a random one, "
              "printed once).")  # fmt: skip
@click.option("--allow-private/--public-only", default=True, show_default=True,
              help="A webhook on a private or loopback address (a relay on this machine or "
              "this network: the operator's own setting, not an address an article named); "
              "--public-only refuses them.")  # fmt: skip
@click.option("--email", metavar="TO", help="Mail each alert (plain text) to this address.")
@click.option("--smtp-host", metavar="H")
@click.option("--smtp-port", type=click.IntRange(1, 65535), metavar="P",
              help="Default: 587 (starttls), 465 (ssl), 25 (none).")  # fmt: skip
@click.option("--smtp-tls", type=click.Choice(list(library.SMTP_TLS)), default="starttls",
              show_default=True)  # fmt: skip
@click.option("--smtp-from", "smtp_from", metavar="F", default="khorasan-monitor@localhost",
              show_default=True)  # fmt: skip
@click.option(
    "--smtp-ca",
    metavar="FILE",
    type=_CA_FILE,
    help="CA certificates to trust for the SMTP server (default: the system's).",
)
@click.option("--smtp-user", metavar="U")
@click.option(
    "--smtp-password-env",
    metavar="VAR",
    help="The environment variable holding the SMTP password (never stored).",
)
@click.option("--file", "path", metavar="PATH|-", help="Append JSON lines to a file (- : stdout).")
@click.option("--country", metavar="C")
@click.option("--admin1", metavar="P", help="Province (any alias).")
@click.option("--perpetrator", metavar="A", help="Actor by any alias, with its branches.")
@click.option("--attack-type", metavar="T")
@click.option("--target-type", metavar="T")
@click.option("--killed-min", type=click.IntRange(min=0), metavar="N",
              help="Best killed figure at least N.")  # fmt: skip
@click.option("--claimed", is_flag=True, help="Only events with a claim (a claimed toll or a "
              "claimed attribution).")  # fmt: skip
@click.option("--relation", type=click.Choice(library.RELATION_KINDS),
              help="Watch actor relations instead of events: a new pair or kind of relation "
              "(with --perpetrator: one that actor is party to).")  # fmt: skip
@click.option("--digest", type=click.Choice(library.DIGESTS),
              help="Gather alerts and send one digest a day or a week.")  # fmt: skip
@click.option("--backfill", is_flag=True, help="Alert the events that match already, too "
              "(default: only what is new or changes from now on).")  # fmt: skip
def add(
    name: str, db: str | None, webhook: str | None, secret: str | None, allow_private: bool,
    email: str | None, smtp_host: str | None, smtp_port: int | None, smtp_tls: str,
    smtp_from: str, smtp_ca: str | None, smtp_user: str | None,
    smtp_password_env: str | None, path: str | None,
    country: str | None, admin1: str | None, perpetrator: str | None,
    attack_type: str | None, target_type: str | None, killed_min: int | None, claimed: bool,
    relation: str | None, digest: str | None, backfill: bool,
) -> None:  # fmt: skip
    """Save an alert rule: an event filter and one channel (creates the database if need be)."""
    smtp = {"host": smtp_host, "port": smtp_port, "tls": smtp_tls, "sender": smtp_from,
            "user": smtp_user, "password_env": smtp_password_env, "ca_file": smtp_ca}  # fmt: skip
    channel, target = _channel(webhook, secret, allow_private, email, smtp, path)
    filters = {"country": country, "admin1": admin1, "perpetrator": perpetrator,
               "attack_type": attack_type, "target_type": target_type,
               "killed_min": killed_min, "claimed": claimed or None,
               "relation": relation}  # fmt: skip
    rule = library.AlertRule(
        name=name,
        channel=channel,
        target=target,
        digest=digest,
        filters={k: v for k, v in filters.items() if v is not None},
    )
    with open_db(db, create=True) as store:
        store.events(
            limit=0, **{k: v for k, v in rule.filters.items() if k not in ("killed_min", "claimed")}
        )  # a bad filter: say so
        library.add_rule(store, rule, backfill=backfill)
    click.echo(f"Alert rule {safe(name)!r}: {channel} {safe(rule.where())}")
    if channel == "webhook" and not secret:
        click.echo(f"webhook secret (shown once): {rule.target['secret']}")


@alerts.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The rules as JSON (secrets hidden).")
def list_cmd(db: str | None, as_json: bool) -> None:
    """Every saved alert rule."""
    with open_db(db) as store:
        rules = library.list_rules(store)
    if as_json:
        echo_json({"rules": [r.as_dict() for r in rules]})
        return
    print_table("Alert rules", [Col("name", "key"), Col("channel", "key"), Col("to"),
                                Col("filter"), Col("digest", "key", drop=1)],
                [(r.name, r.channel, r.where(),
                  ", ".join(f"{k}={v}" for k, v in r.filters.items()) or "every event",
                  r.digest or "") for r in rules])  # fmt: skip


@alerts.command()
@click.argument("name")
@db_option
def remove(name: str, db: str | None) -> None:
    """Delete an alert rule (its delivery log stays)."""
    with open_db(db) as store:
        library.remove_rule(store, name)
    click.echo(f"Removed alert rule {safe(name)!r}")


@alerts.command(name="test")
@click.argument("name")
@db_option
def test_cmd(name: str, db: str | None) -> None:
    """Send an invented sample alert to the rule's channel."""
    with open_db(db) as store:
        outcome = library.test_rule(store, name)
    if outcome.status != "sent":
        click.echo(f"Error: {safe(name)}: test alert failed after {outcome.attempts} "
                   f"attempts: {safe(outcome.error)}", err=True)  # fmt: skip
        sys.exit(1)
    click.echo(f"Test alert sent to {safe(name)!r}")


@alerts.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
def run(db: str | None, as_json: bool) -> None:
    """Evaluate every rule once and deliver what fired (for cron)."""
    with open_db(db) as store:
        # a rule writing JSON lines to stdout keeps stdout to itself: the summary goes to stderr
        to_stdout = any(r.channel == "file" and r.target.get("path") == "-"
                        for r in library.list_rules(store))  # fmt: skip
        summary = library.notify(store)
    if as_json:
        echo_json(summary.as_dict())
    else:
        click.echo(f"alerts: {summary.rules} rules, sent {summary.sent}, failed "
                   f"{summary.failed}, queued {summary.queued}, digests {summary.digests}",
                   err=to_stdout)  # fmt: skip
    if summary.failed:
        sys.exit(1)


@alerts.command(name="log")
@db_option
@click.option("--rule", metavar="NAME", help="Only this rule's deliveries.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The log as JSON.")
def log_cmd(db: str | None, rule: str | None, limit: int, as_json: bool) -> None:
    """What was delivered, newest first: sent, failed (and why), queued for a digest."""
    with open_db(db) as store:
        rows = library.log(store, rule=rule, limit=limit)
    if as_json:
        echo_json({"deliveries": rows})
        return
    print_table("Alert deliveries", [
        Col("at", "key"), Col("rule", "key"), Col("kind", "key"), Col("status", "key"),
        Col("tries", "num"), Col("event", "key", drop=2), Col("what"), Col("error", drop=1),
    ], [(r["at"], r["rule"], r["kind"], r["status"], r["attempts"], r["event_id"] or "",
         r["summary"] or "", r["error"] or "") for r in rows])  # fmt: skip


COMMANDS = [alerts]
