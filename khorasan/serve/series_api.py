"""API endpoints for records over time: the relations graph, the strength series and the
leaders timeline, each one call of :mod:`khorasan.analyse` (no SQL, no shaping here). A bad
filter is a 422 naming the field (``{"error": {"code", "message", "field"}}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query

from khorasan.analyse import leader_timeline, relations_graph, strength_series
from khorasan.serve.app import StoreDep, Text

__all__ = ["install_series_api"]

Kinds = Annotated[list[str] | None, Query(description="relation kinds (repeat or comma-list): "
                                          "war, rivalry, alliance, split, allegiance, "
                                          "defection")]  # fmt: skip


def install_series_api(app: FastAPI) -> None:
    @app.get("/api/relations/graph", tags=["records"])
    def relations_graph_api(store: StoreDep, since: Text = None, until: Text = None,
                            kind: Kinds = None, group: Text = None) -> dict[str, Any]:  # fmt: skip
        """The actor network: ``nodes`` (actors) and ``edges`` (one per pair and relation
        kind, with its dates and every source). A relation the text does not date counts at
        its document's publication date for ``since``/``until``."""
        return relations_graph(store, since=since, until=until, kind=kind, group=group)

    @app.get("/api/strength/series", tags=["records"])
    def strength_series_api(store: StoreDep, group: Text = None, since: Text = None,
                            until: Text = None) -> dict[str, Any]:  # fmt: skip
        """Strength estimates per group over time, each source's ``low``-``high`` (``single``
        when one figure) at its date, with its source."""
        return strength_series(store, group=group, since=since, until=until)

    @app.get("/api/leaders/timeline", tags=["records"])
    def leaders_timeline_api(store: StoreDep, group: Text = None,
                             person: Text = None) -> dict[str, Any]:  # fmt: skip
        """Each leader's tenure as the sources date it (``start``, ``end``, ``open``) with the
        dated facts (``marks``) and sources behind it."""
        return leader_timeline(store, group=group, person=person)
