"""The non-incident records across documents: statistics, strength, plots, leaders, relations.

Stored per document as mentions (``Store.records``); here they merge by kind:

- strength: a time series per group; the same estimate (group, date, low, high) from several
  documents is one point with every source kept;
- relations: a dated graph; identical (unordered a/b, kind, date) statements merge;
- leaders: a timeline per group; one person's mentions merge (roles, statuses, sources);
- statistics and plots: a repeated statement (same figures and window) merges.

:func:`audit_statistics` sets each stored statistic beside the database's own tally for the
same window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from khorasan.analyse.scope import resolve_filters
from khorasan.analyse.tallies import tally
from khorasan.model import subject_group
from khorasan.store import Store

__all__ = ["audit_statistics", "merge_records"]

# Statistic figures our incident store can count for the same window.
AUDITED_FIGURES = frozenset({"incidents", "killed", "wounded", "casualties"})
_NOT_FIGURES = frozenset({"evidence", "span", "spans", "confidence"})


def _source(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"document_id": row["document_id"], "doc": row.get("doc"), "outlet": row.get("outlet"),
            "published": row.get("published"), "evidence": row["evidence"],
            "span": [row["span_start"], row["span_end"]]}  # fmt: skip


def _figures(rec: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in rec.items() if k not in _NOT_FIGURES
                        and isinstance(v, int | float) and not isinstance(v, bool)))  # fmt: skip


_MERGE_KEYS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "strength": lambda r: (r.get("group"), r.get("date"), r.get("low"), r.get("high")),
    "relations": lambda r: (frozenset((r.get("a"), r.get("b"))), r.get("kind"), r.get("date")),
    "leaders": lambda r: (r.get("group"), r.get("person")),
    "statistics": lambda r: (_figures(r), r.get("from"), r.get("to")),
    "plots": lambda r: (r.get("group"), r.get("country"), r.get("count"), r.get("period")),
}


def merge_records(kind: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Merge stored mentions of one kind across documents, keeping every source.

    Each merged record is the first mention's record (without its own provenance) plus
    ``sources``; leaders also collect ``roles`` and ``statuses`` from every mention.
    """
    merged: dict[Any, dict[str, Any]] = {}
    for row in rows:
        rec = row["record"]
        key = _MERGE_KEYS[kind](rec)
        out = merged.get(key)
        if out is None:
            out = {k: v for k, v in rec.items() if k not in ("evidence", "span", "spans")}
            out["sources"] = []
            if kind == "leaders":
                out["roles"], out["statuses"] = [], []
            merged[key] = out
        out["sources"].append(_source(row))
        out["confidence"] = max(out.get("confidence") or 0.0, rec.get("confidence") or 0.0)
        if kind == "leaders":
            for field, bucket in (("role", "roles"), ("status", "statuses")):
                if rec.get(field) and rec[field] not in out[bucket]:
                    out[bucket].append(rec[field])
    return list(merged.values())


# ---------------------------------------------------------------------------------- audit
def _event_store_ready(store: Store) -> bool:
    """Whether fused events exist (then they are what we tally, not raw mentions)."""
    return bool(store.events(mentions=False, limit=1))


def _own_tally(store: Store, use_events: bool, date_from: str | None, date_to: str | None,
               group: str | None) -> dict[str, Any]:  # fmt: skip
    """Our count of incidents and killed for a window and perpetrator: fused events when the
    event store has any, else the stored incident mentions."""
    filters: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "perpetrator": group}
    if use_events:
        # the group with its branches and aliases (a statistic on the Islamic State counts IS-K)
        events = [e.row() for e in store.events(mentions=False, **resolve_filters(filters))]
        t = tally(events, date_from, date_to)
        return {"basis": "fused events", "incidents": t["events"], "killed": t["killed_best"],
                "without_killed": t["events_without_killed"]}  # fmt: skip
    rows = store.incidents(**filters)
    killed = [r["killed"] for r in rows if r["killed"] is not None]
    return {"basis": "incident mentions", "incidents": len(rows), "killed": sum(killed),
            "without_killed": len(rows) - len(killed)}  # fmt: skip


def audit_statistics(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Each stored statistic (merged across documents) beside our own tally for its window."""
    first, last = store.incident_date_range()
    use_events = _event_store_ready(store)
    out = []
    for stat in merge_records("statistics", store.records("statistics", **filters)):
        if not AUDITED_FIGURES & set(_figures_dict(stat)):
            continue  # "35 provinces", "90 per cent": nothing of ours to compare with
        group = subject_group(stat)
        date_from, date_to = stat.get("from"), stat.get("to")
        ours = _own_tally(store, use_events, date_from, date_to, group)
        differences = {}
        for field in ("incidents", "killed"):
            if isinstance(stat.get(field), int):
                differences[field] = ours[field] - stat[field]
        out.append({
            "statistic": stat,
            "quoted": _quoted_sentence(stat),
            "ours": ours,
            "ours_sentence": _ours_sentence(ours, date_from, date_to),
            "difference": differences,
            "gaps": _gaps(ours, date_from, date_to, first, last),
        })  # fmt: skip
    return out


def _figures_dict(rec: Mapping[str, Any]) -> dict[str, Any]:
    return dict(_figures(rec))


def _window(date_from: str | None, date_to: str | None) -> str:
    if date_from and date_to:
        return date_from if date_from == date_to else f"{date_from} - {date_to}"
    if date_from:
        return f"since {date_from}"
    return f"until {date_to}" if date_to else "undated"


def _quoted_sentence(stat: Mapping[str, Any]) -> str:
    """ "ICM: 429 killed in 73 incidents, 2021-08-15 - 2024-05-03"."""
    source = stat.get("source") or "quoted"
    figures = _figures_dict(stat)
    parts = []
    if "killed" in figures and "incidents" in figures:
        parts.append(f"{figures.pop('killed')} killed in {figures.pop('incidents')} incidents")
    parts += [f"{v} {k.replace('_', ' ')}" for k, v in figures.items()]
    return f"{source}: {', '.join(parts)}, {_window(stat.get('from'), stat.get('to'))}"


def _ours_sentence(ours: Mapping[str, Any], date_from: str | None, date_to: str | None) -> str:
    return (f"this database: {ours['killed']} killed in {ours['incidents']} incidents, "
            f"{_window(date_from, date_to)} ({ours['basis']})")  # fmt: skip


def _gaps(ours: Mapping[str, Any], date_from: str | None, date_to: str | None,
          first: str | None, last: str | None) -> list[str]:  # fmt: skip
    """What our store lacks for the window, in words."""
    gaps = []
    if not date_from and not date_to:
        gaps.append("the statistic gives no window: our tally covers every stored date")
    if ours["incidents"] == 0:
        gaps.append("no stored incident falls in this window")
    if ours["without_killed"]:
        gaps.append(f"{ours['without_killed']} stored incidents give no killed figure")
    if first and date_from and first > date_from:
        gaps.append(f"our earliest stored incident is {first}, after the window opens")
    if last and date_to and last[: len(date_to)] < date_to:
        gaps.append(f"our latest stored incident is {last}, before the window closes")
    return gaps
