"""The dashboard's timeline: events and killed per month, stacked by target type, laid out
as plain numbers for a server-rendered SVG (the template draws rectangles; no JavaScript).

The layout reads (month, target type, events, killed) groups: the store sums them in SQL
(``Store.event_month_groups``), so a timeline of any number of events costs a few hundred
rows; :func:`month_groups` makes the same groups from events in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khorasan.model import Event

__all__ = ["TARGET_TYPES", "Timeline", "month_groups", "timeline", "timeline_of_groups"]

# SCHEMA.md's target types, in the stacking order (bottom first); then events without one
TARGET_TYPES = ("civilians", "religious", "education", "media", "government", "security_forces",
                "foreign", "militants", "infrastructure", "other")  # fmt: skip
UNKNOWN = "unknown"

WIDTH = 960
LEFT = 48  # room for the y-axis labels
RIGHT = 8
PANEL_HEIGHT = 150
TOP = 18  # room for the panel title
BOTTOM = 22  # room for the year labels
MIN_MONTHS = 12


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    kind: str
    title: str
    href: str


@dataclass
class Panel:
    title: str
    measure: str
    top: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    base: float = 0.0


@dataclass
class Timeline:
    width: int
    height: int
    months: list[str]
    panels: list[Panel]
    years: list[tuple[float, str]]
    kinds: list[str]
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    undated: int = 0
    year_only: int = 0

    @property
    def empty(self) -> bool:
        return not self.months


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _shift(month: str, by: int) -> str:
    n = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _ticks(top: float) -> list[float]:
    """Round values for a y axis up to ``top`` (at most about four)."""
    if top <= 0:
        return [0.0]
    step = 1.0
    while top / step > 4:
        for mult in (2, 2.5, 2):
            step *= mult
            if top / step <= 4:
                break
    return [i * step for i in range(int(top // step) + 1)]


def month_groups(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Events counted and their best killed summed by (month, target type), as
    ``Store.event_month_groups`` sums them in SQL (``month``: a date's first seven
    characters, so a year-only date stays its year; None: undated)."""
    groups: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for e in events:
        month = e.date[:7] if e.date else None
        key = (month, e.target_type)
        group = groups.setdefault(key, {"month": month, "target_type": e.target_type,
                                        "events": 0, "killed": 0})  # fmt: skip
        group["events"] += 1
        group["killed"] += e.killed_best or 0
    return list(groups.values())


def timeline(events: Sequence[Event], month_href: Callable[[str], str]) -> Timeline:
    """Per month (day- or month-precise dates), events and killed (best) by target type.
    ``month_href(month)`` is the link of a month's bars (the dashboard filtered to it)."""
    return timeline_of_groups(month_groups(events), month_href)


def timeline_of_groups(groups: Iterable[Mapping[str, Any]],
                       month_href: Callable[[str], str]) -> Timeline:  # fmt: skip
    """The timeline of (month, target type) groups (see :func:`month_groups`)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    killed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    undated = year_only = 0
    for g in groups:
        month = g["month"]
        if not month:
            undated += g["events"]
            continue
        if len(month) < 7:
            year_only += g["events"]
            continue
        kind = g["target_type"] if g["target_type"] in TARGET_TYPES else UNKNOWN
        counts[month][kind] += g["events"]
        killed[month][kind] += g["killed"] or 0
    kinds = [k for k in (*TARGET_TYPES, UNKNOWN) if any(k in c for c in counts.values())]
    if not counts:
        return Timeline(WIDTH, 0, [], [], [], [], undated=undated, year_only=year_only)
    months = _month_range(min(counts), max(counts))
    if len(months) < MIN_MONTHS:  # a short record in a year's frame, not in bars a page wide
        before = (MIN_MONTHS - len(months)) // 2
        months = _month_range(_shift(months[0], -before),
                              _shift(months[-1], MIN_MONTHS - len(months) - before))  # fmt: skip
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    gap = min(2.0, slot * 0.2)
    panels = []
    for i, (title, measure, data) in enumerate((("Events per month", "events", counts),
                                                ("Killed per month (best estimate)", "killed",
                                                 killed))):  # fmt: skip
        top = i * (PANEL_HEIGHT + TOP + BOTTOM) + TOP
        base = top + PANEL_HEIGHT
        peak = max((sum(data[m].values()) for m in months), default=0)
        ticks = _ticks(peak)
        scale_top = max(ticks[-1], peak, 1)
        panel = Panel(title, measure, top, base=base)
        panel.ticks = [(base - PANEL_HEIGHT * t / scale_top, f"{t:g}") for t in ticks]
        for j, month in enumerate(months):
            y: float = base
            for kind in kinds:
                value = data[month].get(kind, 0)
                if not value:
                    continue
                h = PANEL_HEIGHT * value / scale_top
                y -= h
                label = kind.replace("_", " ")
                what = "event" if measure == "events" and value == 1 else measure
                panel.bars.append(Bar(round(LEFT + j * slot + gap / 2, 2), round(y, 2),
                                      round(max(slot - gap, 0.5), 2), round(max(h, 0.5), 2),
                                      kind, f"{month}: {value} {what} ({label})",
                                      month_href(month)))  # fmt: skip
        panels.append(panel)
    years = [(round(LEFT + j * slot, 2), m[:4]) for j, m in enumerate(months)
             if m.endswith("-01") or j == 0]  # fmt: skip
    if len(years) > 12:  # keep the labels apart on a long record
        every = -(-len(years) // 12)
        years = years[::every]
    height = len(panels) * (PANEL_HEIGHT + TOP + BOTTOM)
    return Timeline(WIDTH, height, months, panels, years, kinds, undated=undated,
                    year_only=year_only)  # fmt: skip
