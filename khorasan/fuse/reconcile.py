"""One event's fields from its mentions, every value linked to the mentions behind it.

The rule (also in README, "Reconciliation rule"):

- **Sources.** Mentions from one wire story (same ``documents.wire_story_id``) are one source;
  its voice is its latest-published copy. Votes below count sources, not documents.
- **Date**: the most precise level (day, then month, then year) at which one value has more
  sources than any other; mentions whose date does not contain or fall in it are flagged.
- **Place**: country, then province, then district by most sources among compatible mentions;
  place name and coordinates from the most precise mention inside them.
- **Perpetrator / attribution**: the strongest supported claim, claimed > attributed >
  suspected > none, then most sources; then a branch is more specific than its core: where
  one source says "Islamic State" and another "IS-K" for the event, the event is IS-K's, with
  the strongest attribution either gave (not flagged). "unknown" only when nobody names anyone.
- **Killed / wounded** (UCDP style, perpetrator's claims excluded), over the totals: a figure
  of one group of victims (its parts name one group, another source lists it as a part of a
  larger total, or its words name a group: "13 US service members") is a part, not a total,
  when another source gives a larger figure. Low = smallest and high = largest total; best =
  the most recent total (undated documents count as oldest) that is no outlier (among three or
  more sources, within 3 times their median either way) and no upper bound ("up to") while
  other figures exist; ties go to the figure more sources give, then the more specific
  qualifier (exact, at least / over, about), then the larger (tolls rise).
- **Claimed killed / wounded**: the perpetrator's own figures, kept apart; the largest claim.
- Attack type, suicide, target type, target: most sources, ties to the earliest key.
Any field on which sources give different known values is flagged with each value and the
mentions that gave it.

- **Confidence** (``detail["confidence"]``): the largest calibrated confidence of the event's
  mentions (each the probability that the mention is right on every key field), times
  ``FLAG_DISCOUNT`` for each key field the sources disagree on. Not ``1 - prod(1 - p)``: more
  sources of one wrong account do not make it right.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from operator import attrgetter
from typing import Any

from khorasan.fuse.mention import Mention
from khorasan.kb.actors import actor_lineage
from khorasan.model import KILLED_CATEGORIES

__all__ = [
    "ATTRIBUTION_RANK",
    "CONFIDENCE_KEY_FIELDS",
    "FLAGGED_FIELDS",
    "FLAG_DISCOUNT",
    "KILLED_CATEGORIES",
    "event_confidence",
    "reconcile",
]

ATTRIBUTION_RANK = {"claimed": 3, "attributed": 2, "suspected": 1, "none": 0, None: 0}
QUALIFIER_RANK = {"exact": 4, None: 4, "at_least": 3, "over": 3, "about": 2, "up_to": 1}
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
# Who the victims were, from the words of a figure's part ("13 US soldiers") or the target type.
_WHO = (
    ("militants", re.compile(r"militant|attacker|bomber|gunm[ae]n|fighter|insurgent|terrorist|"
                             r"assailant|jihadist|IS-?K|Daesh|Khawarij", re.I)),
    ("security_forces", re.compile(r"soldier|troop|police|guard|security|officer|army|military|"
                                   r"service member|marine|Taliban|commando|personnel|force",
                                   re.I)),
    ("civilians", re.compile(r"civilian|worshipper|child|student|women|woman|men\b|people|"
                             r"Afghans|Iranians|hostage|pilgrim|journalist|driver|resident", re.I)),
)  # fmt: skip
_TARGET_CATEGORY = {
    "civilians": "civilians", "religious": "civilians", "education": "civilians",
    "media": "civilians", "security_forces": "security_forces", "militants": "militants",
}  # fmt: skip


def _published_rank(m: Mention) -> str:
    return m.published or ""  # undated documents sort as oldest


def _known(value: Any) -> bool:
    return value not in (None, "", "unknown")


def _has_known(name: str, m: Mention) -> bool:
    return _known(getattr(m, name))


def _voices(mentions: Sequence[Mention], has: Callable[[Mention], bool]) -> list[Mention]:
    """One mention per source (wire story) among those for which ``has`` holds: its
    latest-published copy (ties: smallest key), so that a later copy that omits a field does
    not silence the story on it. Sorted by key."""
    voices: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: m.key):
        if not has(m):
            continue
        cur = voices.get(m.wire_story_id)
        if cur is None or _published_rank(m) > _published_rank(cur):
            voices[m.wire_story_id] = m
    return sorted(voices.values(), key=lambda m: m.key)


def _date_rank(m: Mention) -> int:
    """Precision of ``m``'s date: the stated one, never finer than the date string itself."""
    written = {3: 3, 2: 2, 1: 1}.get(len((m.date or "").split("-")), 0)
    return min(written, _PRECISION_RANK.get(m.date_precision or "", written))


def _vote(voices: Sequence[Mention], value: Callable[[Mention], Hashable]) -> Any:
    """The known value most sources give; ties go to the value of the smallest key."""
    counts: dict[Hashable, list[Mention]] = defaultdict(list)
    for m in voices:
        v = value(m)
        if v not in (None, "", "unknown"):
            counts[v].append(m)
    if not counts:
        return None
    return min(counts, key=lambda v: (-len(counts[v]), min(m.key for m in counts[v])))


def _flag(
    field: str, value: Callable[[Mention], Any], all_mentions: Sequence[Mention]
) -> dict[str, Any] | None:
    by_value: dict[str, list[int]] = defaultdict(list)
    for m in all_mentions:
        v = value(m)
        if v not in (None, "", "unknown"):
            by_value[str(v)].append(m.id)
    if len(by_value) < 2:
        return None
    return {"field": field, "values": {k: sorted(v) for k, v in sorted(by_value.items())}}


def _perpetrator(mentions: Sequence[Mention]) -> tuple[str, str, set[str]]:
    """(perpetrator, attribution, the names that back it).

    The strongest supported attribution wins, then most sources; then a branch named for the
    same event is more specific than the core it belongs to: "Islamic State" becomes "IS-K"
    when a source names IS-K (``kb/data/actors.csv`` parents), and the attribution is the
    strongest either name has."""
    named = _voices(mentions, lambda m: _known(m.perpetrator))
    if not named:
        return "unknown", "none", {"unknown"}
    strongest = max(ATTRIBUTION_RANK.get(m.attribution, 0) for m in named)
    top = [m for m in named if ATTRIBUTION_RANK.get(m.attribution, 0) == strongest]
    perpetrator = _vote(top, lambda m: m.perpetrator)
    branches = [m for m in named if m.perpetrator != perpetrator
                and perpetrator in actor_lineage(str(m.perpetrator))]  # fmt: skip
    if branches:
        perpetrator = _vote(branches, lambda m: m.perpetrator)
    backing = set(actor_lineage(perpetrator))
    rank = max(ATTRIBUTION_RANK.get(m.attribution, 0) for m in named if m.perpetrator in backing)
    attribution = next((a for a, r in ATTRIBUTION_RANK.items() if r == rank and a), "none")
    return perpetrator, attribution, backing


def _reconcile_date(mentions: Sequence[Mention]) -> dict[str, Any]:
    dated = _voices(mentions, lambda m: m.dated and _date_rank(m) > 0)
    out: dict[str, Any] = {"date": None, "date_precision": None, "date_mentions": []}
    for precision, width in (("day", 10), ("month", 7), ("year", 4)):
        level = [m for m in dated if _date_rank(m) >= _PRECISION_RANK[precision]]
        counts: dict[str, int] = defaultdict(int)
        for m in level:
            counts[(m.date or "")[:width]] += 1
        if not counts:
            continue
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue  # sources split evenly at this precision: fall back to a coarser one
        value = ranked[0][0]
        out.update(date=value, date_precision=precision)
        out["date_mentions"] = sorted(
            m.id for m in mentions if m.dated and _contains(m.date or "", value)
        )
        return out
    return out


def _contains(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _dates_agree(mentions: Sequence[Mention]) -> bool:
    """No two dates exclude each other ("2022-05" and "2022-05-12" agree; two days do not)."""
    dates = sorted({m.date for m in mentions if m.dated and m.date})
    return all(_contains(a, b) for i, a in enumerate(dates) for b in dates[i + 1 :])


# -- figures ------------------------------------------------------------------------------
# A figure told of one group of victims ("13 US service members") is a part of the toll, not
# the toll: these nouns name such a group.
_SUBGROUP = re.compile(
    r"(?:U\.?S\.?|American|Afghan|foreign|Russian|Iranian|Pakistani|Chinese|Spanish|British|"
    r"Taliban|security|military|police)?\s*(?:service\s?(?:members|men|personnel)|troops|"
    r"soldiers|marines|sailors|servicemen|policemen|police(?:\s?(?:officers|men))?|officers|"
    r"guards|Americans|foreigners|tourists|diplomats|children|students|journalists|women|"
    r"staff|employees|personnel)\b", re.I)  # fmt: skip
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()  # fmt: skip
# Among three or more sources, a figure more than this many times off their median is an
# outlier (a misread, a figure of something else), never the best. Tolls do rise this much
# (Crocus: 40 early, 143 a week on), but then later sources carry the higher figure too and
# lift the median. Two sources have no majority to judge by: the later one speaks.
OUTLIER_FACTOR = 3
OUTLIER_SOURCES = 3


def _parts(m: Mention, value: str) -> list[dict[str, Any]]:
    return list((m.record.get(value) or {}).get("parts") or [])


def _subgroup_noun(m: Mention, figure: int) -> bool:
    """The evidence tells ``figure`` of a group of victims: "13 US troops", "thirteen Marines"."""
    words = [str(figure)] + ([_NUMBER_WORDS[figure]] if figure < len(_NUMBER_WORDS) else [])
    for word in words:
        for hit in re.finditer(rf"(?<![\w.,]){re.escape(word)}(?![\w.,]\d)", m.evidence or "",
                               re.I):  # fmt: skip
            if _SUBGROUP.match(m.evidence[hit.end() :].lstrip()):
                return True
    return False


def _is_part(m: Mention, value: str, given: Sequence[Mention]) -> bool:
    """Whether ``m``'s figure counts one group of victims while other sources give a larger
    total: its own parts name one group only, another source lists it as a part of a larger
    total, or its words name a group ("13 US service members")."""
    figure = getattr(m, value)
    if not any(getattr(o, value) > figure for o in given if o is not m):
        return False
    own = _parts(m, value)
    if len(own) == 1:
        return True
    if any(int(p.get("value") or -1) == figure and getattr(o, value) > figure
           for o in given if o is not m for p in _parts(o, value)):  # fmt: skip
        return True
    return not own and _subgroup_noun(m, figure)


def _figure(voices: Sequence[Mention], value: str, qualifier: str) -> dict[str, Any]:
    given = _voices(voices, lambda m: getattr(m, value) is not None)
    if not given:
        return {"low": None, "best": None, "high": None, "mentions": [], "low_mentions": [],
                "high_mentions": []}  # fmt: skip
    totals = [m for m in given if not _is_part(m, value, given)] or list(given)
    # an upper bound ("up to 30") is a total only when nothing else is
    bounded = [m for m in totals if getattr(m, qualifier) != "up_to"] or totals
    figures = [getattr(m, value) for m in totals]
    counts: dict[int, int] = defaultdict(int)
    for f in (getattr(m, value) for m in bounded):
        counts[f] += 1
    sound = list(bounded)
    if len(bounded) >= OUTLIER_SOURCES:
        middle = statistics.median(getattr(m, value) for m in bounded)
        sound = [m for m in bounded if middle <= OUTLIER_FACTOR * getattr(m, value)
                 and getattr(m, value) <= OUTLIER_FACTOR * middle] or sound  # fmt: skip
    latest = max(_published_rank(m) for m in sound)
    recent = [m for m in sound if _published_rank(m) == latest]
    best = getattr(min(recent, key=lambda m: (
        -counts[getattr(m, value)], -QUALIFIER_RANK.get(getattr(m, qualifier), 0),
        -getattr(m, value), m.key)), value)  # fmt: skip
    low, high = min(figures), max(figures)

    def giving(f: int) -> list[int]:
        return sorted(m.id for m in voices if getattr(m, value) == f)

    return {"low": low, "best": best, "high": high, "mentions": giving(best),
            "low_mentions": giving(low), "high_mentions": giving(high)}  # fmt: skip


def _category(who: str | None) -> str:
    for name, pattern in _WHO:
        if who and pattern.search(who):
            return name
    return "unspecified"


def _killed_by_category(best: Mention | None, killed: int | None, target_type: str | None
                        ) -> dict[str, int]:  # fmt: skip
    out = dict.fromkeys(KILLED_CATEGORIES, 0)
    if killed is None:
        return out
    parts = ((best.record.get("killed") or {}).get("parts") if best else None) or []
    if parts and sum(int(p.get("value") or 0) for p in parts) == killed:
        for p in parts:
            out[_category(p.get("who"))] += int(p.get("value") or 0)
    else:
        out[_TARGET_CATEGORY.get(target_type or "", "unspecified")] += killed
    return out


def _source_ids(mentions: Sequence[Mention]) -> list[str]:
    """One id per source (wire story): the smallest document id among its copies in the event.

    Not ``wire_story_id`` itself, which is the id of whichever copy was ingested first: the
    event must not depend on ingestion order."""
    first: dict[str, str] = {}
    for m in mentions:
        cur = first.get(m.wire_story_id)
        first[m.wire_story_id] = m.document_id if cur is None else min(cur, m.document_id)
    return sorted(first.values())


# Fields on which differing known values are flagged (attribution is a strength, not a value,
# and free-text targets differ in wording more than in fact, so neither is flagged).
FLAGGED_FIELDS = ("date", "country", "admin1", "admin2", "perpetrator", "attack_type",
                  "suicide", "target_type", "killed", "wounded", "claimed_killed",
                  "claimed_wounded")  # fmt: skip


# The fields a record must get right to count as right (evaluate.score.FULLY_RIGHT_FIELDS):
# sources that disagree on one of them make the event's value on it less certain.
CONFIDENCE_KEY_FIELDS = ("date", "country", "admin1", "perpetrator", "attack_type", "killed",
                         "wounded")  # fmt: skip
FLAG_DISCOUNT = 0.85


def event_confidence(mentions: Sequence[Mention], flags: Sequence[dict[str, Any]]) -> float:
    """The best mention's calibrated confidence, discounted for each key field in dispute."""
    if not mentions:
        return 0.0
    disputed = sum(1 for f in flags if f.get("field") in CONFIDENCE_KEY_FIELDS)
    best = max(float(m.confidence or 0.0) for m in mentions)
    return round(best * FLAG_DISCOUNT**disputed, 3)


def reconcile(mentions: Sequence[Mention]) -> dict[str, Any]:
    """Reconciled fields (``events`` columns) plus ``detail``: provenance and flags."""
    ordered = sorted(mentions, key=lambda m: m.key)
    fields = _reconcile_date(ordered)
    provenance: dict[str, list[int]] = {"date": fields.pop("date_mentions")}
    flags: list[dict[str, Any]] = []

    located = _voices(ordered, lambda m: bool(m.country or m.admin1 or m.admin2 or m.place))
    country = _vote(located, lambda m: m.country)
    inside = [m for m in located if m.country in (country, None)]
    admin1 = _vote(inside, lambda m: m.admin1)
    inside = [m for m in inside if m.admin1 in (admin1, None)]
    admin2 = _vote(inside, lambda m: m.admin2)
    inside = [m for m in inside if m.admin2 in (admin2, None)]
    geo_rank = {"exact": 4, "site": 4, "city": 3, "admin2": 2, "admin1": 1, "country": 0}
    placed = sorted((m for m in inside if m.place), key=lambda m: (
        -geo_rank.get(m.geo_precision or "", 1), -len(m.place or ""), m.key))  # fmt: skip
    where = placed[0] if placed else None
    fields.update(country=country, admin1=admin1, admin2=admin2,
                  place=where.place if where else None,
                  latitude=where.latitude if where else None,
                  longitude=where.longitude if where else None,
                  geo_precision=where.geo_precision if where else None)  # fmt: skip
    provenance["place"] = sorted(
        m.id
        for m in ordered
        if m.country in (country, None) and m.admin1 in (admin1, None) and (m.country or m.admin1)
    )

    perpetrator, attribution, backing = _perpetrator(ordered)
    fields.update(perpetrator=perpetrator, attribution=attribution)
    provenance["perpetrator"] = sorted(m.id for m in ordered if m.perpetrator in backing)
    provenance["attribution"] = sorted(
        m.id
        for m in ordered
        if m.perpetrator in backing and (m.attribution or "none") == attribution
    )

    for name in ("attack_type", "suicide", "target_type", "target"):
        value = _vote(_voices(ordered, partial(_has_known, name)), attrgetter(name))
        fields[name] = value
        provenance[name] = sorted(m.id for m in ordered if getattr(m, name) == value
                                  and value is not None)  # fmt: skip

    for name in ("killed", "wounded"):
        fig = _figure(ordered, name, f"{name}_qualifier")
        fields.update({f"{name}_low": fig["low"], f"{name}_best": fig["best"],
                       f"{name}_high": fig["high"]})  # fmt: skip
        provenance[name] = fig["mentions"]
        provenance[f"{name}_low"] = fig["low_mentions"]
        provenance[f"{name}_high"] = fig["high_mentions"]
    for name in ("claimed_killed", "claimed_wounded"):
        claims = [getattr(m, name) for m in ordered if getattr(m, name) is not None]
        claim = fields[name] = max(claims) if claims else None
        provenance[name] = sorted(m.id for m in ordered
                                  if claim is not None and getattr(m, name) == claim)  # fmt: skip

    for name in FLAGGED_FIELDS:
        flag = _flag(name, attrgetter(name), ordered)
        if flag is None:
            continue
        if name == "perpetrator" and set(flag["values"]) <= set(actor_lineage(perpetrator)):
            continue  # the branch and the core it belongs to ("IS-K", "Islamic State") agree
        if name == "date" and _dates_agree(ordered):
            continue  # a coarser date that contains a finer one is no disagreement
        flags.append(flag)

    best_voice = next((m for m in ordered if m.id in provenance["killed"]), None)
    detail = {
        "provenance": provenance,
        "flags": flags,
        "killed_by_category": _killed_by_category(
            best_voice, fields["killed_best"], fields["target_type"]
        ),
        "sources": _source_ids(ordered),
        "outlets": sorted({m.outlet for m in ordered if m.outlet}),
        "confidence": event_confidence(ordered, flags),
    }
    n_sources = len({m.wire_story_id for m in ordered})
    fields.update(n_mentions=len(ordered), n_sources=n_sources, n_flags=len(flags),
                  detail=detail)  # fmt: skip
    return fields
