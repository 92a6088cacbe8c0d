"""The fetcher against a hostile server on 127.0.0.1: a drip that never ends, DNS rebinding,
endless redirects, huge headers, endless feeds; and IPv6 forms that hide an IPv4 address.

Loopback is allowed (``allow_private``) only where the defence under test is another one.
"""

from __future__ import annotations

import functools
import gzip
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner, Result

from khorasan.cli import cli
from khorasan.errors import FetchError
from khorasan.ingest import Failure, IngestOptions, check_url, fetch_url, iter_documents
from khorasan.ingest import fetch as fetch_module
from khorasan.ingest.addresses import is_public
from khorasan.model import Document

TEXT = (
    "Officials said a roadside bomb struck a police patrol near the provincial capital on "
    "Tuesday, killing three officers and wounding two others, in an attack nobody claimed."
)


@dataclass
class Hostile:
    port: int
    requests: list[str] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _feed(server: Hostile, count: int, tag: str) -> bytes:
    items = "".join(f"<item><title>{tag} {i}</title><link>{server.url(f'/page?n={tag}{i}')}"
                    "</link></item>" for i in range(count))  # fmt: skip
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>{tag}</title>{items}"
            "</channel></rss>").encode()  # fmt: skip


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(b"\0" * (16 << 20), compresslevel=6)


class _Handler(socketserver.StreamRequestHandler):
    server_state: Hostile

    def handle(self) -> None:
        try:
            self._handle()
        except OSError:  # the client gave up on us: that is the point of most of these
            pass

    def _send(self, status: str, body: bytes, ctype: str = "text/plain",
              extra: str = "") -> None:  # fmt: skip
        head = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n{extra}\r\n")  # fmt: skip
        self.wfile.write(head.encode() + body)

    def _handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1")
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass
        target = line.split(" ")[1] if line.count(" ") >= 2 else "/"
        state = self.server.state  # type: ignore[attr-defined]
        state.requests.append(target)
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/drip":  # a body of 10,000 bytes, one byte every 20 ms
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: 10000\r\n\r\n")  # fmt: skip
            for _ in range(10_000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        elif parts.path == "/drip-headers":  # headers that never end, a byte at a time
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(10_000):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.02)
        elif parts.path == "/huge-headers":  # 2 MB of header lines
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(20_000):
                self.wfile.write(f"X-Pad-{i}: {'p' * 90}\r\n".encode())
            self.wfile.write(b"Content-Length: 0\r\n\r\n")
        elif parts.path == "/loop":  # an endless chain of redirects
            n = int(query.get("n", "0")) + 1
            self._send("302 Found", b"", extra=f"Location: /loop?n={n}\r\n")
        elif parts.path == "/gzip-bomb":  # 16 KB on the wire, 16 MB inflated
            body = _bomb()
            self._send("200 OK", body, extra="Content-Encoding: gzip\r\n")
        elif parts.path == "/feed":
            self._send("200 OK", _feed(state, int(query["count"]), query["tag"]),
                       "application/rss+xml")  # fmt: skip
        else:
            self._send("200 OK", TEXT.encode())


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state = Hostile(server.server_address[1])
    server.state = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


LOCAL = IngestOptions(allow_private=True, timeout=0.5, deadline=0.5)


# ------------------------------------------------------------------------ total deadline
@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_drip_ends_at_the_total_deadline(hostile: Hostile, path: str) -> None:
    # every read gets a byte (every 20 ms) well within the read timeout: only the total
    # deadline (each read's timeout is cut to what is left of it) ends the download
    with pytest.raises(FetchError) as caught:
        fetch_url(hostile.url(path), LOCAL)
    assert caught.value.kind == "fetch_failed" and "0.5-second deadline" in caught.value.reason


def test_the_deadline_is_an_ingest_option_with_a_default() -> None:
    assert IngestOptions().deadline >= IngestOptions().timeout > 0


# ---------------------------------------------------------------------- headers, redirects
def test_huge_headers_fail_the_fetch(hostile: Hostile) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(hostile.url("/huge-headers"), IngestOptions(allow_private=True, timeout=5.0))
    assert caught.value.kind == "fetch_failed"


def test_an_endless_redirect_chain_is_cut(hostile: Hostile) -> None:
    before = len(hostile.requests)
    with pytest.raises(FetchError) as caught:
        fetch_url(hostile.url("/loop"), IngestOptions(allow_private=True, timeout=5.0))
    assert "more than 5 redirects" in caught.value.reason
    assert len(hostile.requests) - before == fetch_module.MAX_REDIRECTS + 1


def test_a_url_with_a_control_character_is_one_refusal() -> None:
    with pytest.raises(FetchError) as caught:  # httpx's own InvalidURL, not a traceback
        fetch_url("http://127.0.0.1:9/\x1b[2J", LOCAL)
    assert caught.value.kind == "fetch_refused" and "invalid URL" in caught.value.reason


def test_a_gzip_bomb_stops_at_the_size_cap(hostile: Hostile) -> None:
    options = IngestOptions(allow_private=True, timeout=5.0, max_bytes=1_000_000)
    with pytest.raises(FetchError) as caught:  # the inflated size counts, not the wire's
        fetch_url(hostile.url("/gzip-bomb"), options)
    assert caught.value.kind == "too_large"


@pytest.mark.parametrize(
    "url",
    ["http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://017700000001/",
     "http://0/", "http://localhost/", "http://LOCALHOST:80/", "http://[::]/",
     "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/",
     "http://[2002:7f00:1::]/", "http://[64:ff9b::127.0.0.1]/", "http://[::127.0.0.1]/",
     "http://0177.0.0.1/"],
)  # fmt: skip
def test_loopback_and_private_in_many_spellings_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, IngestOptions(timeout=2.0))
    assert caught.value.kind == "fetch_refused"


# ---------------------------------------------------------------------------- rebinding
class _Rebinder:
    """Answers a public address first, then loopback: a DNS rebinding attack."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return ["93.184.216.34"] if self.calls == 1 else ["127.0.0.1"]


def test_rebinding_resolver_cannot_reach_loopback(hostile: Hostile) -> None:
    rebinder = _Rebinder()
    options = IngestOptions(timeout=2.0, deadline=2.0, resolver=rebinder)
    url = hostile.url("/page", host="rebind.example")
    check_url(url, options)  # the check sees the public answer
    before = len(hostile.requests)
    with pytest.raises(FetchError) as caught:
        fetch_url(url, options)  # the connection must not see the loopback one
    assert caught.value.kind == "fetch_refused" and "127.0.0.1" in caught.value.reason
    assert len(hostile.requests) == before  # nothing reached the server


def test_the_connection_goes_to_the_address_checked(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # loopback counts as public here; a second lookup would answer a refused address
    real = fetch_module._is_public
    monkeypatch.setattr(fetch_module, "_is_public", lambda a: a == "127.0.0.1" or real(a))
    answers = iter([["127.0.0.1"]])

    def resolver(host: str, port: int) -> list[str]:
        return next(answers, ["169.254.169.254"])

    options = IngestOptions(timeout=2.0, deadline=2.0, resolver=resolver)
    page = fetch_url(hostile.url("/page", host="news.example"), options)
    assert page.body.decode() == TEXT  # one lookup, checked, and that address connected


# ------------------------------------------------------------------- IPv6 hiding IPv4
@pytest.mark.parametrize(
    "address",
    ["2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",  # 6to4
     "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1 (bits inverted)
     "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",  # NAT64
     "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::7f00:1", "::a00:1"],  # mapped, compatible
)  # fmt: skip
def test_ipv6_forms_embedding_a_private_ipv4_are_refused(address: str) -> None:
    assert not is_public(address)
    with pytest.raises(FetchError) as caught:
        fetch_url(f"http://[{address}]/x", IngestOptions(timeout=2.0))
    assert caught.value.kind == "fetch_refused"


@pytest.mark.parametrize("address", ["93.184.216.34", "2002:5db8:d822::1", "64:ff9b::5db8:d822",
                                     "2606:4700:4700::1111"])  # fmt: skip
def test_public_addresses_and_public_embeddings_pass(address: str) -> None:
    assert is_public(address)


# ----------------------------------------------------------------------------- feeds
def test_an_endless_feed_is_capped_and_the_rest_reported(hostile: Hostile) -> None:
    options = IngestOptions(allow_private=True, timeout=5.0, max_feed_entries=3)
    items = list(iter_documents([hostile.url("/feed?count=500&tag=a")], options))
    docs = [i for i in items if isinstance(i, Document)]
    [capped] = [i for i in items if isinstance(i, Failure)]
    assert len(docs) == 3 and capped.kind == "capped"
    assert "497 of 500" in capped.reason and "3 entries per feed" in capped.reason


def test_feed_entries_are_capped_per_run(hostile: Hostile) -> None:
    options = IngestOptions(allow_private=True, timeout=5.0, max_feed_entries=10,
                            max_run_entries=4)  # fmt: skip
    feeds = [hostile.url("/feed?count=3&tag=b"), hostile.url("/feed?count=3&tag=c")]
    items = list(iter_documents(feeds, options))
    assert sum(isinstance(i, Document) for i in items) == 4
    [capped] = [i for i in items if isinstance(i, Failure)]
    assert capped.subject == feeds[1] and "2 of 3" in capped.reason
    assert "4 feed entries per run" in capped.reason


# -------------------------------------------------------------- the limits as CLI options
def _ingest_cli(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", *args, "--db", str(tmp_path / "k.db"), "--quiet",
                                    "--no-extract", "--allow-private"])  # fmt: skip


def _errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_cli_feed_caps_are_options(hostile: Hostile, tmp_path: Path) -> None:
    feeds = [hostile.url("/feed?count=5&tag=cli-a"), hostile.url("/feed?count=5&tag=cli-b")]
    result = _ingest_cli(tmp_path, *feeds, "--max-feed-entries", "2", "--max-run-entries", "3",
                         "--json")  # fmt: skip
    assert result.exit_code == 1  # what was skipped is said, and counts as not done
    assert _errors(result) == [
        f"Error: {feeds[0]}: 3 of 5 feed entries skipped: over the cap of 2 entries per feed",
        f"Error: {feeds[1]}: 4 of 5 feed entries skipped: over the cap of 3 feed entries per run",
    ]
    summary = json.loads(result.stdout)
    assert summary["ingested"] + summary["duplicates"] == 3  # every entry holds the same text
    assert summary["skipped_by_reason"] == {"capped": 2}


def test_cli_deadline_is_an_option_and_cuts_a_longer_timeout(hostile: Hostile,
                                                             tmp_path: Path) -> None:  # fmt: skip
    # a read every 20 ms never times out: only the deadline given ends the drip (the 5 s
    # per-read timeout is cut to it, not the other way round)
    result = _ingest_cli(tmp_path, hostile.url("/drip"), "--timeout", "5", "--deadline", "0.5")
    assert result.exit_code == 1
    assert _errors(result) == [f"Error: {hostile.url('/drip')}: download passed its "
                               "0.5-second deadline"]  # fmt: skip


@pytest.mark.parametrize(("option", "value", "kind"), [
    ("--deadline", "0", "a number"), ("--deadline", "-1", "a number"),
    ("--deadline", "soon", "a number"), ("--deadline", "nan", "a number"),
    ("--max-feed-entries", "0", "a whole number"), ("--max-feed-entries", "2.5", "a whole number"),
    ("--max-run-entries", "-5", "a whole number"), ("--max-files", "none", "a whole number"),
])  # fmt: skip
def test_cli_limits_must_be_positive(tmp_path: Path, option: str, value: str, kind: str) -> None:
    result = _ingest_cli(tmp_path, str(tmp_path), option, value)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {option}: must be {kind} above 0, not {value!r}\n"
    assert not (tmp_path / "k.db").exists()  # refused before any work


def test_cli_watch_takes_the_deadline_too(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["watch", "--once", "--deadline", "0",
                                      "--sources", str(tmp_path / "none.toml")])  # fmt: skip
    assert result.exit_code == 2 and "--deadline: must be a number above 0" in result.stderr
