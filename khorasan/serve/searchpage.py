"""The search page (``/search?q=...``): every document and extracted sentence matching the
words of the search box in each page's header, best first, with the words marked.

Article text is data, never markup: each result's sentence is cut into pieces
(:func:`khorasan.serve.highlight.pieces`) and the template (autoescaped) wraps the matched
ones in ``<mark>``: escaped first, then marked. A query with nothing to look for, or a bad
filter, is said on the page (status 400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from khorasan.errors import KhorasanError
from khorasan.serve.app import search_store
from khorasan.serve.highlight import Span, pieces
from khorasan.store import Store

__all__ = ["install_search_page"]

Render = Callable[..., HTMLResponse]
FIELDS = ("q", "since", "until", "outlet", "country", "kind")
PAGE = 20
KINDS = ("documents", "sentences", "incidents", "statistics", "strength", "plots", "leaders",
         "relations")  # fmt: skip


def install_search_page(app: FastAPI, render: Render) -> None:
    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> Response:
        store: Store = request.app.state.store
        params = request.query_params
        values = {k: params[k].strip() for k in FIELDS if params.get(k, "").strip()}
        offset_raw = params.get("offset", "0")
        offset = int(offset_raw) if offset_raw.isdigit() and len(offset_raw) < 7 else 0
        context: dict[str, Any] = {"values": values, "kinds": KINDS, "results": [],
                                   "error": None, "next_href": None, "offset": offset}  # fmt: skip
        if not values.get("q"):
            return render(request, "search.html", **context)
        filters = {k: v for k, v in values.items() if k != "q"}
        try:
            found = search_store(store, values["q"], limit=PAGE, offset=offset, **filters)
        except KhorasanError as exc:
            return render(request, "search.html", 400, **{**context, "error": str(exc)})
        context["results"] = [_result(r) for r in found["results"]]
        if found["next_offset"] is not None:
            context["next_href"] = "/search?" + urlencode(
                {**values, "offset": found["next_offset"]}
            )
        return render(request, "search.html", **context)


def _result(row: dict[str, Any]) -> dict[str, Any]:
    """One result for the template: its sentence's pieces and where it links."""
    marks = [Span(start, end, f"q{i}", "match") for i, (start, end) in enumerate(row["matches"])]
    doc = row["document"]
    anchor = ""
    if row["mention_id"] is not None:
        anchor = f"#{'m' if row['kind'] == 'incidents' else 'r'}-{row['mention_id']}"
    return {
        **row,
        "pieces": pieces(row["sentence"], marks),
        "doc_href": f"/documents/{doc['id']}{anchor}",
        "event_href": f"/events/{row['event_id']}" if row["event_id"] else None,
    }
