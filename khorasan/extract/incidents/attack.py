"""What kind of attack on what kind of target: the typing of an incident.

Attack words and target words come from the knowledge base's taxonomies
(:mod:`khorasan.extract.lexicons`); when a report names several, the order in
``incident_lexicon.json`` says which wins.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from khorasan.extract.cues import INCIDENT_LEXICON, cue, cue_alternation, cue_pattern
from khorasan.extract.incidents.features import GENERIC, SentenceFeatures
from khorasan.extract.lexicons import suicide_pattern, target_triggers
from khorasan.extract.prefilter import prefiltered

__all__ = ["attack_fields", "likened_attack", "state_means"]

# Attack types in the order one wins over another when a report names several.
ATTACK_TYPE_PRIORITY = tuple(INCIDENT_LEXICON["attack_type_priority"])
# Target types in the order a more specific one wins ("a Shia mosque in a market").
TARGET_TYPE_PRIORITY = tuple(INCIDENT_LEXICON["target_type_priority"])
# the noun a casualty figure counts follows it within a few words ("13 US service members")
FIGURE_NOUN_CHARS = 25
# How many sentences of an incident are read for an official killed.
OFFICIAL_KILLED_SENTENCES = 3
# Means that are no suicide attack (SCHEMA: gunfire, an air strike, a raid, shelling, a siege):
# an incident of these types is ``suicide: false`` unless the text says an attacker meant to die.
NOT_SUICIDE_TYPES = frozenset(INCIDENT_LEXICON["not_suicide_attack_types"])
# The attack type of an incident whose means the text does not state.
OTHER = "other"
# Officials, police and the press speak and respond in reports more often than they are hit:
# in a role the sentence leaves open, their words yield to any other target word.
SPEAKER_TARGET_TYPES = frozenset({"government", "security_forces", "media"})
# Members of armed groups are the target of strikes and raids by state forces, or of a
# killing whose means goes unsaid ("the IS commander was killed"); in a bombing or a shooting
# the militants a report names are the attackers.
MILITANTS = "militants"
STATE_ATTACKS = frozenset({"airstrike", "raid"})
MILITANT_TARGET_ATTACKS = STATE_ATTACKS | {OTHER}
# The target type of an attack whose target no word names.
OTHER_TARGET = "other"
# Words for the people of an institution, who take the type of the place they were at.
MEMBERS = frozenset(INCIDENT_LEXICON["member_target_words"])
# Types of the compounds whose places take their type (SCHEMA: "the mosque inside a police
# compound", "places housing" foreigners); "a school in a Shia district" stays a school.
COMPOUND_TARGET_TYPES = frozenset({MILITANTS, "foreign", "security_forces", "government"})
# A person's belongings, which after their owner ("the governor's convoy") are no target.
BELONGINGS = frozenset(INCIDENT_LEXICON["belonging_target_words"])
# Roles of a target word (:func:`_role`).
VICTIM, OPEN = "victim", "open"
# Gatherings, which take the type of the place they were held at (:func:`_venue`).
GATHERINGS = frozenset(INCIDENT_LEXICON["gathering_target_words"])
# Faith words that only qualify the target noun after them.
FAITH_MODIFIERS = frozenset(INCIDENT_LEXICON["faith_modifiers"])
# Types of the role words that belong to a body named after them ("the commander of the
# Revolutionary Guard", "the convoy of the senator").
ROLE_TARGET_TYPES = frozenset({MILITANTS, "security_forces", "government"})
# The two means of a complex attack: which one is the main means (:func:`_complex`).
COMPLEX_MEANS = ("bombing", "armed_assault")
# Actor types of states and their forces (a state's "strike" is one from the air).
STATE_TYPES = frozenset(INCIDENT_LEXICON["state_actor_types"])
_STRIKE = re.compile(r"\bstrikes?\b", re.I)
_GRENADE = re.compile(r"grenades?\b", re.I)
_ARTICLE_END = re.compile(r"\b(?:an?|the|recently)\s+$", re.I)

# "the governor ... was killed", "shot dead the police chief"
_OFFICIAL_KILLED = re.compile(
    rf"\b(?:{cue_alternation('official_killed', 'titles')})\b[^.]{{0,120}}?"
    rf"\b(?:{cue_alternation('official_killed', 'verbs')})\b"
    rf"|\b(?:{cue_alternation('official_killed', 'verbs_before')})\b[^.]{{0,60}}?"
    rf"\b(?:{cue_alternation('official_killed', 'titles_after')})\b",
    re.I,
)


def attack_fields(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> dict[str, Any]:
    """attack_type, suicide, target_type and target of an incident's sentences."""
    attack_type, suicide_hit = _attack_type(text, sentences, spans)
    suicide = _suicide(attack_type, suicide_hit, text, sentences)
    if suicide is not True:
        spans.pop("suicide", None)
    target_type, target = _target(text, sentences, spans, attack_type)
    if (
        attack_type in ("bombing", "armed_assault")
        and target_type == "government"
        and _kills_official(text, sentences)
    ):
        # a governor shot dead or killed by a bomb under his car: the killing of an official
        # is an assassination; "shot dead a civilian" stays an armed assault
        attack_type = "assassination"
    return {
        "attack_type": attack_type,
        "suicide": suicide,
        "target_type": target_type,
        "target": target,
    }


def state_means(
    text: str, sentences: list[SentenceFeatures], perpetrator: list[int] | None, target_type: str
) -> str | None:
    """The means of a deed by state forces whose words name no attack type: a "strike" or a
    deed from the air is an air strike ("killed by an American strike"); killing fighters on
    the ground is a raid ("the FSB said it killed six IS fighters"; SCHEMA: a ground
    operation by state forces)."""
    if perpetrator is None:
        return None
    actor = next((a for f in sentences for a in f.actors if [a.start, a.end] == perpetrator), None)
    if actor is None or actor.type not in STATE_TYPES:
        return None
    told = " ".join(f.text for f in sentences if not f.headline) or text[perpetrator[0] :]
    if _STRIKE.search(told) or cue("aerial_means", told):
        return "airstrike"
    if target_type == MILITANTS and cue("ground_operation", told):
        return None if cue("not_ground_operation", told) else "raid"
    return None


def likened_attack(text: str, sentences: list[SentenceFeatures]) -> list[int] | None:
    """The span of an attack word likened to the incident told before ("a similar attack took
    place outside a bank in March"), whose means the text leaves to that likeness."""
    for f in sentences:
        for kind, a, b in f.triggers:
            lead = text[max(f.sentence.start, a - 40) : a]
            if kind == GENERIC and cue_pattern("similar_attack_before").search(lead):
                return [a, b]
    return None


def _attack_type(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> tuple[str | None, tuple[int, int, bool] | None]:
    """The attack type by the SCHEMA's order, and the suicide word found (:func:`_suicide_word`).

    The report's lead names the means ("a US drone strike killed ..."): the first sentence of
    the incident with a typed trigger decides, the SCHEMA's order settling a tie within it;
    later sentences tell of reprisals and background ("the Taliban raided a hideout") as
    often as of the attack. Bombs and guns together are a complex attack (:func:`_complex`).
    """
    suicide_hit = _suicide_word(text, sentences)
    if suicide_hit:
        spans["suicide"] = list(suicide_hit[:2])
    retyped = [(f, _retype(text, k, a, b), a, b) for f in sentences for k, a, b in f.triggers]
    typed = [
        (f, k, a, b)
        for f, k, a, b in retyped
        if k != GENERIC and not _of_an_earlier_death(text, f, k, a)
    ]
    if not typed:
        # SCHEMA: "other" where the text does not say how ("an attack on a shrine killed 50")
        return OTHER, suicide_hit
    body = [t for t in typed if not t[0].headline] or typed
    lead = min(t[0].index for t in body)
    kind = min((k for f, k, _a, _b in body if f.index == lead), key=_priority)
    if kind in COMPLEX_MEANS:
        kind = _complex(text, body, suicide_hit is not None) or kind
    spans["attack_type"] = next([a, b] for _f, k, a, b in body if k == kind)
    return kind, suicide_hit


@cache
def _suicide_words() -> re.Pattern[str]:
    """The suicide lexicon's pattern behind the literal filter: most sentences hold none."""
    pattern = suicide_pattern()
    return prefiltered(getattr(pattern, "regex", pattern))  # not filtered twice


def _suicide_word(text: str, sentences: list[SentenceFeatures]) -> tuple[int, int, bool] | None:
    """The first suicide word the incident's body (else its headline) asserts of this attack:
    (start, end, in a headline). Not one left open ("whether it was a planted bomb or a suicide
    blast"), nor one of an earlier attack ("the governor, who was killed last week by a
    suicide bomber")."""
    for headline in (False, True):
        for f in sentences:
            if f.headline != headline:
                continue
            s = f.sentence
            for pattern in (_suicide_words(), cue_pattern("quoted_suicide")):
                for m in pattern.finditer(text, s.start, s.end):
                    if _asserted(text, s.start, m.start()):
                        return m.start(), m.end(), headline
    return None


def _asserted(text: str, sentence_start: int, start: int) -> bool:
    """A means the sentence asserts of this attack: not hedged, not an earlier killing's."""
    before = text[max(sentence_start, start - 120) : start]
    return not (
        cue_pattern("hedged_before").search(before)
        or cue_pattern("earlier_means_before").search(before)
    )


def _retype(text: str, kind: str, start: int, end: int) -> str:
    """A trigger's type as its words around tell it: a bomb dropped from the air is an air
    strike; a raid or an assault on a prison, a jailbreak; "the killing of the governor", by
    means unsaid, an assassination."""
    before, after = text[max(0, start - 60) : start], text[end : end + 80]
    if kind == "bombing" and cue_pattern("air_dropped_before").search(before):
        return "airstrike"
    if kind != "airstrike" and cue_pattern("prison_after").match(after):
        return "jailbreak"
    if kind == GENERIC and cue_pattern("killing_of_after").match(after):
        return "assassination"
    return kind


def _of_an_earlier_death(text: str, f: SentenceFeatures, kind: str, start: int) -> bool:
    """ "the funeral of an assassinated governor", "Ahmadi, who was assassinated earlier in the
    week": a killing named to say whose funeral or whose successor, not this incident's means."""
    if kind != "assassination":
        return False
    before = text[max(f.sentence.start, start - 40) : start]
    if _ARTICLE_END.search(before) and text.startswith("assassinated", start):
        return True  # "an assassinated governor": a participle naming a person
    return cue_pattern("earlier_death_before").search(before) is not None


def _priority(kind: str) -> int:
    return ATTACK_TYPE_PRIORITY.index(kind) if kind in ATTACK_TYPE_PRIORITY else 99


def _complex(
    text: str, triggers: list[tuple[SentenceFeatures, str, int, int]], suicide: bool
) -> str | None:
    """Bombs and guns in one incident: SCHEMA's bombing when a bomb is the main means (gunmen
    with a suicide bomber, a car bomb, explosives; a blast that opens the attack before the
    gunmen go in), an armed assault when the shooting comes first with only a blast heard
    after it, or gunmen also throw grenades."""
    means = [
        (k, a, b)
        for _f, k, a, b in triggers
        if k in COMPLEX_MEANS and not (k == "bombing" and _thrown(text, a, b))
    ]
    kinds = {k for k, _a, _b in means}
    if len(kinds) < 2:
        return kinds.pop() if kinds else None
    device = cue_pattern("bomb_device")
    if suicide or any(
        k == "bombing"
        and (
            device.search(text, a, b)
            or cue_pattern("opening_bomb_before").search(text[max(0, a - 60) : a])
        )
        for k, a, b in means
    ):
        return "bombing"
    return min(means, key=lambda m: m[1])[0]


def _thrown(text: str, start: int, end: int) -> bool:
    """A grenade, or a bomb the gunmen threw ("threw an incendiary bomb"): no bombing."""
    before = text[max(0, start - 40) : start]
    return bool(_GRENADE.match(text, start, end) or cue_pattern("thrown_before").search(before))


def _suicide(
    attack_type: str | None,
    suicide_hit: tuple[int, int, bool] | None,
    text: str,
    sentences: list[SentenceFeatures],
) -> bool | None:
    """SCHEMA: true where the attacker meant to die; false where the text names a means that is
    no suicide attack (gunfire, a planted, magnetic or remote-controlled bomb, an air strike, a
    raid); null where it does not say ("a blast" with no word on how it was set off). A suicide
    word only in a headline yields to a body that tells of gunmen or a strike: page headlines
    often run several stories together."""
    if suicide_hit and not (suicide_hit[2] and attack_type in NOT_SUICIDE_TYPES):
        return True
    if attack_type in NOT_SUICIDE_TYPES:
        return False
    if any(
        _asserted(text, f.sentence.start, m.start())
        for f in sentences
        for m in cue_pattern("planted_bomb").finditer(text, f.sentence.start, f.sentence.end)
    ):
        return False  # "a magnetic bomb attached to his car", "a roadside bomb"
    means = _means(sentences)
    if means and "bombing" not in means:
        return False  # "the judge was shot dead", "gunmen stormed the prison": no bomb at all
    return None


def _means(sentences: list[SentenceFeatures]) -> set[str]:
    """The kinds of means an incident's sentences name: gunfire, bombs, blades or fire (no
    generic "attack", nor a type that names no means, like an assassination)."""
    kinds = {k for f in sentences for k, _a, _b in f.triggers}
    return kinds & {"armed_assault", "bombing", "other"}


def _target(
    text: str,
    sentences: list[SentenceFeatures],
    spans: dict[str, list[int]],
    attack_type: str | None = None,
) -> tuple[str | None, str | None]:
    """The target type: the most specific category among the words in the role of victim.

    A word that names the source ("police said", "state media reported", "according to
    officials") or the attacker ("Taliban fighters killed", "carried out by security forces")
    is no target; a word after "on", "targeting", "killing" or before "were killed" is one
    for certain, and beats words whose role the sentence leaves open.
    """
    victims: list[tuple[str, int, int, SentenceFeatures]] = []
    others: list[tuple[str, int, int, SentenceFeatures]] = []
    for f in sentences:
        s = f.sentence
        last: tuple[int, str | None] = (-1, None)  # the end and role of the word before
        for k, a, b in _affiliated(text, s.start, target_triggers(text[s.start : s.end])):
            if k == MILITANTS and attack_type not in MILITANT_TARGET_ATTACKS:
                continue  # "militants stormed", "a series of militant attacks": the attackers
            role = _role(text, f, k, a, b)
            coordinated = cue_pattern("coordinated_between").match(text[last[0] : a])
            if role == OPEN and last[1] == VICTIM and coordinated:
                role = VICTIM  # "government staff and military personnel were hit"
            last = (b, role)
            if role == VICTIM:
                victims.append((k, a, b, f))
            elif role == OPEN:
                others.append((k, a, b, f))
    placed = _placed(text, victims + others)
    victims = [h for h in victims if h[3].index not in placed or _word(text, h) not in MEMBERS]
    others = [h for h in others if h[3].index not in placed or _word(text, h) not in MEMBERS]
    if not victims and not others:
        # no word names the target: a strike or raid by state forces is on militants (the
        # first type of SCHEMA's order, "a drone strike killed the group's leader"); any other
        # attack is SCHEMA's "other"
        return (MILITANTS if attack_type in STATE_ATTACKS else OTHER_TARGET), None
    # the lead names the target ("a blast at a Shia mosque"); later sentences name those who
    # responded, condemned or were hit in other attacks the report recalls. A word in the role
    # of victim beats one whose role the sentence leaves open; officials, police and the press
    # in an open role are more often the report's sources than its victims.
    strong = victims + [h for h in others if h[0] not in SPEAKER_TARGET_TYPES]
    for pool in (
        [h for h in strong if not h[3].headline],
        [h for h in strong if h[3].headline],
        others,
    ):
        if pool:
            break
    lead = min(h[3].index for h in pool)
    in_lead = [h for h in pool if h[3].index == lead]
    in_lead = [h for h in in_lead if any(h is v for v in victims)] or in_lead
    kind = min((h[0] for h in in_lead), key=_target_priority)
    a, b = next((a, b) for k, a, b, _f in in_lead if k == kind)
    if any(h[0] == kind and _word(text, h) in GATHERINGS for h in in_lead):
        # SCHEMA: a funeral or gathering held at a mosque is religious: the place where the
        # report says it was held gives the type, where SCHEMA ranks it first
        venue = _venue(text, victims + others)
        if venue is not None and _target_priority(venue[0]) < _target_priority(kind):
            kind, a, b = venue[:3]
    spans["target"] = [a, b]
    return kind, text[a:b]


def _venue(
    text: str, hits: list[tuple[str, int, int, SentenceFeatures]]
) -> tuple[str, int, int, SentenceFeatures] | None:
    """The first place an incident's sentences say something happened at ("took place inside
    the mosque")."""
    places = [
        h
        for h in hits
        if _word(text, h) not in GATHERINGS
        and cue_pattern("venue_before").search(text[max(h[3].sentence.start, h[1] - 40) : h[1]])
    ]
    return min(places, key=lambda h: h[1], default=None)


def _role(text: str, f: SentenceFeatures, k: str, a: int, b: int) -> str | None:
    """The role of a target word in its sentence: :data:`VICTIM` for certain, :data:`OPEN`
    where the sentence leaves it open, None for a source, an attacker or the one mourned."""
    s = f.sentence
    before = text[max(s.start, a - 60) : a]
    after = text[b : min(s.end, b + 40)]
    if (
        cue_pattern("source_after").match(after)
        or cue_pattern("target_source_after").match(after)
        or cue_pattern("source_before").search(before)
        or cue_pattern("mourned_before").search(before)
        or cue_pattern("mourned_after").match(after)
        or cue_pattern("not_target_before").search(before)
        or (_word(text, (k, a, b)) in BELONGINGS and cue_pattern("owner_before").search(before))
    ):
        return None  # a source, the one mourned at the funeral attacked, "his convoy"
    counted = any(0 <= a - g.number.end <= FIGURE_NOUN_CHARS for g in f.figures)
    if (
        counted  # "killing 60 Afghans and 13 US soldiers": the counted are the victims
        or cue_pattern("victim_before").search(before)
        or cue_pattern("target_victim_before").search(before)
        or cue_pattern("target_place_before").search(before)  # "blew himself up near"
        or cue_pattern("victim_after").match(after)
        or cue_pattern("target_hit_after").match(after)  # "the shrine was blown up"
    ):
        return VICTIM
    if (
        cue_pattern("attributed_by").search(before)
        or cue_pattern("target_attacker_before").search(before)
        or cue_pattern("attacker_after").match(after)
    ):
        return None
    return OPEN


def _placed(text: str, hits: list[tuple[str, int, int, SentenceFeatures]]) -> set[int]:
    """Sentences whose target words name a place or body, besides the people of an institution
    (SCHEMA's schools "and their students"): there the place gives the type ("killing seven
    students at a madrasa" is religious)."""
    return {h[3].index for h in hits if _word(text, h) not in MEMBERS}


def _word(text: str, hit: tuple[Any, ...]) -> str:
    return " ".join(text[hit[1] : hit[2]].lower().replace("’", "'").split())


def _affiliated(
    text: str, offset: int, hits: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """Target words at their place in ``text``, typed by the words they belong to: a role
    followed by its body takes the body's type ("the commander of the Revolutionary Guard",
    "a convoy carrying a senator"); a place inside a compound that SCHEMA puts first takes the
    compound's ("a mosque inside the police compound"); a faith word before a noun only
    qualifies it ("Shiite civilians", "a Shia cultural centre")."""
    placed = [(k, offset + a, offset + b) for k, a, b in hits]
    out = []
    for i, (k, a, b) in enumerate(placed):
        following = placed[i + 1 :]
        if following and _word(text, (k, a, b)) in FAITH_MODIFIERS:
            if not text[b : following[0][1]].strip():
                continue
        for k2, a2, _b2 in following:
            between = text[b:a2]
            if k in ROLE_TARGET_TYPES and cue_pattern("affiliation_between").match(between):
                k = k2
                break
            if k2 in COMPOUND_TARGET_TYPES and cue_pattern("contained_between").match(between):
                k = min(k, k2, key=_target_priority)
                break
        out.append((k, a, b))
    return out


def _target_priority(kind: str) -> int:
    return TARGET_TYPE_PRIORITY.index(kind) if kind in TARGET_TYPE_PRIORITY else 99


def _kills_official(text: str, sentences: list[SentenceFeatures]) -> bool:
    """An official killed, or an attack aimed at one ("a suicide attack on the senator's
    convoy"), in the incident's lead."""
    return any(
        _OFFICIAL_KILLED.search(text, f.sentence.start, f.sentence.end)
        or cue_pattern("aimed_at_official").search(text, f.sentence.start, f.sentence.end)
        for f in sentences[:OFFICIAL_KILLED_SENTENCES]
    )
