"""Casualty figures: which numbers in a sentence count the killed or the wounded.

A figure is read from the words around a number: "killing at least 13 people", "seven
worshippers were killed", "left 36 fighters dead", "the death of at least 95 militants",
"13 U.S. service members and 60 Afghans were killed" (coordination: both are parts).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from khorasan.extract.cues import INCIDENT_LEXICON, cue_alternation, cue_pattern, word_alternation
from khorasan.model import ActorMention, NumberMention, Sentence

__all__ = ["Figure", "find_figures", "perpetrator_figures"]

# Words allowed between a number and the casualty verb after it ("13 U.S. service members were
# killed"): a short noun phrase and an auxiliary, nothing that starts a new clause.
MAX_GAP_WORDS = 7
_GAP_WORD = r"[\w.'’-]+"
_CLAUSE_BREAK = re.compile(
    r"[;:!?()\[\]]|,\s|\b(?:and|or|while|but|when|who|which|after|before|said|says)\b", re.I
)
# the victims' noun phrase after a figure ends at the first of these words
_WHO_STOP = re.compile(
    rf"\b(?:{word_alternation(INCIDENT_LEXICON['figure_who_stop_words'])})\b", re.I
)
_NOT_A_COUNT_AFTER = re.compile(
    rf"^\s*(?:{cue_alternation('not_a_count_units')}|"
    # "two of the recent deadly attacks", "five suicide bombings": a count of attacks
    r"(?:of\s+(?:the|these|those|its|their)\s+)?"
    r"(?:(?!(?:in|at|on|by|during|and|were|was|people)\b)[\w-]+\s+){0,3}?"
    rf"(?:{cue_alternation('counted_attack_nouns')})\b)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Figure:
    kind: str  # killed, wounded
    number: NumberMention
    who: str  # the victims as written ("U.S. service members"), may be empty
    coordinated_with: int | None = None  # index of the figure this one is a part with
    extra: int = 0  # victims named beside the count ("killing him along with two civilians")
    toll: bool = False  # read from a death-toll phrase ("the death toll ... has risen to 91")

    @property
    def value(self) -> int:
        return self.number.value + self.extra


_INCLUDING = re.compile(
    r",\s*(?:including|among them|among whom|mostly|many of them|most of them|"
    r"(?:about |nearly |more than |almost )?half of them)\b[^;:]*,\s*",
    re.I,
)
# "100 people killed and injured": a count of casualties, not of deaths
_COMBINED = re.compile(r"\s*(?:and|or|&)\s+(?:injured|wounded|hurt)\b", re.I)
# "injuring another 30", "wounding a further 22": words between a verb and its count
_BETWEEN_VERB_AND_COUNT = re.compile(
    r"\s*(?:a total of|some|nearly|about|all|another|a further|an additional|an estimated)\s*",
    re.I,
)
# a count of the dead named by a noun, not a verb: "19 bodies", "31 dead bodies", "four deceased"
_DEAD_NOUN = re.compile(r"(?:dead\s+)?(?:bodies|corpses|deceased)\b", re.I)
_KILLED_OR = re.compile(r"\b(?:killed|killing)\s+(?:or|and)\s*$", re.I)
_ANOTHER = re.compile(r"\s*(?:(?:another|a further|an additional)\s*)?", re.I)
_WITH_HIM = re.compile(r"\b(?:killing|killed)\s+(?:him|her)\s+(?:along\s+with|and|with)\s+$", re.I)
_TOLL = re.compile(rf"\b(?:{cue_alternation('toll_phrases')})\b", re.I)
_TO_END = re.compile(r"\bto\s*$")


# "... and two others", "along with at least four associates": the words just before a count
_BESIDE = re.compile(r"\s(?:and|along\s+with|as\s+well\s+as|together\s+with)\s+$", re.I)
_OTHERS_AFTER = re.compile(r"\s*others?\b", re.I)
_KILLED_BEFORE = re.compile(r"\b(?:killed|killing|kills|killed\s+by\s+\w+)\s+(?=\S)", re.I)
# "... and two militants were arrested": the count has a verb of its own
_OWN_VERB_AFTER = re.compile(
    r"\s*(?:[\w'’.-]+\s+){0,12}?(?:were|was|are|is|have|has|had|got)\b", re.I
)
# a person named or described before "and N ...": not a number, not a place or date clause
_PERSON_WINDOW_CHARS = 120
# How far before and after a number its words are read: longer than any real sentence, so
# each number's work is bounded and a line of thousands of numbers stays linear (issue 14).
READ_CHARS = 1000


_AND_ONE_MORE = re.compile(
    r"\s*(?:[\w.'’-]+\s+){0,3}?and\s+(?:their|his|her|its|a|an|the)\s+(?:[\w'’-]+\s+)?"
    rf"{cue_alternation('person_victim')}\s+(?:(?:were|was)\s+)?(?P<verb>dead|killed|wounded|injured)\b",
    re.I,
)


# after the second of "N killed and M ...": its own verb further on, or "were among the
# victims" (a part of the first count, not beside it)
_OTHER_KIND_LATER = re.compile(
    r"[^.;]*?\b(?:wounded|injured|hurt|hospitali[sz]ed)\b|\s+(?:[\w'’]+\s+)?(?:were|was)\s+among\b",
    re.I,
)


def _named_beside(
    text: str, start: int, n: NumberMention, prev_end: int, verb_only: bool = False
) -> bool:
    """Whether a count follows one named or described victim: "killed the minister and at
    least four associates", "the governor and two others were killed" (SCHEMA: 3);
    ``verb_only``: only the first form, the victim the object of a killing verb."""
    window_start = max(start, prev_end, n.start - _PERSON_WINDOW_CHARS)
    before = text[window_start : n.start]
    if not _BESIDE.search(before):
        return False
    if _OTHERS_AFTER.match(text, n.end) and not verb_only:
        # "the minister and two others": the one named is a victim beside the others
        head = before[: _BESIDE.search(before).start()]  # type: ignore[union-attr]
        return bool(re.search(r"[A-Za-z]{3,}", head)) and prev_end <= window_start
    verbs = list(_KILLED_BEFORE.finditer(before))
    if not verbs or prev_end > window_start + verbs[-1].start():
        return False
    # the victim named between the verb and "and": not "were killed and 30 others injured"
    named = before[verbs[-1].end() : _BESIDE.search(before).start()]  # type: ignore[union-attr]
    return re.search(r"[A-Za-z]{3,}", named) is not None


_ASIDE = re.compile(r"\s[–—]\s[^–—;:]{1,80}?\s[–—](?=\s)|\s\([^()]{1,80}\)")


_RELATIVE = re.compile(r"\s(?:who|that)\s[^;:()]{1,100},\s+(?=(?:were|was|had|have|has)\b)", re.I)


def _gap_ok(gap: str) -> bool:
    # "89 people, including 77 Iranians and 12 Afghans, were killed": the parenthesis is no break
    gap = _INCLUDING.sub(" ", gap)
    # "two persons – A and B – were injured", "three guards (two of them brothers) were killed"
    gap = _ASIDE.sub(" ", gap)
    # "all four bombers who attacked the temple, a Sikh shrine, were killed"
    gap = _RELATIVE.sub(" ", gap)
    if _CLAUSE_BREAK.search(gap):
        return False
    return len(re.findall(_GAP_WORD, gap)) <= MAX_GAP_WORDS


def _who(after: str) -> str:
    m = _WHO_STOP.search(after)
    words = after[: m.start()] if m else after
    words = re.split(r"[,;.:]\s", words, maxsplit=1)[0]
    return " ".join(words.split()[:5]).strip(" ,.")


@cache
def _verb_body(name: str) -> re.Pattern[str]:
    """Cue list ``name`` without its lookbehind (compiled once, not looked up per sentence)."""
    return re.compile(f"(?:{cue_alternation(name)})", re.IGNORECASE)


class _Verbs:
    """Where a kind's first casualty verb starts at or after an offset of one sentence. Every
    start is found in one pass over the sentence, so that a sentence of thousands of numbers
    is read once, not once per number (issue 14). The answer is a search of the text from the
    offset: a match right there is tried without the lookbehind, as a slice starting there
    has no word before it."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.end = text, end
        self.starts: dict[str, list[int]] = {}
        self.bodies: dict[str, re.Pattern[str]] = {}
        for kind in ("killed", "wounded"):
            name = f"{kind}_verbs"
            pattern, found = cue_pattern(name), []
            m = pattern.search(text, start, end)
            while m is not None:
                found.append(m.start())
                m = pattern.search(text, m.start() + 1, end)
            self.starts[kind] = found
            self.bodies[kind] = _verb_body(name)

    def first(self, kind: str, at: int, until: int) -> int | None:
        """The first verb start in ``text[at:until]``, relative to ``at``."""
        if at < until and self.bodies[kind].match(self.text, at, self.end):
            return 0
        starts = self.starts[kind]
        i = bisect_right(starts, at)
        return starts[i] - at if i < len(starts) and starts[i] < until else None


def find_figures(text: str, numbers: list[NumberMention], start: int, end: int) -> list[Figure]:
    """Casualty figures among ``numbers`` that fall inside ``text[start:end]`` (one sentence)."""
    inside = [n for n in numbers if start <= n.start and n.end <= end]
    kinds: list[str | None] = []
    verbs = _Verbs(text, start, end) if inside else None
    for n in inside:
        # read to the sentence end: "89 people, including 77 Iranians and 12 Afghans, were
        # killed" puts other numbers between a count and its verb
        after = text[n.end : min(end, n.end + READ_CHARS)]
        before = text[max(start, n.start - 60) : n.start]
        nxt = inside[len(kinds) + 1].start - n.end if len(kinds) + 1 < len(inside) else None
        sentence_before = text[max(start, n.start - READ_CHARS) : n.start]
        kinds.append(_kind_of(after, before, sentence_before, nxt, verbs, n.end))
    # coordination: "13 soldiers and 60 Afghans were killed" -> the first shares the second's kind
    coordinated: dict[int, int] = {}
    for i in range(len(inside) - 2, -1, -1):
        if kinds[i] is None and kinds[i + 1] is not None:
            if _NOT_A_COUNT_AFTER.match(text[inside[i].end : inside[i + 1].start]):
                continue
            gap = text[inside[i].end : inside[i + 1].start]
            if re.fullmatch(r"\s*(?:[\w.'’-]+\s+){0,5}?and\s+(?:at least\s+|about\s+)?", gap, re.I):
                kinds[i] = kinds[i + 1]
                coordinated[i] = i + 1
    # "killing at least 60 Afghans and 13 US military personnel": the second shares the first's
    for i in range(len(inside) - 1):
        if kinds[i] is not None and kinds[i + 1] is None and i not in coordinated:
            later = inside[i + 1].end
            if _OTHER_KIND_LATER.match(text, later, min(end, later + READ_CHARS)):
                continue  # "27 were killed and over 30 others, including X, were injured"
            gap = text[inside[i].end : inside[i + 1].start]
            if re.fullmatch(r"\s*(?:[\w.'’-]+\s+){0,4}?and\s+(?:at least\s+|about\s+)?", gap, re.I):
                kinds[i + 1] = kinds[i]
                coordinated[i] = i + 1
    # "leaving three tourists and their guide dead": one more victim joined to the count
    one_more = {}
    for i, n in enumerate(inside):
        m = _AND_ONE_MORE.match(text, n.end, inside[i + 1].start if i + 1 < len(inside) else end)
        if kinds[i] is None and m:
            kinds[i] = "wounded" if m.group("verb").lower() in ("wounded", "injured") else "killed"
            one_more[i] = 1
    # "killed the minister, Khalil Haqqani, and at least four associates", "killed a guard
    # along with three attackers": a count beside the one the verb names is of the dead too
    for i, n in enumerate(inside):
        prev_end = inside[i - 1].end if i else start
        if (
            kinds[i] is None
            and _named_beside(text, start, n, prev_end, verb_only=True)
            and not _OWN_VERB_AFTER.match(text, n.end, end)
        ):
            kinds[i] = "killed"
    # "killing him along with two civilians", "killed the minister and at least four
    # associates", "the governor and two others were killed": the named victim counts too
    extra = {
        i: 1
        for i, n in enumerate(inside)
        if kinds[i] == "killed"
        and (
            _WITH_HIM.search(text[max(start, n.start - 40) : n.start])
            or _named_beside(text, start, n, inside[i - 1].end if i else start)
        )
        and not (i and coordinated.get(i - 1) == i)
    } | one_more
    figures = []
    for i, n in enumerate(inside):
        kind = kinds[i]
        if kind is None:
            continue
        nxt = inside[i + 1].start if i + 1 < len(inside) else end
        # "raising the toll after two victims died": the two are the rise, not the toll
        lead = text[max(start, n.start - 12) : n.start]
        rise = re.search(r"\b(?:after|as|when|because)\s+$", lead)
        tolls = list(_TOLL.finditer(text, max(start, n.start - READ_CHARS), n.start))
        # "Disputing the death toll given by the hospital, officials said only seven died":
        # a figure someone else states, not the toll itself
        toll = (
            kind == "killed"
            and not rise
            and bool(tolls)
            and not cue_pattern("toll_reported_between").search(text, tolls[-1].end(), n.start)
        )
        who = _who(text[n.end : min(nxt, n.end + READ_CHARS)])
        figures.append(Figure(kind, n, who, coordinated.get(i), extra.get(i, 0), toll))
    return figures


def _kind_of(
    after_to_next: str,
    before: str,
    sentence_before: str,
    next_number: int | None = None,
    verbs: _Verbs | None = None,
    at: int = 0,
) -> str | None:
    """The kind of the number just before ``after_to_next``; ``next_number`` is where the
    sentence's next number starts in ``after_to_next``; ``verbs`` finds the casualty verbs
    of the sentence, where ``after_to_next`` starts at offset ``at``."""
    if _NOT_A_COUNT_AFTER.match(after_to_next):
        return None
    # the verb right before the number is the strongest reading: "killed 46 people and wounded"
    tail = before.rstrip()
    if _WITH_HIM.search(tail + " "):
        return "killed"
    for kind in ("killed", "wounded"):
        for m in cue_pattern(f"{kind}_before").finditer(tail):
            rest = tail[m.end() :]
            if not rest.strip() or _BETWEEN_VERB_AND_COUNT.fullmatch(rest):
                if kind == "wounded" and _KILLED_OR.search(tail[: m.start()]):
                    return None  # "killed or injured more than 100": casualties, not wounded
                return kind
    # "the death toll of the twin bombings in Kerman has risen to 92"
    if (cue_pattern("toll_rise").search(tail + " ") or _TO_END.search(tail)) and _TOLL.search(
        sentence_before
    ):
        return "killed"
    after = after_to_next.lstrip(" ,")
    if re.match(r"lives\b", after, re.I) and re.search(
        rf"(?:{cue_alternation('lives_taken_before')})\s*$", tail, re.I
    ):
        return "killed"  # "the blast claimed six lives"
    if _DEAD_NOUN.match(after):
        return "killed"  # "19 bodies and 40 wounded were brought in": the bodies are the dead
    if verbs is not None:
        lead = len(after_to_next) - len(after)
        until = at + len(after_to_next)
        found = [(verbs.first(kind, at + lead, until), kind) for kind in ("killed", "wounded")]
    else:
        found = [
            (hit.start() if (hit := cue_pattern(f"{kind}_verbs").search(after)) else None, kind)
            for kind in ("killed", "wounded")
        ]
    hits = [(pos, kind) for pos, kind in found if pos is not None]
    if (
        len(hits) == 2
        and min(hits)[1] == "wounded"
        and re.match(r"hospitali[sz]ed", after[min(hits)[0] :], re.I)
        and re.match(r"succumb|died", after[max(hits)[0] :], re.I)
        and not re.search(r"\band\b", after[min(hits)[0] : max(hits)[0]])
    ):
        # "two people, hospitalised in intensive care, succumbed to their injuries": the
        # hospital stay is how they died, not a separate count of wounded
        hits = [h for h in hits if h[1] == "killed"]
    if hits:
        pos, kind = min(hits)
        verb = cue_pattern(f"{kind}_verbs").match(after, pos)
        combined = _COMBINED.match(after, verb.end()) if kind == "killed" and verb else None
        lead = len(after_to_next) - len(after)
        if combined and not (
            next_number is not None
            and _ANOTHER.fullmatch(after, combined.end(), next_number - lead)
        ):
            # "100 people killed and injured": casualties, not deaths; but "left 25 people
            # dead and wounded 40 others" gives each its own count
            return None
        if _gap_ok(after[:pos]):
            return kind
    return None


# "claimed that Pakistani airstrikes killed 46": the claim puts the killing on another actor
_OTHERS_ATTACK = re.compile(
    r"(?:[\w'’.-]+\s+){1,3}?(?:air\s?strikes?|strikes?|drones?|forces|troops|jets|shelling)\b",
    re.I,
)


_TARGET_BEFORE = re.compile(r"\b(?:on|against|targeting|at|of|for|with)\s+(?:the\s+)?$", re.I)


def perpetrator_figures(text: str, s: Sentence, actors: list[ActorMention], claimed: bool) -> bool:
    """Whether the sentence's figures are the perpetrator's own claim: "the group claimed ...
    saying 20 were killed", "ISKP said it had killed 20". Not when the one who says so is a
    state ("the FSB said it killed six IS fighters") or the claim puts the killing on a state's
    strike ("the spokesman claimed that Pakistani airstrikes killed 46"): those are reports."""
    chunk = text[s.start : s.end]
    said = cue_pattern("perpetrator_claim_figure").search(chunk) if claimed else None
    if said is not None:
        return not any(
            a.type in ("state", "force")
            and a.start >= s.start + said.start()
            and _OTHERS_ATTACK.match(text, a.start, s.end)
            # "an attack on Taliban forces": the target, not the one who struck
            and not _TARGET_BEFORE.search(text, max(s.start, a.start - 20), a.start)
            for a in actors
        )
    own = cue_pattern("perpetrator_own_toll").search(chunk)
    if own is None:
        return False
    sayer = [a for a in actors if a.end <= s.start + own.start()]
    return bool(sayer) and sayer[-1].type == "jihadist_group"
