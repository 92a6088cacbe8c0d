"""Who did it: the perpetrator and the strongest attribution the text supports.

An actor counts only in the role of attacker; when none is named in that role, a pronoun
("It has carried out ...", "its March 22 attack") stands for the armed group just discussed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract.cues import INCIDENT_CUES, INCIDENT_LEXICON, cue, cue_pattern
from khorasan.extract.incidents.features import SentenceFeatures
from khorasan.extract.incidents.grouping import Group
from khorasan.extract.prefilter import may_match, prefiltered
from khorasan.model import ActorMention, Sentence

__all__ = [
    "antecedent_perpetrator",
    "borrowed_sentences",
    "branch_named_as_attacker",
    "listing_perpetrator",
    "perpetrator_fields",
    "stronger_perpetrator",
]

# "It has carried out ...", "the group's attack", "its March 22 attack": the pronoun stands for
# the group the text was just discussing, written within this many characters before it
ANTECEDENT_LOOKBACK_CHARS = 600
# Actor types (actors.csv) that attack in their own name, and those that only strike from the air.
ATTACKER_TYPES = tuple(INCIDENT_LEXICON["attacker_actor_types"])
STATE_TYPES = tuple(INCIDENT_LEXICON["state_actor_types"])
ISK = "IS-K"
STRENGTH = {"claimed": 3, "attributed": 2, "suspected": 1}

_SUBJECT_LEAD = re.compile(
    r"(?:^|[.!?:]\s+|\n\s*)(?:(?:And|But|Yet|Today|Now)\s*,?\s+)?(?:the\s+)?$", re.I
)
# a state's "strike" is a strike from the air or by missile ("an American strike in 2019")
_STRIKE = re.compile(r"\bstrikes?\b", re.I)
# a sentence no incident took lends its claim to an incident told of this many sentences before
BORROW_MAX_GAP = 3
# "X claimed that Y's airstrikes killed ...": another actor this near after "claimed that"
CLAIM_THAT_WINDOW = 30
_BOTH = prefiltered(
    re.compile(r"\bboth\b|\ball (?:three|four|five)\b|\beach of (?:them|the)\b", re.I)
)
# an aside between commas, dashes or brackets: "ISIS-K, an offshoot of IS that opposes the
# Taliban, has claimed"
_ASIDE = re.compile(r",[^,]*,|\s[\u2013\u2014-]\s[^\u2013\u2014]*?\s[\u2013\u2014-]\s|\([^()]*\)")
_LISTS_THEM = re.compile(r"\b(?:including|such as|among them|notably)\b", re.I)
_GAP = re.compile(r"[\s,]*")
_COMMA = re.compile(r",\s*")
_PAREN_ALIAS = re.compile(r"^\s*\([^()]{1,30}\)|^\)")
_THAT = re.compile(r"\s+that\b")


def perpetrator_fields(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> dict[str, Any]:
    """Perpetrator and the strongest attribution the text supports (claimed > attributed >
    suspected).

    An actor counts only in the role of attacker: the subject of a claim ("IS-K claimed"),
    "claimed by X", "an X attack", "X fighters stormed", "carried out by X". An actor in the
    role of victim ("an attack on Taliban officials") never does.
    """
    best: tuple[tuple[int, int, int], ActorMention] | None = None
    for f in sentences:
        for actor in f.actors:
            role = _actor_role(text, f, actor)
            if role is None:
                continue
            # a claim in the body beats one in a headline (a headline's "splinter group
            # claims" is told exactly in the body); then the earliest sentence wins
            key = (STRENGTH[role], int(not f.headline), -f.index)
            if best is None or key > best[0]:
                best = (key, actor)
    if best is None:
        return {"perpetrator": "unknown", "attribution": "none"}
    (score, _, _), actor = best
    spans["perpetrator"] = [actor.start, actor.end]
    attribution = {v: k for k, v in STRENGTH.items()}[score]
    if actor.type in STATE_TYPES and attribution == "attributed":
        if _state_speaks(text, sentences, actor):
            attribution = "claimed"
    return {"perpetrator": actor.canonical, "attribution": attribution}


def _state_speaks(text: str, sentences: list[SentenceFeatures], actor: ActorMention) -> bool:
    """Whether the attacking state tells of its strike itself: "U.S. forces said they
    targeted ...", "according to the Pentagon", "the military said": its claim."""
    for f in sentences:
        if f.headline:
            continue
        if _sentence_cue("own_forces_source", f.text):
            return True
        for other in f.actors:
            if other.canonical != actor.canonical:
                continue
            s = f.sentence
            before = text[max(s.start, other.start - 40) : other.start]
            after = text[other.end : min(s.end, other.end + 60)]
            if cue_pattern("state_source_after").match(after) or cue_pattern(
                "source_before"
            ).search(before):
                return True
    return False


def borrowed_sentences(
    text: str, sentences: list[SentenceFeatures], groups: list[Group]
) -> dict[int, list[SentenceFeatures]]:
    """Sentences no incident took that say who did an incident just told of, by group index.

    "Islamic State claimed responsibility for the attack, which comes after weeks of violence"
    reads as commentary, yet names the attacker of the incident the text was telling of: it
    lends its claim to the incident of the sentences just before it. "X claimed responsibility
    for both" lends it to the two incidents told of last.
    """
    taken = {id(f) for g in groups for f in g.sentences}
    out: dict[int, list[SentenceFeatures]] = {}
    for f in sentences:
        if f.headline or not f.actors:
            continue
        both = _BOTH.search(f.text) is not None
        if id(f) in taken and not both:
            continue
        # only a claim or another's accusation: a bare subject outside any incident is too loose
        if not _may_claim_or_suspect(f) or not any(
            _actor_role(text, f, a) in ("claimed", "suspected") for a in f.actors
        ):
            continue
        # "the attack", "for both" point back a few sentences; a bare "Officials blamed the
        # Taliban." speaks of the incident of the sentence just before it
        refers = cue_pattern("refers_to_the_attack").search(f.text) is not None
        gap = BORROW_MAX_GAP if refers else 1
        # each incident by the last of its sentences before this one
        # two incidents told last in one sentence ("a blast, followed by a separate blast"):
        # the first of them, the one the sentence was about, is the one named again
        before = sorted(
            ((i, -g), g)
            for g, group in enumerate(groups)
            for i in [max((x.index for x in group.sentences if x.index < f.index), default=-1)]
            if 0 <= i and f.index - i <= gap
        )
        if not before:
            continue
        # "for both": the two incidents told of last, this sentence's own among them
        own = [g for g, group in enumerate(groups) if any(x is f for x in group.sentences)]
        others = [g for _, g in before if g not in own]
        count = 2 - len(own) if both else 1
        for g in others[-count:] if count > 0 else []:
            out.setdefault(g, []).append(f)
    return out


def stronger_perpetrator(
    record: dict[str, Any], text: str, sentences: list[SentenceFeatures]
) -> dict[str, Any]:
    """The perpetrator fields of ``sentences`` where they are stronger than ``record``'s."""
    spans: dict[str, list[int]] = {}
    found = perpetrator_fields(text, sentences, spans)
    if STRENGTH.get(found["attribution"], 0) <= STRENGTH.get(record["attribution"], 0):
        return {}
    record["spans"].update(spans)
    return found


def branch_named_as_attacker(text: str, sentences: list[SentenceFeatures]) -> bool:
    """Whether ``sentences`` name the Khorasan branch in the role of attacker ("IS-K claimed
    ...", "carried out by the Islamic State in Khorasan") or as the source of a statement on
    it, not only as a subject of talk ("the local IS affiliate", "14 members of IS-K were
    arrested", "the Taliban, who fight the local IS affiliate")."""
    return any(
        actor.canonical == ISK
        and (_actor_role(text, f, actor) is not None or _source_of_claim(text, f, actor))
        for f in sentences
        for actor in f.actors
    )


def _source_of_claim(text: str, f: SentenceFeatures, actor: ActorMention) -> bool:
    """Whether ``actor`` is named as the source of a statement on the attack ("a statement from
    the IS regional branch Wilayat Khorasan", "the propaganda agency of ISIS's Khorasan
    branch")."""
    before = text[max(f.sentence.start, actor.start - 60) : actor.start]
    return cue_pattern("branch_source_before").search(before) is not None


def antecedent_perpetrator(
    ann: AnnotatedDocument, group: Group, spans: dict[str, list[int]]
) -> dict[str, Any]:
    """The group a pronoun subject or possessive stands for, when no actor is named in role.

    "The IS-Khorasan has emerged ... It has carried out a number of attacks, including ...";
    "IS-KP's statement following its March 22 attack": the last armed group named before the
    pronoun is the attacker (attributed; claimed when the verb is a claim).
    """
    text = ann.doc.text
    for f in group.sentences:
        if f.headline:
            continue
        sentence = ann.sentences[f.index] if f.index < len(ann.sentences) else f.sentence
        # "Moreover, the terror group has also claimed ...": after a connective
        connective = cue_pattern("group_pronoun_lead").match(text, sentence.start, sentence.end)
        opening = connective.end() if connective else sentence.start
        subject = cue_pattern("group_pronoun_subject").match(text, opening, sentence.end)
        pronoun = subject.start() if subject else None
        claimed = subject is not None and cue("claim", subject.group())
        if pronoun is None:
            for _, a, b in f.triggers:
                lead = max(sentence.start, a - 80)
                # "days after it claimed responsibility for a Christmas Day bombing"
                m = cue_pattern("group_pronoun_claim_before").search(text, lead, a)
                claimed = m is not None
                m = m or cue_pattern("group_possessive_before").search(text, max(lead, a - 40), a)
                # "an attack the same group also claimed": the claim after the attack word
                gap = _GAP.match(text, b, sentence.end)
                after = cue_pattern("group_claim_after").match(
                    text, gap.end() if gap else b, sentence.end
                )
                if m is None and after is not None:
                    claimed, m = True, after
                if m:
                    pronoun = m.start()
                    break
                # "a suicide bombing by the group at the airport"
                by = cue_pattern("group_by_after").match(text[b : sentence.end])
                if by:
                    pronoun = b + by.start()
                    break
        if pronoun is None:
            continue
        before = [
            a
            for a in ann.actors
            if pronoun - ANTECEDENT_LOOKBACK_CHARS <= a.start
            and a.end <= pronoun
            and a.type in ATTACKER_TYPES
        ]
        # the antecedent is named earlier in the same sentence ("IS-KP's statement following
        # its attack"), or is the subject a sentence opens with ("And the IS-Khorasan has ...")
        same = [a for a in before if a.start >= sentence.start]
        subjects = [a for a in before if _opens_sentence(text, a)]
        actor = same[-1] if same else subjects[-1] if subjects else None
        if actor is None:
            continue
        spans["perpetrator"] = [actor.start, actor.end]
        attribution = "claimed" if claimed else "attributed"
        return {"perpetrator": actor.canonical, "attribution": attribution}
    return {}


def listing_perpetrator(
    ann: AnnotatedDocument, group: Group, spans: dict[str, list[int]]
) -> dict[str, Any]:
    """The attacker of a listing's head for an item of the listing that names none.

    "X has claimed a number of attacks, including the assault on the prison in August and an
    attack on the university in November": each listed incident is X's, claimed as the head
    says ("X has carried out several assaults, including ..." makes each X's own)."""
    text = ann.doc.text
    for f in group.sentences:
        if not f.listed or f.headline or f.actors or f.index >= len(ann.sentences):
            continue
        sentence = ann.sentences[f.index]
        lists = [
            m.end() for m in cue_pattern("listing").finditer(text, sentence.start, f.evidence.start)
        ]
        if not lists:
            continue
        end = lists[0]
        actors = [a for a in ann.actors if sentence.start <= a.start and a.end <= end]
        if not actors:
            continue
        lead = text[sentence.start : end]
        head = replace(
            f,
            text=lead,
            evidence=Sentence(sentence.start, end),
            sentence=Sentence(sentence.start, end),
            triggers=[],
            figures=[],
            actors=actors,
            claimed=cue("claim", lead),
            claim_negated=cue("claim_negation", lead),
            suspected=cue("suspicion", lead),
        )
        found = perpetrator_fields(text, [head], spans)
        if found["perpetrator"] != "unknown":
            return found
    return {}


@lru_cache(maxsize=256)
def _sentence_cue(name: str, text: str) -> bool:
    """``cue(name, text)`` for a whole sentence, asked once per actor or figure: remembered,
    so that a sentence of thousands of them is read once per cue (issue 14)."""
    return cue(name, text)


# The windows :func:`_actor_role` reads ("before", "after" an actor) lie inside its sentence:
# it answers "claimed" or "suspected" only where the sentence holds a claim or a suspicion
# (``f.claimed``, ``f.suspected``, these cues) or the words of one of these window cues.
_CLAIM_OR_SUSPICION_CUES = ("claim_more", "told_by_others")
_OWN_WORD_OR_ACCUSATION = ("self_claim_after", "its_own_claim_after", "suspected_before",
                           "suspected_before_more", "suspected_after")  # fmt: skip
_ACCUSATION_PAIRS = ("held_responsible", "accused_of_it")


def _may_claim_or_suspect(f: SentenceFeatures) -> bool:
    """False only where :func:`_actor_role` can answer neither "claimed" nor "suspected" for
    any actor of ``f``: a sentence most of whose actors are only named is passed over without
    a dozen window cues per actor. Keep it in step with the returns of :func:`_actor_role`."""
    if f.claimed or f.suspected:
        return True
    chunk = f.text
    if any(may_match(cue_pattern(name), chunk) for name in _OWN_WORD_OR_ACCUSATION):
        return True
    if any(all(may_match(p, chunk) for p in _pair(name)) for name in _ACCUSATION_PAIRS):
        return True
    return any(_sentence_cue(name, chunk) for name in _CLAIM_OR_SUSPICION_CUES)


def _opens_sentence(text: str, actor: ActorMention) -> bool:
    """Whether ``actor`` is the first words of its sentence ("And the IS-Khorasan has ...")."""
    return _SUBJECT_LEAD.search(text, max(0, actor.start - 20), actor.start) is not None


def _actor_role(text: str, f: SentenceFeatures, actor: ActorMention) -> str | None:
    s = f.sentence
    before = text[max(s.start, actor.start - 40) : actor.start]
    wide_before = text[max(s.start, actor.start - 80) : actor.start]
    after = text[actor.end : min(s.end, actor.end + 60)]
    # "the Khorasan cell of the Islamic State (IS) carried out": the branch's words come
    # after its parent's name
    parent = next((a for a in f.actors if actor.end < a.start <= actor.end + 40), None)
    if parent and cue_pattern("branch_of_between").match(text[actor.end : parent.start]):
        after = text[parent.end : min(s.end, parent.end + 60)]
    # "Islamic State-Khorasan Province (IS-KP) terrorists attacked": skip the acronym
    after = _PAREN_ALIAS.sub("", after, count=1)
    # "the group's Khorasan branch, IS-K, had carried out": skip an alias set off by commas
    alias = next((a for a in f.actors if a.canonical == actor.canonical
                  and _COMMA.fullmatch(text, actor.end, a.start)), None)  # fmt: skip
    if alias is not None and text.startswith(",", alias.end):
        after = text[alias.end + 1 : min(s.end, alias.end + 61)]
    by = cue_pattern("attributed_by").search(before) is not None
    by = by or cue_pattern("attacker_by_more").search(before) is not None
    # "claimed by the regional chapter of the Islamic State"
    by = by or cue_pattern("attacker_by_branch").search(wide_before) is not None
    # "blamed the bombing on X", "the hallmarks of X", "attributed to X": an accusation
    accused_before = any(
        cue_pattern(name).search(wide_before)
        for name in ("suspected_before", "suspected_before_more")
    )
    # the alias holds the attack word itself ("a series of Pakistani airstrikes")
    holds_attack = any(actor.start <= a < actor.end for _, a, _ in f.triggers)
    # "a regional affiliate of X": X is the parent, not a victim; "On Thursday the US military
    # dropped ...": a date, not a target
    not_victim = any(cue_pattern(n).search(before) for n in ("branch_of_before", "date_on_before"))
    victim = cue_pattern("victim_before").search(before) and not not_victim
    if victim and not (by or accused_before or holds_attack):
        return None
    if cue_pattern("victim_after").match(after):
        return None  # "94 ISIS fighters killed by ...": the actor is the victim here
    if cue_pattern("not_attacker_before").search(before):
        return None  # "condemned by the Taliban and claimed by IS": the Taliban condemned it
    if cue_pattern("not_attacker_after").match(after):
        return None  # "the Taliban's rivals, IS-K, claimed": the rival claimed
    is_group = actor.type in ATTACKER_TYPES
    is_state = actor.type in STATE_TYPES
    if not (is_group or is_state):
        return None
    if cue_pattern("general_claimed_by").search(wide_before):
        return None  # "attacks claimed by IS in Kabul": its attacks in general
    # another's accusation or belief: "blamed on X", "a suspected X attack", "X was likely behind"
    accused = (
        accused_before
        or cue_pattern("suspected_after").match(after) is not None
        or _before_and_after("held_responsible", before, after)
        or _before_and_after("accused_of_it", before, after)
    )
    subject = cue_pattern("attacker_after").match(after) is not None
    # "X was behind the blast", "X carried it out": in another's words ("police said X was
    # behind it") SCHEMA's suspected
    behind = not subject and cue_pattern("attacker_after_more").match(after) is not None
    subject = subject or behind
    if subject and cue_pattern("took_power_after").match(after):
        subject = False  # "since the Taliban seized power": no attack
    if cue_pattern("general_activity_after").match(after):
        return None  # "the group has often targeted Shias": attacks in general
    # the alias holds the attack word itself ("a US airstrike", "US drone strike"); a
    # headline's present tense ("Taliban kill 95 with ambulance bomb")
    subject = subject or any(actor.start <= a < actor.end for _, a, _ in f.triggers)
    subject = subject or cue_pattern("attacker_after_present").match(after) is not None
    # "the group said it carried out the attack", "X alleged that it had launched": its claim
    own_word = cue_pattern("self_claim_after").match(after) is not None
    # "X says one of its suicide bombers struck ..."
    own_word = own_word or (
        is_group and cue_pattern("its_own_claim_after").match(after) is not None
    )
    if is_state:
        kinds = {k for k, _, _ in f.triggers}
        # a strike from the air or afar: "the largest bomb ever used in combat by the US
        # military", "dropped", "drones"
        aerial = (
            bool(kinds & {"airstrike", "raid", "rocket"})
            or _STRIKE.search(f.text) is not None
            or _sentence_cue("aerial_means", f.text)
            or cue_pattern("weapon_used_by").search(before) is not None
        )
        if own_word and (aerial or _group_after(f, actor)):
            return "claimed"  # "the agency said it killed six IS fighters"
        if (by or subject or accused) and aerial:
            return "suspected" if accused and not (by or subject) else "attributed"
        return None
    negated = f.claim_negated or _sentence_cue("claim_negation_more", f.text)
    if own_word and not negated:
        return "claimed"
    if (f.claimed or _sentence_cue("claim_more", f.text)) and not negated:
        # a claim word after the actor with no other group between: "In a statement on Amaq,
        # ISKP claimed the attack"; "the Taliban's rivals, IS-K, claimed it" is IS-K's claim
        claims = [
            *cue_pattern("claim").finditer(text, s.start, s.end),
            *cue_pattern("claim_more").finditer(text, s.start, s.end),
        ]
        if any(
            actor.end <= c.start()
            and _claims_this(text, c.start(), s.end)
            and not _other_group_between(text, f, actor, c.start())
            and not _claims_of_another(text, f, actor, c.start(), c.end())
            for c in claims
        ) or (by and f.claimed):
            return "claimed"
    if accused:
        return "suspected"
    if cue_pattern("accuser_after").match(after):
        return None  # "the Taliban blamed ISKP": the Taliban speak, ISKP is accused
    speaks = cue_pattern("source_after").match(text[actor.start : min(s.end, actor.end + 60)])
    if _suspicion_in(f) and (by or subject or (f.triggers and not speaks)):
        return "suspected"  # not "Taliban spokesman Mujahid ... blamed it on the Khawarij"
    if behind and not speaks and _sentence_cue("told_by_others", f.text):
        return "suspected"  # "police said X was behind the blast": another's word
    if by or subject:
        return "attributed"
    return None


@cache
def _pair(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Cue list ``name``'s first two patterns, compiled once (asked for every actor)."""
    patterns: Any = INCIDENT_CUES[name]
    return prefiltered(re.compile(patterns[0], re.I)), prefiltered(re.compile(patterns[1], re.I))


def _before_and_after(name: str, before: str, after: str) -> bool:
    """Whether cue list ``name``'s first pattern ends ``before`` and its second opens ``after``."""
    first, second = _pair(name)
    return first.search(before) is not None and second.match(after) is not None


def _other_group_between(text: str, f: SentenceFeatures, actor: ActorMention, start: int) -> bool:
    """Whether another group stands between ``actor`` and the claim word at ``start`` as the
    claim's subject: "the Taliban's rivals, IS-K, claimed"; not one in an aside ("ISIS-K, an
    offshoot of the Islamic State that opposes the Taliban, has claimed") nor an object ("Daesh
    has targeted Taliban officials, including claiming ...")."""
    between = text[actor.end : start]
    main = _ASIDE.sub(lambda m: " " * len(m.group()), between)
    for a in f.actors:
        if not (actor.end <= a.start < start) or a.type not in ATTACKER_TYPES:
            continue
        if a.canonical == actor.canonical or main[a.start - actor.end].isspace():
            continue
        lead = text[max(f.sentence.start, a.start - 40) : a.start]
        if cue_pattern("victim_before").search(lead):
            continue
        return True
    return False


def _group_after(f: SentenceFeatures, actor: ActorMention) -> bool:
    """Whether an armed group is named after ``actor`` in the sentence, as its deed's object:
    "the agency said it killed six IS fighters"."""
    return any(a.start >= actor.end and a.type in ATTACKER_TYPES for a in f.actors)


def _claims_of_another(
    text: str, f: SentenceFeatures, actor: ActorMention, start: int, end: int
) -> bool:
    """Whether the claim word at ``start:end`` tells of the toll or of another's deed, not the
    actor's own: "the Taliban claimed that the dead included children", "Mujahid claimed that
    Pakistani airstrikes killed 46": the speaker is no attacker."""
    if cue_pattern("claim_of_others_deed").match(text, start, f.sentence.end):
        return True
    if not _THAT.match(text, end, end + 8):
        return False
    near = end + CLAIM_THAT_WINDOW
    return any(end <= a.start <= near and a.canonical != actor.canonical for a in f.actors)


def _suspicion_in(f: SentenceFeatures) -> bool:
    """Whether the sentence voices a suspicion of who did it (not "believed to be trapped")."""
    if not f.suspected:
        return False
    found = [m.start() for m in cue_pattern("suspicion").finditer(f.text)]
    other = [m.start() for m in cue_pattern("not_suspicion").finditer(f.text)]
    return any(not any(o <= p <= o + 30 for o in other) for p in found) or not found


def _claims_this(text: str, start: int, end: int) -> bool:
    """Whether the claim word at ``start`` claims an attack of its own, not many or other
    attacks ("has claimed similar attacks in the past") nor something else ("the movement's
    claim to have restored security")."""
    other = cue_pattern("claim_of_other_attacks").match(text, start, end)
    # "claimed a number of attacks, including the assault on the prison": those it lists
    return other is None or _LISTS_THEM.search(text, other.end(), end) is not None
