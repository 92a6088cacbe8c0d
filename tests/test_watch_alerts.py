"""`khorasan watch --once` with a saved alert rule, end to end on loopback: a feed served on
127.0.0.1, a webhook receiver checking the HMAC, one alert per new event, one update when a
later report raises the toll, nothing when a poll finds nothing new."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_alerts import Receiver, receiver  # noqa: F401 (the fixture)
from watch_helpers import Site, article, rss, serve

from khorasan.cli import cli
from khorasan.watch import write_sources

SECRET = "another-invented-secret"
FIRST = article(
    "Bomb attack on a Kunduz checkpoint",
    "Kunduz, 6 March 2026 - A suicide bomber struck a police checkpoint in the city of Kunduz "
    "on Friday, killing three police officers, officials said.",
    "The Islamic State Khorasan Province claimed the attack in a statement.",
)
LATER = article(
    "Kunduz checkpoint bombing toll rises",
    "Kunduz, 7 March 2026 - The toll from Friday's suicide bombing at a police checkpoint in "
    "the city of Kunduz rose to nine police officers killed, provincial officials said on "
    "Saturday.",
    "The Islamic State Khorasan Province had claimed the attack.",
)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as s:
        s.set("/rss", rss(s, [("/first", "Attack", "Fri, 06 Mar 2026 10:00:00 GMT")]),
              "application/rss+xml")  # fmt: skip
        s.set("/first", FIRST)
        s.set("/later", LATER)
        yield s


def _alerts(got: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in got:
        body = item["body"]
        signed = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert item["headers"]["X-Khorasan-Signature"] == signed
        out.append(json.loads(body))
    return out


def test_watch_once_delivers_one_alert_per_new_event_and_one_update(
    site: Site,
    receiver: Receiver,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    sources, db = tmp_path / "sources.toml", str(tmp_path / "k.db")
    write_sources(sources, [{"name": "wire", "url": site.url("/rss"), "kind": "feed",
                             "interval": "15m", "outlet": "Test Wire"}])  # fmt: skip
    runner = CliRunner()
    added = runner.invoke(cli, ["alerts", "add", "kunduz", "--webhook", receiver.url,
                                "--secret", SECRET, "--country", "Afghanistan",
                                "--allow-private", "--db", db])  # fmt: skip
    assert added.exit_code == 0, added.output
    watch = ["watch", "--sources", str(sources), "--once", "--allow-private", "--db", db,
             "--delay", "0"]  # fmt: skip

    assert runner.invoke(cli, watch).exit_code == 0
    [new] = _alerts(receiver.got)
    assert new["kind"] == "new"

    assert runner.invoke(cli, watch).exit_code == 0  # nothing new: nothing sent
    assert len(receiver.got) == 1

    site.set("/rss", rss(site, [("/first", "Attack", "Fri, 06 Mar 2026 10:00:00 GMT"),
                                ("/later", "Toll", "Sat, 07 Mar 2026 10:00:00 GMT")]),
             "application/rss+xml")  # fmt: skip
    assert runner.invoke(cli, watch).exit_code == 0
    alerts = _alerts(receiver.got)
    assert [a["kind"] for a in alerts] == ["new", "update"]
    assert "killed 3 -> 9" in json.dumps(alerts[1])

    assert runner.invoke(cli, watch).exit_code == 0
    assert len(receiver.got) == 2
