"""The dashboard: server-rendered pages (Jinja2, autoescaped) over the same library calls as
the API, with little JavaScript (static files only: the map draws from ``/api/map``).

Pages: ``/`` (map, timeline and event table under one set of filters in the query string),
``/events/{id}`` (an event and every source, its sentence in context), ``/documents`` and
``/documents/{id}`` (a document's text with every extracted span highlighted); ``/network``,
``/leaders`` and ``/strength`` come from :mod:`khorasan.serve.recordpages`.

Article text is data, never markup: templates are autoescaped and no article text is marked
safe; every response carries a strict Content-Security-Policy (no inline script or style).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from khorasan import review
from khorasan.analyse import audit_statistics, merge_records
from khorasan.errors import FilterError, KhorasanError
from khorasan.model import RECORD_KINDS, Event
from khorasan.serve.app import EventFilters
from khorasan.serve.auth import describe
from khorasan.serve.claimschart import MAX_ROWS as CLAIMS_SHOWN
from khorasan.serve.claimschart import claims_chart_of
from khorasan.serve.highlight import Span, context_window, pieces, span_of
from khorasan.serve.recordpages import install_record_pages
from khorasan.serve.reviewpages import install_review_pages
from khorasan.serve.searchpage import install_search_page
from khorasan.serve.timeline import TARGET_TYPES, timeline_of_groups
from khorasan.store import Store

__all__ = ["CSP", "FILTER_FIELDS", "install_pages"]

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI and ReDoc load their own scripts from a CDN: they keep FastAPI's defaults
_NO_CSP = ("/docs", "/docs/oauth2-redirect", "/redoc")
FILTER_FIELDS = ("since", "until", "country", "admin1", "perpetrator", "attack_type",
                 "target_type", "attribution", "killed_min", "killed_max", "q")  # fmt: skip
TABLE_PARAMS = ("sort", "order", "page")
PAGE_SIZE = 100
DOCUMENTS_SHOWN = 1000  # the newest; the API pages through the rest
ATTACK_TYPES = ("bombing", "armed_assault", "assassination", "hostage_taking", "airstrike",
                "rocket", "raid", "jailbreak", "other")  # fmt: skip
# the table's sortable columns (the store sorts and pages in SQL; ties newest first)
SORT_KEYS = ("date", "place", "attack_type", "target_type", "perpetrator", "killed", "wounded",
             "sources", "flags")  # fmt: skip
FIGURE_FIELDS = ("killed", "wounded", "claimed_killed", "claimed_wounded")


def install_pages(app: FastAPI) -> None:
    """Mount the pages, the static files and the security headers on the API's ``app``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True)  # fmt: skip
    env.filters["label"] = _label
    env.filters["num"] = _num
    templates = Jinja2Templates(env=env, context_processors=[describe])
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path not in _NO_CSP:
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def not_found(request: Request, what: str, key: str) -> HTMLResponse:
        return render(request, "not_found.html", 404, what=what, key=key)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request) -> Response:
        params = request.query_params
        if any(v.strip() == "" for v in params.values()):
            # an empty form field is no filter: redirect to the clean, bookmarkable URL
            clean = [(k, v.strip()) for k, v in params.multi_items() if v.strip()]
            return RedirectResponse("/?" + urlencode(clean) if clean else "/", status_code=303)
        return _dashboard(request, render)

    @app.get("/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        store: Store = request.app.state.store
        event = store.event(event_id)
        if event is None:
            return not_found(request, "event", event_id)
        return render(request, "event.html", **_event_context(store, event),
                      history=review.history(store, event.id), review_fields=review.EVENT_FIELDS,
                      mention_fields=review.MENTION_FIELDS)  # fmt: skip

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request) -> Response:
        store: Store = request.app.state.store
        documents = store.documents(limit=DOCUMENTS_SHOWN + 1)
        return render(request, "documents.html", documents=documents[:DOCUMENTS_SHOWN],
                      more=len(documents) > DOCUMENTS_SHOWN)  # fmt: skip

    @app.get("/records", response_class=HTMLResponse, include_in_schema=False)
    def records_page(request: Request) -> Response:
        store: Store = request.app.state.store
        return render(request, "records.html", **_records_context(store))

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str) -> Response:
        store: Store = request.app.state.store
        row = store.document(doc_id)
        if row is None:
            return not_found(request, "document", doc_id)
        return render(request, "document.html", **_document_context(store, row))

    install_record_pages(app, render)  # /network, /leaders, /strength
    install_review_pages(app, render)  # /login, /logout, /review, /add, the review forms
    install_search_page(app, render)  # /search


# ---------------------------------------------------------------------------- the dashboard
def _int(field: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise FilterError(field, "not a whole number") from None
    if value < 0:
        raise FilterError(field, "below 0")
    return value


def _filters(values: dict[str, str]) -> EventFilters:
    return EventFilters(
        **{k: values.get(k) for k in FILTER_FIELDS if k not in ("killed_min", "killed_max")},
        killed_min=_int("killed_min", values.get("killed_min")),
        killed_max=_int("killed_max", values.get("killed_max")),
    )


def _dashboard(request: Request, render: Callable[..., HTMLResponse]) -> HTMLResponse:
    """The dashboard over any number of events: the store sorts and pages the table, sums
    the totals, the timeline's months and the claims in SQL; the map asks ``/api/map``,
    which clusters when many events are placed. No request reads every event."""
    store: Store = request.app.state.store
    params = request.query_params
    values = {k: params[k] for k in FILTER_FIELDS if params.get(k)}
    sort = params.get("sort") or "date"
    sort = sort if sort in SORT_KEYS else "date"
    order = "asc" if params.get("order") == "asc" else "desc"
    raw_page = params.get("page") or ""
    page = int(raw_page) if raw_page.isdigit() else 1

    def href(**changes: Any) -> str:
        merged: dict[str, Any] = {**values, "sort": params.get("sort"),
                                  "order": params.get("order")}  # fmt: skip
        merged.update(changes)
        query = [(k, str(v)) for k, v in merged.items() if v not in (None, "")]
        return "/?" + urlencode(query) if query else "/"

    def sort_href(key: str) -> str:
        flip = "asc" if sort == key and order == "desc" else "desc"
        return href(sort=key, order=flip, page=None)

    def month_href(month: str) -> str:
        return href(since=month, until=month, page=None)

    error, pages = None, 1
    rows: list[Event] = []
    totals = {"events": 0, "killed": 0, "unplaced": 0, "claims": 0, "claims_events": 0,
              "claimed_killed": 0, "reported_killed": 0}  # fmt: skip
    groups: list[dict[str, Any]] = []
    largest: list[Event] = []
    try:
        filters = _filters(values)
        totals = filters.totals(store)
        pages = max(1, -(-totals["events"] // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = filters.select(store, mentions=False, sort=sort, descending=order == "desc",
                              offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)  # fmt: skip
        groups = filters.month_groups(store)
        if totals["claims"]:
            largest = filters.select(store, mentions=False, detail=False, claimed_only=True,
                                     limit=CLAIMS_SHOWN)  # fmt: skip
    except KhorasanError as exc:
        error, page = str(exc), 1
    api_query = urlencode(list(values.items()))

    def options(attr: str, known: tuple[str, ...] = ()) -> list[str]:
        seen = set(store.event_values(attr))
        return [*[k for k in known if k in seen], *sorted(seen - set(known))]

    return render(
        request, "dashboard.html", 400 if error else 200,
        values=values, error=error, events=rows, total=totals["events"],
        killed=totals["killed"], unplaced=totals["unplaced"],
        page=page, pages=pages, sort=sort, order=order, href=href, sort_href=sort_href,
        timeline=timeline_of_groups(groups, month_href),
        claims=claims_chart_of(largest, totals),
        claims_api="/api/claims" + ("?" + api_query if api_query else ""),
        events_api="/api/events?" + urlencode([*values.items(), ("limit", "1000")]),
        map_api="/api/map" + ("?" + api_query if api_query else ""),
        export_csv="/api/export?" + urlencode([*values.items(), ("format", "csv")]),
        export_geojson="/api/export?" + urlencode([*values.items(), ("format", "geojson")]),
        stats_api="/api/stats" + ("?" + api_query if api_query else ""),
        countries=options("country"), attack_types=options("attack_type", ATTACK_TYPES),
        target_types=options("target_type", TARGET_TYPES),
        perpetrators=options("perpetrator"), attributions=options("attribution"),
        legend_attack=[k for k in ATTACK_TYPES], legend_target=list(TARGET_TYPES),
        filtered=bool(values),
    )  # fmt: skip


# ---------------------------------------------------------------------------- the event page
def _safe_url(url: str | None) -> str | None:
    """An article's URL as a link only when it is http(s); anything else stays text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _figure(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, dict):
        return value.get("value"), value.get("qualifier")
    return (value if isinstance(value, int) else None), None


def _event_context(store: Store, event: Event) -> dict[str, Any]:
    flags = (event.detail or {}).get("flags") or []
    flagged = {f["field"] for f in flags}
    provenance = (event.detail or {}).get("provenance") or {}
    docs: dict[str, dict[str, Any] | None] = {}
    sources = []
    for m in event.mentions or []:
        doc_id = m.get("document_id") or ""
        if doc_id not in docs:
            docs[doc_id] = store.document(doc_id)
        doc = docs[doc_id]
        start, end = span_of(m)
        says = {name: _figure(m.get(name)) for name in FIGURE_FIELDS}
        source: dict[str, Any] = {"mention": m, "doc": doc, "figures": says,
                                  "start": start, "end": end, "pieces": [],
                                  "url": _safe_url(doc.get("url")) if doc else None}  # fmt: skip
        if doc is not None:
            text = doc["text"]
            spans = [Span(start, end, f"m-{m.get('id')}", "evidence", "the sentence")]
            for name, (a, b) in sorted((m.get("spans") or {}).items()):
                if start <= a < b <= end:
                    spans.append(Span(a, b, f"f-{name}", "field", _label(name)))
            lo, hi = context_window(text, start, end)
            source["pieces"] = pieces(text, spans, lo, hi)
            # an ellipsis where the window cuts a paragraph, none at a paragraph's edge
            source["cut_before"] = lo > 0 and text[lo - 1] != "\n"
            source["cut_after"] = hi < len(text) and text[hi] != "\n"
        source["disagrees"] = sorted(
            f["field"] for f in flags
            if any(m.get("id") in ids for ids in f.get("values", {}).values())
            and _mention_value(m, f["field"]) is not None
        )  # fmt: skip
        sources.append(source)
    reconciled = [
        (name, getattr(event, name), provenance.get(name, []), name in flagged)
        for name in ("date", "country", "admin1", "admin2", "place", "perpetrator",
                     "attribution", "attack_type", "suicide", "target_type", "target")
    ]  # fmt: skip
    figures = [
        (name, getattr(event, f"{name}_low"), getattr(event, f"{name}_best"),
         getattr(event, f"{name}_high"), name in flagged)
        for name in ("killed", "wounded")
    ]  # fmt: skip
    reported = event.killed_best
    claimed = event.claimed_killed
    return {
        "event": event, "reconciled": reconciled, "figures": figures, "flags": flags,
        "sources": sources, "claimed": claimed, "reported": reported,
        "claimed_wounded": event.claimed_wounded, "reported_wounded": event.wounded_best,
        "by_category": (event.detail or {}).get("killed_by_category") or {},
        "outlets": (event.detail or {}).get("outlets") or [],
    }  # fmt: skip


def _mention_value(m: dict[str, Any], name: str) -> Any:
    value = m.get(name)
    return _figure(value)[0] if name in FIGURE_FIELDS else value


# ------------------------------------------------------------------------- the document page
def _incident_label(row: dict[str, Any]) -> str:
    parts = [_label(row.get("attack_type") or "incident")]
    if row.get("place") or row.get("country"):
        parts.append(str(row.get("place") or row.get("country")))
    if row.get("date"):
        parts.append(str(row["date"]))
    if row.get("killed") is not None:
        parts.append(f"{row['killed']} killed")
    return ", ".join(parts)


def _record_label(kind: str, row: dict[str, Any]) -> str:
    parts = [_label(kind).rstrip("s") if kind != "statistics" else "statistic"]
    for key in ("group_name", "relation", "other_group", "person", "date"):
        if row.get(key):
            parts.append(str(row[key]))
    return ", ".join(parts)


def _document_context(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    doc_id = row["id"]
    incidents = store.incidents(document_id=doc_id)
    event_of = store.events_of_document(doc_id)  # mention id -> the event that holds it
    spans: list[Span] = []
    extracted = []
    for inc in incidents:
        key = f"m-{inc['id']}"
        event_id = event_of.get(int(inc["id"]))
        href = f"/events/{event_id}" if event_id else None
        label = _incident_label(inc)
        spans.append(Span(int(inc["span_start"]), int(inc["span_end"]), key, "incident",
                          label, href))  # fmt: skip
        extracted.append({"key": key, "kind": "incident", "label": label, "href": href,
                          "event_id": event_id, "row": inc})  # fmt: skip
    for kind in RECORD_KINDS:
        for rec in store.records(kind, document_id=doc_id):
            key = f"r-{rec['id']}"
            label = _record_label(kind, rec)
            spans.append(Span(int(rec["span_start"]), int(rec["span_end"]), key, kind, label,
                              f"#x-{key}"))  # fmt: skip
            extracted.append({"key": key, "kind": kind, "label": label, "href": None,
                              "event_id": None, "row": rec})  # fmt: skip
    return {"doc": row, "pieces": pieces(row["text"], spans), "extracted": extracted,
            "url": _safe_url(row.get("url"))}  # fmt: skip


# -------------------------------------------------------------------------- the records page
def _fields(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A merged record's own values as (name, text) pairs: lists joined, nested values as
    ``key value`` pairs, its sources and confidence left to the page."""
    out = []
    for name, value in record.items():
        if name in ("sources", "confidence") or value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{_label(k)} {v}" for k, v in value.items())
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = str(value)
        out.append((_label(name), text))
    return out


def _records_context(store: Store) -> dict[str, Any]:
    kinds = []
    for kind in RECORD_KINDS:
        merged = merge_records(kind, store.records(kind))
        kinds.append((kind, [{"fields": _fields(r), "confidence": r.get("confidence"),
                              "sources": r.get("sources") or []} for r in merged]))  # fmt: skip
    return {"kinds": kinds, "audits": audit_statistics(store)}


# -------------------------------------------------------------------------------- filters
def _label(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("_", " ")


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
