"""The dashboard's pages over a real store and a real server: one set of filters in the URL
for map, timeline and table; the event and document pages; untrusted article text rendered
as text (never markup, never template syntax); a strict Content-Security-Policy everywhere.
The browser tests (tests/test_serve_browser.py) drive the same pages in Chromium."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import markupsafe
import pytest
from serve_helpers import served

from khorasan.pipeline import ingest, open_store
from khorasan.serve.boundaries import topology_to_geojson
from khorasan.serve.highlight import Span, context_window, pieces
from khorasan.serve.pages import CSP
from khorasan.serve.timeline import timeline

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">the claim</a>'
TEMPLATE = "{{ 7*7 }}"
RAW = "{% raw %}"

# Two reports of one made-up attack: the first carries markup, script, a javascript: URL and
# template syntax in its text, title, outlet and URL; the second disagrees on the toll.
HOSTILE = {
    "hostile_report.txt": (
        f"Suicide bomber kills 12 at Kabul mosque {SCRIPT}\n\n"
        "KABUL — A suicide bombing at a Shia mosque in Kabul on 14 June 2024 killed 12 "
        f"worshippers {SCRIPT} and wounded 30 others, police said {IMG}.\n\n"
        "The Islamic State Khorasan Province claimed responsibility for the attack "
        f"{TEMPLATE} {RAW} through its Amaq news agency. See {LINK} or "
        "javascript:alert(document.cookie).\n"
    ),
    "hostile_report.meta.json": json.dumps(
        {
            "title": f"{SCRIPT} Kabul mosque {TEMPLATE}",
            "published": "2024-06-15",
            "outlet": IMG,
            "url": "javascript:alert(1)",
        }
    ),  # fmt: skip
    "second_report.txt": (
        "Kabul mosque bombing toll rises\n\n"
        "KABUL — The toll from the suicide bombing at a Shia mosque in Kabul on 14 June 2024 "
        "rose to 15 killed, hospital officials said on Saturday.\n\n"
        "The Islamic State Khorasan Province claimed the attack, saying 40 were killed.\n"
    ),
    "second_report.meta.json": json.dumps(
        {
            "title": "Kabul mosque bombing toll rises",
            "published": "2024-06-16",
            "outlet": "Second Outlet",
            "url": "https://example.org/2024/06/16/kabul",
        }
    ),  # fmt: skip
}


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_db(path: Path) -> Path:
    """The bundled examples plus the hostile reports, ingested and fused."""
    with open_store(path) as store:
        report = ingest([EXAMPLES, write_hostile(path.parent / "hostile")], store)
        assert not report.failures
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("pages") / "k.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with served(str(db)) as c:
        yield c


@pytest.fixture(scope="module")
def hostile_event(db: Path) -> str:
    with open_store(db) as store:
        found = [e for e in store.events(country="Afghanistan", since="2024-06-14",
                                         until="2024-06-14")]  # fmt: skip
    assert len(found) == 1, "the two hostile reports should be one event"
    return found[0].id


@pytest.fixture(scope="module")
def hostile_doc(db: Path) -> str:
    with open_store(db) as store:
        return next(d["id"] for d in store.documents() if d["name"] == "hostile_report.txt")


def page(client: httpx.Client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    return r.text


def table_rows(body: str) -> list[str]:
    tbody = body.split('<table class="data" id="events">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-event-id="([0-9a-f]+)">', tbody)


# ------------------------------------------------------------------------------ dashboard
def test_pages_dashboard_shows_map_timeline_and_table(client: httpx.Client, db: Path) -> None:
    body = page(client, "/")
    with open_store(db) as store:
        ids = [e.id for e in store.events(mentions=False)]
    assert table_rows(body) == ids  # newest first, as the store orders them
    assert 'id="map"' in body and 'data-events-url="/api/events?limit=1000"' in body
    assert '<svg id="timeline"' in body and body.count('class="tl-bar') >= 2
    assert '<script src="/static/vendor/leaflet/leaflet.js"></script>' in body
    assert f"<strong>{len(ids)}</strong> events" in body


def test_pages_one_set_of_filters_drives_map_timeline_and_table(
    client: httpx.Client, db: Path
) -> None:
    body = page(client, "/?country=Afghanistan&attack_type=bombing&since=2021")
    with open_store(db) as store:
        expected = [e.id for e in store.events(mentions=False, country="Afghanistan",
                                               attack_type="bombing", since="2021")]  # fmt: skip
    assert table_rows(body) == expected and len(expected) >= 3
    # the map reads the same selection from the API
    events_url = html.unescape(re.search(r'data-events-url="([^"]+)"', body)[1])  # type: ignore[index]
    api = client.get(events_url).json()["events"]
    assert [e["id"] for e in api] == expected
    # every timeline bar links to its month under the same filters
    hrefs = {html.unescape(h) for h in re.findall(r'<a href="([^"]+)" class="tl-link">', body)}
    assert hrefs
    for href in hrefs:
        query = parse_qs(urlsplit(href).query)
        assert query["country"] == ["Afghanistan"] and query["attack_type"] == ["bombing"]
        assert query["since"] == query["until"]
    # the form shows the filters it applied
    assert '<option value="Afghanistan" selected>' in body
    assert 'name="since" value="2021"' in body
    # a month bar's link selects that month
    month = sorted(hrefs)[0]
    assert all(i in expected for i in table_rows(page(client, month)))


def test_pages_empty_form_fields_redirect_to_a_clean_bookmarkable_url(
    client: httpx.Client,
) -> None:
    r = client.get("/?since=&until=&country=Iran&killed_min=&q=")
    assert r.status_code == 303 and r.headers["location"] == "/?country=Iran"
    r = client.get("/?since=&q=")
    assert r.status_code == 303 and r.headers["location"] == "/"


BAD_FILTERS = [("since=2024-13", "since"), ("killed_min=many", "killed_min"),
               ("killed_min=9&killed_max=3", "killed_min")]  # fmt: skip


@pytest.mark.parametrize(("query", "field"), BAD_FILTERS)
def test_pages_bad_filter_is_shown_on_the_page(client: httpx.Client, query: str,
                                               field: str) -> None:  # fmt: skip
    body = page(client, f"/?{query}", status=400)
    error = re.search(r'<p class="error" id="filter-error">([^<]*)</p>', body)
    assert error and error[1].startswith(field)
    assert table_rows(body) == []


def test_pages_table_sorts_by_a_column(client: httpx.Client, db: Path) -> None:
    with open_store(db) as store:
        killed = {e.id: e.killed_best for e in store.events(mentions=False)}
    rows = table_rows(page(client, "/?sort=killed&order=desc"))
    figures = [killed[i] for i in rows]
    known = [k for k in figures if k is not None]
    assert known == sorted(known, reverse=True) and figures[: len(known)] == known
    rows = table_rows(page(client, "/?sort=killed&order=asc"))
    known = [killed[i] for i in rows if killed[i] is not None]
    assert known == sorted(known)
    # the header link flips the order and keeps the filters
    body = page(client, "/?country=Iran&sort=killed&order=desc")
    link = re.search(r'<a href="([^"]+)" data-sort="killed">', body)
    assert link and parse_qs(urlsplit(html.unescape(link[1])).query) == {
        "country": ["Iran"], "sort": ["killed"], "order": ["asc"]}  # fmt: skip


# ---------------------------------------------------------------------- event and document
def test_pages_event_page_shows_figures_sources_and_disagreements(
    client: httpx.Client, db: Path, hostile_event: str
) -> None:
    body = page(client, f"/events/{hostile_event}")
    with open_store(db) as store:
        event = store.event(hostile_event)
    assert event is not None and event.mentions
    killed_row = re.search(r'<tr class="flagged" data-figure="killed">(.*?)</tr>', body, re.S)
    assert killed_row, "the disputed killed figure is flagged"
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', killed_row[1])
    assert cells == [str(event.killed_low), str(event.killed_best), str(event.killed_high)]
    assert 'id="flag-killed"' in body and 'id="disagreements-note"' in body
    # claimed against reported
    claims = body.split('id="claims"', 1)[1].split("</table>", 1)[0]
    assert f'<td class="num">{event.claimed_killed}</td>' in claims
    # every source, its sentence marked in the document text around it, and a link to it
    for m in event.mentions:
        assert f'id="source-{m["id"]}"' in body
        assert f'href="/documents/{m["document_id"]}#m-{m["id"]}"' in body
        assert f'id="ctx-m-{m["id"]}"' in body
        context = body.split(f'id="source-{m["id"]}"', 1)[1].split("</p>", 2)[1]
        marked = "".join(re.findall(r"<mark[^>]*>([^<]*)</mark>", context))
        assert html.unescape(marked) == m["evidence"]


def test_pages_document_page_highlights_every_extracted_span(
    client: httpx.Client, db: Path
) -> None:
    with open_store(db) as store:
        doc = next(d for d in store.documents() if d["name"].startswith("12_crocus"))
        incidents = store.incidents(document_id=doc["id"])
        records = [r for kind in ("statistics", "strength", "plots", "leaders", "relations")
                   for r in store.records(kind, document_id=doc["id"])]  # fmt: skip
        event_ids = {e.id for e in store.events(mentions=False)}
    body = page(client, f"/documents/{doc['id']}")
    text = body.split('id="doctext">', 1)[1].split("</div>", 1)[0]
    for row, key in [*((i, f"m-{i['id']}") for i in incidents),
                     *((r, f"r-{r['id']}") for r in records)]:  # fmt: skip
        at = f"{row['span_start']}-{row['span_end']}"
        assert f'<span class="anchor" id="{key}" data-at="{at}"></span>' in text
        covered = re.findall(rf'<mark [^>]*data-spans="[^"]*\b{key}\b[^"]*"[^>]*>([^<]*)</mark>',
                             text)  # fmt: skip
        assert html.unescape("".join(covered)) == row["evidence"]
    linked = set(re.findall(r'href="/events/([0-9a-f]+)"', body))
    assert linked and linked <= event_ids
    # the text, without the markup, is the stored text
    plain = re.sub(r'<a class="ref[^>]*>[^<]*</a>', "", text)
    assert html.unescape(re.sub(r"<[^>]+>", "", plain)) == doc_text(db, doc["id"])


def doc_text(db: Path, doc_id: str) -> str:
    with open_store(db) as store:
        row = store.document(doc_id)
    assert row is not None
    return str(row["text"])


def test_pages_unknown_ids_are_404_pages(client: httpx.Client) -> None:
    assert "No such event" in page(client, "/events/ffffffffffff", status=404)
    assert "No such document" in page(client, "/documents/ffffffffffff", status=404)
    assert "&lt;b&gt;" in page(client, "/events/%3Cb%3E", status=404)


# ------------------------------------------------------------------- untrusted text is text
def pages_showing_hostile_text(event_id: str, doc_id: str) -> list[str]:
    return [f"/events/{event_id}", f"/documents/{doc_id}", "/documents",
            "/?country=Afghanistan&since=2024-06", "/records"]  # fmt: skip


def assert_inert(body: str) -> None:
    """No markup from the articles: every payload is escaped, every template stays literal."""
    for payload in (SCRIPT, IMG, LINK):
        assert payload not in body
    assert "<img" not in body  # the pages have no image: any would be an article's
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', body))
    assert re.search(r"<script(?![^>]*\bsrc=\"/static/)", body) is None  # no inline script
    assert " style=" not in body and "<style" not in body  # no inline style


def escaped(text: str) -> str:
    return str(markupsafe.escape(text))


@pytest.mark.parametrize("which", range(5))
def test_pages_render_untrusted_text_as_text(client: httpx.Client, hostile_event: str,
                                             hostile_doc: str, which: int) -> None:  # fmt: skip
    url = pages_showing_hostile_text(hostile_event, hostile_doc)[which]
    body = page(client, url)
    assert_inert(body)
    if which == 4:  # the records page: whatever the hostile reports yielded, inert
        return
    assert escaped(IMG) in body
    if which != 3:  # the dashboard's table shows the outlet only
        assert escaped(SCRIPT) in body
        assert TEMPLATE in body  # shown as written, never evaluated
    if which == 1:
        assert RAW in body and escaped(LINK) in body
        assert "javascript:alert(document.cookie)" in body  # as text, not as a link
    if which == 0:
        # the javascript: URL is shown as text; only the http(s) one is a link
        assert '<span class="muted">javascript:alert(1)</span>' in body
        assert re.findall(r'<a href="([^"]+)"[^>]*class="ext"', body) == [
            "https://example.org/2024/06/16/kabul"]  # fmt: skip


def test_pages_echo_filters_as_text(client: httpx.Client) -> None:
    body = page(client, "/?q=" + httpx.QueryParams({"x": f'"{SCRIPT}{TEMPLATE}'})["x"])
    assert_inert(body)
    assert f'value="&#34;{html.escape(SCRIPT, quote=False)}{TEMPLATE}"' in body


def test_pages_every_response_carries_the_csp(client: httpx.Client, hostile_event: str) -> None:
    for url in ("/", "/documents", f"/events/{hostile_event}", "/static/app.css",
                "/static/map.js", "/static/vendor/leaflet/leaflet.js", "/api/events?limit=1",
                "/events/nope"):  # fmt: skip
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in CSP and "style-src 'self';" in CSP


def test_pages_assets_are_vendored_not_fetched(client: httpx.Client) -> None:
    templates = Path(__file__).resolve().parents[1] / "khorasan" / "serve" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), template.name
        assert "|safe" not in text.replace(" ", ""), template.name
    js = client.get("/static/vendor/leaflet/leaflet.js")
    assert js.status_code == 200 and "Leaflet 1.9.4" in js.text[:400]
    world = client.get("/static/vendor/world/countries-110m.geojson").json()
    names = {f["properties"]["name"] for f in world["features"]}
    assert {"Afghanistan", "Pakistan", "Iran", "Russia"} <= names


# ---------------------------------------------------------------------------- the helpers
def test_pages_pieces_cover_the_text_and_know_their_spans() -> None:
    text = "one two three four"
    spans = [Span(4, 13, "m-1"), Span(8, 18, "r-2", "relations"), Span(8, 13, "f-k", "field")]
    out = pieces(text, spans)
    assert "".join(p.text for p in out) == text
    assert [(p.text, p.keys) for p in out] == [
        ("one ", ""), ("two ", "m-1"), ("three", "m-1 r-2 f-k"), (" four", "r-2")]  # fmt: skip
    assert [s.key for s in out[1].starts] == ["m-1"] and [s.key for s in out[2].ends] == [
        "m-1", "f-k"]  # fmt: skip
    window = pieces(text, spans, 6, 10)
    assert "".join(p.text for p in window) == text[6:10]


def test_pages_context_window_keeps_to_the_paragraph() -> None:
    text = "Title\n\nFirst sentence here. The key sentence. After it.\n\nNext paragraph."
    start = text.index("The key")
    lo, hi = context_window(text, start, start + len("The key sentence."), around=300)
    assert text[lo:hi] == "First sentence here. The key sentence. After it."
    lo, hi = context_window("a b c d e f g h", 8, 9, around=3)
    assert "a b c d e f g h"[lo:hi] == "d e f"


def test_pages_timeline_stacks_months_by_target_type() -> None:
    from khorasan.model import Event

    events = [Event(id="a", date="2021-01-05", target_type="civilians", killed_best=3),
              Event(id="b", date="2021-01", target_type="religious", killed_best=10),
              Event(id="c", date="2021-03-02", target_type=None, killed_best=None),
              Event(id="d", date="2021", target_type="civilians"),
              Event(id="e", date=None)]  # fmt: skip
    t = timeline(events, lambda m: f"/?since={m}&until={m}")
    assert t.months[0] == "2020-09" and len(t.months) == 12  # a year's frame at least
    assert "2021-01" in t.months and "2021-03" in t.months
    assert t.kinds == ["civilians", "religious", "unknown"]
    assert (t.year_only, t.undated) == (1, 1)
    counts, killed = t.panels
    assert [b.title for b in counts.bars] == ["2021-01: 1 event (civilians)",
                                              "2021-01: 1 event (religious)",
                                              "2021-03: 1 event (unknown)"]  # fmt: skip
    assert [b.title for b in killed.bars] == ["2021-01: 3 killed (civilians)",
                                              "2021-01: 10 killed (religious)"]  # fmt: skip
    # stacked: religious sits on civilians in January
    assert counts.bars[1].y + counts.bars[1].h == pytest.approx(counts.bars[0].y)
    assert timeline([], str).empty


def test_pages_boundaries_decode_topojson() -> None:
    topology = {
        "type": "Topology", "transform": {"scale": [1, 1], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "Square"}},
            {"type": "Polygon", "arcs": [[~1, ~0]], "id": "2", "properties": {"name": "Back"}},
        ]}},
    }  # fmt: skip
    out = topology_to_geojson(topology)
    square = out["features"][0]
    assert square["properties"]["name"] == "Square"
    assert square["geometry"]["coordinates"] == [[[[10, 20], [12, 20], [12, 22], [10, 22],
                                                   [10, 20]]]]  # fmt: skip
    back = out["features"][1]["geometry"]["coordinates"][0][0]
    assert back[0] == back[-1] and len(back) == 5 and back[1] == [10, 22]


def test_pages_claims_chart_sets_the_claim_beside_the_reported_toll(
    client: httpx.Client, db: Path, hostile_event: str
) -> None:
    body = page(client, "/?country=Afghanistan&since=2024-06")
    with open_store(db) as store:
        event = store.event(hostile_event)
    assert event is not None and event.claimed_killed and event.killed_best
    row = re.search(rf'<a href="/events/{hostile_event}" class="cl-row".*?</a>', body, re.S)
    assert row, "the claimed event has its row"
    assert f">{event.claimed_killed} claimed</text>" in row[0]
    assert f">{event.killed_best} reported</text>" in row[0]
    assert re.search(rf"({event.claimed_killed / event.killed_best:.2f}×)", body)
    assert 'id="claims-empty"' in page(client, "/?country=Iran")


def test_pages_records_page_links_each_source_to_its_span(client: httpx.Client) -> None:
    body = page(client, "/records")
    for kind in ("audit", "statistics", "strength", "plots", "leaders", "relations"):
        assert f'<section class="panel" id="{kind}"' in body
    links = set(re.findall(r'href="/documents/([0-9a-f]+)#at-(\d+)-(\d+)"', body))
    assert links, "the examples have records with sources"
    for doc_id, start, end in links:
        doc = page(client, f"/documents/{doc_id}")
        assert f'data-at="{start}-{end}"' in doc
    assert "this database:" in body  # the audit's own tally
