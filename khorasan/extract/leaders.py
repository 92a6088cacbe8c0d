"""Leaders: who leads (or led) which group, in what role, and what became of them.

A person of the knowledge base (``persons.csv``) named next to a role word ("the IS chief, Abu
Bakr al-Baghdadi", "X is the emir", "al Qaeda's former leader Osama bin Laden") or a status word
("was killed in a US strike") is one leader record per document, with every mention's status
merged. A person outside the knowledge base is taken from "<group> commander <Name>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract._records import (
    View,
    cue_alternation,
    cue_pattern,
    cue_table,
    make_record,
    sentence_views,
)
from khorasan.extract.cues import RECORD_LEXICON, word_alternation

__all__ = ["extract_leaders"]

# A role word this close to a name is that person's role ("al Qaeda's former leader Osama bin
# Laden", "Qari Hekmat, the commander of IS-K in ...").
ROLE_WINDOW_CHARS = 60
# Role words outside the knowledge base that make "<group> <role> <Name>" a leader record.
GENERIC_ROLES = f"(?:{word_alternation(RECORD_LEXICON['leader_generic_roles'])})"
# a capitalised name of two to four words, after an honorific ("Mullah", "Dr."), with particles
_NAME = (
    rf"(?:(?:{word_alternation(RECORD_LEXICON['leader_honorifics'])})\s+)?"
    rf"[A-Z][a-z]+(?:\s+(?:(?:{word_alternation(RECORD_LEXICON['leader_name_particles'])})"
    r"[- ])?[A-Z][a-z]+){1,3}"
)
_GENERIC = re.compile(
    rf"^(?:['’]s)?\s+(?:\(\w+\)\s+)?(?:former\s+|senior\s+|top\s+|local\s+)?{GENERIC_ROLES}\s+({_NAME})"
)
_ANAPHORA = re.compile(
    r"^\s*(?:one|another|the\s+first|the\s+last|the\s+most)\s+of\s+(?:these|them)\b", re.I
)
_STRIKE_BY = re.compile(rf"\b(?:{cue_alternation('leader_killed_by_us')})\b", re.I)
_FORMER_BEFORE = re.compile(
    rf"\b(?:{cue_alternation('leader_former')})\s*(?:[\w’'-]+\s+){{0,3}}$", re.I
)


@dataclass(slots=True)
class _Leader:
    person: str
    group: str
    role: str | None
    view: View
    spans: dict[str, list[int]]
    aliases: set[str] = field(default_factory=set)
    status: str | None = None
    status_date: str | None = None
    killed_by: str | None = None
    former: bool = False


def extract_leaders(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Leader records: group, person, role, status (plus aliases as written and provenance)."""
    views = sentence_views(ann, persons=True)
    found: dict[str, _Leader] = {}
    for i, view in enumerate(views):
        context = view.text
        if _ANAPHORA.match(view.text) and i > 0:
            context = views[i - 1].text + " " + view.text
        for p in view.persons:
            _add_mention(found, view, context, p.start, p.end, p.name, p.group)
        _generic_mentions(found, view)
    return [_record(leader) for leader in found.values() if leader.role or leader.status]


def _add_mention(
    found: dict[str, _Leader], view: View, context: str, start: int, end: int, name: str,
    group: str,
) -> None:  # fmt: skip
    local_start, local_end = start - view.start, end - view.start
    window = view.text[max(0, local_start - ROLE_WINDOW_CHARS) : local_end + ROLE_WINDOW_CHARS]
    role = _role(window) or (_role(context) if context is not view.text else None)
    status = _status(view.text)
    leader = found.get(name)
    if leader is None:
        if role is None and status is None:
            return
        leader = _Leader(name, group, role, view, {"person": [start, end]})
        found[name] = leader
    elif leader.role is None and role is not None:
        leader.role, leader.view = role, view
        leader.spans["person"] = [start, end]
    leader.aliases.add(view.text[local_start:local_end])
    if status is not None and leader.status is None:
        leader.status = status
        leader.status_date = view.dates[0].value if view.dates else None
        if status == "killed" and _STRIKE_BY.search(view.text):
            leader.killed_by = "US"
    if _FORMER_BEFORE.search(window[: local_start - max(0, local_start - ROLE_WINDOW_CHARS)]):
        leader.former = True


def _role(text: str) -> str | None:
    for role, _ in cue_table("leader_roles").items():
        if cue_pattern("leader_roles", role).search(text):
            return role
    return None


def _status(text: str) -> str | None:
    for status in cue_table("leader_status"):
        if cue_pattern("leader_status", status).search(text):
            return status
    return None


def _generic_mentions(found: dict[str, _Leader], view: View) -> None:
    taken = [(p.start, p.end) for p in view.persons]
    for actor in view.actors:
        if actor.type != "jihadist_group":
            continue
        m = _GENERIC.match(view.text, actor.end - view.start)
        if m is None:
            continue
        start, end = view.start + m.start(1), view.start + m.end(1)
        if any(a < end and start < b for a, b in taken):
            continue
        _add_mention(found, view, view.text, start, end, m.group(1), actor.canonical)


def _record(leader: _Leader) -> dict[str, Any]:
    status = leader.status
    if status == "killed" and leader.killed_by:
        status = f"killed by {leader.killed_by}"
    role = leader.role
    if role and leader.former:
        role = f"former {role}"
    fields = {
        "group": leader.group,
        "person": leader.person,
        "role": role,
        "status": status,
        "status_date": leader.status_date,
        "aliases": sorted(leader.aliases - {leader.person}),
    }
    confidence = 0.6 + 0.2 * (leader.role is not None) + 0.1 * (status is not None)
    return make_record(leader.view, fields, leader.spans, confidence)
