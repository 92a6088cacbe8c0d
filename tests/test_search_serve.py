"""Search through its skins: ``khorasan search`` (table and JSON), ``GET /api/search`` and the
``/search`` page, over a real store of invented reports (ingested, so incidents have events),
served by uvicorn on loopback."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from serve_helpers import served

import khorasan
from khorasan.cli import cli
from khorasan.model import Document

REPORTS = {
    "kunduz": ("A suicide bomber blew himself up inside a crowded mosque in Kunduz city on 3 "
               "March 2023, killing at least 21 worshippers, provincial officials said.",
               {"title": "Mosque blast in Kunduz", "outlet": "Frontier Wire",
                "published": "2023-03-04", "url": "https://example.org/kunduz"}),
    "peshawar": ("Gunmen stormed a girls' school in Peshawar on 10 June 2022, killing four "
                 "teachers, police said.",
                 {"title": "School raid in Peshawar", "outlet": "Valley Herald",
                  "published": "2022-06-11"}),
}  # fmt: skip
HOSTILE = (
    '<script>alert("x")</script> The convoy <img src=x onerror=alert(1)> was ambushed '
    "near the &amp; pass; </mark><mark>"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("reports")
    for name, (text, meta) in REPORTS.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    path = str(folder / "k.db")
    store = khorasan.open_store(path)
    report = khorasan.ingest([str(folder)], store=store)
    assert report.ingested == 2 and report.events >= 2
    digest = hashlib.sha256(HOSTILE.encode()).hexdigest()
    store.add_document(Document(text=HOSTILE, name="odd.txt", source="/odd.txt",
                                title="<b>Convoy</b>", outlet="Odd <Outlet>", id=digest[:16],
                                content_hash=digest))  # fmt: skip
    store.close()
    return path


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[httpx.Client]:
    with served(db) as c:
        yield c


# ------------------------------------------------------------------------------- CLI
def test_search_cli_json_shape(db: str) -> None:
    result = CliRunner().invoke(cli, ["search", "suicide bomber mosque Kunduz", "--json",
                                      "--db", db])  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"results"} and body["results"]
    incident = next(r for r in body["results"] if r["kind"] == "incidents")
    assert set(incident) == {"kind", "score", "sentence", "matches", "span", "mention_id",
                             "event_id", "date", "country", "document"}  # fmt: skip
    assert incident["event_id"] and incident["mention_id"]
    assert incident["document"]["title"] == "Mosque blast in Kunduz"
    assert incident["document"]["url"] == "https://example.org/kunduz"


def test_search_cli_table_and_filters(db: str) -> None:
    result = CliRunner().invoke(cli, ["search", "killing", "--country", "Pakistan", "--from",
                                      "2022", "--to", "2022-12", "--db", db])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Peshawar" in result.output and "Kunduz" not in result.output


@pytest.mark.parametrize(("args", "line"), [
    (["((("], "Error: QUERY: no word to look for"),
    (["mosque", "--from", "soon"], "Error: --from: 'soon' is not a date"),
    (["mosque", "--kind", "tweets"], "Error: --kind: unknown kind 'tweets'"),
])  # fmt: skip
def test_search_cli_bad_input_is_one_line(db: str, args: list[str], line: str) -> None:
    result = CliRunner().invoke(cli, ["search", *args, "--db", db])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[0].startswith(line), result.output


def test_search_cli_escapes_hostile_text(tmp_path: Path) -> None:
    text = "A \x1b[31m red \x1b[0m convoy sentence."
    db = str(tmp_path / "esc.db")
    store = khorasan.open_store(db)
    digest = hashlib.sha256(text.encode()).hexdigest()
    store.add_document(Document(text=text, name="esc.txt", source="/esc.txt", id=digest[:16],
                                content_hash=digest))  # fmt: skip
    store.close()
    result = CliRunner().invoke(cli, ["search", "red convoy", "--db", db])
    assert result.exit_code == 0 and "\x1b" not in result.output
    assert "\\x1b" in result.output


# ------------------------------------------------------------------------------- API
def test_search_api_returns_results_with_documents_and_events(client: httpx.Client) -> None:
    response = client.get("/api/search", params={"q": "worshippers", "kind": "incidents"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next_offset"}
    [hit] = body["results"]
    assert hit["event_id"] and hit["document"]["outlet"] == "Frontier Wire"
    assert client.get(f"/api/events/{hit['event_id']}").status_code == 200


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "((("}, "q"), ({"q": '"'}, "q"), ({}, "q"), ({"q": "x", "since": "soon"}, "since"),
    ({"q": "x", "limit": 0}, "limit"), ({"q": "x", "kind": "tweets"}, "kind"),
])  # fmt: skip
def test_search_api_bad_query_is_422_naming_the_field(
    client: httpx.Client, params: dict[str, object], field: str
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field and error["code"] == "K401"


@pytest.mark.parametrize("q", ["NEAR(convoy ambushed)", "title:convoy", "convoy)", "convoy*"])
def test_search_api_hostile_query_is_text(client: httpx.Client, q: str) -> None:
    assert client.get("/api/search", params={"q": q}).status_code == 200


# ------------------------------------------------------------------------------ pages
def test_search_box_is_in_every_page_header(client: httpx.Client) -> None:
    page = client.get("/documents").text
    assert '<form class="search" action="/search" method="get" role="search">' in page


def test_search_page_marks_words_and_links_document_and_event(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "bomber Kunduz", "kind": "incidents"})
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "<mark>bomber</mark>" in page and "<mark>Kunduz</mark>" in page
    assert 'href="/documents/' in page and "#m-" in page
    assert 'class="event" href="/events/' in page


def test_search_page_escapes_hostile_text(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "convoy ambushed"}).text
    assert "<mark>convoy</mark>" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/mark&gt;&lt;mark&gt;" in page  # the article's own tags, shown as text
    assert "&lt;b&gt;Convoy&lt;/b&gt;" in page and "Odd &lt;Outlet&gt;" in page


def test_search_page_says_what_is_wrong(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "(((", "since": "2022"})
    assert response.status_code == 400
    assert "q: no word to look for" in response.text
    empty = client.get("/search")
    assert empty.status_code == 200 and 'id="search-results"' not in empty.text


def test_search_page_pages(client: httpx.Client) -> None:
    first = client.get("/search", params={"q": "killing"}).text
    assert 'id="search-next"' not in first
    response = client.get("/search", params={"q": "killing OR convoy", "offset": "1"})
    assert response.status_code == 200 and 'start="2"' in response.text


def test_search_page_of_an_empty_store(tmp_path: Path) -> None:
    khorasan.open_store(tmp_path / "empty.db").close()
    with served(str(tmp_path / "empty.db")) as c:
        page = c.get("/search", params={"q": "anything"})
        assert page.status_code == 200 and "Nothing matches." in page.text
