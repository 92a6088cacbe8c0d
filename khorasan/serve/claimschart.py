"""The dashboard's claims chart: per event with a claimed toll, the perpetrator's claim beside
the independently reported figure (best, with the high end), laid out for a server-rendered
SVG. The numbers are :func:`khorasan.analyse.claims_vs_reported`'s; on the dashboard the store
gives the largest claims and the totals in SQL (:func:`claims_chart_of`), any number of
events costing one page of rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khorasan.analyse import claims_vs_reported
from khorasan.model import Event

__all__ = ["MAX_ROWS", "ClaimsChart", "claims_chart", "claims_chart_of"]

WIDTH = 960
LABEL = 300  # room for the event's date and place
ROW = 26
BAR = 9
TOP = 8
MAX_ROWS = 25


@dataclass
class ClaimRow:
    event_id: str
    label: str
    y: float
    claimed: int
    reported: int | None
    claimed_w: float
    reported_w: float
    ratio: float | None


@dataclass
class ClaimsChart:
    width: int
    height: int
    left: int
    rows: list[ClaimRow] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=dict)
    more: int = 0  # events with a claim left out of the chart

    @property
    def empty(self) -> bool:
        return not self.rows


def claims_chart(events: Sequence[Event]) -> ClaimsChart:
    """The events with a claimed killed figure, largest claim first (at most 25 drawn)."""
    result = claims_vs_reported([e.row() for e in events], by="year")
    claimed = sorted(result["events"], key=_largest_first)
    return _layout(claimed[:MAX_ROWS], result["total"], len(claimed))


def claims_chart_of(largest: Sequence[Event], totals: Mapping[str, int]) -> ClaimsChart:
    """The chart from the largest claims (``Store.events(claimed_only=True)``, at least the
    first 25) and the selection's sums (``Store.event_totals``): the same chart as
    :func:`claims_chart` of every selected event."""
    rows = sorted(claims_vs_reported([e.row() for e in largest], by="year")["events"],
                  key=_largest_first)  # fmt: skip
    reported = totals["reported_killed"]
    claimed = totals["claimed_killed"]
    total = {"events": totals["claims_events"], "claimed_killed": claimed,
             "reported_killed": reported,
             "ratio": round(claimed / reported, 3) if reported else None}  # fmt: skip
    return _layout(rows[:MAX_ROWS], total, totals["claims"])


def _largest_first(r: Mapping[str, Any]) -> tuple[int, str]:
    return -r["claimed_killed"], r["date"] or ""


def _layout(shown: Sequence[Mapping[str, Any]], total: dict[str, Any],
            n_claimed: int) -> ClaimsChart:  # fmt: skip
    peak = max((max(r["claimed_killed"], r["reported_killed_best"] or 0) for r in shown),
               default=1) or 1  # fmt: skip
    span = WIDTH - LABEL - 60
    rows = []
    for i, r in enumerate(shown):
        reported = r["reported_killed_best"]
        label = " · ".join(str(x) for x in (r["date"] or "undated", r["place"]) if x)
        rows.append(ClaimRow(
            r["id"], label, TOP + i * ROW, r["claimed_killed"], reported,
            round(span * r["claimed_killed"] / peak, 2),
            round(span * (reported or 0) / peak, 2), r["ratio"],
        ))  # fmt: skip
    return ClaimsChart(WIDTH, TOP * 2 + ROW * len(rows), LABEL, rows, total,
                       more=n_claimed - len(shown))  # fmt: skip
