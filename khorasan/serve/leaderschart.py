"""The leaders timeline laid out for a server-rendered SVG: one row per leader the sources
date, grouped by group (the IS-K family first), the tenure as a bar from its start to its end
and every dated fact (appointed, killed, reported in the role...) as a mark linked to its
source. The tenures are :func:`khorasan.analyse.leader_timeline`'s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khorasan.serve.timeaxis import Tick, TimeAxis

__all__ = ["LeadersChart", "leaders_chart"]

WIDTH = 960
LABEL = 300  # room for the person, group and role
ROW = 26
HEAD = 22  # a group's heading row
TOP = 28  # room for the year labels
BAR = 10
NAME_CHARS, SUB_CHARS = 30, 22  # what fits the label column (the list below has it all)
MARK_ORDER = ("appointed", "in role", "former", "arrested", "dead", "killed")


@dataclass
class Mark:
    x: float
    what: str
    title: str
    href: str


@dataclass
class Row:
    index: int  # the leader's position in the timeline's list (its entry on the page)
    y: float
    label: str
    sub: str
    x0: float
    x1: float
    open: bool
    marks: list[Mark]
    leader: Mapping[str, Any]


@dataclass
class Heading:
    y: float
    group: str


@dataclass
class LeadersChart:
    width: int
    height: int
    left: int
    ticks: list[Tick] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    undated: list[int] = field(default_factory=list)  # leaders no source dates

    @property
    def empty(self) -> bool:
        return not self.rows


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def source_href(source: Mapping[str, Any]) -> str:
    """The document page with the record's span highlighted."""
    return f"/documents/{source['document_id']}#r-{source.get('mention_id')}"


def _mark_title(person: str, m: Mapping[str, Any]) -> str:
    how = "as the text dates it" if m["dated_by"] == "text" else "reported by this date"
    where = m["source"].get("outlet") or m["source"].get("doc") or m["source"]["document_id"]
    return f"{person}: {m['what']}, {m['date']} ({how}); {where}"


def leaders_chart(leaders: Sequence[Mapping[str, Any]]) -> LeadersChart:
    dated = [i for i, le in enumerate(leaders) if le.get("start") or le.get("end")]
    axis = TimeAxis.over([d for i in dated for d in (leaders[i]["start"], leaders[i]["end"])],
                         LABEL, WIDTH - LABEL - 20)  # fmt: skip
    chart = LeadersChart(WIDTH, TOP, LABEL,
                         undated=[i for i in range(len(leaders)) if i not in dated])  # fmt: skip
    if axis is None:
        return chart
    chart.ticks = axis.ticks()
    y = float(TOP)
    group = None
    for i in dated:
        le = leaders[i]
        if le["group"] != group:
            group = le["group"]
            chart.headings.append(Heading(y + HEAD - 7, str(group)))
            y += HEAD
        start, end = axis.span(le["start"] or le["end"]), axis.span(le["end"] or le["start"])
        assert start is not None and end is not None
        x0, x1 = start[0], max(end[1], start[0] + 4)
        marks = [
            Mark(axis.mid(m["date"]) or x0, m["what"], _mark_title(le["person"], m),
                 source_href(m["source"]))
            for m in sorted(le["marks"], key=lambda m: MARK_ORDER.index(m["what"])
                            if m["what"] in MARK_ORDER else 0)
            if axis.span(m["date"])
        ]  # fmt: skip
        roles = le.get("roles") or ["role not stated"]
        sub = _clip(str(roles[0]) + (" …" if len(roles) > 1 else ""), SUB_CHARS)
        chart.rows.append(Row(i, y, _clip(str(le["person"]), NAME_CHARS), sub, x0, x1,
                              bool(le.get("open")),
                              marks, le))  # fmt: skip
        y += ROW
    chart.height = int(y + 8)
    return chart
