"""Grouping sentences into incidents.

A sentence that carries a trigger or a casualty figure joins the open incident whose date and
place it agrees with, and starts a new one when it names a date or place no open incident is
compatible with (background incidents). A sentence naming neither continues the incident just
discussed, or after a gap the document's main incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from khorasan.extract.cues import INCIDENT_LEXICON, cue, cue_alternation, cue_pattern
from khorasan.extract.incidents.features import GENERIC, SentenceFeatures, offset_date
from khorasan.kb.scene import SPECIFIC_KINDS, place_agrees, places_compatible
from khorasan.model import DateMention, PlaceMention

__all__ = ["Group", "group_sentences"]

# How specific each place kind is: an incident keeps the most specific place it is told at.
PLACE_SPECIFICITY: dict[str, int] = INCIDENT_LEXICON["place_specificity"]
# Within one report, a figure dated a day apart is the same incident (date of the attack vs
# the date of the statement or of the report).
SAME_INCIDENT_MAX_DAYS = 1
# "today", "on Wednesday": resolved against a publication date that may trail the event
RELATIVE_MAX_DAYS = 3
# Two relative dates this many days apart ("on Tuesday", "on Thursday") are two days.
DISTINCT_WEEKDAYS_MIN_DAYS = 2
# A sentence naming no date or place continues the incident of a sentence at most this many
# sentences before it; further away it belongs to the document's main incident.
CONTINUATION_MAX_GAP = 2

# "the attack", "Friday's bombing": a sentence that points back at an incident already named
_REFERS_BACK = re.compile(
    r"\b(?:the|this|that|\w+day[’']s)\s+(?:[\w-]+\s+){0,2}?"
    rf"(?:{cue_alternation('refers_back_nouns')})\b",
    re.I,
)
_SAID_VERBS = rf"(?:{cue_alternation('said_verbs')})"
_SAID_BEFORE = re.compile(rf"\b{_SAID_VERBS}\s+(?:on\s+)?$", re.I)
_SAID_AFTER = re.compile(rf"\s+{_SAID_VERBS}\b", re.I)
# "killed in that attack", "the earlier bombing": words that point at an incident told as an aside
_POINTS_AT_ASIDE = re.compile(
    r"\b(?:that|those|the (?:earlier|previous|same|former))\s+(?:[\w-]+\s+){0,2}?"
    rf"(?:{cue_alternation('refers_back_nouns')})\b",
    re.I,
)
# "The attack began on Sunday evening": the date the incident started
_BEGAN_BEFORE = re.compile(
    r"\b(?:began|begun|started|erupted|broke out)\s+(?:late\s+|early\s+)?(?:on\s+)?$", re.I
)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)


@dataclass(slots=True)
class Group:
    """The sentences of one incident, with the finest date and most specific place they name."""

    sentences: list[SentenceFeatures] = field(default_factory=list)
    date: DateMention | None = None
    place: PlaceMention | None = None
    implicit_date: DateMention | None = None  # used for compatibility only, never reported
    shift: str | None = None  # opened by an earlier or separate incident (see features.shift)
    said: set[int] = field(default_factory=set)  # starts of dates that are a statement's day
    began: set[int] = field(default_factory=set)  # starts of dates the attack is said to begin

    def kinds(self) -> set[str]:
        """The kinds of attack its sentences name (bombing, airstrike ...)."""
        return {k for f in self.sentences for k, _, _ in f.triggers if k != GENERIC}

    def add(
        self, feats: SentenceFeatures, date: DateMention | None, place: PlaceMention | None
    ) -> None:
        self.sentences.append(feats)
        if date is not None and _said_date(feats, date):
            self.said.add(date.start)
        if date is not None and _began_date(feats, date):
            self.began.add(date.start)
        if self.date is None or (
            date is not None and _finer(date, self.date, self.said, self.began)
        ):
            self.date = date or self.date
        if place is not None and (self.place is None or _more_specific(place, self.place)):
            self.place = place


def group_sentences(feats: list[SentenceFeatures], published: str | None = None) -> list[Group]:
    """The incidents the sentences tell of, the document's main incident first."""
    groups: list[Group] = []
    waiting: list[SentenceFeatures] = []
    last: Group | None = None
    last_index = -1
    for f in feats:
        if not f.is_incident_sentence:
            continue
        date, place = _sentence_date(f), _sentence_place(f)
        if (
            place is not None
            and place.start in f.site_names
            and date is None
            and last is not None
            and not places_compatible(last.place, place)
        ):
            # "The explosion tore through the Sayed Abad mosque" after an attack in Kunduz:
            # the place word names the site, not a district in another province
            place = None
        if f.shift and groups and (f.triggers or f.figures):
            # "A week earlier, ...", "Elsewhere, ...", "... comes days after gunmen stormed":
            # another incident than the one just told, with the date it tells or implies
            aside = _aside(groups, last or groups[0], f, date, place, published)
            if f.index != last_index:
                last, last_index = aside, f.index
            continue
        if (
            date is None
            and last is not None
            and not last.shift
            and f.index - last_index <= CONTINUATION_MAX_GAP
            and _part_of_incident(f)
        ):
            # "The first attack took place at the Maiwand Wrestling Club": a part of the
            # incident just told; the club's name is no new scene
            last.add(f, None, None)
            last_index = f.index
            continue
        refers_back = (
            date is None and not f.listed and not any(k != GENERIC for k, _, _ in f.triggers)
        )
        target: Group | None
        if date is None and (place is None or (refers_back and not f.figures and groups)):
            # a sentence that names neither continues the incident just discussed, or, after a
            # gap, the document's main incident; so does "the attack" with no date of its own
            near = last is not None and f.index - last_index <= CONTINUATION_MAX_GAP
            if near and last is not None and last.shift and not _POINTS_AT_ASIDE.search(f.text):
                # an earlier incident told for context is an aside: the text goes back to its
                # news ("the second explosion") unless it points at the aside ("that attack")
                near = False
            placed = [g for g in groups if place_agrees(g.place, place)] if place else []
            if placed:
                target = placed[-1]  # "After the Moscow attack, ...": the incident in Moscow
            elif near and places_compatible(last.place if last else None, place):
                target = last
            elif groups and (f.figures or _REFERS_BACK.search(f.text)):
                if not places_compatible(groups[0].place, place):
                    continue  # "the attack" somewhere the main incident was not
                target = groups[0]  # "the attack", "Friday's bombing": the main incident again
            elif groups:
                continue
            else:
                target = None  # the report's first incident sentence names no date or place
        else:
            # an aside (an earlier incident told for context) takes a sentence that dates
            # itself to it, or points at it ("that attack"); not "the second explosion"
            asides = date is not None or _POINTS_AT_ASIDE.search(f.text) is not None
            kinds = frozenset(k for k, _, _ in f.triggers if k != GENERIC)
            target, agreement = _compatible_group(
                [g for g in groups if not (f.listed and _lists(g, f))],
                last, date, place, asides=asides, kinds=kinds,
                event_date=date is not None and not _said_date(f, date),
            )  # fmt: skip
            far = target is not last or f.index - last_index > CONTINUATION_MAX_GAP
            if target is not None and agreement == 0 and far and _starts_incident(f, date, place):
                target = None  # nothing ties it to that incident: a new one begins
        if target is None:
            if not _starts_incident(f, date, place):
                if f.headline and not groups:
                    waiting.append(f)  # a headline before any report: placed once one exists
                continue
            target = Group()
            if not groups and published and date is None:
                # the first incident of a news report is a recent one: until the text dates it,
                # it is dated to the publication month, so "In October 2002, ..." stays apart
                target.implicit_date = DateMention(0, 0, published[:7], "month", relative=True)
            groups.append(target)
        target.add(f, date, place)
        if f.index != last_index and not (f.headline and groups[0] is not target):
            # later clauses of a split sentence are asides: the text goes on with the first;
            # a caption between paragraphs is one too, unless it shows the main incident
            last, last_index = target, f.index
    if groups:
        # headlines name the report's main incident ("ISIS claims credit for bombing ...")
        main = groups[0]
        for f in waiting:
            date, place = _sentence_date(f), _sentence_place(f)
            if _dates_compatible(main.date or main.implicit_date, date) and places_compatible(
                main.place, place
            ):
                main.sentences.insert(0, f)
    return groups


def _part_of_incident(f: SentenceFeatures) -> bool:
    """Whether the sentence's first attack word is an ordinal part ("the first attack", "a
    second blast") of an incident with several blasts or assaults."""
    if not f.triggers or f.listed or f.shift:
        return False
    a = min(t[1] for t in f.triggers)
    start = f.sentence.start
    return cue_pattern("part_of_incident").search(f.text, 0, a - start) is not None


def _said_date(f: SentenceFeatures, d: DateMention) -> bool:
    """A date that is the day something was said or claimed ("state media said Saturday",
    "on Thursday claimed responsibility"), not the day of the attack."""
    start = f.sentence.start
    if f.text[d.end - start - 2 : d.end - start] in ("'s", "’s"):
        return False  # "IS said Saturday's attack targeted Sikhs": the attack's day
    before = f.text[max(0, d.start - start - 14) : d.start - start]
    after = f.text[d.end - start : d.end - start + 14]
    return _SAID_BEFORE.search(before) is not None or _SAID_AFTER.match(after) is not None


def _began_date(f: SentenceFeatures, d: DateMention) -> bool:
    """A date the text gives as the start of the attack ("the attack began on Sunday")."""
    start = f.sentence.start
    return _BEGAN_BEFORE.search(f.text[max(0, d.start - start - 30) : d.start - start]) is not None


def _lists(g: Group, f: SentenceFeatures) -> bool:
    """Whether ``g`` holds another item of the list ``f`` is an item of ("including the
    attack on a hospital in Kabul in May, ..., an attack on Kabul University in November"):
    each listed item is an incident of its own."""
    return any(x.listed and x.index == f.index for x in g.sentences)


def _aside(
    groups: list[Group],
    ref: Group,
    f: SentenceFeatures,
    date: DateMention | None,
    place: PlaceMention | None,
    published: str | None,
) -> Group:
    """The incident a shifted sentence tells (see :attr:`SentenceFeatures.shift`), with the
    date it implies and, "in the same province", the place of ``ref``, the incident before."""
    date = date or _shifted_date(f, ref, published)
    # "in a separate attack in the same province"; "this same shrine in Pakistan was also
    # attacked in 2005": a country names no other scene than the one before
    vague = place is None or (place.kind == "country" and places_compatible(ref.place, place))
    if vague and ref.place is not None and cue("same_scene", f.text):
        place = ref.place
    target = _told_before(groups, f, date, place)
    if target is None:
        target = Group(shift=f.shift)
        groups.append(target)
    target.add(f, date, place)
    return target


def _same_spot(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """The same named place, or the same province where neither names a spot in it."""
    if a is None or b is None:
        return False
    if a.name == b.name:
        return True
    return a.kind not in SPECIFIC_KINDS and b.kind not in SPECIFIC_KINDS and place_agrees(a, b)


def _shifted_date(f: SentenceFeatures, ref: Group, published: str | None) -> DateMention | None:
    """The date a time shift implies: "a week earlier" counts back from the incident just
    told (from the report for "a week ago"), at the day; "elsewhere" keeps its date."""
    if f.shift == "separate":
        return ref.date
    ref_date = ref.date or ref.implicit_date
    base = published if f.offset_from_published else (ref_date.value if ref_date else None)
    if f.offset_days is None:
        return offset_date(f, base)  # "two months after", "weeks after"
    if base is None or len(base) != 10:
        return None
    day = date.fromisoformat(base) - timedelta(days=f.offset_days)
    at = f.sentence.start
    return DateMention(at, at, day.isoformat(), "day", relative=True)


def _told_before(
    groups: list[Group], f: SentenceFeatures, date: DateMention | None, place: PlaceMention | None
) -> Group | None:
    """An earlier incident the text told before that this one positively agrees with (the
    report's main incident excepted: a shifted sentence tells another one): the same place,
    or a place that may be the same and the same span back ("a week after ...", "a week ago")."""
    for g in groups[1:]:
        if not _dates_compatible(g.date, date) or not places_compatible(g.place, place):
            continue
        if any(x.index == f.index for x in g.sentences):
            continue  # "a shrine was blown up and, also on the same day, a bomb exploded"
        if f.shift == "separate" and date is not None and g.date is None:
            continue  # "another attack at the same school in October 2020": dated apart
        dated = date is not None and g.date is not None
        if (dated or g.shift is not None) and _same_spot(g.place, place):
            return g
        if f.offset_days is not None and any(x.offset_days == f.offset_days for x in g.sentences):
            return g
    return None


def _anchor(feats: SentenceFeatures) -> int:
    if feats.triggers:
        return feats.triggers[0][1]
    if feats.figures:
        return feats.figures[0].number.start
    return feats.sentence.start


def _sentence_date(feats: SentenceFeatures) -> DateMention | None:
    if not feats.dates:
        return None
    anchor = _anchor(feats)
    # the date nearest the attack word: "its March 25 statement following its March 22 attack"
    return min(feats.dates, key=lambda d: (abs(d.start - anchor), d.relative))


def _sentence_place(feats: SentenceFeatures) -> PlaceMention | None:
    places = [p for p in feats.places if p.kind != "demonym"]
    if not places:
        return None
    anchor = _anchor(feats)
    # places in several countries: the country nearest the attack word is the scene ("Sri
    # Lanka's Easter attack ... had travelled to Karnataka"); within it, the most specific place
    nearest = min(places, key=lambda p: abs(p.start - anchor))
    same_country = [p for p in places if p.country == nearest.country]
    return max(
        same_country, key=lambda p: (PLACE_SPECIFICITY.get(p.kind, 1), -abs(p.start - anchor))
    )


def _starts_incident(
    f: SentenceFeatures, date: DateMention | None, place: PlaceMention | None
) -> bool:
    """Enough to open an incident: a casualty figure, a claim, an event verb, or an attack word
    placed in time and space ("the 2020 attack on a gurdwara in Kabul")."""
    if f.figures or (f.claimed and f.actors and (f.triggers or cue("claim_of_an_attack", f.text))):
        return not f.headline or date is not None
    if not f.triggers:
        return False
    if f.headline:
        # a caption or list item stands alone only when it dates what it shows
        return date is not None and (
            place is not None or any(k != GENERIC for k, _, _ in f.triggers)
        )
    definite = all(
        _DEFINITE_BEFORE.search(f.text[: a - f.sentence.start]) for _, a, _ in f.triggers
    )
    vaguely_placed = (date is None and place is None) or (date is not None and date.relative)
    if definite and vaguely_placed:
        # "the shooting", "the bombings" with nothing that dates or places them anew: the
        # incident already named ("The 2020 attack on a gurdwara in Kabul" still opens one)
        return False
    if cue("strong_incident", f.text):
        return True
    specific = any(k != GENERIC for k, _, _ in f.triggers)
    if f.listed and place is not None:
        return True
    if specific and date is not None and not date.relative and date.precision != "year":
        return True  # "assassinated in a US drone attack on January 3, 2020"
    # an attack word alone ("the MOAB is a weapon ...") needs both a date and a place
    return date is not None and place is not None


def _compatible_group(
    groups: list[Group],
    last: Group | None,
    date: DateMention | None,
    place: PlaceMention | None,
    *,
    asides: bool = True,
    kinds: frozenset[str] = frozenset(),
    event_date: bool = False,
) -> tuple[Group | None, int]:
    """The open incident this sentence agrees with, and how much it positively agrees (0-4).

    Positive agreement (same place, a date on both sides) beats mere absence of conflict.
    """
    best: tuple[tuple[int, int, int], int, Group] | None = None
    for g in groups:
        if g.shift and not asides:
            continue
        g_date = g.date or g.implicit_date
        # two weekdays of the events themselves are two days; not the day a statement came
        distinct = event_date and g_date is not None and g_date.start not in g.said
        if not (
            _dates_compatible(g_date, date, distinct_days=distinct)
            and places_compatible(g.place, place)
        ):
            continue
        agreement = 2 * place_agrees(g.place, place) + 2 * (g_date is not None and date is not None)
        # then the same kind of attack ("the bombings" after a bombing and an air strike),
        # then the same day, then the incident just told
        key = (
            agreement + int(bool(kinds & g.kinds())),
            int(g_date is not None and date is not None and g_date.value == date.value),
            int(g is last),
        )
        if best is None or key > best[0]:
            best = (key, agreement, g)
    return (best[2], best[1]) if best else (None, 0)


def _dates_compatible(
    a: DateMention | None, b: DateMention | None, *, distinct_days: bool = False
) -> bool:
    """Whether two dates can be one incident's: one within the other, or days close enough."""
    if a is None or b is None:
        return True
    x, y = a.value, b.value
    if x.startswith(y) or y.startswith(x):
        return True
    if len(x) == len(y) == 10:
        days = abs((date.fromisoformat(x) - date.fromisoformat(y)).days)
        if distinct_days and a.relative and b.relative and days >= DISTINCT_WEEKDAYS_MIN_DAYS:
            # "on Thursday" and "on Tuesday", both counted from the report's day: two days
            # ("this morning" in a quote and "yesterday" may be one)
            return False
        limit = RELATIVE_MAX_DAYS if (a.relative or b.relative) else SAME_INCIDENT_MAX_DAYS
        return days <= limit
    return False


def _finer(
    a: DateMention,
    b: DateMention,
    said: set[int] | frozenset[int] = frozenset(),
    began: set[int] | frozenset[int] = frozenset(),
) -> bool:
    """Whether date ``a`` should replace ``b`` as an incident's date.

    The day of the attack beats the day a statement came ("IS on Thursday claimed the
    bombings" after "the blasts on Wednesday"); then finer precision wins; then a written date
    beats a resolved relative one; then the earlier date wins, since reports come after the
    event ("reported on Saturday" vs "on Wednesday").
    """
    if (a.start in said) != (b.start in said):
        return b.start in said
    if (a.start in began) != (b.start in began) and _dates_compatible(a, b):
        # "The attack began on Sunday evening" beats a caption's "03 August" after midnight:
        # an incident is dated by its start
        return a.start in began
    if len(a.value) != len(b.value):
        return len(a.value) > len(b.value)
    if a.relative != b.relative:
        return b.relative
    return a.value < b.value


def _more_specific(a: PlaceMention, b: PlaceMention) -> bool:
    return PLACE_SPECIFICITY.get(a.kind, 1) > PLACE_SPECIFICITY.get(b.kind, 1)
