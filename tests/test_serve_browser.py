"""The dashboard in a real browser: ``khorasan serve`` started as a subprocess on a free port,
headless Chromium (the system's /usr/bin/chromium, never a downloaded one) driven by
Playwright. Filtering through the form, opening an event from the map, following a source to
its highlighted sentence, the network, leaders and strength pages, and hostile article text
that never runs.

Screenshots are saved under ``$KHORASAN_SCREENSHOTS`` (else the test's temporary folder) and
their paths printed. ``make test`` installs Chromium (apt) and Playwright (the dev extra); where
either is missing these tests are skipped with the reason.

Synchronisation is by waiting for elements and attributes the pages set (the map sets
``data-ready`` once drawn), never by sleeping; timeouts are generous for a loaded CI machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from serve_helpers import free_port
from test_serve_pages import IMG, SCRIPT, TEMPLATE
from test_serve_records import EMIR, FRONT, build_records_db

from khorasan.pipeline import open_store

CHROMIUM = os.environ.get("KHORASAN_CHROMIUM", "/usr/bin/chromium")
# without these Chromium tries to reach Google's services (and fails, slowly, offline)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
TIMEOUT_MS = 60_000

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                               "(pip install -e '.[dev]')")  # fmt: skip
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; make test does)",
                allow_module_level=True)  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the examples, the hostile reports and invented relations, leaders and strength records
    return build_records_db(tmp_path_factory.mktemp("browser") / "k.db")


@contextmanager
def khorasan_serve(db: Path, log_dir: Path, ready: str = "/api/events?limit=1") -> Iterator[str]:
    """``python -m khorasan serve`` over ``db`` in a subprocess on a free loopback port; yields
    its base URL once ``ready`` answers 200."""
    port = free_port()
    log = log_dir / "serve.log"
    # this checkout's package first, whatever the environment has installed
    paths = [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "khorasan", "serve", "--db", str(db), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(url + ready, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "khorasan serve did not answer in 90 s"
            time.sleep(0.2)  # polling for the server to listen, not synchronising the page
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def base_url(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with khorasan_serve(db, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     timeout=TIMEOUT_MS)  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("KHORASAN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watched:
    """A page with its dialogs (an executed ``alert``), page errors and CSP reports noted."""

    def __init__(self, browser: Any, base: str, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           base_url=base)  # fmt: skip
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.set_default_navigation_timeout(TIMEOUT_MS)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.shots = shots
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type == "error" and "favicon" not in message.text:
            self.errors.append(f"console: {message.text}")

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def map_ready(self) -> int:
        self.page.wait_for_selector("#map[data-ready]", state="attached")
        assert self.page.get_attribute("#map", "data-ready") == "true", self.page.text_content(
            "#map-status")  # fmt: skip
        return int(self.page.get_attribute("#map", "data-markers") or "0")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, base_url: str, shots: Path) -> Iterator[Watched]:
    watched = Watched(browser, base_url, shots)
    yield watched
    watched.close()
    assert watched.dialogs == [], "a script ran"
    assert watched.errors == []


def test_browser_filter_form_filters_map_timeline_and_table(tab: Watched, db: Path) -> None:
    page = tab.page
    page.goto("/")
    with open_store(db) as store:
        everything = store.events(mentions=False)
        iran = store.events(mentions=False, country="Iran")
    placed = [e for e in everything if e.latitude is not None]
    assert tab.map_ready() == len(placed)
    assert page.locator("path.event-marker").count() == len(placed)
    assert page.locator("path.country").count() > 100  # the bundled outlines, no tiles
    assert page.locator("#events tbody tr[data-event-id]").count() == len(everything)
    tab.shot("dashboard")

    page.select_option("select[name=country]", "Iran")
    with page.expect_navigation():
        page.click("#apply")
    assert parse_qs(urlsplit(page.url).query) == {"country": ["Iran"]}  # empty fields dropped
    assert tab.map_ready() == len([e for e in iran if e.latitude is not None])
    rows = page.locator("#events tbody tr[data-event-id]")
    assert rows.count() == len(iran) and len(iran) >= 2
    assert sorted(rows.nth(i).get_attribute("data-event-id") for i in range(rows.count())) \
        == sorted(e.id for e in iran)  # fmt: skip
    assert page.locator("select[name=country]").input_value() == "Iran"
    bars = page.locator("#timeline rect.tl-bar")
    dated = [e for e in iran if e.date and len(e.date) >= 7]
    assert bars.count() == 2 * len({e.date[:7] for e in dated if e.date})  # events + killed
    tab.shot("dashboard-iran")

    # a month of the timeline narrows the same filters to that month
    month = min(e.date[:7] for e in dated if e.date)
    with page.expect_navigation():
        page.locator("#timeline a.tl-link").first.click()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"country": ["Iran"], "since": [month], "until": [month]}
    tab.map_ready()
    assert page.locator("#events tbody tr[data-event-id]").count() == len(
        [e for e in dated if e.date and e.date.startswith(month)])  # fmt: skip

    # the killed filter through the form, kept with the others
    page.goto("/")
    tab.map_ready()
    page.fill("input[name=killed_min]", "100")
    with page.expect_navigation():
        page.click("#apply")
    assert parse_qs(urlsplit(page.url).query) == {"killed_min": ["100"]}
    heavy = [e for e in everything if (e.killed_best or 0) >= 100]
    assert page.locator("#events tbody tr[data-event-id]").count() == len(heavy)
    assert tab.map_ready() == len([e for e in heavy if e.latitude is not None])


def test_browser_map_marker_opens_its_event(tab: Watched, db: Path) -> None:
    page = tab.page
    with open_store(db) as store:
        kerman = store.events(mentions=False, country="Iran", attack_type="bombing")
    assert len(kerman) == 1 and kerman[0].latitude is not None
    page.goto("/?country=Iran&attack_type=bombing")
    assert tab.map_ready() == 1
    marker = page.locator(f'path.event-marker[data-event-id="{kerman[0].id}"]')
    marker.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert "killed" in (page.text_content(".leaflet-tooltip") or "")
    tab.shot("map-tooltip")
    with page.expect_navigation():
        marker.click()
    assert urlsplit(page.url).path == f"/events/{kerman[0].id}"
    page.wait_for_selector("#figures")
    assert "Kerman" in (page.text_content("h1") or "")
    best = page.locator('#figures tr[data-figure="killed"] td.best').text_content()
    assert best == f"{kerman[0].killed_best:,}"
    tab.shot("event-from-map")


def test_browser_source_leads_to_its_highlighted_sentence(tab: Watched, db: Path) -> None:
    page = tab.page
    with open_store(db) as store:
        event = next(e for e in store.events() if e.n_sources >= 2 and e.n_flags)
    assert event.mentions
    page.goto(f"/events/{event.id}")
    page.wait_for_selector("#flags")
    assert page.locator("tr.flagged").count() >= 1
    tab.shot("event-disagreement")
    mention = event.mentions[-1]
    key = f"m-{mention['id']}"
    # the sentence shown in context on the event page
    context = page.locator(f"#source-{mention['id']} p.context")
    marked = context.locator("mark").all_text_contents()
    assert "".join(marked) == mention["evidence"]
    with page.expect_navigation():
        page.click(f"#source-{mention['id']} a.doc-link")
    assert urlsplit(page.url).path == f"/documents/{mention['document_id']}"
    assert urlsplit(page.url).fragment == key
    page.wait_for_selector(f'body[data-current-span="{key}"]', state="attached")
    current = page.locator("mark.current")
    assert "".join(current.all_text_contents()) == mention["evidence"]
    assert current.first.is_visible()
    tab.shot("document-highlighted")
    # and back from the span to its event
    with page.expect_navigation():
        page.click(f'#doctext a.ref[data-span="{key}"]')
    assert urlsplit(page.url).path == f"/events/{event.id}"


def test_browser_hostile_text_never_runs(tab: Watched, db: Path) -> None:
    page = tab.page
    with open_store(db) as store:
        event = next(e for e in store.events(country="Afghanistan", since="2024-06-14",
                                             until="2024-06-14"))  # fmt: skip
        doc = next(d for d in store.documents() if d["name"] == "hostile_report.txt")
    page.goto(f"/events/{event.id}")
    page.wait_for_selector("#sources-title")
    contexts = " ".join(page.locator("p.context").all_text_contents())
    assert SCRIPT in contexts and IMG in contexts
    assert page.locator("main img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    tab.shot("hostile-event")

    page.goto(f"/documents/{doc['id']}")
    page.wait_for_selector("#doctext")
    text = page.text_content("#doctext") or ""
    for payload in (SCRIPT, IMG, TEMPLATE, "{% raw %}", 'href="javascript:alert(1)"'):
        assert payload in text
    assert SCRIPT in (page.title() or "")
    assert page.locator("main img, main script, #doctext a[href^='javascript:']").count() == 0
    tab.shot("hostile-document")

    page.goto("/documents")
    page.wait_for_selector("#documents")
    assert SCRIPT in (page.text_content("#documents") or "")

    page.goto("/?" + httpx.QueryParams({"q": SCRIPT + TEMPLATE, "country": "Afghanistan"})
              .__str__())  # fmt: skip
    tab.map_ready()
    assert page.locator("#filters input[name=q]").input_value() == SCRIPT + TEMPLATE
    page.goto("/?country=Afghanistan&since=2024-06")
    tab.map_ready()
    assert IMG in (page.text_content("#events tbody") or "")
    tab.shot("hostile-dashboard")
    # a script that did get in would also have to get past the CSP: nothing was refused
    # either (the fixture checks no dialog opened and no console error, CSP reports included)


def test_browser_record_source_leads_to_its_span(tab: Watched) -> None:
    page = tab.page
    page.goto("/records")
    link = page.locator("#statistics a.doc-link, #relations a.doc-link").first
    href = link.get_attribute("href") or ""
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).fragment == href.split("#", 1)[1]
    page.wait_for_selector("body[data-current-span]", state="attached")
    key = page.get_attribute("body", "data-current-span") or ""
    assert key.startswith("r-") and page.locator("mark.current").count() >= 1
    tab.shot("record-span")


def test_browser_network_leaders_and_strength(tab: Watched, base_url: str) -> None:
    page = tab.page
    graph = httpx.get(base_url + "/api/relations/graph", timeout=60).json()
    page.goto("/network")
    page.wait_for_selector("#network")
    assert page.locator("#network path.edge").count() == len(graph["edges"])
    assert page.locator("#network g.node").count() == len(graph["nodes"])
    assert FRONT in page.locator("#network text.node-label").all_text_contents()  # as text
    tab.shot("network")
    # a node narrows the network to its actor, the filter kept in the URL
    with page.expect_navigation():
        page.locator('#network g.node[data-actor="Taliban"] circle').click()
    assert parse_qs(urlsplit(page.url).query) == {"group": ["Taliban"]}
    taliban = httpx.get(base_url + "/api/relations/graph", params={"group": "Taliban"},
                        timeout=60).json()  # fmt: skip
    assert page.locator("#network path.edge").count() == len(taliban["edges"]) > 0
    assert page.locator("select[name=group]").input_value() == "Taliban"
    # an edge leads to its entry, and a source of it to its sentence in the document
    page.locator("#network a.edge-link").first.dispatch_event("click")
    page.wait_for_url("**#edge-0")
    link = page.locator("#edge-0 a.doc-link").first
    key = (link.get_attribute("href") or "").split("#", 1)[1]
    with page.expect_navigation():
        link.click()
    page.wait_for_selector(f'body[data-current-span="{key}"]', state="attached")
    assert page.locator("mark.current").count() >= 1

    leaders = httpx.get(base_url + "/api/leaders/timeline", timeout=60).json()["leaders"]
    page.goto("/leaders")
    page.wait_for_selector("#leaders-chart")
    dated = [le for le in leaders if le["start"] or le["end"]]
    assert page.locator("#leaders-chart g.leader-row").count() == len(dated)
    assert EMIR in (page.text_content("#leaders") or "")
    tab.shot("leaders")

    series = httpx.get(base_url + "/api/strength/series", timeout=60).json()["series"]
    page.goto("/strength")
    page.wait_for_selector("svg.strength")
    drawn = [p for s in series for p in s["points"] if p["date"]]
    assert page.locator("svg.strength g.estimate").count() == len(drawn)
    tab.shot("strength")
    estimate = page.locator("svg.strength a.estimate-link").first
    key = (estimate.get_attribute("href") or "").split("#", 1)[1]
    with page.expect_navigation():
        estimate.dispatch_event("click")
    page.wait_for_selector(f'body[data-current-span="{key}"]', state="attached")
