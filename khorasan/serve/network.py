"""The actor network laid out for a server-rendered SVG: IS-K in the centre with the rest of
its family on an inner ring, every other actor on an outer circle (grouped by type, then by
name, so the same graph always draws the same), one curved line per relation, parallel
relations between one pair fanned apart. The graph is
:func:`khorasan.analyse.relations_graph`'s."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from khorasan.analyse import ISK_FAMILY

__all__ = ["KIND_NOTES", "NetworkChart", "network_chart"]

WIDTH = 960
HEIGHT = 620
CX, CY = WIDTH / 2, HEIGHT / 2
OUTER = 250  # radius of the outer circle
INNER = 95  # radius of the family ring
FAN = 20  # pixels between parallel relations of one pair
TYPE_ORDER = ("jihadist_group", "militia", "party", "force", "state")
KIND_NOTES = {
    "war": "fighting each other",
    "rivalry": "rivals, hostile",
    "alliance": "allied, cooperating",
    "split": "broke apart",
    "allegiance": "pledged to (arrow: to whom)",
    "defection": "members went over (arrow: to whom)",
}


@dataclass
class Node:
    name: str
    x: float
    y: float
    r: float
    kind: str  # the actor type, "unknown" where the knowledge base lacks it
    family: bool
    degree: int
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label


@dataclass
class Edge:
    index: int
    kind: str
    path: str
    directed: bool
    asserted: bool
    title: str
    edge: Mapping[str, Any]


@dataclass
class NetworkChart:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.edges


def _place(names: list[str], radius: float, start: float = -math.pi / 2) -> dict[str, tuple]:
    out = {}
    for i, name in enumerate(names):
        angle = start + 2 * math.pi * i / len(names)
        out[name] = (CX + radius * math.cos(angle), CY + radius * math.sin(angle), angle)
    return out


def _positions(nodes: list[Mapping[str, Any]]) -> dict[str, tuple[float, float, float | None]]:
    family = [n["id"] for n in nodes if n.get("family")]
    family.sort(key=lambda n: ISK_FAMILY.index(n) if n in ISK_FAMILY else len(ISK_FAMILY))
    others = sorted((n for n in nodes if not n.get("family")),
                    key=lambda n: (TYPE_ORDER.index(n["type"]) if n.get("type") in TYPE_ORDER
                                   else len(TYPE_ORDER), str(n["id"]).lower()))  # fmt: skip
    pos: dict[str, tuple[float, float, float | None]] = {}
    if family:
        pos[family[0]] = (CX, CY, None)  # IS-K (or the family's first) in the centre
        pos.update(_place(family[1:], INNER, -math.pi / 2) if family[1:] else {})
    pos.update(_place([str(n["id"]) for n in others], OUTER) if others else {})
    return pos


def _node(n: Mapping[str, Any], at: tuple[float, float, float | None]) -> Node:
    x, y, angle = at
    r = min(7 + 2.2 * math.sqrt(n.get("degree") or 1), 18)
    if angle is None:  # the centre: label below
        lx, ly, anchor = x, y + r + 14, "middle"
    else:
        dx, dy = math.cos(angle), math.sin(angle)
        lx, ly = x + dx * (r + 6), y + dy * (r + 6) + 4
        anchor = "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")
        if abs(dx) < 0.3:
            ly += 8 if dy > 0 else -4
    return Node(str(n["id"]), round(x, 1), round(y, 1), round(r, 1), n.get("type") or "unknown",
                bool(n.get("family")), int(n.get("degree") or 0), round(lx, 1), round(ly, 1),
                anchor)  # fmt: skip


def _curve(a: Node, b: Node, offset: float, directed: bool) -> str:
    """A quadratic curve from ``a`` to ``b`` bowed ``offset`` pixels to one side; a directed
    one stops at ``b``'s rim so its arrow shows."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    # the normal of the unordered pair, so "a-b" and "b-a" fan to the same sides
    sign = 1 if (a.name, a.x) < (b.name, b.x) else -1
    nx, ny = -dy / length * sign, dx / length * sign
    qx, qy = (a.x + b.x) / 2 + nx * offset * 2, (a.y + b.y) / 2 + ny * offset * 2
    ex, ey = b.x, b.y
    if directed:
        tx, ty = ex - qx, ey - qy
        t = math.hypot(tx, ty) or 1.0
        ex, ey = ex - tx / t * (b.r + 3), ey - ty / t * (b.r + 3)
    return f"M{a.x:.1f},{a.y:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}"


def _title(e: Mapping[str, Any]) -> str:
    arrow = " → " if e["directed"] else " — "
    dates = ", ".join(e["dates"]) or "undated"
    n = len(e["sources"])
    alleged = "" if e["asserted"] else ", alleged"
    return (f"{e['source']}{arrow}{e['target']}: {e['kind']} ({dates}; {n} source"
            f"{'' if n == 1 else 's'}{alleged})")  # fmt: skip


def network_chart(graph: Mapping[str, Any]) -> NetworkChart:
    """The graph laid out: node positions, one path per edge (in the graph's edge order)."""
    nodes = list(graph.get("nodes") or [])
    pos = _positions(nodes)
    placed = {str(n["id"]): _node(n, pos[str(n["id"])]) for n in nodes}
    chart = NetworkChart(WIDTH, HEIGHT, list(placed.values()))
    pairs: dict[frozenset[str], list[int]] = {}
    for i, e in enumerate(graph.get("edges") or []):
        pairs.setdefault(frozenset((e["source"], e["target"])), []).append(i)
    for i, e in enumerate(graph.get("edges") or []):
        siblings = pairs[frozenset((e["source"], e["target"]))]
        offset = (siblings.index(i) - (len(siblings) - 1) / 2) * FAN
        a, b = placed[e["source"]], placed[e["target"]]
        chart.edges.append(Edge(i, e["kind"], _curve(a, b, offset, e["directed"]), e["directed"],
                                e["asserted"], _title(e), e))  # fmt: skip
    return chart
