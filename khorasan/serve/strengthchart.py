"""The strength-estimate chart laid out for a server-rendered SVG, one panel per group: each
source's estimate at its date, a low-high bar for a range and a dot for a single figure,
hollow where the date is the report's (the text gives none), each linked to its source. The
series are :func:`khorasan.analyse.strength_series`'s."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khorasan.serve.leaderschart import source_href
from khorasan.serve.timeaxis import Tick, TimeAxis

__all__ = ["StrengthPanel", "strength_panels"]

WIDTH = 960
HEIGHT = 300
LEFT = 80  # room for the figures
TOP = 12
BOTTOM = 30  # room for the years
NUDGE = 7  # pixels between estimates of one date


@dataclass
class Point:
    index: int  # the estimate's position in its series (its row in the table)
    x: float
    y_low: float
    y_high: float
    single: bool
    reported: bool  # dated by its document's publication, not by the text
    span: tuple[float, float] | None  # the x extent of a year or month the date names
    title: str
    href: str


@dataclass
class YTick:
    y: float
    label: str


@dataclass
class StrengthPanel:
    group: str
    units: list[str]
    series: Mapping[str, Any]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM
    ticks: list[Tick] = field(default_factory=list)
    yticks: list[YTick] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)

    @property
    def undated(self) -> int:
        return sum(1 for p in self.series["points"] if not p["date"])


def _nice_step(peak: float) -> int:
    raw = max(peak, 1) / 5
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _figure(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _title(group: str, p: Mapping[str, Any]) -> str:
    figure = _figure(p["low"]) if p["single"] else f"{_figure(p['low'])}-{_figure(p['high'])}"
    how = "" if p["dated_by"] == "text" else " (the report's date)"
    src = p["source"].get("outlet") or p["source"].get("doc") or p["source"]["document_id"]
    return f"{group}: {figure} {p.get('unit') or ''}, {p['date'] or 'undated'}{how}; {src}"


def strength_panels(series: Sequence[Mapping[str, Any]]) -> list[StrengthPanel]:
    """One panel per group's series, all on one time axis so they compare."""
    axis = TimeAxis.over([p["date"] for s in series for p in s["points"]], LEFT,
                         WIDTH - LEFT - 20)  # fmt: skip
    panels = []
    for s in series:
        panel = StrengthPanel(str(s["group"]), list(s.get("units") or []), s)
        panels.append(panel)
        if axis is None or not any(p["date"] for p in s["points"]):
            continue
        panel.ticks = axis.ticks()
        step = _nice_step(max(p["high"] for p in s["points"]))
        top = step * (-(-max(p["high"] for p in s["points"]) // step))
        span = panel.bottom - TOP

        def y(value: float, top: float = top, span: float = span,
              bottom: float = panel.bottom) -> float:  # fmt: skip
            return round(TOP + span * (1 - value / top), 2) if top else bottom

        panel.yticks = [YTick(y(v), _figure(v)) for v in range(0, int(top) + 1, step)]
        seen: dict[str, int] = {}
        for i, p in enumerate(s["points"]):
            if not p["date"]:
                continue  # undated: in the table only
            nth = seen.get(p["date"], 0)
            seen[p["date"]] = nth + 1
            x = (axis.mid(p["date"]) or LEFT) + nth * NUDGE
            extent = axis.span(p["date"]) if len(p["date"]) < 10 else None
            panel.points.append(Point(i, x, y(p["low"]), y(p["high"]), bool(p["single"]),
                                      p["dated_by"] != "text", extent, _title(panel.group, p),
                                      source_href(p["source"])))  # fmt: skip
    return panels
