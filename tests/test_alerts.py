"""Alerts with real parts on loopback: a webhook receiver (threading http.server on
127.0.0.1) that checks the body and its HMAC, a local SMTP server (aiosmtpd), a failing
receiver, and a JSON-lines file; real SQLite stores. The reports are invented."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from khorasan import fuse, ingest, open_store, review
from khorasan.alerts import (
    AlertRule,
    DeliveryPolicy,
    add_rule,
    list_rules,
    log,
    notify,
    plan,
    remove_rule,
    test_rule,
)
from khorasan.cli import cli
from khorasan.errors import AlertError
from khorasan.model import Event
from khorasan.store import Store

SECRET = "an-invented-secret"
FAST = DeliveryPolicy(attempts=3, backoff=0.0, timeout=5.0)
REPORTS = {
    "kunduz": ("Gunmen stormed a wedding hall in Kunduz city, the capital of Kunduz province, on "
               "3 March 2023, killing 13 guests and wounding 20 others, police said. The Islamic "
               "State Khorasan Province (ISKP) claimed responsibility for the attack.\n",
               "2023-03-04"),
    "kunduz_toll": ("The death toll from the attack on a wedding hall in Kunduz city, the capital "
                    "of Kunduz province, on 3 March 2023 rose to 60, hospital officials said on "
                    "Monday. Gunmen stormed the hall during the ceremony. The Islamic State "
                    "Khorasan Province (ISKP) claimed responsibility.\n", "2023-03-06"),
    "peshawar": ("A roadside bomb struck a police van in Peshawar, the capital of Khyber "
                 "Pakhtunkhwa province, Pakistan, on 10 April 2023, killing four policemen, "
                 "officials said.\n", "2023-04-11"),
}  # fmt: skip


@dataclass
class Receiver:
    """A webhook receiver: records every request; answers ``status``."""

    port: int
    status: int = 200
    got: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.got.append({"headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _write(folder: Path, name: str) -> Path:
    text, published = REPORTS[name]
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps(
        {"published": published, "outlet": f"Invented {name}", "url": f"https://news.example/{name}"}
    ))  # fmt: skip
    return folder / f"{name}.txt"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def _ingest(store: Store, tmp_path: Path, *names: str) -> None:
    report = ingest([str(_write(tmp_path, n)) for n in names], store)
    assert not report.failures


def _webhook(receiver: Receiver, **filters: Any) -> AlertRule:
    return AlertRule(
        name="kunduz-watch",
        channel="webhook",
        filters=filters,
        target={"url": receiver.url, "secret": SECRET, "allow_private": True},
    )


def _bodies(receiver: Receiver) -> list[dict[str, Any]]:
    out = []
    for item in receiver.got:
        body = item["body"]
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert item["headers"]["X-Khorasan-Signature"] == expected
        out.append(json.loads(body))
    return out


def test_alerts_webhook_once_per_event_then_one_update(store: Store, tmp_path: Path,
                                                      receiver: Receiver) -> None:  # fmt: skip
    add_rule(store, _webhook(receiver, country="Afghanistan"))
    _ingest(store, tmp_path, "kunduz", "peshawar")
    first = notify(store, policy=FAST)
    assert (first.sent, first.failed) == (1, 0)
    [new] = _bodies(receiver)
    assert new["kind"] == "new" and new["rule"] == "kunduz-watch"
    assert new["event"]["country"] == "Afghanistan" and new["event"]["killed_best"] == 13
    assert new["event"]["sources"][0]["url"] == "https://news.example/kunduz"
    assert receiver.got[0]["headers"]["X-Khorasan-Delivery"] == new["delivery_id"]

    assert notify(store, policy=FAST).sent == 0 and len(receiver.got) == 1  # nothing new

    _ingest(store, tmp_path, "kunduz_toll")  # a second source: the toll rises to 60
    assert notify(store, policy=FAST).sent == 1
    update = _bodies(receiver)[1]
    assert update["kind"] == "update" and update["event"]["id"] == new["event"]["id"]
    assert update["summary"] == "killed 13 -> 60"
    assert {"field": "killed_best", "before": 13, "after": 60} in update["changes"]

    assert notify(store, policy=FAST).sent == 0 and len(receiver.got) == 2
    rows = log(store)
    assert [(r["kind"], r["status"], r["attempts"]) for r in rows] == [
        ("update", "sent", 1), ("new", "sent", 1)]  # fmt: skip


def test_alerts_refusion_and_corrections(store: Store, tmp_path: Path,
                                         receiver: Receiver) -> None:  # fmt: skip
    add_rule(store, _webhook(receiver, perpetrator="ISKP"))  # an alias of IS-K
    _ingest(store, tmp_path, "kunduz", "peshawar")
    assert notify(store, policy=FAST).sent == 1
    fuse(store)  # every event rewritten: nothing is new
    assert notify(store, policy=FAST).sent == 0
    event_id = _bodies(receiver)[0]["event"]["id"]
    review.correct(store, event_id, "wounded_best", 25, user="analyst", reason="hospital list")
    assert notify(store, policy=FAST).sent == 1
    assert _bodies(receiver)[1]["summary"] == "wounded 20 -> 25"


def test_alerts_plan_knows_an_event_under_a_new_id() -> None:
    state = {"id": 1, "event_id": "old", "members": ["d1:0-10", "d2:5-20"],
             "figures": {"killed_best": 13, "wounded_best": None, "claimed_killed": None,
                         "perpetrator": "IS-K"}, "first_at": "t0", "last_at": "t0"}  # fmt: skip

    def event(eid: str, uids: list[str], killed: int) -> Event:
        return Event(id=eid, killed_best=killed, perpetrator="IS-K",
                     mentions=[{"uid": u} for u in uids])  # fmt: skip

    alerts, quiet = plan([event("new", ["d2:5-20", "d3:0-9"], 13)], [state], "t1")
    assert alerts == [] and quiet[0]["event_id"] == "new" and quiet[0]["id"] == 1
    alerts, _ = plan([event("new", ["d2:5-20"], 14)], [state], "t1")
    assert [a.kind for a in alerts] == ["update"]
    # a split: the part that keeps the old id keeps the state, the other part is new
    alerts, _ = plan([event("old", ["d1:0-10"], 13), event("x", ["d2:5-20"], 13)], [state], "t1")
    assert [(a.kind, a.event.id) for a in alerts] == [("new", "x")]


def test_alerts_failing_receiver_is_retried_then_logged(store: Store, tmp_path: Path,
                                                       receiver: Receiver) -> None:  # fmt: skip
    add_rule(store, _webhook(receiver))
    _ingest(store, tmp_path, "kunduz", "peshawar")
    receiver.status = 500
    summary = notify(store, policy=FAST)
    # three tries of the first alert; the second waits for the next run
    assert (summary.sent, summary.failed, summary.deferred) == (0, 1, 1)
    assert len(receiver.got) == 3
    [row] = log(store)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["error"].startswith("HTTP 500")
    receiver.status = 200  # the next run tries again, and sends each once
    assert notify(store, policy=FAST).sent == 2 and len(receiver.got) == 5
    # the same alert keeps its delivery id from run to run: a receiver can drop a repeat
    ids = [r["headers"]["X-Khorasan-Delivery"] for r in receiver.got]
    assert len(set(ids[:3])) == 1 and ids[0] in ids[3:]
    assert notify(store, policy=FAST).sent == 0


def test_alerts_client_error_is_not_retried(store: Store, tmp_path: Path,
                                            receiver: Receiver) -> None:  # fmt: skip
    add_rule(store, _webhook(receiver))
    _ingest(store, tmp_path, "peshawar")
    receiver.status = 404
    assert notify(store, policy=FAST).failed == 1 and len(receiver.got) == 1
    assert log(store)[0]["error"].startswith("HTTP 404")


def test_alerts_existing_events_are_known_unless_backfilled(store: Store, tmp_path: Path,
                                                           receiver: Receiver) -> None:  # fmt: skip
    _ingest(store, tmp_path, "kunduz", "peshawar")
    add_rule(store, _webhook(receiver))
    assert notify(store, policy=FAST).sent == 0
    rule = _webhook(receiver)
    rule.name = "all-of-them"
    add_rule(store, rule, backfill=True)
    assert notify(store, policy=FAST).sent == 2


def test_alerts_private_webhook_refused(store: Store) -> None:
    rule = AlertRule(name="x", channel="webhook", target={"url": "http://127.0.0.1:9/h"})
    with pytest.raises(AlertError, match="non-public address"):
        add_rule(store, rule)
    assert list_rules(store) == []


def test_alerts_rule_names_are_unique_and_removable(store: Store, receiver: Receiver) -> None:
    add_rule(store, _webhook(receiver))
    with pytest.raises(AlertError, match="exists"):
        add_rule(store, _webhook(receiver))
    remove_rule(store, "kunduz-watch")
    with pytest.raises(AlertError, match="no alert rule"):
        remove_rule(store, "kunduz-watch")


def test_alerts_file_channel_writes_json_lines(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    add_rule(store, AlertRule(name="f", channel="file", target={"path": str(out)},
                              filters={"killed_min": 10}))  # fmt: skip
    _ingest(store, tmp_path, "kunduz", "peshawar")
    notify(store)
    _ingest(store, tmp_path, "kunduz_toll")
    notify(store)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(d["kind"], d["event"]["killed_best"]) for d in lines] == [("new", 13), ("update", 60)]


def test_alerts_digest_waits_for_its_period(store: Store, tmp_path: Path,
                                            receiver: Receiver) -> None:  # fmt: skip
    rule = _webhook(receiver)
    rule.digest = "daily"
    rule.created_at = "2030-01-01T08:00:00+00:00"
    add_rule(store, rule)
    _ingest(store, tmp_path, "kunduz", "peshawar")
    first = notify(store, "2030-01-01T09:00:00+00:00", policy=FAST)
    assert (first.queued, first.digests, len(receiver.got)) == (2, 0, 0)
    second = notify(store, "2030-01-02T08:30:00+00:00", policy=FAST)
    assert (second.queued, second.digests) == (0, 1)
    [digest] = _bodies(receiver)
    assert digest["kind"] == "digest" and len(digest["alerts"]) == 2
    assert notify(store, "2030-01-03T09:00:00+00:00", policy=FAST).digests == 0


# ------------------------------------------------------------------------------------- SMTP
@dataclass
class Mailbox:
    port: int
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd needs a port number before it starts
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()


def _email_rule(mailbox: Mailbox, **target: Any) -> AlertRule:
    return AlertRule(name="mail", channel="email", filters={"country": "Afghanistan"},
                     target={"to": "desk@example.org", "host": "127.0.0.1",
                             "port": mailbox.port, "tls": "none",
                             "sender": "monitor@example.org", **target})  # fmt: skip


def test_alerts_email_is_plain_text_with_the_json(store: Store, tmp_path: Path,
                                                  mailbox: Mailbox) -> None:  # fmt: skip
    add_rule(store, _email_rule(mailbox))
    (tmp_path / "x").mkdir()
    _write(tmp_path / "x", "kunduz")
    hostile = tmp_path / "x" / "kunduz.txt"
    hostile.write_text("<script>alert(1)</script>\x1b[31m\n\n" + REPORTS["kunduz"][0],
                       encoding="utf-8")  # fmt: skip
    ingest([str(hostile)], store)
    assert notify(store, policy=FAST).sent == 1
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["desk@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"].startswith("[Khorasan] mail: new: ")
    body = message.get_body(("plain",))
    assert body is not None and "Killed: 13" in body.get_content()
    assert not [p for p in message.walk() if p.get_content_type() == "text/html"]
    assert "\x1b" not in envelope.content.decode("utf-8", "replace")
    [attachment] = list(message.iter_attachments())
    assert json.loads(attachment.get_content())["event"]["killed_best"] == 13


def test_alerts_email_password_comes_from_the_environment(
    store: Store, tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KHORASAN_TEST_SMTP_PASSWORD", raising=False)
    add_rule(store, _email_rule(mailbox, user="desk", password_env="KHORASAN_TEST_SMTP_PASSWORD"))
    _ingest(store, tmp_path, "kunduz")
    assert notify(store, policy=FAST).failed == 1 and not mailbox.messages
    row = log(store)[0]
    assert row["attempts"] == 1 and "KHORASAN_TEST_SMTP_PASSWORD" in row["error"]
    stored = json.dumps([r.as_dict(secrets=True) for r in list_rules(store)])
    assert "password_env" in stored


def test_alerts_test_sends_a_sample(store: Store, receiver: Receiver) -> None:
    add_rule(store, _webhook(receiver))
    assert test_rule(store, "kunduz-watch", FAST).status == "sent"
    [sample] = _bodies(receiver)
    assert sample["kind"] == "test" and sample["event"]["country"] == "Testland"


# -------------------------------------------------------------------------------------- CLI
def test_alerts_cli_add_run_log(tmp_path: Path, receiver: Receiver) -> None:
    runner = CliRunner()
    db = str(tmp_path / "k.db")
    base = ["alerts", "add", "k", "--webhook", receiver.url, "--secret", SECRET,
            "--country", "Afghanistan", "--db", db]  # fmt: skip
    refused = runner.invoke(cli, [*base, "--public-only"])
    assert refused.exit_code == 1 and "non-public address" in refused.output
    added = runner.invoke(cli, base)  # a relay on this machine: the operator's own setting
    assert added.exit_code == 0, added.output
    listed = json.loads(runner.invoke(cli, ["alerts", "list", "--json", "--db", db]).output)
    assert listed["rules"][0]["target"]["secret"] == "***"
    src = tmp_path / "in"
    src.mkdir()
    _write(src, "kunduz")
    result = runner.invoke(cli, ["ingest", str(src), "--db", db, "--quiet"])
    assert result.exit_code == 0 and "alerts: sent 1" in result.output  # ingest notifies
    run = runner.invoke(cli, ["alerts", "run", "--json", "--db", db])
    assert run.exit_code == 0 and json.loads(run.output)["sent"] == 0
    assert runner.invoke(cli, ["alerts", "test", "k", "--db", db]).exit_code == 0
    entries = json.loads(runner.invoke(cli, ["alerts", "log", "--json", "--db", db]).output)
    assert [d["kind"] for d in entries["deliveries"]] == ["test", "new"]
    assert len(_bodies(receiver)) == 2
    assert runner.invoke(cli, ["alerts", "remove", "k", "--db", db]).exit_code == 0


@pytest.mark.parametrize(("args", "needle"), [
    (["--file", "-", "--webhook", "https://hooks.example/x"], "exactly one channel"),
    (["--email", "a@example.org"], "--smtp-host"),
    (["--file", "-", "--attack-type", ""], None),
])  # fmt: skip
def test_alerts_cli_add_usage(tmp_path: Path, args: list[str], needle: str | None) -> None:
    result = CliRunner().invoke(cli, ["alerts", "add", "r", *args, "--db",
                                      str(tmp_path / "k.db")])  # fmt: skip
    if needle is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2 and needle in result.output


def test_alerts_webhook_without_secret_gets_one(store: Store, receiver: Receiver) -> None:
    rule = AlertRule(name="s", channel="webhook",
                     target={"url": receiver.url, "allow_private": True})  # fmt: skip
    add_rule(store, rule)
    assert len(rule.target["secret"]) == 32
    assert list_rules(store)[0].as_dict()["target"]["secret"] == "***"


@pytest.mark.parametrize("bad", [{"killed_min": -1}, {"since": "2023"}, {"colour": "red"}])
def test_alerts_bad_filters_are_refused(store: Store, bad: dict[str, Any]) -> None:
    rule = AlertRule(name="b", channel="file", target={"path": "-"}, filters=bad)
    with pytest.raises(AlertError):
        add_rule(store, rule)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)  # fmt: skip
    return cert, key


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_alerts_email_over_tls(store: Store, tmp_path: Path, certificate: tuple[Path, Path],
                               tls: str) -> None:  # fmt: skip
    import ssl

    from aiosmtpd.controller import Controller

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(port)
    if tls == "starttls":
        controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True)  # fmt: skip
    else:
        controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        rule = _email_rule(box, tls=tls, ca_file=str(cert))
        add_rule(store, rule)
        _ingest(store, tmp_path, "kunduz")
        assert notify(store, policy=FAST).sent == 1 and len(box.messages) == 1
        # without the CA the server's certificate is refused, and the log says so
        rule.target["ca_file"] = None
        rule.name = "untrusted"
        assert test_rule(store, "mail", FAST).status == "sent"
        add_rule(store, rule)
        outcome = test_rule(store, "untrusted", FAST)
        assert (outcome.status, outcome.attempts) == ("failed", 1)
        assert "certificate refused" in (outcome.error or "")
    finally:
        controller.stop()


def test_alerts_new_actor_relation(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "relations.jsonl"
    add_rule(store, AlertRule(name="rel", channel="file", target={"path": str(out)},
                              filters={"relation": "any", "perpetrator": "ISKP"}))  # fmt: skip
    (tmp_path / "r1.txt").write_text("Tehrik-i-Taliban Pakistan commanders pledged allegiance "
                                     "to IS-K in January 2015.\n", encoding="utf-8")  # fmt: skip
    ingest([str(tmp_path / "r1.txt")], store)
    notify(store)
    (tmp_path / "r2.txt").write_text("The Taliban have been at war with IS-K since 2015, "
                                     "fighting in Nangarhar.\n", encoding="utf-8")  # fmt: skip
    ingest([str(tmp_path / "r2.txt")], store)
    notify(store)
    notify(store)  # nothing new
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["relation"]["kind"] for d in lines] == ["allegiance", "war"]
    assert lines[1]["summary"].startswith("new relation: Taliban war IS-K")


def test_alerts_a_rule_another_run_holds_is_left_to_it(store: Store, tmp_path: Path,
                                                       receiver: Receiver) -> None:  # fmt: skip
    rule = add_rule(store, _webhook(receiver))
    _ingest(store, tmp_path, "kunduz")
    assert rule.id is not None
    with store.alerting() as tx:  # as a run in another process would
        assert tx.claim_rule(rule.id, "2000-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00")
    summary = notify(store, policy=FAST)
    assert (summary.busy, summary.sent, len(receiver.got)) == (1, 0, 0)
    with store.alerting() as tx:  # that run ends (or its hold lapses)
        tx.update_rule(rule.id, running_until=None)
    assert notify(store, policy=FAST).sent == 1
    assert notify(store, policy=FAST).as_dict()["busy"] == 0
