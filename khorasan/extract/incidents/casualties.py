"""How many were killed and wounded: the figure a careful coder would keep for an incident.

The text's own figures are kept apart from the perpetrator's claims (``claimed_killed``); a
stated total beats the largest figure, parts joined in one sentence or counted by nationality
in several add up, and one named victim is at least one dead.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from khorasan.extract.cues import INCIDENT_LEXICON, cue, cue_alternation, cue_pattern
from khorasan.extract.figures import READ_CHARS, Figure
from khorasan.extract.incidents.features import SentenceFeatures
from khorasan.extract.prefilter import prefiltered

__all__ = ["casualty_fields"]

# A total cue ("death toll", "in all") counts for a figure at most this many characters after it.
TOTAL_WINDOW_CHARS = 60
# Spellings of one nationality ("American" and "U.S." victims are counted together).
NATIONALITY_ALIASES: dict[str, str] = INCIDENT_LEXICON["nationality_aliases"]

_Candidate = tuple[int, int, dict[str, Any], tuple[int, int]]  # priority, value, record, span


def casualty_fields(
    sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> dict[str, Any]:
    """killed, wounded, claimed_killed and claimed_wounded of an incident's sentences."""
    out: dict[str, Any] = {}
    for kind in ("killed", "wounded"):
        reported = [
            (f, fig)
            for f in sentences
            for fig in f.figures
            if fig.kind == kind and not f.perpetrator_figures
        ]
        # "84 killed in mosque attacks this year": an aggregate belongs to no incident; and
        # the body's figure beats the headline's, the standfirst's or a caption's (SCHEMA)
        reported = [(f, fig) for f, fig in reported if not f.aggregate] or reported
        # "47 killed in two airstrikes": a toll over several strikes yields to a strike's own
        sentences_of = {id(f): f for f, _ in reported}
        several = {k: cue("several_strikes", f.text) for k, f in sentences_of.items()}
        reported = [(f, fig) for f, fig in reported if not several[id(f)]] or reported
        # "the worst since Aug. 26, when a bomb killed 170": another incident's toll
        reported = [(f, fig) for f, fig in reported if not _background(f, fig)] or reported
        reported = [(f, fig) for f, fig in reported if not f.headline] or reported
        claimed = [
            (f, fig)
            for f in sentences
            for fig in f.figures
            if fig.kind == kind and f.perpetrator_figures
        ]
        attackers = [(f, fig) for f, fig in reported if _is_attackers(f, fig)]
        victims = [(f, fig) for f, fig in reported if not _is_attackers(f, fig)]
        out[kind] = _best_figure(victims or reported, spans, kind)
        if kind == "killed" and out[kind] is not None and _others_beside_one(reported, spans):
            # "X was killed ... killing six other people": the one named and the others
            one = _single_victim(sentences, {}, kind)
            if one is not None and one["value"] == 1:
                rec = out[kind]
                out[kind] = {
                    "value": rec["value"] + 1,
                    "qualifier": rec["qualifier"],
                    "parts": [{"value": 1, "who": "named victim"},
                              {"value": rec["value"], "who": "others"}],
                }  # fmt: skip
        if kind == "killed" and victims and attackers and out[kind] is not None:
            out[kind] = _with_attackers(out[kind], attackers)
        if out[kind] is None:
            out[kind] = _single_victim(sentences, spans, kind)
        if out[kind] is None:
            out[kind] = _no_casualties(sentences, spans, kind)
        out[f"claimed_{kind}"] = _best_figure(claimed, spans, f"claimed_{kind}")
    return out


def _others_beside_one(
    figs: list[tuple[SentenceFeatures, Figure]], spans: dict[str, list[int]]
) -> bool:
    """Whether the kept killed figure counts "other" victims ("six other people") and is the
    only killed count given: the one they are other than is a victim too."""
    span = spans.get("killed")
    chosen = [fig for _f, fig in figs if span and fig.number.start == span[0]]
    return (
        len(chosen) == 1
        and chosen[0].coordinated_with is None
        and not chosen[0].extra
        and _OTHER.match(chosen[0].who) is not None
        and len({fig.number.value for _f, fig in figs}) == 1
    )


_OTHER = re.compile(r"other\b", re.I)


# The attackers as a figure counts them ("the three attackers were killed", "killed all four
# gunmen"): SCHEMA counts them among the dead, apart from the victims.
_ATTACKERS = re.compile(rf"^(?:\w+\s+)?(?:{cue_alternation('attacker_nouns')})\b", re.IGNORECASE)


def _background(f: SentenceFeatures, fig: Figure) -> bool:
    """Whether the figure tells an earlier incident this one is measured against."""
    before = f.text[: fig.number.start - f.sentence.start]
    return cue_pattern("background_figure_before").search(before) is not None


def _is_attackers(f: SentenceFeatures, fig: Figure) -> bool:
    """A count of the attackers: named so ("the three gunmen"), or a bare count the forces
    killed ("the other two were killed by security forces")."""
    if _ATTACKERS.search(fig.who):
        return True
    after = f.text[fig.number.end - f.sentence.start :]
    return fig.kind == "killed" and _BY_FORCES.match(after) is not None


_BY_FORCES = re.compile(rf"\s+(?:{cue_alternation('killed_by_forces')})\b", re.IGNORECASE)


def _with_attackers(
    victims: dict[str, Any], attackers: list[tuple[SentenceFeatures, Figure]]
) -> dict[str, Any]:
    """The victims' toll plus the attackers killed, both kept as parts."""
    count = (
        max(fig.value for _f, fig in attackers if not fig.number.vague)
        if any(not fig.number.vague for _f, fig in attackers)
        else 0
    )
    if not count:
        return victims
    parts = victims.get("parts") or [{"value": victims["value"], "who": "victims"}]
    return {
        "value": victims["value"] + count,
        "qualifier": victims["qualifier"],
        "parts": [*parts, {"value": count, "who": "attackers"}],
    }


def _best_figure(
    figs: list[tuple[SentenceFeatures, Figure]], spans: dict[str, list[int]], field_name: str
) -> dict[str, Any] | None:
    """The figure a careful coder would keep: a stated total (the earliest), else the largest.

    Parts joined in one sentence ("13 soldiers and 60 Afghans were killed") are summed.
    Vague amounts ("dozens") count only when nothing precise is given.
    """
    if not figs:
        return None
    candidates: list[_Candidate] = []
    for f, fig in figs:
        if fig.coordinated_with is None:
            continue
        partner = next(
            (
                (j, g)
                for j, (f2, g) in enumerate(figs)
                if f2 is f and g.number.start > fig.number.start
            ),
            None,
        )
        if partner is None:
            continue
        j, other = partner
        parts = [fig, other]
        if any(p.number.vague for p in parts):
            continue
        value = sum(p.number.value for p in parts)
        quals = {p.number.qualifier for p in parts}
        qualifier = (
            "at_least" if "at_least" in quals else (quals.pop() if len(quals) == 1 else "about")
        )
        rec = {
            "value": value,
            "qualifier": qualifier,
            "parts": [{"value": p.number.value, "who": p.who} for p in parts],
        }
        candidates.append((_priority(f, fig), value, rec, (fig.number.start, other.number.end)))
    candidates.extend(_nationality_sum(figs))
    for f, fig in figs:
        n = fig.number
        rec = {"value": fig.value, "qualifier": _qualifier(f, fig)}
        if n.vague:
            continue  # "dozens were injured" gives no figure a coder would record
        candidates.append((_priority(f, fig), fig.value, rec, (n.start, n.end)))
    if not candidates:
        return None
    candidates = [c for c in candidates if not _rounded_beside_precise(c, candidates)]
    # among stated totals the earliest wins: a report's lead carries its latest toll, later
    # paragraphs the superseded ones ("had earlier put the death toll at 103")
    priority, _value, rec, span = max(
        candidates, key=lambda c: (c[0], -c[3][0] if c[0] >= TOTAL else c[1])
    )
    spans[field_name] = list(span)
    return rec


# A rounded figure ("nearly 200") and a precise one this close to it ("196") are one count.
ROUNDED_SHARE = 0.1


def _rounded_beside_precise(c: _Candidate, candidates: list[_Candidate]) -> bool:
    """Whether ``c`` is a rounded figure ("nearly 200 wounded") that a precise one of the
    same rank gives exactly ("196 wounded"): the precise figure is the count."""
    if c[2]["qualifier"] != "about":
        return False
    return any(
        o[0] == c[0]
        and o[2]["qualifier"] in ("exact", "at_least")
        and o[1] != c[1]
        and abs(o[1] - c[1]) <= ROUNDED_SHARE * c[1]
        for o in candidates
    )


@cache
def _single_victim_words(kind: str = "killed") -> re.Pattern[str]:
    """A word every match of :func:`_single_victim_pattern` holds (its verb, or "killing",
    "assassination", "death"), behind the literal filter: a sentence without one is ruled
    out without the full pattern tried at each of its words."""
    verbs = "single_victim_verbs" if kind == "killed" else "single_wounded_verbs"
    return prefiltered(
        re.compile(rf"(?:{cue_alternation(verbs)})|killing|assassination|death", re.IGNORECASE)
    )


@cache
def _single_victim_pattern(kind: str = "killed") -> re.Pattern[str]:
    person = cue_pattern("person_victim").pattern.removeprefix(r"(?<!\w)")
    verbs = "single_victim_verbs" if kind == "killed" else "single_wounded_verbs"
    verb = f"(?:{cue_alternation(verbs)})"
    # "a guard was wounded", "one policeman wounded in the blast": the forms one wounded person
    # takes; a killing has more ("shot dead the governor", "the killing of Baghdadi")
    described = (
        rf"\b(?:a|an|the|one)\s+(?:[\w'’.-]+\s+){{0,4}}?{person}\s+{verb}\s+(?:in|by)\b"
        rf"|\b(?:a|an|the|one)\s+(?:[\w'’.-]+\s+){{0,4}}?{person}\s*,?\s+"
        rf"(?:[\w'’.-]+\s+){{0,4}}?(?:was|has been|had been|be)\s+(?:\w+\s+)?{verb}\b"
    )
    if kind != "killed":
        return re.compile(described, re.IGNORECASE)
    return re.compile(
        rf"\b{verb}\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w'’.-]+\s+){{0,4}}?{person}\b"
        rf"|{described}"
        rf"|\b(?-i:[A-Z])[\w'’-]+\s+(?:(?:was|has been|had been|would|will)\s+)?(?:\w+\s+){{0,6}}?"
        rf"(?:was|has been|had been|be)\s+(?:\w+\s+)?{verb}\b"
        # "the group's former leader, Abdul Hasib, was killed": a name in apposition
        rf"|\b(?-i:[A-Z])[\w'’-]+,\s+(?:was|had been|has been)\s+(?:\w+\s+)?{verb}\b"
        rf"|\bwho\s+(?:was|has been|had been)\s+(?:\w+\s+)?{verb}\b"
        # "Soleimani, the former head of the Quds Force, was killed"
        rf"|\b(?-i:[A-Z])[\w'’-]+,\s+(?:the|a|an)\s+[^,]{{3,80}},\s+(?:was|had been)\s+"
        rf"(?:\w+\s+)?{verb}\b"
        rf"|\b(?:killing|assassination|death)\s+of\s+(?-i:[A-Z])[\w'’-]+"
        # "the death of its former leader Hakimullah Mehsud", "the killing of a journalist"
        rf"|\b(?:killing|assassination|death)\s+of\s+(?:the|its|his|her|their|a|an)\s+"
        rf"(?:(?:[\w'’-]+\s+){{0,3}}?{person}\b(?!-)"
        rf"|(?:(?-i:[a-z])[\w'’-]*\s+){{0,3}}?(?-i:[A-Z])[\w'’-]+\s+(?-i:[A-Z])[\w'’-]+)"
        rf"|\b(?:his|her)\s+(?:death|killing|assassination)\s+(?:in|by)\s+(?:a|an)\b",
        re.IGNORECASE,
    )


# one more victim joined to the one described ("... and another fighter"), not a new clause
_AND_ANOTHER = re.compile(
    r"(?:\s+[\w'’-]+){0,3}?\s+and\s+another\s+(?!(?:was|were|is|has|had|one)\b)[\w'’-]+", re.I
)


def _single_victim(
    sentences: list[SentenceFeatures], spans: dict[str, list[int]], kind: str = "killed"
) -> dict[str, Any] | None:
    """One named or described victim ("the governor was killed", "shot dead a civilian", "a
    guard was wounded") is 1 (SCHEMA): the text names one and says nothing of others."""
    for f in sentences:
        if f.perpetrator_figures or f.aggregate:
            continue
        if _single_victim_words(kind).search(f.text) is None:
            continue  # none of the words every match holds: the full pattern cannot match
        m = _single_victim_pattern(kind).search(f.text)
        if m and kind == "wounded" and re.search(r"[^,\s]\s+and\s+$", f.text[: m.start()]):
            continue  # "a diplomat and a guard were wounded": not one, and no count given
        if m:
            spans[kind] = [f.sentence.start + m.start(), f.sentence.start + m.end()]
            # "killed a commander and another fighter": two, each described
            two = _AND_ANOTHER.match(f.text, m.end())
            return {"value": 2 if two else 1, "qualifier": "exact"}
    return None


@cache
def _no_casualties_pattern(kind: str) -> re.Pattern[str]:
    either = f"{cue_alternation('no_casualties', kind)}|{cue_alternation('no_casualties', 'both')}"
    return re.compile(rf"(?<!\w)(?:{either})", re.IGNORECASE)


def _no_casualties(
    sentences: list[SentenceFeatures], spans: dict[str, list[int]], kind: str
) -> dict[str, Any] | None:
    """ "No one was hurt", "no human losses were reported": the text gives a toll of 0."""
    for f in sentences:
        if f.perpetrator_figures or f.aggregate:
            continue
        m = _no_casualties_pattern(kind).search(f.text)
        if m:
            spans[kind] = [f.sentence.start + m.start(), f.sentence.start + m.end()]
            return {"value": 0, "qualifier": "exact"}
    return None


def _nationality_sum(
    figs: list[tuple[SentenceFeatures, Figure]],
) -> list[_Candidate]:
    """Victims counted by nationality in separate sentences add up.

    "13 U.S. service members were killed" ... "at least 90 Afghan civilians also died": 103,
    with both parts kept. Only when every figure names a different nationality.
    """
    by_nation: dict[str, tuple[SentenceFeatures, Figure]] = {}
    for f, fig in figs:
        if fig.number.vague or fig.coordinated_with is not None:
            continue
        m = cue_pattern("victim_nationality").search(_who_of(f, fig))
        if m is None:
            continue
        nation = m.group(0).replace(".", "").lower()
        nation = NATIONALITY_ALIASES.get(nation, nation)
        if nation not in by_nation or fig.number.value > by_nation[nation][1].number.value:
            by_nation[nation] = (f, fig)
    parts = list(by_nation.values())
    if len(parts) < 2 or len({f.index for f, _ in parts}) < 2:
        return []
    value = sum(fig.number.value for _, fig in parts)
    quals = {fig.number.qualifier for _, fig in parts}
    qualifier = "at_least" if "at_least" in quals else (quals.pop() if len(quals) == 1 else "about")
    rec = {
        "value": value,
        "qualifier": qualifier,
        "parts": [{"value": fig.number.value, "who": _who_of(f, fig)} for f, fig in parts],
    }
    first = parts[0][1].number
    return [(1, value, rec, (first.start, first.end))]


def _who_of(f: SentenceFeatures, fig: Figure) -> str:
    """The victims a figure counts; "13 U.S. soldiers were killed and 15 others were injured":
    the wounded "others" are of the dead's kind."""
    if fig.kind != "wounded" or not _NO_NOUN.fullmatch(fig.who):
        return fig.who
    dead = [g for g in f.figures if g.kind == "killed" and g.number.end <= fig.number.start]
    return dead[-1].who if dead else fig.who


_NO_NOUN = re.compile(r"(?:others?|more)?", re.I)
_TOPPED = re.compile(r"\b(?:topped|topping|tops|passed|exceeded|surpassed|crossed)$", re.I)
_TOPPED_LONGEST = len("surpassed")


def _qualifier(f: SentenceFeatures, fig: Figure) -> str:
    """The figure's qualifier; "the toll topped 50" is over 50."""
    n = fig.number
    if n.qualifier == "exact" and _topped(f.text, n.start - f.sentence.start):
        return "over"
    return n.qualifier


def _topped(text: str, at: int) -> bool:
    """Whether ``text[:at]`` ends in "topped" (or a like verb) and whitespace: the gap and the
    verb are read back from ``at``, not the whole sentence once per figure (issue 14)."""
    end = at
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end < at and _TOPPED.search(text, max(0, end - _TOPPED_LONGEST), end) is not None


# How a figure ranks among several for one toll (SCHEMA): a revision ("later amended to") over
# a stated total ("the death toll rose to"), a total over a plain figure, and a figure the text
# says was replaced ("had earlier put the toll at") under all.
SUPERSEDED, PLAIN, TOTAL, UPDATE = 0, 1, 2, 3
# An update cue counts for a figure at most this many characters before it.
UPDATE_WINDOW_CHARS = 80


def _priority(f: SentenceFeatures, fig: Figure) -> int:
    # read back at most READ_CHARS (longer than any real sentence): a sentence of thousands
    # of figures is not read once per figure (issue 14)
    at = fig.number.start - f.sentence.start
    before = f.text[max(0, at - READ_CHARS) : at]
    if cue("superseded_figure", before):
        return SUPERSEDED
    if cue_pattern("updated_figure").search(before[-UPDATE_WINDOW_CHARS:]):
        return UPDATE
    return TOTAL if _near_total(f, fig) else PLAIN


def _near_total(f: SentenceFeatures, fig: Figure) -> bool:
    """A figure stated as a total ("bringing the death toll to 91"), the cue just before it."""
    if fig.toll:
        return True
    window = f.text[
        max(0, fig.number.start - f.sentence.start - TOTAL_WINDOW_CHARS) : fig.number.start
        - f.sentence.start
    ]
    totals = list(cue_pattern("total").finditer(window))
    # "Disputing the death toll, officials said only nine died": no total of its own
    return bool(totals) and not cue("toll_reported_between", window[totals[-1].end() :])
