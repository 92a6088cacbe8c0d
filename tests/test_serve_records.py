"""Records over time, in the API and on the pages: the actor network (``/network``,
``/api/relations/graph``), the leaders timeline (``/leaders``, ``/api/leaders/timeline``) and
the strength chart (``/strength``, ``/api/strength/series``), over the bundled examples plus
invented records, some carrying markup in actor and person names, which must stay text.
The seeds (``../shared/seeds``) add a real-sized network where present."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fuse_helpers import make_doc
from serve_helpers import served
from test_serve_pages import IMG, SCRIPT, assert_inert, build_db, escaped, page

from khorasan.analyse.network import graph_of
from khorasan.analyse.series import leaders_of, series_of
from khorasan.pipeline import ingest, open_store
from khorasan.serve.network import network_chart
from khorasan.serve.timeaxis import TimeAxis, year_span

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FRONT = f"{SCRIPT} Front"  # an actor name with markup in it, as an article could give
BRIGADE = f"{IMG} Brigade"
EMIR = f"Abu {SCRIPT} Example"
RELATION_KINDS = ("war", "rivalry", "alliance", "split", "allegiance", "defection")

# Invented reports (no real page's text): each sentence with the records it yields.
INVENTED: dict[str, tuple[str, list[tuple[str, str, dict[str, Any]]]]] = {
    "records_report.txt": ("2022-05-01", [
        ("IS-K and the Taliban fought each other in Nangarhar in March 2022.", "relations",
         {"a": "IS-K", "b": "Taliban", "kind": "war", "date": "2022-03", "asserted": True}),
        (f"A faction calling itself {FRONT} broke with IS-K in 2021.", "relations",
         {"a": FRONT, "b": "IS-K", "kind": "split", "date": "2021", "asserted": True}),
        (f"Fighters of the {BRIGADE} went over to IS-K.", "relations",
         {"a": BRIGADE, "b": "IS-K", "kind": "defection", "date": None, "asserted": True}),
        ("The TTP renewed its pledge to the Taliban in 2020.", "relations",
         {"a": "TTP", "b": "Taliban", "kind": "allegiance", "date": "2020", "asserted": True}),
        ("Pakistan and the Taliban were said to cooperate against IS-K in 2022.", "relations",
         {"a": "Pakistan", "b": "Taliban", "kind": "alliance", "date": "2022",
          "asserted": False}),
        (f"The group appointed {EMIR} as its emir in June 2021.", "leaders",
         {"group": "IS-K", "person": EMIR, "role": "emir", "status": "appointed",
          "status_date": "2021-06"}),
        ("IS-K commander Invented Rahimi was killed in a strike in January 2022.", "leaders",
         {"group": "IS-K", "person": "Invented Rahimi", "role": "commander",
          "status": "killed by US", "status_date": "2022-01"}),
        (f"Officials put IS-K at 1,500 to 2,200 fighters in 2022 {IMG}.", "strength",
         {"group": "IS-K", "date": "2022", "low": 1500, "high": 2200,
          "unit": f"fighters {IMG}", "qualifier": "exact"}),
        ("The Taliban say IS-K has no more than 800 fighters.", "strength",
         {"group": "IS-K", "date": None, "low": 800, "high": 800, "unit": "fighters",
          "qualifier": "up_to"}),
        (f"The {FRONT} was thought to have 300 fighters in 2021.", "strength",
         {"group": FRONT, "date": "2021", "low": 300, "high": 300, "unit": "fighters",
          "qualifier": "about"}),
    ]),
    "records_followup.txt": ("2023-02-01", [
        (f"{EMIR}, the current emir of IS-K, was seen in Kunar.", "leaders",
         {"group": "IS-K", "person": EMIR, "role": "emir", "status": "current",
          "status_date": None}),
        ("IS-K and the Taliban fought each other again in 2022.", "relations",
         {"a": "Taliban", "b": "IS-K", "kind": "war", "date": "2022", "asserted": True}),
        ("In 2020 the TTP was estimated at 4,000 fighters.", "strength",
         {"group": "TTP", "date": "2020", "low": 4000, "high": 4000, "unit": "fighters",
          "qualifier": "exact"}),
    ]),
}  # fmt: skip


def add_invented_records(db: Path) -> Path:
    """Store the invented reports with their records (no incidents: the events stay as they
    are)."""
    with open_store(db) as store:
        for name, (published, sentences) in INVENTED.items():
            text, extracted = "", {"relations": [], "leaders": [], "strength": []}
            for sentence, kind, fields in sentences:
                start = len(text)
                text += sentence + " "
                extracted[kind].append({**fields, "evidence": sentence,
                                        "span": [start, start + len(sentence)],
                                        "confidence": 0.7})  # fmt: skip
            doc = make_doc(name, text.strip(), published, "Invented Desk")
            store.add_document(doc, extracted, "test")
    return db


def build_records_db(path: Path) -> Path:
    return add_invented_records(build_db(path))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_records_db(tmp_path_factory.mktemp("records") / "k.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with served(str(db)) as c:
        yield c


def _error(response: httpx.Response, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    return dict(body["error"])


def _graph(client: httpx.Client, **params: Any) -> dict[str, Any]:
    r = client.get("/api/relations/graph", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


# ------------------------------------------------------------------------------------ API
def test_records_api_lists_the_new_endpoints(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/relations/graph", "/api/strength/series", "/api/leaders/timeline"):
        assert path in paths and set(paths[path]) == {"get"}


def test_records_api_graph_is_nodes_and_edges_with_sources(client: httpx.Client,
                                                           db: Path) -> None:  # fmt: skip
    graph = _graph(client)
    names = {n["id"] for n in graph["nodes"]}
    assert {"IS-K", "Taliban", FRONT, BRIGADE} <= names
    assert next(n for n in graph["nodes"] if n["id"] == "IS-K")["family"] is True
    with open_store(db) as store:
        rows = store.records("relations")
        docs = {d["id"] for d in store.documents()}
    # every stored statement is one source of exactly one edge
    assert sum(len(e["sources"]) for e in graph["edges"]) == len(rows)
    for e in graph["edges"]:
        assert e["source"] in names and e["target"] in names and e["kind"] in RELATION_KINDS
        assert e["directed"] == (e["kind"] in ("allegiance", "defection"))
        assert all(s["document_id"] in docs and s["evidence"] for s in e["sources"])
    # both invented war statements (one says Taliban-IS-K) are one edge with both dates
    war = next(e for e in graph["edges"] if e["kind"] == "war"
               and {e["source"], e["target"]} == {"IS-K", "Taliban"})  # fmt: skip
    assert {"2022", "2022-03"} <= set(war["dates"])
    alleged = next(e for e in graph["edges"] if e["kind"] == "alliance"
                   and {e["source"], e["target"]} == {"Pakistan", "Taliban"}
                   and "2022" in e["dates"])  # fmt: skip
    assert alleged["sources"][0]["asserted"] is False


def test_records_api_graph_filters_by_kind_date_and_group(client: httpx.Client) -> None:
    war = _graph(client, kind="war")["edges"]
    assert war and {e["kind"] for e in war} == {"war"}
    both = _graph(client, kind=["war", "alliance"])
    assert {e["kind"] for e in both["edges"]} == {"war", "alliance"}
    assert _graph(client, kind="war,alliance")["edges"] == both["edges"]
    assert both["filters"]["kind"] == ["war", "alliance"]

    in_2021 = _graph(client, since="2021", until="2021")["edges"]
    assert any(e["kind"] == "split" and FRONT in (e["source"], e["target"]) for e in in_2021)
    assert all(s["date"] and s["date"][:4] <= "2021" and (s["to"] or s["date"])[:4] >= "2021"
               for e in in_2021 for s in e["sources"])  # fmt: skip
    # an undated statement counts at its report's date
    may = _graph(client, since="2022-05", until="2022-05")["edges"]
    defection = next(e for e in may if e["kind"] == "defection" and e["source"] == BRIGADE)
    assert defection["sources"][0]["dated_by"] == "published"
    assert defection["sources"][0]["date"] == "2022-05-01" and defection["dates"] == []
    assert not any(e["source"] == BRIGADE for e in _graph(client, until="2021")["edges"])

    isk = _graph(client, group="ISKP")  # an alias
    assert isk["filters"]["group"] == "IS-K" and isk["edges"]
    assert all("IS-K" in (e["source"], e["target"]) for e in isk["edges"])


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/relations/graph?since=2024-13", "since"),
     ("/api/relations/graph?until=yesterday", "until"),
     ("/api/relations/graph?since=2024&until=2023", "since"),
     ("/api/relations/graph?kind=friendship", "kind"),
     ("/api/relations/graph?kind=war&kind=love", "kind"),
     ("/api/strength/series?since=2022-00", "since"),
     ("/api/strength/series?until=soon", "until")],
)  # fmt: skip
def test_records_api_bad_filters_are_422_naming_the_field(client: httpx.Client, url: str,
                                                          field: str) -> None:  # fmt: skip
    error = _error(client.get(url))
    assert error["field"] == field and error["code"] == "K401"
    assert error["message"].startswith(field)


def test_records_api_strength_series_per_group(client: httpx.Client) -> None:
    body = client.get("/api/strength/series").json()
    groups = [s["group"] for s in body["series"]]
    assert groups[0] == "IS-K" and FRONT in groups and "TTP" in groups
    isk = body["series"][0]["points"]
    ranged = next(p for p in isk if p["low"] == 1500)
    assert (ranged["high"], ranged["single"], ranged["date"], ranged["dated_by"]) == (
        2200, False, "2022", "text")  # fmt: skip
    assert ranged["source"]["evidence"].startswith("Officials put IS-K")
    single = next(p for p in isk if p["low"] == 800)
    assert single["single"] and (single["date"], single["dated_by"]) == ("2022-05-01",
                                                                         "published")  # fmt: skip
    dates = [p["date"] for p in isk if p["date"]]
    assert dates == sorted(dates)
    only = client.get("/api/strength/series", params={"group": "ttp", "since": "2020"}).json()
    assert [s["group"] for s in only["series"]] == ["TTP"]
    early = client.get("/api/strength/series", params={"until": "2021"}).json()["series"]
    assert {p["date"] for s in early for p in s["points"]} == {"2020", "2021"}


def test_records_api_leaders_timeline(client: httpx.Client) -> None:
    leaders = client.get("/api/leaders/timeline").json()["leaders"]
    emir = next(le for le in leaders if le["person"] == EMIR)
    # appointed in June 2021 (the text), still emir in the report of 2023-02-01
    assert (emir["start"], emir["start_by"], emir["end"], emir["open"]) == (
        "2021-06", "appointed", "2023-02-01", True)  # fmt: skip
    assert [m["what"] for m in emir["marks"]] == ["appointed", "in role", "in role"]
    assert len(emir["sources"]) == 2
    rahimi = next(le for le in leaders if le["person"] == "Invented Rahimi")
    assert (rahimi["end"], rahimi["end_by"], rahimi["open"]) == ("2022-01", "killed", False)
    assert rahimi["statuses"] == ["killed by US"]
    groups = [le["group"] for le in leaders]
    assert groups.index("IS-K") == 0  # the IS-K family first
    only = client.get("/api/leaders/timeline", params={"person": "invented rahimi"}).json()
    assert [le["person"] for le in only["leaders"]] == ["Invented Rahimi"]


# ---------------------------------------------------------------------------------- pages
def test_records_pages_are_in_the_nav(client: httpx.Client) -> None:
    body = page(client, "/documents")
    nav = body.split("<nav>", 1)[1].split("</nav>", 1)[0]
    for href in ("/network", "/leaders", "/strength"):
        assert f'<a href="{href}">' in nav


def test_records_network_page_draws_every_edge_and_lists_its_sources(
    client: httpx.Client,
) -> None:
    graph = _graph(client)
    body = page(client, "/network")
    svg = body.split('<svg id="network"', 1)[1].split("</svg>", 1)[0]
    kinds = re.findall(r'<path d="[^"]+" class="edge k-(\w+)[^"]*" data-kind="\w+"', svg)
    assert kinds == [e["kind"] for e in graph["edges"]]
    assert svg.count('<g class="node ') == len(graph["nodes"])
    # IS-K is drawn in the centre of the frame
    isk = re.search(r'data-actor="IS-K">\s*<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', body)
    assert isk and view and (float(isk[1]), float(isk[2])) == (int(view[1]) / 2,
                                                               int(view[2]) / 2)  # fmt: skip
    legend = body.split('id="network-legend"', 1)[1].split("</ul>", 1)[0]
    for kind in RELATION_KINDS:
        assert f'class="edge k-{kind}"' in legend
    # every edge's entry: its dates and each source linked to its span on the document page
    for i, e in enumerate(graph["edges"]):
        entry = body.split(f'<li id="edge-{i}"', 1)[1].split('<li id="edge-', 1)[0]
        for s in e["sources"]:
            assert f'href="/documents/{s["document_id"]}#r-{s["mention_id"]}"' in entry
    doc = graph["edges"][0]["sources"][0]
    assert f'id="r-{doc["mention_id"]}"' in page(client, f"/documents/{doc['document_id']}")


def test_records_network_page_filters_in_the_url(client: httpx.Client) -> None:
    body = page(client, "/network?kind=war&kind=alliance&since=2022")
    graph = _graph(client, kind=["war", "alliance"], since="2022")
    assert set(re.findall(r'class="edge k-(\w+)', body.split("<svg id", 1)[1]
                          .split("</svg>", 1)[0])) == {"war", "alliance"}  # fmt: skip
    assert body.count('class="edge-link"') == len(graph["edges"])
    assert 'value="war" checked' in body and 'value="rivalry">' in body
    assert 'name="since" value="2022"' in body
    # a node narrows the same view to its actor
    link = re.search(r'<a href="([^"]+)" class="node-link"><g class="node [^"]*" '
                     r'data-actor="Taliban">', body)  # fmt: skip
    assert link
    query = parse_qs(urlsplit(html.unescape(link[1])).query)
    assert query == {"since": ["2022"], "group": ["Taliban"], "kind": ["war", "alliance"]}
    assert 'href="/api/relations/graph?since=2022&amp;kind=war&amp;kind=alliance"' in body


@pytest.mark.parametrize(("url", "field"), [("/network?since=2024-13", "since"),
                                            ("/network?kind=love", "kind"),
                                            ("/strength?until=2024-02-30x", "until")])  # fmt: skip
def test_records_pages_show_a_bad_filter(client: httpx.Client, url: str, field: str) -> None:
    body = page(client, url, status=400)
    error = re.search(r'<p class="error" id="filter-error">([^<]*)</p>', body)
    assert error and error[1].startswith(field)


def test_records_leaders_page_draws_tenures_and_marks(client: httpx.Client) -> None:
    timeline = client.get("/api/leaders/timeline").json()["leaders"]
    body = page(client, "/leaders")
    dated = [le for le in timeline if le["start"] or le["end"]]
    assert body.count('<g class="leader-row"') == len(dated)
    row = body.split(f'data-person="{escaped(EMIR)}"', 1)[1].split("</g>", 1)[0]
    assert 'class="tenure open"' in row and 'class="tenure-open"' in row
    marks = re.findall(r'<a href="(/documents/[0-9a-f]+#r-\d+)" class="mark-link">', row)
    assert len(marks) == 3
    # every leader is listed with its sources, the undated too
    assert body.count('<li id="leader-') == len(timeline)
    assert page(client, "/leaders?group=TTP").count('<li id="leader-') == len(
        [le for le in timeline if le["group"] == "TTP"])  # fmt: skip


def test_records_strength_page_draws_each_estimate(client: httpx.Client) -> None:
    series = client.get("/api/strength/series").json()["series"]
    body = page(client, "/strength")
    for i, s in enumerate(series):
        panel = body.split(f'id="strength-{i}"', 1)[1].split("</section>", 1)[0]
        drawn = [p for p in s["points"] if p["date"]]
        assert panel.count('<g class="estimate') == len(drawn)
        assert panel.count('class="range"') == len([p for p in drawn if not p["single"]])
        assert panel.count('<tr id="estimate-') == len(s["points"])
        for p in s["points"]:
            src = p["source"]
            assert f'href="/documents/{src["document_id"]}#r-{src["mention_id"]}"' in panel
    isk = body.split('id="strength-0"', 1)[1].split("</section>", 1)[0]
    assert 'class="estimate reported"' in isk  # the undated one, at its report's date


# ------------------------------------------------------------------- untrusted text is text
@pytest.mark.parametrize("url", ["/network", "/network?group=" + FRONT, "/leaders",
                                 "/leaders?group=IS-K", "/strength"])  # fmt: skip
def test_records_pages_render_hostile_names_as_text(client: httpx.Client, url: str) -> None:
    body = page(client, str(httpx.URL(url)))
    assert_inert(body)
    assert "<script>" not in body.replace('<script src="/static/', "")
    if url.startswith("/network"):
        assert escaped(FRONT) in body and escaped(BRIGADE) in body
    elif url.startswith("/leaders"):
        assert escaped(EMIR) in body
    else:
        assert escaped(FRONT) in body and escaped(f"fighters {IMG}") in body


def test_records_api_returns_names_as_data(client: httpx.Client) -> None:
    graph = _graph(client, group=FRONT)
    assert graph["filters"]["group"] == FRONT
    assert [(e["source"], e["kind"]) for e in graph["edges"]] == [(FRONT, "split")]
    assert {n["id"] for n in graph["nodes"]} == {FRONT, "IS-K"}


# ----------------------------------------------------------------------------- the seeds
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")
def test_records_seed_network_is_drawn(tmp_path: Path) -> None:
    with open_store(tmp_path / "k.db") as store:
        assert not ingest([SEEDS], store).failures
    with served(str(tmp_path / "k.db")) as client:
        graph = _graph(client)
        assert len(graph["edges"]) >= 10 and any(n["family"] for n in graph["nodes"])
        body = page(client, "/network")
        assert body.count('class="edge-link"') == len(graph["edges"])
        assert page(client, "/strength").count('<g class="estimate') >= 3
        page(client, "/leaders")


# ------------------------------------------------------------------------------ the layout
def _row(rec: dict[str, Any], published: str | None = None, doc: str = "d1",
         mid: int = 1) -> dict[str, Any]:  # fmt: skip
    return {"id": mid, "document_id": doc, "doc": f"{doc}.txt", "outlet": None,
            "published": published, "evidence": "s", "span_start": 0, "span_end": 1,
            "record": rec}  # fmt: skip


def test_records_graph_merges_symmetric_pairs_and_keeps_directions() -> None:
    rows = [_row({"a": "X", "b": "Y", "kind": "rivalry", "date": "2020"}, mid=1),
            _row({"a": "Y", "b": "X", "kind": "rivalry", "date": "2021"}, mid=2),
            _row({"a": "X", "b": "Y", "kind": "defection"}, "2022-01-02", mid=3),
            _row({"a": "Y", "b": "X", "kind": "defection"}, None, mid=4),
            _row({"a": "X", "b": "X", "kind": "war"}, mid=5),
            _row({"a": "X", "b": "Y", "kind": "friendship"}, mid=6)]  # fmt: skip
    graph = graph_of(rows)
    assert [(e["source"], e["target"], e["kind"], e["dates"]) for e in graph["edges"]] == [
        ("X", "Y", "rivalry", ["2020", "2021"]), ("X", "Y", "defection", []),
        ("Y", "X", "defection", [])]  # fmt: skip
    assert graph_of(rows, since="2022")["edges"][0]["sources"][0]["mention_id"] == 3
    assert [n["degree"] for n in graph["nodes"]] == [3, 3]


def test_records_network_layout_is_deterministic_with_isk_in_the_centre() -> None:
    rows = [_row({"a": a, "b": b, "kind": k}, mid=i) for i, (a, b, k) in enumerate(
        [("IS-K", "Taliban", "war"), ("Taliban", "IS-K", "rivalry"), ("IS-K", "Islamic State",
         "allegiance"), ("Pakistan", "TTP", "war"), ("Iran", "Taliban", "alliance")])]  # fmt: skip
    first, again = network_chart(graph_of(rows)), network_chart(graph_of(list(reversed(rows))))
    assert [(n.name, n.x, n.y) for n in first.nodes] == [(n.name, n.x, n.y) for n in again.nodes]
    assert [e.path for e in first.edges] == [e.path for e in again.edges]
    centre = next(n for n in first.nodes if n.name == "IS-K")
    assert (centre.x, centre.y) == (first.width / 2, first.height / 2)
    core = next(n for n in first.nodes if n.name == "Islamic State")
    outer = next(n for n in first.nodes if n.name == "Pakistan")
    dist = [((n.x - centre.x) ** 2 + (n.y - centre.y) ** 2) ** 0.5 for n in (core, outer)]
    assert dist[0] < dist[1]  # the family ring inside the others
    # two relations of one pair are two different curves
    pair = [e.path for e in first.edges if {e.edge["source"], e.edge["target"]} ==
            {"IS-K", "Taliban"}]  # fmt: skip
    assert len(set(pair)) == 2


def test_records_time_axis_spans_dates_of_any_precision() -> None:
    assert year_span("2019") == (2019.0, 2020.0)
    assert year_span("2019-04") == (2019.25, 2019 + 4 / 12)
    assert year_span("2020-12-31") == (2020 + 365 / 366, 2021.0)
    assert year_span("soon") is None and year_span(None) is None
    axis = TimeAxis.over(["2019-04", "2021"], 100, 300)
    assert axis is not None and (axis.lo, axis.hi) == (2019, 2022)
    assert axis.x(2019) == 100 and axis.x(2022) == 400
    assert [t.label for t in axis.ticks()] == ["2019", "2020", "2021", "2022"]


def test_records_leader_tenures_from_marks() -> None:
    rows = [_row({"group": "G", "person": "P", "role": "leader", "status": "appointed",
                  "status_date": "2018-03"}, "2019-01-01", mid=1),
            _row({"group": "G", "person": "P", "role": "leader", "status": None},
                 "2020-06-01", mid=2),
            _row({"group": "G", "person": "P", "role": "former leader", "status": "killed",
                  "status_date": None}, "2021-02-01", mid=3),
            _row({"group": "G", "person": "Q", "role": "emir", "status": None}, None,
                 mid=4)]  # fmt: skip
    p, q = leaders_of(rows)
    assert (p["start"], p["start_by"], p["end"], p["end_by"], p["open"]) == (
        "2018-03", "appointed", "2021-02-01", "killed", False)  # fmt: skip
    assert [m["what"] for m in p["marks"]] == ["appointed", "in role", "in role", "former",
                                               "killed"]  # fmt: skip
    assert (q["start"], q["end"], q["marks"]) == (None, None, [])


def test_records_strength_series_orders_points_and_keeps_the_undated() -> None:
    rows = [_row({"group": "G", "date": "2021", "low": 5, "high": 9}, mid=1),
            _row({"group": "G", "date": None, "low": 7, "high": None}, None, mid=2),
            _row({"group": "G", "date": "2019-05", "low": 3, "high": 3}, mid=3),
            _row({"group": "IS-K", "date": None, "low": 1, "high": 2}, "2020-01-01",
                 mid=4)]  # fmt: skip
    series = series_of(rows)
    assert [s["group"] for s in series] == ["IS-K", "G"]
    assert [(p["date"], p["low"], p["high"], p["single"]) for p in series[1]["points"]] == [
        ("2019-05", 3, 3, True), ("2021", 5, 9, False), (None, 7, 7, True)]  # fmt: skip
    assert series[0]["points"][0]["dated_by"] == "published"
    windowed = series_of(rows, since="2020")
    assert [p["date"] for s in windowed for p in s["points"]] == ["2020-01-01", "2021"]
