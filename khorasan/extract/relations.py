"""Relations between groups (and states): war, rivalry, alliance, split, allegiance, defection.

A sentence naming two parties (actors, or persons standing for their group) and a relation cue
("declared war on", "split", "pledged allegiance to", "defectors from", "backed by") gives one
relation per pair: the party before the cue and the party after it, or the two after it
("fighting between X and Y"), or the two coordinated before a symmetric cue ("X and Y split"),
or the subject and each party of a list ("attracted members from X, Y and Z"). "X sees Y as
its enemy" and "X saw Y as their emir" relate X and Y by the noun after "as"; "the X-backed Y"
is an alliance. A subject pronoun ("It", "they", "the group") stands for the subject of the
previous sentence when that sentence opens with a party, else for the document's main group.
Parties that only locate ("in Pakistan"), compare ("unlike the Taliban"), qualify ("Iran-trained
militias", "Taliban-US talks") or stand in a parenthetical aside take part in no relation. A
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
    cue_alternation,
    cue_pattern,
    cue_table,
    focal_group,
    make_record,
    sentence_views,
)
from khorasan.extract.cues import RECORD_LEXICON
from khorasan.extract.prefilter import prefiltered
from khorasan.kb.actors import load_actors

__all__ = ["extract_relations"]

ISK = "IS-K"
CORE_IS = "Islamic State"
# A date this close to the cue dates the relation ("declared war on each other in January 2015");
# further away it dates something else in the sentence.
DATE_AFTER_MAX_CHARS = 60
DATE_BEFORE_MAX_CHARS = 45
# A party this far from the cue is not its subject or object.
PAIR_MAX_GAP = 70
# "Taliban and Haqqani commanders, who ...": a relative clause this close after a party is its.
RELATIVE_MAX_GAP = 25
# A pronoun subject this far from the cue is the subject of another clause.
SUBJECT_MAX_GAP = 100
# An undated relation this many sentences from a dated statement of it restates it.
RESTATED_SENTENCES = 1
# A founding cue this close to IS-K's name is IS-K's founding.
FORMATION_MAX_GAP = 80
# Kinds that read the same both ways: "X and Y split", "X and Y clashed".
SYMMETRIC = frozenset(RECORD_LEXICON["relation_symmetric_kinds"])
# Actor type of a person standing for their group.
PERSON = "person"
STATE = "state"

_I = re.IGNORECASE
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:(?:[\w’'-]+\s+){0,5}?[\w’'-]+,\s+)?"
    r"(?:it|they|the\s+group|the\s+organi[sz]ation|the\s+movement)\b(?!['’])"
    r"|^\W*(?:its|their)\b",
    _I,
)
_DUMMY_IT = re.compile(
    r"^\W*it(?:\s+(?:is|was|remains|seems|appears)|['’]s)\s+(?:\w+\s+)?"
    r"(?:that|whether|unclear|likely|unlikely|possible|clear|difficult|hard|easy|important|not)\b",
    _I,
)
# Where a sentence's subject stands: after an optional opening phrase and its comma.
_SUBJECT_LEAD = re.compile(r"^\W*(?:(?:[\w’'-]+\s+){0,5}?[\w’'-]+,\s+)?(?:the\s+)?", _I)
# "..., they fell out with": a pronoun subject between an earlier party and the cue.
_PRONOUN_BEFORE_CUE = re.compile(
    r"(?:^|[,;]\s*(?:and\s+|but\s+|yet\s+)?)(?:it|they)\s+(?:[\w’'-]+\s+){0,3}$", _I
)
_LIST_GAP = re.compile(
    r"^(?:\s*\([^)]{1,12}\))?"
    r"(?:\s+(?-i:[a-z])[\w-]*(?=\s+(?:and|or)\s))?"  # "US strikes and Pakistani campaigns"
    # the blanks taken whole (*+; a run of them no longer backtracks quadratically): "and"
    # still needs one before it, and what precedes here never ends in a blank
    r"\s*+(?:,\s*(?:and\s+|or\s+)?|(?<=\s)(?:and|or)\s+)"
    r"(?:(?:also|even|at\s+times|later|then)\s+)?(?:(?:to|with|from|against|on|of)\s+)?"
    r"(?:the\s+)?(?:[‘'\"“]?(?-i:[A-Z])[\w-]*[’'\"”]?\s+)?$",
    _I,
)
_POSSESSIVE = re.compile(r"^['’]s\b")
_CLAUSE_BREAK = re.compile(
    r"[,;:]\s*(?:or|and|but|while|which|who|whereas)\b|[;:]|\b(?:and|but)\s+(?:was|is|were|are|"
    r"has|had|have)\b",
    _I,
)
# Between a cue and its object: a clause boundary means the party is not the object.
_RIGHT_BREAK = re.compile(
    r"[,;:—–]|\b(?:after|before|when|while|because|since|although|though|whereas|which|who|"
    r"but|until|unless)\b|\b(?:for|of|by|in|after|before)\s+\w+ing\b",
    _I,
)
# "... to other groups, including the TTP": the object follows an inclusion phrase.
_INCLUDING = re.compile(
    r",\s*(?:including|such\s+as|notably|especially|particularly|among\s+them)\s+(?:the\s+)?$",
    _I,
)
_BETWEEN_CUE = re.compile(r"\b(?:between|among)$", _I)
# "X and Y, the predecessor of Z, ...": Z qualifies Y.
_APPOSITIVE = re.compile(
    r"^\s*+(?:\([^)]*\))?\s*,\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,3}(?:of|to|for)\s+(?:the\s+)?$", _I
)
_POSSESSED_SUBJECT = re.compile(r"^['’]s\s+\S+(?:\s+\S+)+\s*$")
_RECRUITER = re.compile(cue_alternation("relation_recruit_verbs"), _I)
_HYPHEN_VERB = re.compile(r"\w[-–]\w+ed\b")
_RELATIVE = re.compile(r",\s*(?:who|which)\b", _I)
_BETWEEN = re.compile(r"^\s*(?:\w+\s+){0,2}?between\b", _I)
_GROUP_BEFORE_CUE = re.compile(
    r"(?:the\s+group|it|the\s+organi[sz]ation|the\s+movement)\s+(?:\w+\s+)?$", _I
)


@dataclass(frozen=True, slots=True)
class _Party:
    name: str
    start: int
    end: int
    type: str = ""


_Found = tuple[dict[str, Any], tuple[_Party, _Party]]


@dataclass(slots=True)
class _Context:
    """What a sentence inherits from the document and the sentences before it."""

    focal: str
    last_pair: tuple[_Party, _Party] | None = None
    last_subject: str | None = None  # the party (or resolved pronoun) opening the last sentence


def extract_relations(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Relation records: a, b, kind, date, asserted (plus provenance)."""
    ctx = _Context(focal_group(ann))
    # one record per pair, kind and date: a restatement adds nothing (a dated statement and an
    # undated one far apart are kept apart: they are often about different times)
    seen: dict[tuple[frozenset[str], str, str | None], int] = {}
    found_at: list[tuple[int, dict[str, Any]]] = []
    prev_dates: list[Any] = []
    for view in sentence_views(ann, persons=True):
        parties = _parties(view)
        subject = _pronoun_subject(view, ctx)
        found = _sentence_relations(view, parties, subject, ctx)
        named = _distinct(parties)
        if len(named) == 2:  # "the two groups" in a later sentence are these
            ctx.last_pair = (named[0], named[1])
        opener = _opening_party(view, parties)
        ctx.last_subject = opener.name if opener else (subject.name if subject else None)
        for rec, pair in found:
            ctx.last_pair = pair
            if rec["date"] is None and len(prev_dates) == 1 and _anaphoric(view, rec):
                _set_date(rec, prev_dates[0])  # "... began in May 2020. The new members were ..."
            key = (frozenset((rec["a"], rec["b"])), rec["kind"], rec["date"])
            if key not in seen:
                seen[key] = view.index
                found_at.append((view.index, rec))
        prev_dates = view.dates
    return [rec for at, rec in found_at if not _restated(rec, at, seen)]


def _restated(rec: dict[str, Any], at: int, seen: dict[Any, int]) -> bool:
    """An undated relation next to a dated statement of it ("fighting between X and Y. The two
    groups declared war on each other in January 2015") is that statement."""
    if rec["date"] is not None:
        return False
    pair, kind = frozenset((rec["a"], rec["b"])), rec["kind"]
    return any(
        k[0] == pair and k[1] == kind and k[2] is not None and abs(i - at) <= RESTATED_SENTENCES
        for k, i in seen.items()
    )


# ------------------------------------------------------------------------------ parties
@cache
def _gap_pattern(name: str) -> re.Pattern[str]:
    """A cue list as an anchored alternation over the whole gap between two offsets."""
    body = cue_alternation(name)
    return re.compile(rf"^(?:{body})$", _I)


@cache
def _edge_pattern(name: str, where: str) -> re.Pattern[str]:
    """A cue list anchored at the end (text before a party) or the start (``after`` it)."""
    body = cue_alternation(name, where or None)
    if where != "after":
        return re.compile(rf"(?<![\w-])(?:{body})\s*$", _I)
    return re.compile(rf"^\s*(?:{body})(?![\w])", _I)


def _parties(view: View) -> list[_Party]:
    """The parties a sentence names that can stand in a relation, in text order."""
    merged = _named(view)
    return [_core_is(view, p) for p in merged if _takes_part(view, p, merged)]


def _named(view: View) -> list[_Party]:
    """Every party a sentence names, one per mention ("Islamic State (IS)" is one)."""
    names = RECORD_LEXICON["record_names"]
    found = [
        _Party(names.get(a.canonical, a.canonical), a.start, a.end, a.type) for a in view.actors
    ]
    found += [_Party(names.get(p.group, p.group), p.start, p.end, PERSON) for p in view.persons]
    found.sort(key=lambda p: p.start)
    merged: list[_Party] = []
    for p in found:
        if merged:
            prev = merged[-1]
            gap = view.local(prev.end, p.start)
            # "Tehreek-e-Taliban Afghanistan (TTA)", "the Taliban's Quetta Shura": one party twice
            if prev.name == p.name and re.fullmatch(r"\s*\(\s*|['’]s\s+(?:\w+\s+)?", gap):
                end = p.end + 1 if view.local(p.end, p.end + 1) == ")" else p.end
                merged[-1] = _Party(p.name, prev.start, end, prev.type)
                continue
            # "Daesh, the group previously known as ISIS": one party, named by the appositive
            if _gap_pattern("relation_same_party").match(gap):
                merged[-1] = _Party(p.name, prev.start, p.end, p.type)
                continue
        merged.append(p)
    return merged


def _core_is(view: View, p: _Party) -> _Party:
    """ "Daesh in Iraq and Syria" is the Islamic State itself, whatever the document's region."""
    if p.name == ISK and _edge_pattern("relation_core_is", "after").match(
        view.text[p.end - view.start :]
    ):
        return _Party(CORE_IS, p.start, p.end, p.type)
    return p


def _takes_part(view: View, p: _Party, parties: list[_Party]) -> bool:
    before = view.text[max(0, p.start - view.start - 40) : p.start - view.start]
    after = view.text[p.end - view.start : p.end - view.start + 40]
    if p.type == STATE and _edge_pattern("relation_not_party", "locative").search(before):
        return False  # "a foothold in Pakistan": a place
    if _edge_pattern("relation_not_party", "before").search(before):
        return False  # "unlike the Taliban"
    if _edge_pattern("relation_not_party", "after").match(after):
        return False  # "Iran-trained militias", "Taliban-US talks"
    if re.match(r"^\s*[-–]\s*$", after[:3]) or re.search(r"\S[-–]$", before):
        # one half of "the Taliban-US talks"
        other = after if re.match(r"^\s*[-–]", after) else ""
        tail = _edge_pattern("relation_not_party", "after")
        if other and any(
            q.start - p.end <= 2 and tail.match(view.text[q.end - view.start :])
            for q in parties
            if q.start >= p.end
        ):
            return False
        if not other and any(
            p.start - q.end <= 2 and tail.match(after) for q in parties if q.end <= p.start
        ):
            return False
    return _paren_depth(view.text[: p.start - view.start]) == 0 or _acronym(view, p)


def _paren_depth(text: str) -> int:
    return max(0, text.count("(") - text.count(")"))


def _acronym(view: View, p: _Party) -> bool:
    """ "Islamic State (IS)": a party that is the whole of its brackets is a name, not an aside."""
    return view.local(p.start - 1, p.start) == "(" and view.local(p.end, p.end + 1) == ")"


def _backed(view: View, parties: list[_Party]) -> list[tuple[_Party, _Party, int, int]]:
    """ "the Pakistan-backed Haqqani network": the backer and the backed, an alliance."""
    out = []
    pattern = _edge_pattern("relation_backed", "after")
    for p, q in zip(parties, parties[1:], strict=False):
        m = pattern.match(view.text[p.end - view.start :])
        if m and q.start - (p.end + m.end()) <= 3 and p.name != q.name:
            out.append((p, q, p.end, p.end + m.end()))
    return out


# ------------------------------------------------------------------------------ subjects
def _opening_party(view: View, parties: list[_Party]) -> _Party | None:
    """The party a sentence opens with ("For its part, the Taliban ..."), its likely subject."""
    m = _SUBJECT_LEAD.match(view.text)
    at = view.start + (m.end() if m else 0)
    return next((p for p in parties if p.start == at and p.type != PERSON), None)


def _pronoun_subject(view: View, ctx: _Context) -> _Party | None:
    """ "It", "they", "the group" opening a sentence: the last sentence's subject, else the
    document's main group."""
    m = _PRONOUN_SUBJECT.match(view.text)
    if m is None or _DUMMY_IT.match(view.text):
        return None
    name = ctx.last_subject or ctx.focal
    at = view.start + m.end()
    return _Party(name, at, at)


def _regional(name: str) -> bool:
    return name in _regional_names()


@cache
def _regional_names() -> frozenset[str]:
    """Actors of the Afghanistan-Pakistan theatre: their war with "IS" is with IS-K."""
    names = RECORD_LEXICON["record_names"]
    return frozenset(
        names.get(a.canonical, a.canonical)
        for a in load_actors()
        if a.region == "afghanistan" and a.canonical != ISK
    )


# ------------------------------------------------------------------------------ cues
@cache
def _kinds_pattern() -> re.Pattern[str]:
    """Every kind's cues in one alternation, one named group per kind (one pass a sentence)."""
    groups = [
        f"(?P<{kind}>{cue_alternation('relation_kinds', kind)})"
        for kind in RECORD_LEXICON["relation_kind_order"]
    ]
    # one word-boundary test in front of the alternation, not one per cue: a third faster;
    # and most sentences hold none of its words: the literal prefilter skips those
    return prefiltered(re.compile(rf"\b(?<![\w-])(?:{'|'.join(groups)})(?![\w])", _I))


@cache
def _regard_pattern() -> re.Pattern[str]:
    """ "X sees Y and Z as its top enemies", "they saw Mullah Omar as their emir"."""
    verbs = cue_alternation("relation_regard_verbs")
    nouns = "|".join(
        f"(?P<{kind}>{cue_alternation('relation_regard_as', kind)})"
        for kind in cue_table("relation_regard_as")
    )
    return re.compile(
        rf"(?<![\w-])(?P<verb>{verbs})\s+(?P<obj>[^.;]{{1,200}}?)\s+as\s+"
        rf"(?:(?:its|their|his|her|a|an|the|our)\s+)?(?:[‘'\"“]?[\w’'-]+[’'\"”]?\s+){{0,3}}?"
        rf"(?:{nouns})(?![\w])",
        _I,
    )


def _cues(view: View, only: str | None = None) -> list[tuple[str, int, int]]:
    if only is not None:
        pattern = cue_pattern("relation_kinds", only)
        return [(only, view.start + m.start(), view.start + m.end())
                for m in pattern.finditer(view.text)]  # fmt: skip
    return [
        (m.lastgroup, view.start + m.start(), view.start + m.end())
        for m in _kinds_pattern().finditer(view.text)
        if m.lastgroup
    ]


# ------------------------------------------------------------------------------ sentence
def _sentence_relations(
    view: View, parties: list[_Party], subject: _Party | None, ctx: _Context
) -> list[_Found]:
    out: list[_Found] = []
    named = _distinct(parties)
    # "the two groups" are the two this sentence names, else the last two named before it
    both = (named[0], named[1]) if len(named) == 2 else ctx.last_pair
    two_groups = both is not None and cue("relation_two_groups", view.text) is not None
    if not named and subject is None and not two_groups:
        return out  # nobody named: the cue scan (the costly part) has nothing to pair
    formation = _formation(view, parties, ctx.focal)
    if formation is not None:
        out.append(formation)
    backed = _backed(view, _named(view)) if _HYPHEN_VERB.search(view.text) else []
    enough = len(named) + (subject is not None) >= 2 or two_groups
    if not enough and not backed and not (len(named) == 1 and named[0].name != ctx.focal):
        return out  # one party and no second in sight
    best: dict[frozenset[str], tuple[tuple[int, int], _Party, _Party, str, int, int]] = {}
    order = {k: i for i, k in enumerate(RECORD_LEXICON["relation_kind_order"])}

    def offer(a: _Party, b: _Party, kind: str, start: int, end: int, rank: int) -> None:
        a, b = _theatre(a, b, kind, ctx.focal)
        if a.name == b.name:
            return
        key = frozenset((a.name, b.name))
        r = (rank, order[kind])
        if key not in best or r < best[key][0]:
            best[key] = (r, a, b, kind, start, end)

    taken: list[tuple[int, int]] = []
    regards = _regard_pattern().finditer(view.text) if enough and " as " in view.text else ()
    for m in regards:
        kind = next(k for k, v in m.groupdict().items() if v and k not in ("verb", "obj"))
        start, end = view.start + m.start(), view.start + m.end()
        taken.append((start, end))
        vs = view.start + m.start("verb")
        os_, oe = view.start + m.start("obj"), view.start + m.end("obj")
        objects = [p for p in parties if os_ <= p.start and p.end <= oe]
        heads = _heads(view, parties, subject, vs)
        if objects and heads:
            for h in heads:
                for o in _list_from(view, objects):
                    offer(h, o, kind, vs, end, 0)
    for a, b, start, end in backed:
        offer(a, b, "alliance", start, end, 0)
    # a lone party can only have left for (or come from) the main group: "defectors from X"
    cues = _cues(view) if enough else _cues(view, "defection")
    for kind, start, end in cues:
        if any(s <= start < e for s, e in taken) or _negated(view, start, end):
            continue
        for a, b in _pairs(view, parties, subject, ctx.focal, kind, start, end):
            # one relation per pair and sentence: the cue nearest the two parties says which
            offer(a, b, kind, start, end, _distance(a, b, start, end))
    if not best and two_groups and cues and both is not None:
        # "The two groups declared war on each other in January 2015."
        kind, start, end = cues[0]
        a, b = _theatre(*both, kind, ctx.focal)
        return [*out, (_record(view, a, b, kind, start, end), (a, b))]
    for _rank, a, b, kind, start, end in best.values():
        rec = _record(view, a, b, kind, start, end, _other_cues(cues, kind, start))
        out.append((rec, (a, b)))
    return out


def _theatre(a: _Party, b: _Party, kind: str, focal: str) -> tuple[_Party, _Party]:
    """War between "IS" and a party of the Afghanistan-Pakistan theatre is IS-K's war, in a
    document about IS-K."""
    if kind != "war" or focal != ISK:
        return a, b
    if a.name == CORE_IS and _regional(b.name):
        return _Party(ISK, a.start, a.end, a.type), b
    if b.name == CORE_IS and _regional(a.name):
        return a, _Party(ISK, b.start, b.end, b.type)
    return a, b


def _other_cues(cues: list[tuple[str, int, int]], kind: str, start: int) -> list[tuple[int, int]]:
    return [(s, e) for k, s, e in cues if k == kind and s != start]


def _distance(a: _Party, b: _Party, start: int, end: int) -> int:
    """0 when the cue lies between the two parties, else how far it is from the nearer."""
    lo, hi = min(a.end, b.end), max(a.start, b.start)
    if lo <= start and end <= hi:
        return 0
    return min(start - p.end if p.end <= start else abs(p.start - end) for p in (a, b))


def _formation(view: View, parties: list[_Party], focal: str) -> _Found | None:
    """ "IS-K was formed in 2015", "the formation of the Khorasan Province in August 2014",
    "since the group first emerged in 2015": a province's founding is its allegiance to the
    Islamic State."""
    m = cue("formation_events", view.text)
    if m is None or not view.dates:
        return None
    start, end = view.start + m.start(), view.start + m.end()
    isk = next(
        (
            p
            for p in parties
            if p.name == ISK
            and (abs(p.start - end) <= FORMATION_MAX_GAP or abs(p.end - start) <= FORMATION_MAX_GAP)
        ),
        None,
    )
    if isk is None and focal == ISK and _GROUP_BEFORE_CUE.search(view.text[: m.start()]):
        isk = _Party(ISK, start, start)  # "the group first emerged"
    if isk is None:
        return None
    core = next((p for p in parties if p.name == CORE_IS), _Party(CORE_IS, start, start))
    return _record(view, isk, core, "allegiance", start, end), (isk, core)


def _negated(view: View, start: int, end: int) -> bool:
    around = view.local(max(view.start, start - 40), min(view.end, end + 80))
    if cue("relation_negated", around) is not None:
        return True
    before = view.local(max(view.start, start - 40), start)
    return _edge_pattern("relation_negated_before", "").search(before) is not None


def _heads(view: View, parties: list[_Party], subject: _Party | None, start: int) -> list[_Party]:
    """The subject of a cue at ``start``: the party (list) before it in its clause, the
    antecedent of a relative clause it stands in, or a pronoun's referent."""
    # a party may end inside the cue: "Pakistani military" + "military campaigns against"
    left = [p for p in parties if p.start < start]  # the list before the last may reach further
    if left and start - left[-1].end > PAIR_MAX_GAP:
        left = []
    if len(left) >= 2 and _APPOSITIVE.match(view.local(left[-2].end, left[-1].start)):
        if view.local(left[-1].end, start).lstrip().startswith(","):
            left = left[:-1]  # "X and Y, the predecessor of Z, split": not Z
    if not left:
        if subject is not None and start - subject.end <= SUBJECT_MAX_GAP:
            return [subject]
        return []
    if _POSSESSED_SUBJECT.match(view.local(left[-1].end, start)):
        return []  # "the Taliban's international outlook has helped X": not the Taliban
    if _PRONOUN_BEFORE_CUE.search(view.local(left[-1].end, start)):
        return [parties[0]]  # "X's logistics had deteriorated, they fell out with Y": X
    if _CLAUSE_BREAK.search(view.local(left[-1].end, start)):
        # "X and the US, or the close relationship with Y": not X
        return _relative_antecedent(view, parties, start) or ([subject] if subject else [])
    return _list_back(view, left)


def _relative_antecedent(view: View, parties: list[_Party], start: int) -> list[_Party]:
    """ "Taliban and Haqqani commanders, who could not accept ... the close relationship with
    X": the parties right before the relative pronoun."""
    text = view.local(view.start, start)
    for m in reversed(list(_RELATIVE.finditer(text))):
        at = view.start + m.start()
        before = [p for p in parties if p.end <= at and at - p.end <= RELATIVE_MAX_GAP]
        if before:
            return _list_back(view, before)
    return []


def _pairs(
    view: View, parties: list[_Party], subject: _Party | None, focal: str, kind: str,
    start: int, end: int,
) -> list[tuple[_Party, _Party]]:  # fmt: skip
    right = [p for p in parties if p.start >= end and p.start - end <= PAIR_MAX_GAP]
    inside = [p for p in parties if start <= p.start and p.end <= end]
    between = _BETWEEN.match(view.text[end - view.start :]) or _BETWEEN_CUE.search(
        view.local(start, end)
    )
    if between and len(right) >= 2:
        return [(right[0], right[1])]
    if right and _RIGHT_BREAK.search(view.local(end, right[0].start)):
        if not _INCLUDING.search(view.local(end, right[0].start)):
            right = []  # "reaching out to X to form a joint front after the Taliban ..."
    right = inside + right
    heads = _heads(view, parties, subject, start)
    objects = _list_from(view, _skip_possessor(view, right)) if right else []
    if kind == "defection":
        return _defection(view, heads, objects, right, focal, start)
    if heads and objects:
        return [(h, o) for h in heads for o in objects]
    names = _distinct(heads)
    if kind in SYMMETRIC and not right and len(names) >= 2 and len(heads) >= 2:
        return [(names[0], names[1])]  # "Al Qaeda and the Islamic State split in 2014"
    return []


def _distinct(parties: list[_Party]) -> list[_Party]:
    out: list[_Party] = []
    for p in parties:
        if all(p.name != q.name for q in out):
            out.append(p)
    return out


def _skip_possessor(view: View, right: list[_Party]) -> list[_Party]:
    """ "close relationship with IS's rival Al Qaeda": the object is al-Qaeda, not IS."""
    if len(right) >= 2 and _POSSESSIVE.match(view.text[right[0].end - view.start :]):
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
        # "X recruited Y": X is where they went; without Y no origin is named
        recruiter = _RECRUITER.match(view.text, start - view.start) is not None
        origins = objects or ([] if recruiter else heads)
        rest = [p for p in right if p not in objects]
        joined = (
            rest
            and objects
            and cue("relation_defection_to", view.local(objects[-1].end, rest[0].start))
        )
        if joined:
            destination = rest[0]
        elif heads and objects:
            destination = heads[0]
        else:
            destination = _Party(focal, start, start)
    # a country is where recruits come from, not a group they leave
    origins = [o for o in origins if o.type != STATE]
    return [(o, destination) for o in origins if o.name != destination.name]


def _list_from(view: View, right: list[_Party]) -> list[_Party]:
    """The first party after a cue and those listed with it ("X, Y, and Z")."""
    out = [right[0]]
    for prev, nxt in zip(right, right[1:], strict=False):
        if _POSSESSIVE.match(view.text[nxt.end - view.start :]):
            break  # "Al Qaeda, and IS-KP's view of ...": not a list member
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


# ------------------------------------------------------------------------------ records
def _date(view: View, start: int, end: int) -> Any:
    best = None
    for d in view.dates:
        if d.start >= end and d.start - end <= DATE_AFTER_MAX_CHARS:
            return d
        if d.end <= start and start - d.end <= DATE_BEFORE_MAX_CHARS:
            if _edge_pattern("relation_date_not", "before").search(
                view.local(max(view.start, d.start - 20), d.start)
            ):
                continue  # "the Doha Accord of 2020": it dates the accord
            best = d
    return best


def _anaphoric(view: View, rec: dict[str, Any]) -> bool:
    """The relation's cue is in a sentence-opening phrase that points back ("The new members
    were from X"): the previous sentence dates it."""
    m = cue("relation_date_anaphora", view.text)
    return m is not None and rec["spans"]["kind"][0] < view.start + m.end()


def _set_date(rec: dict[str, Any], date: Any) -> None:
    rec["date"] = date.value
    if date.end_value:
        rec["to"] = date.end_value
    rec["spans"]["date"] = [date.start, date.end]


def _record(
    view: View, a: _Party, b: _Party, kind: str, start: int, end: int,
    others: list[tuple[int, int]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    date = _date(view, start, end)
    for s, e in others or []:
        if date is None:  # "constrained X and whittled down its capabilities in 2015-17"
            date = _date(view, s, e)
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
