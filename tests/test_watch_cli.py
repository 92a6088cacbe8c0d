"""`khorasan sources` and `khorasan watch` as a user meets them."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from watch_helpers import Site, article, rss, serve

from khorasan.cli import cli
from khorasan.errors import ConfigError
from khorasan.watch import load_sources, parse_interval, write_sources

STORY = article(
    "Attack on a Kabul checkpoint",
    "Kabul, 6 March 2026 - Two attackers wearing explosive vests stormed a security checkpoint "
    "in the Dasht-e-Barchi area of Kabul on Friday, killing three guards, police said.",
    "The Islamic State Khorasan Province claimed the attack in a statement on Saturday.",
)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as s:
        s.set("/rss", rss(s, [("/story", "Attack", "Fri, 06 Mar 2026 10:00:00 GMT")]),
              "application/rss+xml")  # fmt: skip
        s.set("/story", STORY)
        yield s


def test_sources_add_list_check_remove(tmp_path: Path) -> None:
    path = str(tmp_path / "s.toml")
    runner = CliRunner()
    added = runner.invoke(cli, ["sources", "add", "https://news.example.org/asia.rss",
                                "--interval", "15m", "--outlet", "Example \"Wire\"",
                                "--name", "asia", "--exclude", "re:/video/",
                                "--sources", path])  # fmt: skip
    assert added.exit_code == 0, added.output
    runner.invoke(cli, ["sources", "add", "https://news.example.org/", "--kind", "page",
                        "--interval", "1d", "--outlet", "Example", "--sources", path])  # fmt: skip
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    assert data["source"][0] == {"name": "asia", "url": "https://news.example.org/asia.rss",
                                 "kind": "feed", "interval": "15m",
                                 "outlet": 'Example "Wire"', "exclude": ["re:/video/"]}  # fmt: skip
    again = runner.invoke(cli, ["sources", "add", "https://x.example/", "--name", "asia",
                                "--outlet", "X", "--sources", path])  # fmt: skip
    assert again.exit_code == 1 and "already in" in again.output
    listed = json.loads(runner.invoke(cli, ["sources", "list", "--json", "--sources", path])
                        .output)["sources"]  # fmt: skip
    assert [s.get("name") for s in listed] == ["asia", None]
    table = runner.invoke(cli, ["sources", "list", "--sources", path])
    assert "asia" in table.output and "15m" in table.output
    checked = runner.invoke(cli, ["sources", "check", "--sources", path])
    assert checked.exit_code == 0 and "2 sources fine, 0 bad" in checked.output
    removed = runner.invoke(cli, ["sources", "remove", "asia", "--sources", path])
    assert removed.exit_code == 0 and len(load_sources(path)) == 1
    gone = runner.invoke(cli, ["sources", "remove", "asia", "--sources", path])
    assert gone.exit_code == 1 and "no such source" in gone.output


def test_sources_add_refuses_a_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    result = CliRunner().invoke(cli, ["sources", "add", "ftp://x.example/f", "--outlet", "X",
                                      "--sources", str(path)])  # fmt: skip
    assert result.exit_code == 1 and "is not an http(s) URL" in result.output
    assert not path.exists()


def test_sources_check_names_each_bad_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('''
[[source]]
name = "good"
url = "https://a.example/feed"
kind = "feed"
interval = "2h"
outlet = "A"

[[source]]
name = "slow"
url = "https://b.example/feed"
kind = "feed"
interval = "15 minutes"
outlet = "B"

[[source]]
url = "https://c.example/feed"
kind = "rss"
interval = "1d"
outlet = "C"

[[source]]
name = "nooutlet"
url = "https://d.example/"
kind = "page"
interval = "1h"

[[source]]
name = "good"
url = "https://e.example/"
kind = "page"
interval = "1h"
outlet = "E"
include = ["re:(unclosed"]
''', encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["sources", "check", "--sources", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Error: source 2 (slow): interval: '15 minutes' is not an interval like '30s', '15m', "
        "'2h', '1d'",
        "Error: source 3 (https://c.example/feed): kind: 'rss' is not one of feed, page, "
        "sitemap, folder",
        "Error: source 4 (nooutlet): outlet: missing",
        lines[3],
    ]
    assert lines[3].startswith("Error: source 5 (good): include: bad regex")
    assert "1 sources fine, 4 bad" in result.stdout


def test_sources_file_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[[source]\nurl = ", encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "check", "--sources", str(path)])
    assert result.exit_code == 1 and "not valid TOML" in result.output
    assert len(result.output.strip().splitlines()) == 1
    missing = CliRunner().invoke(cli, ["watch", "--once", "--sources", str(tmp_path / "no.toml"),
                                       "--db", str(tmp_path / "k.db")])  # fmt: skip
    assert missing.exit_code == 1 and "no such sources file" in missing.output


def test_sources_writer_round_trips_odd_strings(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    odd = 'quote " backslash \\ tab \t del \x7f accent é emoji \U0001f600'
    write_sources(path, [{"url": "https://a.example/", "kind": "page", "interval": "1h",
                          "outlet": odd, "include": ["*/a/*", "re:\\d+"]}])  # fmt: skip
    data = tomllib.loads(path.read_text(encoding="utf-8"))["source"][0]
    assert data["outlet"] == odd and data["include"] == ["*/a/*", "re:\\d+"]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200),
                                               ("1d", 86400), ("1.5h", 5400)])  # fmt: skip
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["15", "5s", "15 minutes", "-1h", "", 15])
def test_parse_interval_refuses(text: object) -> None:
    with pytest.raises(ConfigError):
        parse_interval(text)


def test_watch_once_prints_one_json_line_per_poll(site: Site, tmp_path: Path) -> None:
    sources, db = tmp_path / "s.toml", str(tmp_path / "new.db")
    write_sources(sources, [{"name": "wire", "url": site.url("/rss"), "kind": "feed",
                             "interval": "15m", "outlet": "Test Wire"},
                            {"name": "gone", "url": site.url("/missing.rss"), "kind": "feed",
                             "interval": "15m", "outlet": "Test Wire"}])  # fmt: skip
    args = ["watch", "--sources", str(sources), "--once", "--allow-private", "--db", db,
            "--delay", "0"]  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 1  # one source failed; the other was stored
    lines = {d["source"]: d for d in map(json.loads, first.stdout.splitlines())}
    assert lines["wire"]["status"] == "ok" and lines["wire"]["new"] == 1
    assert lines["gone"]["status"] == "error" and "HTTP 404" in lines["gone"]["error"]
    assert set(lines["wire"]) == {"source", "kind", "status", "new", "skipped", "failed",
                                  "requests", "events", "seconds", "error"}  # fmt: skip
    write_sources(sources, [{"name": "wire", "url": site.url("/rss"), "kind": "feed",
                             "interval": "15m", "outlet": "Test Wire"}])  # fmt: skip
    second = runner.invoke(cli, args)
    assert second.exit_code == 0
    [line] = map(json.loads, second.stdout.splitlines())
    assert line["status"] == "not_modified" and line["new"] == 0
    events = json.loads(runner.invoke(cli, ["events", "--json", "--db", db]).stdout)["events"]
    assert events and all(e["country"] == "Afghanistan" for e in events)


def test_watch_refuses_loopback_unless_allowed(site: Site, tmp_path: Path) -> None:
    sources = tmp_path / "s.toml"
    write_sources(sources, [{"url": site.url("/rss"), "kind": "feed", "interval": "15m",
                             "outlet": "Test Wire"}])  # fmt: skip
    result = CliRunner().invoke(
        cli, ["watch", "--sources", str(sources), "--once", "--db", str(tmp_path / "k.db")]
    )
    assert result.exit_code == 1
    assert "non-public address" in json.loads(result.stdout)["error"]


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_sources_list_shows_each_sources_state(site: Site, tmp_path: Path) -> None:
    sources, db = tmp_path / "s.toml", str(tmp_path / "k.db")
    write_sources(sources, [{"name": "wire", "url": site.url("/rss"), "kind": "feed",
                             "interval": "15m", "outlet": "Test Wire"},
                            {"name": "gone", "url": site.url("/missing.rss"), "kind": "feed",
                             "interval": "1h", "outlet": "Test Wire"}])  # fmt: skip
    runner = CliRunner()
    before = runner.invoke(cli, ["sources", "list", "--json", "--sources", str(sources),
                                 "--db", db])  # fmt: skip
    assert [s["state"] for s in json.loads(before.stdout)["sources"]] == [None, None]
    runner.invoke(cli, ["watch", "--sources", str(sources), "--once", "--allow-private",
                        "--db", db, "--delay", "0"])  # fmt: skip
    listed = runner.invoke(cli, ["sources", "list", "--json", "--sources", str(sources),
                                 "--db", db])  # fmt: skip
    after = json.loads(listed.stdout)["sources"]
    assert after[0]["state"]["errors"] == 0 and after[0]["state"]["last_poll"]
    assert after[1]["state"]["errors"] == 1 and "HTTP 404" in after[1]["state"]["last_error"]
    table = runner.invoke(cli, ["sources", "list", "--sources", str(sources), "--db", db])
    assert table.exit_code == 0 and "HTTP 404" in table.stdout
