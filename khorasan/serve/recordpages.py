"""The pages of records over time: the actor network (``/network``), the leaders timeline
(``/leaders``) and the strength-estimate chart (``/strength``). Each is one call of
:mod:`khorasan.analyse` laid out as server-rendered SVG (no script); the filters live in the
query string, so a view can be bookmarked. A bad filter is shown on the page (status 400),
as on the dashboard.

Names and sentences come from articles: the templates autoescape them like all text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from khorasan.analyse import RELATION_KINDS, leader_timeline, relations_graph, strength_series
from khorasan.errors import KhorasanError
from khorasan.serve.leaderschart import leaders_chart, source_href
from khorasan.serve.network import KIND_NOTES, network_chart
from khorasan.serve.strengthchart import strength_panels
from khorasan.store import Store

__all__ = ["install_record_pages"]

Render = Callable[..., HTMLResponse]


def _values(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    params = request.query_params
    return {k: params[k].strip() for k in names if params.get(k, "").strip()}


def _kinds(request: Request) -> list[str]:
    return [k.strip() for raw in request.query_params.getlist("kind") for k in raw.split(",")
            if k.strip()]  # fmt: skip


def _groups(store: Store, kind: str) -> list[str]:
    """The groups stored records of ``kind`` name (a filter's choices)."""
    names = {n for r in store.records(kind) for n in (r.get("group_name"), r.get("other_group"))}
    return sorted((n for n in names if n), key=str.lower)


def install_record_pages(app: FastAPI, render: Render) -> None:
    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request) -> Response:
        store: Store = request.app.state.store
        values = _values(request, ("since", "until", "group"))
        kinds = _kinds(request)
        error = None
        try:
            graph = relations_graph(store, kind=kinds, **values)
        except KhorasanError as exc:
            error, graph = str(exc), {"nodes": [], "edges": []}

        def href(**changes: Any) -> str:
            merged: dict[str, Any] = {**values, **changes}
            query = [(k, v) for k, v in merged.items() if v]
            query += [("kind", k) for k in kinds]
            return "/network?" + urlencode(query) if query else "/network"

        api = "/api/relations/graph" + href()[len("/network") :]
        return render(request, "network.html", 400 if error else 200, values=values,
                      kinds=kinds, all_kinds=RELATION_KINDS, notes=KIND_NOTES, error=error,
                      groups=_groups(store, "relations"),
                      graph=graph, chart=network_chart(graph), href=href, api=api,
                      source_href=source_href)  # fmt: skip

    @app.get("/leaders", response_class=HTMLResponse, include_in_schema=False)
    def leaders_page(request: Request) -> Response:
        store: Store = request.app.state.store
        values = _values(request, ("group", "person"))
        timeline = leader_timeline(store, **values)
        leaders = timeline["leaders"]
        query = urlencode(list(values.items()))
        return render(request, "leaders.html", values=values, leaders=leaders,
                      chart=leaders_chart(leaders), groups=_groups(store, "leaders"),
                      api="/api/leaders/timeline" + ("?" + query if query else ""),
                      source_href=source_href)  # fmt: skip

    @app.get("/strength", response_class=HTMLResponse, include_in_schema=False)
    def strength_page(request: Request) -> Response:
        store: Store = request.app.state.store
        values = _values(request, ("group", "since", "until"))
        error = None
        try:
            series: Mapping[str, Any] = strength_series(store, **values)
        except KhorasanError as exc:
            error, series = str(exc), {"series": []}
        query = urlencode(list(values.items()))
        return render(request, "strength.html", 400 if error else 200, values=values,
                      error=error, panels=strength_panels(series["series"]),
                      total=sum(len(s["points"]) for s in series["series"]),
                      groups=_groups(store, "strength"),
                      api="/api/strength/series" + ("?" + query if query else ""),
                      source_href=source_href)  # fmt: skip
