"""Fetching pages and feeds from a real HTTP server on 127.0.0.1, and the safety rules."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from conftest import LocalServer

from khorasan.errors import FetchError
from khorasan.ingest import Failure, IngestOptions, fetch_url, iter_documents
from khorasan.ingest import fetch as fetch_module
from khorasan.model import Document

LOCAL = IngestOptions(allow_private=True, timeout=5.0)
STRICT = IngestOptions(timeout=2.0)
PARAGRAPH = (
    "A suicide bomber struck a crowded market in Jalalabad on Monday, killing at least 12 "
    "people, provincial officials said. The Islamic State's Khorasan branch claimed it."
)


def page_html(title: str, extra: str = "") -> str:
    paras = "".join(f"<p>{PARAGRAPH} {extra} Detail {i} follows here.</p>" for i in range(4))
    return (
        f"<html><head><title>{title}</title></head><body><article>{paras}</article></body></html>"
    )


def feed_xml(server: LocalServer, *, bare: bool) -> str:
    items = "".join(
        f"<item><title>Entry {i}</title><link>{server.url(f'story{i}.html')}</link>"
        f"<pubDate>Mon, 0{i} Jan 2024 10:00:00 GMT</pubDate></item>"
        for i in (1, 2)
    )
    head = "<?xml version='1.0' encoding='utf-8'?>" if not bare else ""
    return f"{head}<rss version='2.0'><channel><title>Test</title>{items}</channel></rss>"


def run(url: str, options: IngestOptions = LOCAL) -> list[Document | Failure]:
    return list(iter_documents([url], options))


def test_fetch_page_from_test_server(http_server: LocalServer) -> None:
    (http_server.root / "page.html").write_text(page_html("Market attack"))
    page = fetch_url(http_server.url("page.html"), LOCAL)
    assert page.content_type == "text/html" and b"Market attack" in page.body
    [doc] = run(http_server.url("page.html"))
    assert isinstance(doc, Document)
    assert doc.name == doc.source == http_server.url("page.html")
    assert doc.title == "Market attack" and "Detail 3 follows" in doc.text


def test_fetch_plain_text_url(http_server: LocalServer) -> None:
    (http_server.root / "story.txt").write_text("June 6, 2023\n\n" + PARAGRAPH)
    [doc] = run(http_server.url("story.txt"))
    assert isinstance(doc, Document) and doc.published == "2023-06-06"


def test_fetch_loopback_refused_without_allow_private(http_server: LocalServer) -> None:
    (http_server.root / "p.txt").write_text(PARAGRAPH)
    with pytest.raises(FetchError) as caught:
        fetch_url(http_server.url("p.txt"), STRICT)
    assert caught.value.kind == "fetch_refused" and "127.0.0.1" in caught.value.reason
    [failure] = run(http_server.url("p.txt"), STRICT)
    assert isinstance(failure, Failure) and failure.subject == http_server.url("p.txt")


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/x", "http://169.254.169.254/latest/", "http://[::1]/", "http://0.0.0.0/",
     "http://224.0.0.1/", "http://192.168.1.1/"],
)  # fmt: skip
def test_fetch_private_addresses_refused_without_connecting(url: str, monkeypatch: Any) -> None:
    attempts: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("a test forbids connecting")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    with pytest.raises(FetchError) as caught:
        fetch_url(url, IngestOptions(timeout=30.0))
    assert caught.value.kind == "fetch_refused"
    assert attempts == []  # refused before any connection attempt


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a", "gopher://x/"])
def test_fetch_only_http_schemes(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, LOCAL)
    assert caught.value.kind == "fetch_refused"


def test_fetch_redirect_followed(http_server: LocalServer) -> None:
    (http_server.root / "target.txt").write_text(PARAGRAPH)
    page = fetch_url(http_server.url(f"redirect?to={http_server.url('target.txt')}"), LOCAL)
    assert page.final_url == http_server.url("target.txt") and page.body.startswith(b"A suicide")


def test_fetch_redirect_to_private_address_refused(
    http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let the test server count as public so the first hop goes through; the redirect
    # target (a link-local metadata address) must still be refused.
    real: Callable[[str], bool] = fetch_module._is_public
    monkeypatch.setattr(fetch_module, "_is_public", lambda a: a == "127.0.0.1" or real(a))
    start = http_server.url("redirect?to=http://169.254.169.254/latest/meta-data")
    with pytest.raises(FetchError) as caught:
        fetch_url(start, STRICT)
    assert caught.value.kind == "fetch_refused" and caught.value.subject == start
    assert "169.254.169.254" in caught.value.reason


def test_fetch_too_many_redirects(http_server: LocalServer) -> None:
    url = http_server.url("target.txt")
    for _ in range(7):
        url = http_server.url(f"redirect?to={url}")
    with pytest.raises(FetchError) as caught:
        fetch_url(url, LOCAL)
    assert "redirects" in caught.value.reason


@pytest.mark.parametrize("code", [404, 500])
def test_fetch_http_error(http_server: LocalServer, code: int) -> None:
    [failure] = run(http_server.url(f"status/{code}"))
    assert isinstance(failure, Failure) and failure.kind == "http_error"
    assert str(code) in failure.reason and failure.subject == http_server.url(f"status/{code}")


def test_fetch_unreachable(http_server: LocalServer) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [failure] = run(f"http://127.0.0.1:{port}/x")
    assert isinstance(failure, Failure) and failure.kind == "fetch_failed"


def test_fetch_size_limit_streams(http_server: LocalServer) -> None:
    (http_server.root / "big.txt").write_text(PARAGRAPH * 200)
    [failure] = run(http_server.url("big.txt"), IngestOptions(allow_private=True, max_bytes=1000))
    assert isinstance(failure, Failure) and failure.kind == "too_large"


@pytest.mark.parametrize("bare", [False, True])
def test_fetch_feed_entries_are_fetched(http_server: LocalServer, bare: bool) -> None:
    for i in (1, 2):
        (http_server.root / f"story{i}.html").write_text(page_html("", extra=f"Story {i}."))
    (http_server.root / "feed.rss").write_text(feed_xml(http_server, bare=bare))
    name = "feed.rss" if not bare else "feed-bare.txt"  # content type or body tells a feed
    (http_server.root / name).write_text(feed_xml(http_server, bare=bare))
    docs = run(http_server.url(name))
    assert [type(d).__name__ for d in docs] == ["Document", "Document"]
    for i, doc in enumerate(docs, start=1):
        assert isinstance(doc, Document)
        assert doc.url == http_server.url(f"story{i}.html") and f"Story {i}." in doc.text
        assert doc.title == f"Entry {i}"  # the page has no title: the entry's is the fallback
        assert doc.published == f"2024-01-0{i}"


def test_fetch_feed_with_dead_entry_goes_on(http_server: LocalServer) -> None:
    (http_server.root / "story1.html").write_text(page_html("One"))
    xml = feed_xml(http_server, bare=False).replace("story2.html", "missing.html")
    (http_server.root / "half.rss").write_text(xml)
    docs = run(http_server.url("half.rss"))
    assert isinstance(docs[0], Document)
    assert isinstance(docs[1], Failure) and docs[1].kind == "http_error"


def test_fetch_xml_that_is_not_a_feed(http_server: LocalServer) -> None:
    (http_server.root / "note.xml").write_text("<?xml version='1.0'?><note><to>x</to></note>")
    [failure] = run(http_server.url("note.xml"))
    assert isinstance(failure, Failure) and failure.kind == "not_a_feed"
    assert failure.subject == http_server.url("note.xml")


def test_fetch_binary_url_unsupported(http_server: LocalServer) -> None:
    (http_server.root / "blob.bin").write_bytes(bytes(range(256)))
    [failure] = run(http_server.url("blob.bin"))
    assert isinstance(failure, Failure) and failure.kind == "unsupported"


RUSSIAN = (
    "Смертник взорвал себя у входа в министерство иностранных дел в Кабуле. Погибли не менее "
    "шести человек, ответственность взяло на себя «Исламское государство»."
)


def test_fetch_legacy_charsets(http_server: LocalServer) -> None:
    # The test server labels .txt as UTF-8: a wrong header must not win over the bytes.
    (http_server.root / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    [doc] = run(http_server.url("ru.txt"))
    assert isinstance(doc, Document) and doc.text == RUSSIAN
    # .htm comes with no charset in the header: the page's <meta charset> names it.
    html = page_html("Kabul").replace("<head>", '<head><meta charset="koi8-r">')
    html = html.replace(PARAGRAPH, RUSSIAN.replace("«", "").replace("»", ""))
    (http_server.root / "ru.htm").write_bytes(html.encode("koi8_r"))
    [doc] = run(http_server.url("ru.htm"))
    assert isinstance(doc, Document) and "министерство иностранных дел" in doc.text


def test_fetch_date_from_the_url_when_the_page_shows_none(http_server: LocalServer) -> None:
    folder = http_server.root / "world" / "2024" / "mar" / "29"
    folder.mkdir(parents=True)
    (folder / "blast.txt").write_text(PARAGRAPH)
    [doc] = run(http_server.url("world/2024/mar/29/blast.txt"))
    assert isinstance(doc, Document) and doc.published == "2024-03-29"
    assert doc.extra["published_from"] == "url"
    (folder / "dated.txt").write_text("June 6, 2023\n\n" + PARAGRAPH)
    [doc] = run(http_server.url("world/2024/mar/29/dated.txt"))  # the page's own date wins
    assert isinstance(doc, Document) and doc.published == "2023-06-06"
