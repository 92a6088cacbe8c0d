"""Claims vs reported: what the perpetrator said it killed against what others reported.

Per event, ``claimed_killed`` (the perpetrator's own figure, kept apart at reconciliation)
beside ``killed_best`` / ``killed_high``; in aggregate, by period and by target type, the ratio
of claimed to reported killed over the events that have both (seed 003: the gap between
rhetoric and actions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["claims_of_table", "claims_vs_reported"]


def _bucket() -> dict[str, Any]:
    return {"events": 0, "claimed_killed": 0, "reported_killed": 0, "ratio": None}


def _ratio(b: dict[str, Any]) -> None:
    b["ratio"] = round(b["claimed_killed"] / b["reported_killed"], 3) if b["reported_killed"] \
        else None  # fmt: skip


def claims_vs_reported(events: Iterable[Mapping[str, Any]], by: str = "year") -> dict[str, Any]:
    """Events with a claimed figure, and the claimed/reported ratio by ``by`` (year or month)
    and by target type, over events where both figures are known."""
    width = {"year": 4, "month": 7}[by]
    rows = []
    # (period, target type) -> [events, claimed, reported], as the store's sums come
    sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, 0, 0])
    for e in events:
        claimed = e.get("claimed_killed")
        if claimed is None:
            continue
        reported = e.get("killed_best")
        rows.append((e["id"], e.get("date"), e.get("place") or e.get("admin1"),
                     e.get("perpetrator"), e.get("target_type"), claimed, reported,
                     e.get("killed_high")))  # fmt: skip
        if not reported:
            continue
        group = sums[((e.get("date") or "undated")[:width], e.get("target_type") or "unknown")]
        group[0] += 1
        group[1] += claimed
        group[2] += reported
    return claims_of_table(rows, [(*key, *v) for key, v in sums.items()], by)


def claims_of_table(rows: Iterable[Sequence[Any]], groups: Iterable[Sequence[Any]],
                    by: str = "year") -> dict[str, Any]:  # fmt: skip
    """:func:`claims_vs_reported`'s answer, equal to it, from what the store read
    (``Store.event_claim_table``): ``rows`` the events with a claimed figure as tuples (id,
    date, place or else admin1, perpetrator, target type, claimed, reported best, reported
    high), ``groups`` the sums over those with a reported toll by ``by`` and target type
    (period, target type, events, claimed, reported). The events become rows here, the
    aggregates come summed: no loop over the events besides the one that lists them."""
    if by not in ("year", "month"):
        raise KeyError(by)
    total = _bucket()
    periods: dict[str, dict[str, Any]] = defaultdict(_bucket)
    targets: dict[str, dict[str, Any]] = defaultdict(_bucket)
    for period, target, n, claimed, reported in groups:
        for b in (total, periods[period], targets[target]):
            b["events"] += n
            b["claimed_killed"] += claimed
            b["reported_killed"] += reported
    for b in (total, *periods.values(), *targets.values()):
        _ratio(b)
    listed = [
        {"id": i, "date": d, "place": p, "perpetrator": who, "target_type": t,
         "claimed_killed": c, "reported_killed_best": r, "reported_killed_high": h,
         "ratio": round(c / r, 3) if r else None}
        for i, d, p, who, t, c, r, h in rows
    ]  # fmt: skip
    return {
        "events": listed,
        "total": total,
        f"by_{by}": dict(sorted(periods.items())),
        "by_target_type": dict(sorted(targets.items())),
    }
