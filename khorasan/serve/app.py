"""The REST API: read endpoints for everything the CLI shows, each a thin skin over the
library (``Store`` methods and ``khorasan.analyse``); no SQL here. The writes (review, reports,
users) are in :mod:`khorasan.serve.review_api`, behind :mod:`khorasan.serve.auth`."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response

from khorasan.analyse import (
    audit_statistics,
    claims_of_table,
    icm_sentence,
    merge_records,
    tally_sums,
)
from khorasan.analyse.scope import describe_scope, resolve_filters, scoped_filters
from khorasan.errors import FilterError, NotFoundError
from khorasan.export import COLUMN_SETS, FORMATS, export_events
from khorasan.model import RECORD_KINDS, Event
from khorasan.pipeline import open_store
from khorasan.serve.auth import LoginLimiter, read_access
from khorasan.serve.errors import install_error_handlers
from khorasan.store import Store

__all__ = ["create_app", "search_store"]

DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAP_POINTS = 2000  # above this many placed events in view, the map gets clusters
MAX_MAP_POINTS = 5000
MAX_SEARCH = 100  # results per page of a search
_MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
          "json": "application/json", "parquet": "application/vnd.apache.parquet"}  # fmt: skip

Text = Annotated[str | None, Query()]


def create_app(db: str | None = None, *, anonymous_read: bool = False) -> FastAPI:
    """The API over the store at ``db`` (a path or URL; it must exist: serving never
    creates an empty database). Reads are open while no user exists, or with
    ``anonymous_read``; else they need a viewer. Writes need an analyst (see
    :mod:`khorasan.serve.auth`)."""
    store = open_store(db, create=False)
    app = FastAPI(title="Khorasan Monitor", version=_version(),
                  description="A sourced record of IS-K violence from open reporting. Reads "
                              "are open while no user exists (or with --anonymous-read), else "
                              "they need a viewer; writes need an analyst, users an admin. "
                              "Send 'Authorization: Bearer TOKEN' (khorasan user token).",
                  dependencies=[Depends(read_access)])  # fmt: skip
    app.state.store = store
    app.state.anonymous_read = anonymous_read
    app.state.login_limiter = LoginLimiter()
    install_error_handlers(app)
    _routes(app)
    # these import this module (its dependencies): installed once it is loaded
    from khorasan.serve.pages import install_pages
    from khorasan.serve.review_api import install_review_api
    from khorasan.serve.series_api import install_series_api

    install_series_api(app)
    install_review_api(app)
    install_pages(app)
    return app


def _version() -> str:
    from khorasan import __version__

    return __version__


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(_store)]


class EventFilters:
    """The event filters of ``khorasan events``, as query parameters."""

    def __init__(
        self,
        since: Text = None, until: Text = None, country: Text = None, admin1: Text = None,
        perpetrator: Text = None, attack_type: Text = None, target_type: Text = None,
        attribution: Text = None,
        killed_min: Annotated[int | None, Query(ge=0)] = None,
        killed_max: Annotated[int | None, Query(ge=0)] = None,
        q: Annotated[str | None, Query(description="words in an event's sources' sentences")]
        = None,
    ) -> None:  # fmt: skip
        self.store_filters: dict[str, Any] = {
            "since": since, "until": until, "country": country, "admin1": admin1,
            "perpetrator": perpetrator, "attack_type": attack_type, "target_type": target_type,
            "attribution": attribution,
        }  # fmt: skip
        self.refinements: dict[str, Any] = {"killed_min": killed_min, "killed_max": killed_max,
                                            "text": q}  # fmt: skip

    def select(self, store: Store, *, every_actor: bool | None = None,
               **options: Any) -> list[Event]:  # fmt: skip
        """The events these filters select: aliases and the actor hierarchy resolved as the
        CLI does (``perpetrator=ISKP`` is IS-K; "Islamic State" takes in its branches); with
        ``every_actor`` given, the default scope of stats and claims (the IS-K family unless
        ``every_actor`` or a perpetrator filter says otherwise)."""
        if every_actor is None:
            filters = resolve_filters(self.store_filters)
        else:
            filters = scoped_filters(self.store_filters, every_actor)
        return store.events(**options, **self.refinements, **filters)

    def claims(self, store: Store, *, every_actor: bool, by: str) -> dict[str, Any]:
        """Claims' answer over the selected events with a claimed figure (the scope of
        claims), read narrow and summed in SQL (``Store.event_claim_table``)."""
        filters = scoped_filters(self.store_filters, every_actor)
        rows, groups = store.event_claim_table(by=by, **self.refinements, **filters)
        return claims_of_table(rows, groups, by=by)

    def totals(self, store: Store) -> dict[str, int]:
        """The store's SQL sums over what :meth:`select` selects (see ``Store.event_totals``)."""
        return store.event_totals(**self.refinements, **resolve_filters(self.store_filters))

    def month_groups(self, store: Store) -> list[dict[str, Any]]:
        """What :meth:`select` selects, summed by month and target type in SQL."""
        return store.event_month_groups(**self.refinements,
                                        **resolve_filters(self.store_filters))  # fmt: skip

    def map(self, store: Store, **options: Any) -> dict[str, Any]:
        """Points or clusters of what :meth:`select` selects (see ``Store.event_map``)."""
        return store.event_map(**options, **self.refinements,
                               **resolve_filters(self.store_filters))  # fmt: skip

    def tally_sums(self, store: Store, *, every_actor: bool) -> dict[str, list[dict[str, Any]]]:
        """The store's SQL sums of the selected events (the scope of stats)."""
        filters = scoped_filters(self.store_filters, every_actor)
        return store.event_tally_sums(**self.refinements, **filters)

    def scope(self, every_actor: bool) -> str:
        if every_actor and self.store_filters.get("perpetrator"):
            raise FilterError("all", "not with perpetrator (one or the other)")
        return describe_scope(self.store_filters.get("perpetrator"), every_actor)


Filters = Annotated[EventFilters, Depends()]


def search_store(store: Store, q: str, **options: Any) -> dict[str, Any]:
    """``Store.search`` with a bad query named as the API and the pages name it: ``q``."""
    try:
        return store.search(q, **options)
    except FilterError as exc:
        if exc.field == "query":
            raise FilterError("q", exc.reason) from exc
        raise


def _cursor(event: Event) -> str:
    raw = json.dumps([event.date, event.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _position(cursor: str) -> tuple[str | None, str]:
    try:
        date, eid = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return (str(date) if date is not None else None), str(eid)
    except (ValueError, TypeError) as exc:
        raise FilterError("cursor", "not a cursor this API gave") from exc


def _routes(app: FastAPI) -> None:  # noqa: C901 - one route each, all thin
    @app.get("/api/events", tags=["events"])
    def list_events(
        store: StoreDep, filters: Filters, cursor: Text = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> dict[str, Any]:  # fmt: skip
        """Fused events, newest first, one page at a time (follow ``next_cursor``: pages stay
        stable while events are added)."""
        after = _position(cursor) if cursor else None
        page = filters.select(store, mentions=False, limit=limit + 1, after=after)
        more = len(page) > limit
        page = page[:limit]
        return {"events": [e.as_dict() for e in page],
                "next_cursor": _cursor(page[-1]) if more else None}  # fmt: skip

    @app.get("/api/map", tags=["events"])
    def event_map(
        store: StoreDep, filters: Filters,
        south: Annotated[float | None, Query(ge=-90, le=90)] = None,
        west: Annotated[float | None, Query(ge=-180, le=180)] = None,
        north: Annotated[float | None, Query(ge=-90, le=90)] = None,
        east: Annotated[float | None, Query(ge=-180, le=180)] = None,
        max_points: Annotated[int, Query(ge=0, le=MAX_MAP_POINTS)] = MAP_POINTS,
        clusters: bool = True,
    ) -> dict[str, Any]:  # fmt: skip
        """The selected events for a map, in the view ``south``/``west``/``north``/``east``
        (all four, or none: everywhere): every placed event (``mode`` points) when at most
        ``max_points``, else ``clusters`` summed on a grid of about 24 cells across the view
        (count, killed sum, centroid, extent: zoom to it and ask again). With ``placed``,
        ``unplaced`` and ``bounds``. ``clusters=false``: where there are too many events to
        draw, only those counts and bounds (``mode`` extent: fit the map to the bounds, then
        ask for that view)."""
        sides = {"south": south, "west": west, "north": north, "east": east}
        given = [k for k, v in sides.items() if v is not None]
        if given and len(given) < 4:
            missing = next(k for k, v in sides.items() if v is None)
            raise FilterError(missing, "give south, west, north and east together")
        box = (south, west, north, east) if given else None
        result = filters.map(store, max_points=max_points, box=box, cluster=clusters)
        result["mode"] = next((m for m in ("points", "clusters") if m in result), "extent")
        return result

    @app.get("/api/events/{event_id}", tags=["events"])
    def one_event(store: StoreDep, event_id: str) -> dict[str, Any]:
        """One event (id or unambiguous prefix) with every mention and its evidence span."""
        event = store.event(event_id)
        if event is None:
            ids = store.event_ids(event_id, limit=3)
            reason = "ambiguous event id prefix" if len(ids) > 1 else "no such event"
            raise NotFoundError(event_id, reason)
        return event.as_dict()

    @app.get("/api/stats", tags=["analysis"])
    def stats(store: StoreDep, filters: Filters, all: bool = False) -> dict[str, Any]:
        """Tallies of the selected events (as ``khorasan stats``: the IS-K family unless
        ``all`` or a perpetrator says otherwise), with the ICM sentence and its scope."""
        scope = filters.scope(all)
        f = filters.store_filters
        result = tally_sums(filters.tally_sums(store, every_actor=all), f["since"], f["until"])
        result["scope"] = scope
        result["sentence"] = f"{scope}: {icm_sentence(result)}"
        return result

    @app.get("/api/claims", tags=["analysis"])
    def claims(
        store: StoreDep, filters: Filters,
        by: Annotated[str, Query(pattern="^(year|month)$")] = "year", all: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        """Claimed against independently reported killed, per event and in aggregate (the
        IS-K family unless ``all`` or a perpetrator says otherwise)."""
        scope = filters.scope(all)
        result = filters.claims(store, every_actor=all, by=by)
        result["scope"] = scope
        return result

    @app.get("/api/export", tags=["events"])
    def export(
        store: StoreDep, filters: Filters,
        format: Annotated[str, Query(pattern="^(" + "|".join(FORMATS) + ")$")] = "csv",
        columns: Annotated[str, Query(pattern="^(" + "|".join(COLUMN_SETS) + ")$")] = "default",
    ) -> Response:  # fmt: skip
        """The selected events as a download: CSV, GeoJSON, JSON or Parquet; CSV and Parquet
        with our columns or ACLED's or the GTD's (``columns``; see docs/codebook.md)."""
        events = [e.as_dict() for e in filters.select(store, mentions=True)]
        if format == "parquet":
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "events.parquet"
                export_events(events, "parquet", out, columns=columns)
                body: bytes | str = out.read_bytes()
        else:
            body = export_events(events, format, columns=columns)
        return Response(
            body,
            media_type=_MEDIA[format],
            headers={"Content-Disposition": f'attachment; filename="khorasan-events.{format}"'},
        )

    @app.get("/api/documents", tags=["documents"])
    def documents(store: StoreDep,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> dict[str, Any]:  # fmt: skip
        """Stored documents, newest first: id, date, outlet, title, appearances, copies."""
        return {"documents": store.documents(limit=limit)}

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def document(store: StoreDep, doc_id: str) -> dict[str, Any]:
        """One document with its clean text, appearances and every mention extracted from it."""
        row = store.document(doc_id)
        if row is None:
            raise NotFoundError(doc_id, "no such document (or an ambiguous prefix)")
        row["incidents"] = store.incidents(document_id=row["id"])
        for kind in RECORD_KINDS:
            row[kind] = store.records(kind, document_id=row["id"])
        return row

    @app.get("/api/incidents", tags=["documents"])
    def incidents(store: StoreDep, since: Text = None, until: Text = None, country: Text = None,
                  admin1: Text = None, perpetrator: Text = None,
                  attack_type: Text = None) -> dict[str, Any]:  # fmt: skip
        """Incident mentions, each with its document and sentence."""
        rows = store.incidents(since=since, until=until, country=country, admin1=admin1,
                               perpetrator=perpetrator, attack_type=attack_type)  # fmt: skip
        return {"incidents": rows}

    @app.get("/api/search", tags=["documents"])
    def search(
        store: StoreDep, q: Annotated[str, Query(description="words, \"phrases\", OR, -word")],
        since: Text = None, until: Text = None, outlet: Text = None, country: Text = None,
        kind: Text = None, limit: Annotated[int, Query(ge=1, le=MAX_SEARCH)] = 20,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> dict[str, Any]:  # fmt: skip
        """Documents and extracted sentences matching ``q``, best first, each with its
        document and the record it fed (as ``khorasan search --json``)."""
        return search_store(store, q, limit=limit, offset=offset, since=since, until=until,
                            outlet=outlet, country=country, kind=kind)  # fmt: skip

    for kind in RECORD_KINDS:
        _record_route(app, kind)

    @app.get("/api/audit", tags=["records"])
    def audit(store: StoreDep, group: Text = None, since: Text = None,
              until: Text = None) -> dict[str, Any]:  # fmt: skip
        """Each quoted statistic beside this database's own tally for its window."""
        return {"audits": audit_statistics(store, group=group, date_from=since, date_to=until)}


def _record_route(app: FastAPI, kind: str) -> None:
    def records(store: StoreDep, group: Text = None, since: Text = None, until: Text = None,
                country: Text = None, person: Text = None,
                relation: Text = None) -> dict[str, Any]:  # fmt: skip
        rows = store.records(kind, group=group, since=since, until=until, country=country,
                             person=person, relation=relation)  # fmt: skip
        return {kind: merge_records(kind, rows)}

    records.__doc__ = f"Stored {kind} merged across documents, every source kept."
    app.get(f"/api/{kind}", tags=["records"], name=kind)(records)
