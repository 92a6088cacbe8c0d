"""Relations between groups (and states): war, rivalry, alliance, split, allegiance, defection.

A sentence naming two parties (actors, or persons standing for their group) and a relation cue
("declared war on", "split", "pledged allegiance to", "defectors from", "backed by") gives one
relation per cue: the party before the cue and the party after it, or the two after it ("fighting
between X and Y"), or the subject and each party of a list ("attracted members from X, Y and Z").
"It", "they", "the group" at the start of a sentence stand for the document's main group. A
relation is ``asserted`` unless the sentence only reports an allegation ("accused X of aiding").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract._records import (
    View,
    cue,
    cue_pattern,
    cue_table,
    focal_group,
    make_record,
    sentence_views,
)

__all__ = ["extract_relations"]

ISK = "IS-K"
CORE_IS = "Islamic State"
# A date this close to the cue dates the relation ("declared war on each other in January 2015");
# further away it dates something else in the sentence.
DATE_AFTER_MAX_CHARS = 60
DATE_BEFORE_MAX_CHARS = 45
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:it|they|the\s+group|its|their|the\s+organi[sz]ation)\b", re.I
)
_LIST_GAP = re.compile(
    r"^(?:\s*\([^)]{1,12}\))?\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?$", re.I
)
_CLAUSE_BREAK = re.compile(r"[,;:]\s*(?:or|and|but|while|which|who|whereas)\b|[;:]", re.I)
_BETWEEN = re.compile(r"^\s*(?:\w+\s+){0,2}?between\b", re.I)


@dataclass(frozen=True, slots=True)
class _Party:
    name: str
    start: int
    end: int


# A party this far from the cue is not its subject or object.
PAIR_MAX_GAP = 70

_Found = tuple[dict[str, Any], tuple[_Party, _Party]]


def extract_relations(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Relation records: a, b, kind, date, asserted (plus provenance)."""
    focal = focal_group(ann)
    seen: set[tuple[frozenset[str], str, str | None]] = set()
    records = []
    last_pair: tuple[_Party, _Party] | None = None
    for view in sentence_views(ann, persons=True):
        named = _distinct(_parties(view))
        found = _sentence_relations(view, focal, last_pair)
        if len(named) == 2:  # "the two groups" in a later sentence are these
            last_pair = (named[0], named[1])
        for rec, pair in found:
            last_pair = pair
            key = (frozenset((rec["a"], rec["b"])), rec["kind"], rec["date"])
            if key not in seen:
                seen.add(key)
                records.append(rec)
    dated = {(frozenset((r["a"], r["b"])), r["kind"]) for r in records if r["date"]}
    # a relation restated without its date adds nothing to the dated statement of it
    return [
        r for r in records if r["date"] or (frozenset((r["a"], r["b"])), r["kind"]) not in dated
    ]


def _parties(view: View) -> list[_Party]:
    names = cue_table("record_names")
    found = [_Party(names.get(a.canonical, a.canonical), a.start, a.end) for a in view.actors]
    found += [_Party(names.get(p.group, p.group), p.start, p.end) for p in view.persons]
    found.sort(key=lambda p: p.start)
    merged: list[_Party] = []
    for p in found:
        # "Tehreek-e-Taliban Afghanistan (TTA)", "the Taliban's Quetta Shura": one party twice
        if merged and merged[-1].name == p.name and re.fullmatch(
            r"\s*\(\s*|['’]s\s+(?:\w+\s+)?", view.local(merged[-1].end, p.start)
        ):
            end = p.end + 1 if view.local(p.end, p.end + 1) == ")" else p.end
            merged[-1] = _Party(p.name, merged[-1].start, end)
            continue
        merged.append(p)
    return merged


@cache
def _kinds_pattern() -> re.Pattern[str]:
    """Every kind's cues in one alternation, one named group per kind (one pass a sentence)."""
    groups = [
        f"(?P<{kind}>{cue_pattern('relation_kinds', kind).pattern})"
        for kind in cue_table("relation_kind_order")
    ]
    return re.compile("|".join(groups), re.IGNORECASE)


def _cues(view: View) -> list[tuple[str, int, int]]:
    return [
        (m.lastgroup, view.start + m.start(), view.start + m.end())
        for m in _kinds_pattern().finditer(view.text)
        if m.lastgroup
    ]


def _sentence_relations(
    view: View, focal: str, last_pair: tuple[_Party, _Party] | None
) -> list[_Found]:
    parties = _parties(view)
    out: list[_Found] = []
    subject_pronoun = _PRONOUN_SUBJECT.match(view.text) is not None
    if not parties and not subject_pronoun and not cue("relation_two_groups", view.text):
        return out  # nobody named: the cue scan (the costly part) has nothing to pair
    formation = _formation(view, parties)
    if formation is not None:
        out.append(formation)
    cues = _cues(view)
    if not cues:
        return out
    subject = _Party(focal, view.start, view.start) if subject_pronoun else None
    named = _distinct(parties)
    if len(named) == 2:
        last_pair = (named[0], named[1])
    if len(named) < 2 and not parties and subject is None and last_pair is None:
        return out
    order = {k: i for i, k in enumerate(cue_table("relation_kind_order"))}
    best: dict[frozenset[str], tuple[tuple[int, int], _Party, _Party, str, int, int]] = {}
    for kind, start, end in cues:
        if _negated(view, start, end):
            continue
        for a, b in _pairs(view, parties, subject, focal, kind, start, end):
            if a.name == b.name:
                continue
            # one relation per pair and sentence: the cue nearest the two parties says which
            rank = (_distance(a, b, start, end), order[kind])
            key = frozenset((a.name, b.name))
            if key not in best or rank < best[key][0]:
                best[key] = (rank, a, b, kind, start, end)
    if not best and last_pair is not None and cue("relation_two_groups", view.text):
        # "The two groups declared war on each other in January 2015."
        kind, start, end = cues[0]
        a, b = last_pair
        return [*out, (_record(view, a, b, kind, start, end), (a, b))]
    for _rank, a, b, kind, start, end in best.values():
        out.append((_record(view, a, b, kind, start, end), (a, b)))
    return out


def _distance(a: _Party, b: _Party, start: int, end: int) -> int:
    """0 when the cue lies between the two parties, else how far it is from the nearer."""
    lo, hi = min(a.end, b.end), max(a.start, b.start)
    if lo <= start and end <= hi:
        return 0
    return min(start - p.end if p.end <= start else abs(p.start - end) for p in (a, b))


def _formation(view: View, parties: list[_Party]) -> _Found | None:
    """"IS-K was formed in 2015", "the formation of the Khorasan Province in August 2014":
    a province's founding is its allegiance to the Islamic State."""
    isk = next((p for p in parties if p.name == ISK), None)
    m = cue("formation_events", view.text)
    if isk is None or m is None or not view.dates:
        return None
    start, end = view.start + m.start(), view.start + m.end()
    if abs(isk.start - end) > 80 and abs(isk.end - start) > 80:
        return None
    core = next((p for p in parties if p.name == CORE_IS), _Party(CORE_IS, start, start))
    return _record(view, isk, core, "allegiance", start, end), (isk, core)


def _negated(view: View, start: int, end: int) -> bool:
    around = view.local(max(view.start, start - 40), min(view.end, end + 80))
    return cue("relation_negated", around) is not None


def _pairs(
    view: View, parties: list[_Party], subject: _Party | None, focal: str, kind: str,
    start: int, end: int,
) -> list[tuple[_Party, _Party]]:  # fmt: skip
    left = [p for p in parties if p.end <= start and start - p.end <= PAIR_MAX_GAP]
    right = [p for p in parties if p.start >= end and p.start - end <= PAIR_MAX_GAP]
    if _BETWEEN.match(view.text[end - view.start :]) and len(right) >= 2:
        return [(right[0], right[1])]
    if left and _CLAUSE_BREAK.search(view.local(left[-1].end, start)):
        left = []  # "X and the US, or the close relationship with Y": X is not the subject
    heads = _list_back(view, left) if left else ([subject] if subject else [])
    objects = _list_from(view, _skip_possessor(view, right)) if right else []
    if kind == "defection":
        return _defection(view, heads, objects, right, focal, start)
    if heads and objects:
        return [(h, o) for h in heads for o in objects]
    names = _distinct(heads) or _distinct(objects)
    if len(names) >= 2:
        return [(names[0], names[1])]
    return []


def _distinct(parties: list[_Party]) -> list[_Party]:
    out: list[_Party] = []
    for p in parties:
        if all(p.name != q.name for q in out):
            out.append(p)
    return out


def _skip_possessor(view: View, right: list[_Party]) -> list[_Party]:
    """"close relationship with IS's rival Al Qaeda": the object is al-Qaeda, not IS."""
    if len(right) >= 2 and re.match(r"^['’]s\b", view.text[right[0].end - view.start :]):
        if right[1].start - right[0].end <= 25:
            return right[1:]
    return right


def _defection(
    view: View, heads: list[_Party], objects: list[_Party], right: list[_Party], focal: str,
    start: int,
) -> list[tuple[_Party, _Party]]:  # fmt: skip
    """Origins defect to a destination: "defectors from X and Y joined Z", "it attracted
    members from X, Y and Z", "X fighters joined Z"."""
    if cue_pattern("relation_defection_to").match(view.text, start - view.start):
        destination = objects[0] if objects else _Party(focal, start, start)
        origins = heads
    else:
        origins = objects or heads
        rest = [p for p in right if p not in objects]
        if rest and objects:
            destination = rest[0]
        elif heads and objects:
            destination = heads[0]
        else:
            destination = _Party(focal, start, start)
    return [(o, destination) for o in origins if o.name != destination.name]


def _list_from(view: View, right: list[_Party]) -> list[_Party]:
    """The first party after a cue and those listed with it ("X, Y, and Z")."""
    out = [right[0]]
    for prev, nxt in zip(right, right[1:], strict=False):
        if not _LIST_GAP.match(view.local(prev.end, nxt.start)):
            break
        out.append(nxt)
    return out


def _list_back(view: View, left: list[_Party]) -> list[_Party]:
    """The last party before a cue and those listed with it ("Russia and Iran supported")."""
    out = [left[-1]]
    for i in range(len(left) - 1, 0, -1):
        if not _LIST_GAP.match(view.local(left[i - 1].end, left[i].start)):
            break
        out.insert(0, left[i - 1])
    return out


def _date(view: View, start: int, end: int) -> Any:
    best = None
    for d in view.dates:
        if d.start >= end and d.start - end <= DATE_AFTER_MAX_CHARS:
            return d
        if d.end <= start and start - d.end <= DATE_BEFORE_MAX_CHARS:
            best = d
    return best


def _record(
    view: View, a: _Party, b: _Party, kind: str, start: int, end: int
) -> dict[str, Any]:
    date = _date(view, start, end)
    alleged = cue("relation_alleged", view.text) is not None
    fields: dict[str, Any] = {
        "a": a.name,
        "b": b.name,
        "kind": kind,
        "date": date.value if date else None,
        "asserted": not alleged,
    }
    if date is not None and date.end_value:
        fields["to"] = date.end_value
    spans = {"a": [a.start, a.end], "b": [b.start, b.end], "kind": [start, end]}
    if date is not None:
        spans["date"] = [date.start, date.end]
    confidence = 0.5 + 0.1 * (date is not None) - 0.1 * alleged + 0.1 * (a.end > a.start)
    return make_record(view, fields, spans, confidence)
