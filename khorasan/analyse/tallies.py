"""Tallies: events, killed and wounded (low / best / high), killed by category, by month and
by province (each with its own killed by category), and the ICM-style sentence "N killed in M
incidents from A to B".

Killed by category splits each event's best killed figure: by the parts of the figure its best
source gave ("13 US soldiers and 60 Afghans"), else wholly by the event's target type
(``khorasan.fuse.reconcile``); so the categories always sum to ``killed_best``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from khorasan.model import KILLED_CATEGORIES

__all__ = ["icm_sentence", "tally", "tally_groups", "tally_sums"]

_FIGURES = ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
            "wounded_high")  # fmt: skip


def _empty() -> dict[str, Any]:
    return {"events": 0, **dict.fromkeys(_FIGURES, 0),
            "killed_by_category": dict.fromkeys(KILLED_CATEGORIES, 0)}  # fmt: skip


def _add(bucket: dict[str, Any], event: Mapping[str, Any]) -> None:
    bucket["events"] += 1
    for name in _FIGURES:
        bucket[name] += event.get(name) or 0
    categories = bucket["killed_by_category"]
    for name, n in ((event.get("detail") or {}).get("killed_by_category") or {}).items():
        categories[name] = categories.get(name, 0) + int(n)


def _month(value: str | None) -> str:
    """The month of a date; a date known only to the year stays its year ("2022")."""
    if not value:
        return "undated"
    return value[:7]


def tally(
    events: Iterable[Mapping[str, Any]], date_from: str | None = None, date_to: str | None = None
) -> dict[str, Any]:
    """Totals over ``events`` (already filtered). Unknown figures count as 0 and are counted:
    ``events_without_killed`` says how many events give no killed figure at all."""
    events = list(events)
    total = _empty()
    by_month: dict[str, dict[str, Any]] = defaultdict(_empty)
    by_province: dict[str, dict[str, Any]] = defaultdict(_empty)
    for e in events:
        _add(total, e)
        _add(by_month[_month(e.get("date"))], e)
        province = f"{e.get('country') or '?'} / {e.get('admin1') or '?'}"
        _add(by_province[province], e)
    dates = sorted(e["date"] for e in events if e.get("date"))
    without = sum(1 for e in events if e.get("killed_best") is None)
    return _result(total, by_month, by_province, without,
                   date_from or (dates[0] if dates else None),
                   date_to or (dates[-1] if dates else None))  # fmt: skip


def _summed(bucket: dict[str, Any], row: Mapping[str, Any]) -> None:
    bucket["events"] += row["events"]
    for name in _FIGURES:
        bucket[name] += row[name] or 0
    for name in KILLED_CATEGORIES:
        bucket["killed_by_category"][name] += row[name] or 0


def _result(
    total: dict[str, Any], by_month: Mapping[str, dict[str, Any]],
    by_province: Mapping[str, dict[str, Any]], without: int, first: str | None,
    last: str | None,
) -> dict[str, Any]:  # fmt: skip
    out = {
        **total,
        "events_without_killed": without,
        "by_month": dict(sorted(by_month.items())),
        "by_province": dict(
            sorted(by_province.items(), key=lambda kv: (-kv[1]["events"], kv[0]))
        ),  # fmt: skip
        "from": first,
        "to": last,
    }
    out["sentence"] = icm_sentence(out)
    return out


def _province(row: Mapping[str, Any]) -> str:
    return f"{row.get('country') or '?'} / {row.get('admin1') or '?'}"


def tally_groups(
    groups: Iterable[Mapping[str, Any]], date_from: str | None = None, date_to: str | None = None
) -> dict[str, Any]:
    """The same totals as :func:`tally`, from the store's sums per (month, country, admin1)
    (``Store.event_tally_groups``): the tally of 100k events without reading each."""
    total = _empty()
    by_month: dict[str, dict[str, Any]] = defaultdict(_empty)
    by_province: dict[str, dict[str, Any]] = defaultdict(_empty)
    without, firsts, lasts = 0, [], []
    for g in groups:
        for bucket in (total, by_month[_month(g.get("month"))], by_province[_province(g)]):
            _summed(bucket, g)
        without += g["without_killed"] or 0
        if g.get("first"):
            firsts.append(g["first"])
            lasts.append(g["last"])
    return _result(total, by_month, by_province, without,
                   date_from or (min(firsts) if firsts else None),
                   date_to or (max(lasts) if lasts else None))  # fmt: skip


def tally_sums(
    sums: Mapping[str, Iterable[Mapping[str, Any]]], date_from: str | None = None,
    date_to: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The same totals as :func:`tally`, from the store's sums by month and by place
    (``Store.event_tally_sums``): stats over a million events from a few hundred rows. Every
    event counts in one month, so the months' sums are the totals."""
    total = _empty()
    by_month: dict[str, dict[str, Any]] = defaultdict(_empty)
    by_province: dict[str, dict[str, Any]] = defaultdict(_empty)
    without, firsts, lasts = 0, [], []
    for row in sums["months"]:
        for bucket in (total, by_month[_month(row.get("month"))]):
            _summed(bucket, row)
        without += row["without_killed"] or 0
        if row.get("first"):
            firsts.append(row["first"])
            lasts.append(row["last"])
    for row in sums["places"]:
        _summed(by_province[_province(row)], row)
    return _result(total, by_month, by_province, without,
                   date_from or (min(firsts) if firsts else None),
                   date_to or (max(lasts) if lasts else None))  # fmt: skip


def icm_sentence(t: Mapping[str, Any]) -> str:
    """ "429 killed in 73 incidents from 2021-08-15 to 2024-05-03 (range 400-450)"."""
    span = f" from {t['from']} to {t['to']}" if t.get("from") and t.get("to") else ""
    noun = "incident" if t["events"] == 1 else "incidents"
    text = f"{t['killed_best']} killed in {t['events']} {noun}{span}"
    if t["killed_low"] != t["killed_high"]:
        text += f" (range {t['killed_low']}-{t['killed_high']})"
    return text
