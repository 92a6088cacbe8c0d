"""The actor network: stored relations as a graph of actors (nodes) and relations (edges),
one edge per pair and kind, each with the dates and sources behind it.

A relation's kind is one of SCHEMA.md's: ``war``, ``rivalry``, ``alliance``, ``split`` (between
the two, so the pair is unordered), ``allegiance`` (``a`` pledges to ``b``) and ``defection``
(members of ``a`` go over to ``b``), both directed. A statement without a date of its own is
placed at its document's publication date (``dated_by: "published"``): the relation held as of
that report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from khorasan.analyse.dating import canonical_actor, check_window, dated, in_window, source_of
from khorasan.analyse.scope import ISK_FAMILY
from khorasan.errors import FilterError
from khorasan.kb.actors import actors_named
from khorasan.store import Store

__all__ = ["DIRECTED_KINDS", "RELATION_KINDS", "check_kinds", "graph_of", "relations_graph"]

RELATION_KINDS = ("war", "rivalry", "alliance", "split", "allegiance", "defection")
DIRECTED_KINDS = frozenset({"allegiance", "defection"})


def check_kinds(kinds: Iterable[str] | None) -> list[str]:
    """Relation kinds asked for (comma lists allowed), checked; [] is every kind."""
    out: list[str] = []
    for raw in kinds or ():
        for kind in (k.strip().lower() for k in str(raw).split(",")):
            if not kind:
                continue
            if kind not in RELATION_KINDS:
                raise FilterError("kind", f"{kind!r} is not a relation kind; known: "
                                  f"{', '.join(RELATION_KINDS)}")  # fmt: skip
            if kind not in out:
                out.append(kind)
    return out


def relations_graph(store: Store, *, since: str | None = None, until: str | None = None,
                    kind: Iterable[str] | None = None,
                    group: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The stored relations as ``{"nodes", "edges", "kinds", "filters"}``: relations of the
    given kinds (all by default) that hold in the window, those of ``group`` (either party,
    an alias resolved: "ISKP" is IS-K) only when given. A bad filter raises
    :class:`FilterError` naming it."""
    since, until = check_window(since, until)
    kinds = check_kinds(kind)
    actor = canonical_actor(group)
    rows = store.records("relations", group=actor)
    graph = graph_of(rows, since=since, until=until, kinds=kinds)
    graph["filters"] = {"since": since, "until": until, "kind": kinds, "group": actor}
    return graph


def graph_of(rows: Iterable[Mapping[str, Any]], *, since: str | None = None,
             until: str | None = None, kinds: Sequence[str] = ()) -> dict[str, Any]:  # fmt: skip
    """The graph of stored relation mentions (``Store.records("relations")`` rows)."""
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        rec = row.get("record") or {}
        a, b, kind = rec.get("a"), rec.get("b"), rec.get("kind")
        if not a or not b or a == b or kind not in RELATION_KINDS:
            continue
        if kinds and kind not in kinds:
            continue
        when = dated(row)
        if not in_window(when, since, until):
            continue
        source, target = (a, b) if kind in DIRECTED_KINDS else tuple(sorted((a, b)))
        key = (kind, source, target)
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = {
                "id": f"{kind}:{source}:{target}", "source": source, "target": target,
                "kind": kind, "directed": kind in DIRECTED_KINDS, "dates": [],
                "first": None, "last": None, "asserted": False, "sources": [],
            }  # fmt: skip
        asserted = rec.get("asserted") is not False
        edge["asserted"] = edge["asserted"] or asserted
        said = {**source_of(row), "asserted": asserted, "date": None, "to": None,
                "dated_by": None}  # fmt: skip
        if when is not None:
            said.update(date=when.start, to=when.end if when.end != when.start else None,
                        dated_by=when.by)  # fmt: skip
            if when.by == "text":
                label = when.start if when.end == when.start else f"{when.start}/{when.end}"
                if label not in edge["dates"]:
                    edge["dates"].append(label)
            if edge["first"] is None or when.start < edge["first"]:
                edge["first"] = when.start
            if edge["last"] is None or when.end > edge["last"]:
                edge["last"] = when.end
        edge["sources"].append(said)
    out_edges = sorted(edges.values(), key=lambda e: (RELATION_KINDS.index(e["kind"]),
                                                      e["source"], e["target"]))  # fmt: skip
    for edge in out_edges:
        edge["dates"].sort()
        edge["sources"].sort(key=lambda s: (s["date"] or "", s["document_id"]))
    return {"nodes": _nodes(out_edges), "edges": out_edges, "kinds": list(RELATION_KINDS)}


def _nodes(edges: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    degree: dict[str, int] = {}
    for e in edges:
        for name in (e["source"], e["target"]):
            degree[name] = degree.get(name, 0) + 1
    out = []
    for name in sorted(degree):
        known = actors_named(name)
        out.append({"id": name, "type": known[0].type if known else None,
                    "family": name in ISK_FAMILY, "degree": degree[name]})  # fmt: skip
    return out
