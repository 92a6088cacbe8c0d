"""The REST API over a real SQLite store: every read endpoint, cursor pagination, the one
error shape, downloads; and the server itself, started as ``khorasan serve`` on a free port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import BACKENDS, new_store_url
from serve_helpers import free_port, served

from khorasan.cli import cli
from khorasan.pipeline import ingest, open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module", params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_store_url(request, request.param, tmp_path_factory.mktemp("serve") / "k.db")
    with open_store(url) as store:
        assert not ingest([EXAMPLES], store).failures
    return url


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[httpx.Client]:
    with served(db) as c:
        yield c


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    return body["error"]


def test_serve_openapi_lists_the_read_endpoints(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/stats", "/api/claims",
                 "/api/export", "/api/documents", "/api/documents/{doc_id}", "/api/incidents",
                 "/api/strength", "/api/plots", "/api/leaders", "/api/relations",
                 "/api/statistics", "/api/audit"):  # fmt: skip
        assert path in paths and set(paths[path]) == {"get"}  # no write endpoint yet


def test_serve_events_pages_follow_the_cursor(client: httpx.Client, db: str) -> None:
    with open_store(db) as store:
        expected = [e.id for e in store.events(mentions=False)]
    seen, cursor = [], None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        assert len(body["events"]) <= 4
        seen += [e["id"] for e in body["events"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and len(expected) > 8


def test_serve_events_filters_as_the_cli(client: httpx.Client, db: str) -> None:
    body = client.get("/api/events", params={"country": "afghanistan", "since": "2021"}).json()
    assert body["events"]
    assert all(e["country"] == "Afghanistan" and e["date"] >= "2021" for e in body["events"])
    heavy = client.get("/api/events", params={"killed_min": 50}).json()["events"]
    assert heavy and all(e["killed_best"] >= 50 for e in heavy)
    branch = client.get("/api/events", params={"perpetrator": "ISKP"}).json()["events"]
    assert branch and {e["perpetrator"] for e in branch} == {"IS-K"}
    family = client.get("/api/events", params={"perpetrator": "Islamic State"}).json()["events"]
    assert {e["id"] for e in family} >= {e["id"] for e in branch}  # the core and its branches
    words = client.get("/api/events", params={"q": "mosque"}).json()["events"]
    assert words and len(words) < len(client.get("/api/events").json()["events"])


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "2024-13"}, "since"), ({"limit": 0}, "limit"), ({"killed_min": "many"},
     "killed_min"), ({"killed_min": 9, "killed_max": 1}, "killed_min"),
     ({"cursor": "!!"}, "cursor")],
)  # fmt: skip
def test_serve_bad_filters_are_422_naming_the_field(
    client: httpx.Client, params: dict[str, Any], field: str
) -> None:
    error = _error(client.get("/api/events", params=params), 422)
    assert error["field"] == field and error["code"] in ("K401",)


def test_serve_one_event_with_its_sources(client: httpx.Client) -> None:
    first = client.get("/api/events", params={"limit": 1}).json()["events"][0]
    event = client.get(f"/api/events/{first['id'][:8]}").json()
    assert event["id"] == first["id"] and event["mentions"]
    mention = event["mentions"][0]
    assert {"uid", "doc", "evidence", "span", "spans"} <= set(mention)


def test_serve_unknown_ids_are_404(client: httpx.Client) -> None:
    assert _error(client.get("/api/events/zzzz"), 404)["code"] == "K310"
    assert _error(client.get("/api/documents/zzzz"), 404)["code"] == "K310"
    assert _error(client.get("/api/nothing-here"), 404)["code"] == "K310"


def test_serve_stats_and_claims_match_the_cli(client: httpx.Client, db: str) -> None:
    import json

    cli_stats = json.loads(CliRunner().invoke(cli, ["stats", "--db", db, "--json"]).output)
    api_stats = client.get("/api/stats").json()
    assert api_stats["sentence"] == cli_stats["sentence"]
    claims = client.get("/api/claims", params={"by": "month"}).json()
    assert "events" in claims or claims


def test_serve_exports_are_downloads(client: httpx.Client) -> None:
    csv = client.get("/api/export", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.text.splitlines()[0].startswith("event_id,event_date")
    geo = client.get("/api/export", params={"format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection"
    gtd = client.get("/api/export", params={"format": "csv", "columns": "gtd"})
    assert gtd.text.splitlines()[0].startswith("eventid,iyear,imonth,iday")
    assert "a.txt" not in csv.text and ".txt," not in csv.text  # outlets, never file names
    parquet = client.get("/api/export", params={"format": "parquet"})
    assert parquet.content[:4] == b"PAR1"
    assert _error(client.get("/api/export", params={"format": "xls"}), 422)["field"] == "format"


def test_serve_documents_and_records(client: httpx.Client) -> None:
    docs = client.get("/api/documents").json()["documents"]
    assert docs
    one = client.get(f"/api/documents/{docs[0]['id']}").json()
    assert one["text"] and "incidents" in one and "relations" in one
    for kind in ("strength", "plots", "leaders", "relations", "statistics"):
        assert isinstance(client.get(f"/api/{kind}").json()[kind], list)
    assert "audits" in client.get("/api/audit").json()
    assert client.get("/api/incidents", params={"country": "Afghanistan"}).json()["incidents"]


def test_serve_command_runs_a_real_server(db: str) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "khorasan", "serve", "--db", db,
                             "--port", str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                response = httpx.get(f"{url}/api/events", params={"limit": 2}, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        assert response.status_code == 200 and len(response.json()["events"]) == 2
        assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == "Khorasan Monitor"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_missing_database_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "typo.db")])
    assert result.exit_code == 1
    assert result.output.strip().endswith("no such database (ingest creates one)")
