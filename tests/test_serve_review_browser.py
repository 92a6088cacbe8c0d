"""Review in a real browser: ``khorasan serve`` as a subprocess, headless Chromium (the
system's, driven by Playwright) logs in, walks the review queue with the keyboard, corrects a
field on an event's page; the test re-extracts and re-fuses the database, and the page still
shows the correction with its history. Screenshots of the review queue and of an event's
history are saved like the dashboard's (``$KHORASAN_SCREENSHOTS``, else a temporary folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_serve_browser import (  # noqa: F401 (browser and shots: shared fixtures)
    Watched,
    browser,
    khorasan_serve,
    shots,
)

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
    with khorasan_serve(db, tmp_path_factory.mktemp("server"), ready="/login") as url:
        yield url


@pytest.fixture
def tab(browser: Any, base_url: str, shots: Path) -> Iterator[Watched]:  # noqa: F811
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
    tab: Watched,
    browser: Any,  # noqa: F811 (the shared fixture)
    base_url: str,
    shots: Path,  # noqa: F811 (the shared fixture)
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
