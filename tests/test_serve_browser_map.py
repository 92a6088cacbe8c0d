"""The dashboard map with many events, in a real browser (see tests/test_serve_browser.py for
the server and browser fixtures, shared here): clusters first, a click on a cluster zooms in
and asks again for the view, until the events themselves are drawn and one opens."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_serve_browser import Watched, base_url, browser, shots, tab  # noqa: F401 (fixtures)
from test_serve_scale import made_up_events, make_store

from khorasan.serve.app import MAP_POINTS


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # more placed events than the map draws one by one: it starts with clusters
    events = made_up_events(int(MAP_POINTS * 1.5), seed=9)
    return make_store(tmp_path_factory.mktemp("browser-map") / "k.db", events)


def test_browser_map_clusters_zoom_in_to_events(tab: Watched, db: Path) -> None:  # noqa: F811
    page = tab.page
    page.goto("/")
    drawn = tab.map_ready()
    assert page.get_attribute("#map", "data-mode") == "clusters"
    clusters = page.locator(".cluster-marker")
    assert clusters.count() == int(page.get_attribute("#map", "data-clusters") or "0") > 1
    total = sum(int(clusters.nth(i).get_attribute("data-events") or "0")
                for i in range(clusters.count()))  # fmt: skip
    assert total == drawn > MAP_POINTS
    assert "cluster" in (page.text_content("#map-status") or "")
    tab.shot("map-clusters")
    for _ in range(8):  # each click zooms to a cluster and asks for the new view
        if page.get_attribute("#map", "data-mode") == "points":
            break
        sizes = [int(clusters.nth(i).get_attribute("data-events") or "0")
                 for i in range(clusters.count())]  # fmt: skip
        biggest = sizes.index(max(sizes))
        # the click goes to the cluster itself (neighbours and controls may overlap it)
        clusters.nth(biggest).dispatch_event("click")
        # the zoom ends, the map asks for the view (loading) and draws the answer (true)
        page.wait_for_selector("#map[data-ready=loading]", state="attached")
        page.wait_for_selector("#map[data-ready=true]", state="attached")
    assert page.get_attribute("#map", "data-mode") == "points"
    markers = page.locator("path.event-marker")
    assert 0 < markers.count() == int(page.get_attribute("#map", "data-markers") or "0")
    assert "in view" in (page.text_content("#map-status") or "")
    tab.shot("map-zoomed-in")
    marker = markers.last
    event_id = marker.get_attribute("data-event-id")
    with page.expect_navigation():
        marker.click(force=True)  # circles may overlap: the click is the marker's own
    assert urlsplit(page.url).path == f"/events/{event_id}"
