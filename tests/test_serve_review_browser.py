"""Review in a real browser: ``khorasan serve`` as a subprocess, headless Chromium (the
system's, driven by Playwright) logs in, walks the review queue with the keyboard, corrects a
field on an event's page; the test re-extracts and re-fuses the database, and the page still
shows the correction with its history. Screenshots of the review queue and of an event's
history are saved like the dashboard's (``$KHORASAN_SCREENSHOTS``, else a temporary folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_helpers import free_port
from test_serve_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, Watched, sync_api

from khorasan import users
from khorasan.pipeline import fuse, ingest, open_store, reextract

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PASSWORD = "analyst password"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review-browser") / "k.db"
    with open_store(path) as store:
        assert not ingest([EXAMPLES], store).failures
        users.add(store, "rana", "analyst", PASSWORD)
        users.add(store, "vic", "viewer", PASSWORD)
    return path


@pytest.fixture(scope="module")
def base_url(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
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
                if httpx.get(url + "/login", timeout=5).status_code == 200:
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


@pytest.fixture
def tab(browser: Any, base_url: str, shots: Path) -> Iterator[Watched]:
    watched = Watched(browser, base_url, shots)
    yield watched
    watched.close()
    assert watched.dialogs == [], "a script ran"
    assert watched.errors == []


def _log_in(tab: Watched, name: str, then: str) -> None:
    page = tab.page
    page.goto(then)
    assert "/login" in page.url  # sent to the login form first
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    assert page.url.endswith(then)


def test_browser_review_queue_with_the_keyboard(tab: Watched, db: Path) -> None:
    page = tab.page
    _log_in(tab, "rana", "/review")
    item = page.locator("#review-item")
    first = item.get_attribute("data-event")
    assert page.locator("#who").text_content().strip().startswith("rana (analyst)")
    assert page.locator("#review-item ul.sentences li").count() >= 1  # its sources' sentences
    tab.shot("review-queue")
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url.endswith("/review?at=1") and item.get_attribute("data-event") != first
    with page.expect_navigation():
        page.keyboard.press("k")
    assert item.get_attribute("data-event") == first
    with page.expect_navigation():
        page.keyboard.press("c")  # confirm: the event leaves the queue
    assert item.get_attribute("data-event") != first
    with open_store(db) as store:
        confirmed = store.event(first or "")
        assert confirmed is not None and confirmed.review_status == "confirmed"
        assert store.review_actions()[-1].user == "rana"


def test_browser_correction_persists_through_reextract_and_fuse(tab: Watched, db: Path) -> None:
    page = tab.page
    with open_store(db) as store:
        event = max(store.events(mentions=False), key=lambda e: (e.n_mentions, e.id))
    new = (event.killed_best or 0) + 23
    _log_in(tab, "rana", f"/events/{event.id}")
    assert page.locator("#history-empty").count() == 1
    page.select_option("#event-correct-field", "killed_best")
    page.fill("#event-correct-value", str(new))
    page.fill("#event-correct-reason", "the ministry's final toll")
    with page.expect_navigation():
        page.click("#event-correct-submit")
    best = page.locator('#figures tr[data-figure="killed"] td.best')
    assert best.text_content() == f"{new:,}"

    with open_store(db) as store:  # the machine runs again, under the server
        reextract(store)
        fuse(store)
    page.reload()
    assert best.text_content() == f"{new:,}"
    row = page.locator('#corrections tr[data-field="killed_best"]')
    assert row.locator("td.corrected").text_content() == str(new)
    assert "rana" in row.text_content() and "the ministry's final toll" in row.text_content()
    history = page.locator("#history-table tbody tr")
    assert history.count() == 1
    assert "killed best" in history.first.text_content()
    assert history.first.locator("td.state-active").count() == 1
    tab.shot("event-history")


def test_browser_add_report_and_viewer_sees_no_forms(
    tab: Watched, browser: Any, base_url: str, shots: Path
) -> None:
    page = tab.page
    _log_in(tab, "rana", "/add")
    page.fill("#add-title", "A market attack")
    page.fill("#add-text", "KABUL, 4 March 2024 - A suicide bomber killed 11 people at a "
              "market in Jalalabad, Nangarhar province, on Monday. Islamic State Khorasan "
              "Province claimed the attack <script>alert(1)</script>.")  # fmt: skip
    with page.expect_navigation():
        page.click("#add-submit")
    links = page.locator("#added-events a")
    assert links.count() == 1 and "11 killed" in page.locator("#added-events").text_content()
    with page.expect_navigation():
        links.first.click()
    assert "<script>" in page.locator("#sources-title ~ article").first.text_content()

    viewer = Watched(browser, base_url, shots)
    try:
        _log_in(viewer, "vic", "/review")
        assert viewer.page.locator("#form-confirm").count() == 0
        assert "needs the analyst role" in viewer.page.locator("main").text_content()
        assert viewer.errors == [] and viewer.dialogs == []
    finally:
        viewer.close()
