"""Records over time: each source's strength estimate as a point (or a low-high range) per
group, and each leader's tenure as the sources date it.

Both read stored mentions (``Store.records``), one per document, so every point keeps its
source. A record without a date of its own stands at its document's publication date
(``dated_by: "published"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from khorasan.analyse.dating import canonical_actor, check_window, dated, in_window, source_of
from khorasan.analyse.scope import ISK_FAMILY
from khorasan.store import Store

__all__ = ["END_STATUSES", "leader_timeline", "leaders_of", "series_of", "strength_series"]

# statuses that close a tenure, and the one that opens it
END_STATUSES = ("killed", "dead", "arrested")
START_STATUS = "appointed"


def _group_order(name: str) -> tuple[int, str]:
    """The IS-K family first, then the others by name."""
    return (ISK_FAMILY.index(name) if name in ISK_FAMILY else len(ISK_FAMILY), name.lower())


# ------------------------------------------------------------------------------- strength
def strength_series(store: Store, *, group: str | None = None, since: str | None = None,
                    until: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Strength estimates per group: ``{"series": [{"group", "units", "points"}],
    "filters"}``, each point one source's estimate (``low``/``high``; ``single`` when they are
    one figure) at its date (None, last, where neither the text nor the document dates it).
    A bad filter raises :class:`FilterError` naming it."""
    since, until = check_window(since, until)
    actor = canonical_actor(group)
    rows = store.records("strength", group=actor)
    return {"series": series_of(rows, since=since, until=until),
            "filters": {"group": actor, "since": since, "until": until}}  # fmt: skip


def series_of(rows: Iterable[Mapping[str, Any]], *, since: str | None = None,
              until: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    by_group: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        rec = row.get("record") or {}
        low, high = rec.get("low"), rec.get("high")
        low, high = (low if low is not None else high), (high if high is not None else low)
        if not isinstance(low, int | float) or not isinstance(high, int | float):
            continue
        when = dated(row)
        if not in_window(when, since, until):
            continue  # an undatable estimate is kept (date None) unless a window is asked
        low, high = min(low, high), max(low, high)
        by_group.setdefault(str(rec.get("group") or "unknown"), []).append({
            "date": when.start if when else None, "dated_by": when.by if when else None,
            "low": low, "high": high,
            "single": low == high, "unit": rec.get("unit"), "qualifier": rec.get("qualifier"),
            "quoted_source": rec.get("source"), "source": source_of(row),
        })  # fmt: skip
    out = []
    for name in sorted(by_group, key=_group_order):
        points = sorted(by_group[name], key=lambda p: (p["date"] is None, p["date"] or "",
                                                       p["low"], p["high"]))  # fmt: skip
        units = sorted({str(p["unit"]) for p in points if p["unit"]})
        out.append({"group": name, "units": units, "points": points})
    return out


# -------------------------------------------------------------------------------- leaders
def leader_timeline(store: Store, *, group: str | None = None,
                    person: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Each leader's tenure as the sources date it: ``{"leaders": [...], "filters"}``."""
    actor = canonical_actor(group)
    who = (person or "").strip() or None
    rows = store.records("leaders", group=actor, person=who)
    return {"leaders": leaders_of(rows), "filters": {"group": actor, "person": who}}


def _status(value: Any) -> str | None:
    """ "killed by US" -> "killed"."""
    if not value:
        return None
    text = str(value)
    return next((s for s in (*END_STATUSES, START_STATUS, "current") if text.startswith(s)),
                text)  # fmt: skip


def leaders_of(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (group, person), from every mention of them:

    - ``marks``: dated facts, each with its source: ``appointed`` / ``killed`` / ``dead`` /
      ``arrested`` at the date the text gives (else at the report's date, as "by then"),
      ``in role`` at a report's date that names them in a current role, ``former`` at a
      report's date that calls them former (the tenure ended by then);
    - ``start``: the appointment, else the first report naming them in the role;
    - ``end``: the first death, killing or arrest, else the last report naming them in the
      role (``open``: no end is known, the tenure may go on).
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        rec = row.get("record") or {}
        name = rec.get("person")
        if not name:
            continue
        group = str(rec.get("group") or "unknown")
        entry = merged.get((group, name))
        if entry is None:
            entry = {"person": name, "group": group, "roles": [], "statuses": [],
                     "marks": [], "sources": []}  # fmt: skip
            merged[(group, name)] = entry
        role, status = rec.get("role"), _status(rec.get("status"))
        source = source_of(row)
        entry["sources"].append(source)
        for value, bucket in ((role, "roles"), (rec.get("status"), "statuses")):
            if value and value not in entry[bucket]:
                entry[bucket].append(value)
        if status and status != "current":  # "current" is the report's "in role" below
            when = dated(row, date=rec.get("status_date"), to=rec.get("status_date"))
            if when is not None:
                entry["marks"].append({"date": when.start, "what": status,
                                       "dated_by": when.by, "source": source})  # fmt: skip
        report = dated(row, date="", to="")  # the publication date only
        if report is None:
            continue
        former = bool(role) and str(role).startswith("former")
        if former:
            entry["marks"].append({"date": report.start, "what": "former",
                                   "dated_by": "published", "source": source})  # fmt: skip
        elif role and status not in END_STATUSES:
            entry["marks"].append({"date": report.start, "what": "in role",
                                   "dated_by": "published", "source": source})  # fmt: skip
    out = [_tenure(e) for e in merged.values()]
    return sorted(out, key=lambda e: (_group_order(e["group"]), e["start"] or e["end"] or "9",
                                      e["person"].lower()))  # fmt: skip


def _tenure(entry: dict[str, Any]) -> dict[str, Any]:
    marks = sorted(entry["marks"], key=lambda m: (m["date"], m["what"]))
    entry["marks"] = marks

    def first(whats: tuple[str, ...]) -> dict[str, Any] | None:
        found = [m for m in marks if m["what"] in whats]
        # a date the text states before one a report implies
        found.sort(key=lambda m: (m["dated_by"] != "text", m["date"]))
        return found[0] if found else None

    in_role = [m for m in marks if m["what"] == "in role"]
    start_mark = first((START_STATUS,)) or (in_role[0] if in_role else None)
    end_mark = first(END_STATUSES)
    start = start_mark["date"] if start_mark else None
    end, end_by, is_open = None, None, False
    if end_mark is not None:
        end, end_by = end_mark["date"], end_mark["what"]
    elif in_role:
        end, end_by, is_open = in_role[-1]["date"], "last report", True
    elif marks:
        end, end_by = marks[0]["date"], marks[0]["what"]
    if start is None or (end is not None and start > end):
        start = end if start is None or end is None else min(start, end)
    entry.update(start=start, end=end, start_by=start_mark["what"] if start_mark else None,
                 end_by=end_by, open=is_open)  # fmt: skip
    return entry
