"""Incident extraction: from an annotated document to SCHEMA.md incident records.

The cascade, cheapest first:
1. each sentence gets features: attack triggers, casualty figures, dates, places, actors,
   claim / suspicion / aggregate / plot cues (regex and automaton passes over one sentence);
2. sentences that carry a trigger or a casualty figure are grouped into incidents: a sentence
   joins the incident whose date and place it agrees with, and starts a new one when it names
   a date or place no open incident is compatible with (background incidents);
3. each group becomes one record; every field keeps the span of the words it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.annotate.numbers import parse_number_words
from khorasan.extract.cues import cue, cue_pattern
from khorasan.extract.figures import Figure, find_figures
from khorasan.extract.lexicons import attack_triggers, suicide_pattern, target_triggers
from khorasan.kb.geo import distance_km
from khorasan.model import ActorMention, DateMention, PlaceMention, Sentence

__all__ = ["SentenceFeatures", "extract_incidents", "sentence_features"]

# Attack types in the order one wins over another when a report names several ("gunmen and
# suicide bombers stormed the gurdwara" is an armed assault; a jailbreak starts with a bomb).
ATTACK_TYPE_PRIORITY = (
    "jailbreak",
    "hostage_taking",
    "airstrike",
    "assassination",
    "armed_assault",
    "bombing",
    "rocket",
    "raid",
    "other",
)
# Target types in the order a more specific one wins ("a Shia mosque in a market").
TARGET_TYPE_PRIORITY = (
    "religious",
    "education",
    "foreign",
    "government",
    "media",
    "security_forces",
    "infrastructure",
    "militants",
    "civilians",
    "other",
)
PLACE_SPECIFICITY = {
    "site": 5,
    "neighbourhood": 4,
    "city": 3,
    "admin2": 3,
    "admin1": 2,
    "country": 1,
    "demonym": 0,
}
ISK = "IS-K"
CORE_IS = "Islamic State"
# Trigger kind of an incident word that names no attack type ("the attack").
GENERIC = "generic"
# Within one report, a figure dated a day apart is the same incident (date of the attack vs
# the date of the statement or of the report).
SAME_INCIDENT_MAX_DAYS = 1
# "today", "on Wednesday": resolved against a publication date that may trail the event
RELATIVE_MAX_DAYS = 3
# Two places this close (km) can be one scene: "Crocus City Hall" and "the outskirts of Moscow".
NEAR_KM = 60.0
METRO_KM = 40.0
SPECIFIC_KINDS = ("admin2", "city", "neighbourhood", "site")
# A sentence naming no date or place continues the incident of a sentence at most this many
# sentences before it; further away it belongs to the document's main incident.
CONTINUATION_MAX_GAP = 2
# A total cue ("death toll", "in all") counts for a figure at most this many characters after it.
TOTAL_WINDOW_CHARS = 60
# Captions and bylines that survive cleaning are short lines without a verb; shorter than this a
# line is not read as an incident sentence unless it has a casualty figure.
MIN_TRIGGER_SENTENCE_CHARS = 25


# "since 1979", "until 2020": a date that bounds a period, not the day of an incident
_NOT_EVENT_DATE = re.compile(
    r"\b(?:since|until|till|through|as of)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?$", re.I
)

# ... unless the date is then said to be when something happened: "since 1978, when arson killed"
_WHEN_AFTER = re.compile(r"^,?\s+when\b", re.I)
# "Iran-backed", "US-led", "Kabul-based": a place name that modifies a noun locates nothing
_MODIFIER_AFTER = re.compile(r"-[a-z]")
# "Pakistan's deadliest attack": the attack word follows the possessive within a few words
POSSESSIVE_TRIGGER_CHARS = 30
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|into|throughout|within|of|on|from|over)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)


# "the attack", "Friday's bombing": a sentence that points back at an incident already named
_REFERS_BACK = re.compile(
    r"\b(?:the|this|that|\w+day[’']s)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|bombings?|blasts?|"
    r"explosions?|assault|shooting|strike|incident|raid|massacre|siege)\b",
    re.I,
)


# a listed item with an article (or "twin") names one incident ("a strike on a church"); a
# bare plural ("cross-border attacks into Pakistan") names a kind of activity
_ONE_ITEM = re.compile(r"\b(?:a|an|the|twin|double)\s+(?:[\w-]+\s+){0,3}\S?$", re.I)
_BARE_PLURAL = re.compile(
    r"(?<!\bthe )(?<!\btwo )(?<!\btwin )(?<!\bthree )(?<!\bdouble )(?<!\bof )"
    r"\b(?:attacks|strikes|bombings|raids|assaults|operations|blasts|explosions|shootings)$",
    re.I,
)
_LISTING = re.compile(r"\b(?:including|such as|among them|notably)\b", re.I)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)


@dataclass(slots=True)
class SentenceFeatures:
    """What one sentence (or one clause of it, see :func:`_split_clauses`) says."""

    index: int
    text: str
    evidence: Sentence  # what a record built on it quotes: the sentence, or the clause
    sentence: Sentence
    triggers: list[tuple[str, int, int]]  # (attack_type, start, end)
    figures: list[Figure]
    dates: list[DateMention]
    places: list[PlaceMention]
    actors: list[ActorMention]
    claimed: bool
    claim_negated: bool
    suspected: bool
    perpetrator_figures: bool  # the figures are the perpetrator's own claim
    aggregate: bool
    plot: bool
    total: bool
    headline: bool  # a line without closing punctuation: headline, caption, label
    listed: bool = False  # one item of a listing clause ("including X in A, Y in B")

    @property
    def is_incident_sentence(self) -> bool:
        if self.plot and not self.figures:
            return False
        if self.aggregate and not self.figures:
            return False
        start = self.sentence.start
        if not self.figures and self.triggers and all(
            _BARE_PLURAL.search(self.text, max(0, a - start - 40), b - start)
            for _, a, b in self.triggers
        ):
            return False  # "cross-border attacks, rocket strikes": kinds of activity, no incident
        # "The group claimed responsibility.": no trigger, but it says who did it
        return bool(self.triggers or self.figures or (self.claimed and self.actors))


@dataclass(slots=True)
class Group:
    sentences: list[SentenceFeatures] = field(default_factory=list)
    date: DateMention | None = None
    place: PlaceMention | None = None
    implicit_date: DateMention | None = None  # used for compatibility only, never reported

    def add(
        self, feats: SentenceFeatures, date: DateMention | None, place: PlaceMention | None
    ) -> None:
        self.sentences.append(feats)
        if self.date is None or (date is not None and _finer(date, self.date)):
            self.date = date or self.date
        if place is not None and (self.place is None or _more_specific(place, self.place)):
            self.place = place


def extract_incidents(ann: AnnotatedDocument) -> list[dict[str, Any]]:
    """Incident records (SCHEMA.md fields plus evidence, span, spans, confidence)."""
    text = ann.doc.text
    groups = _group(sentence_features(ann), ann.doc.published)
    records = []
    doc_country = _dominant_country(ann.places)
    names_branch = any(a.canonical == ISK for a in ann.actors)
    for g_index, group in enumerate(groups):
        record = _record(text, group, doc_country if g_index == 0 else None)
        if record is None:
            continue
        if g_index == 0 and record["date"] is None and ann.doc.published:
            # a news report is about something recent: its month is the honest precision;
            # "At least 33 people have been killed": breaking news tells of its own day
            breaking = len(ann.doc.published) == 10 and any(
                cue("breaking_news", f.text) for f in group.sentences if not f.headline
            )
            record["date"] = ann.doc.published if breaking else ann.doc.published[:7]
            record["date_precision"] = "day" if breaking else "month"
        elif record["date"] is None and ann.doc.published and _called_recent(group):
            # "the recent suicide bombing at Kabul airport": this year, at the honest precision
            # (a report in January may mean December: then no year is given)
            if ann.doc.published[5:7] not in ("", "01", "02"):
                record["date"] = ann.doc.published[:4]
                record["date_precision"] = "year"
        if record["perpetrator"] == "unknown":
            record.update(_antecedent_perpetrator(ann, group, record["spans"]))
        if names_branch and record["perpetrator"] == CORE_IS:
            # a report that names the Khorasan branch identifies who "the Islamic State" is
            record["perpetrator"] = ISK
        records.append(record)
    return records


# ------------------------------------------------------------------------------- features
def sentence_features(ann: AnnotatedDocument) -> list[SentenceFeatures]:
    """Features of every sentence, sentences listing several incidents split into clauses.

    The trigger lexicons run once over the whole text; sentences then take their share.
    """
    passes = _DocPasses.of(ann)
    out = [
        clause
        for i, s in enumerate(ann.sentences)
        for clause in _split_clauses(ann, passes, _features(ann, passes, i, s))
    ]
    for f in out:
        earlier = _years_earlier(ann, f)
        if earlier is not None:
            f.dates = [earlier]
    return out


class _Spans:
    """Annotations sorted by start, cut by sentence with a binary search."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def within(self, s: Sentence) -> list[Any]:
        i = bisect_left(self.starts, s.start)
        out = []
        while i < len(self.items) and self.items[i].start < s.end:
            if self.items[i].end <= s.end:
                out.append(self.items[i])
            i += 1
        return out


@dataclass(slots=True)
class _DocPasses:
    """The whole-text passes every sentence shares."""

    triggers: _Spans
    numbers: _Spans
    dates: _Spans
    places: _Spans
    actors: _Spans

    @classmethod
    def of(cls, ann: AnnotatedDocument) -> _DocPasses:
        text = ann.doc.text
        typed = attack_triggers(text)
        # "the attack", "a strike on a church": incident words that name no type
        generic = [
            (GENERIC, m.start(), m.end())
            for m in cue_pattern("generic_attack").finditer(text)
            if not any(a <= m.start() < b for _, a, b in typed)
        ]
        triggers = [_Trigger(k, a, b) for k, a, b in typed + generic]
        return cls(_Spans(triggers), _Spans(ann.numbers), _Spans(ann.dates),
                   _Spans(ann.places), _Spans(ann.actors))  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Trigger:
    kind: str
    start: int
    end: int


def _features(
    ann: AnnotatedDocument, passes: _DocPasses, index: int, s: Sentence
) -> SentenceFeatures:
    text = ann.doc.text
    chunk = text[s.start : s.end]
    # "warned of a possible attack", "threats of further bombings": no attack happened
    triggers = [
        (t.kind, t.start, t.end)
        for t in passes.triggers.within(s)
        if not cue_pattern("hypothetical_before").search(text, max(s.start, t.start - 40), t.start)
    ]
    if len(chunk) < MIN_TRIGGER_SENTENCE_CHARS:
        triggers = []
    numbers = passes.numbers.within(s)
    actors = passes.actors.within(s)
    headline = _is_headline(text, s.end)
    if not triggers and not numbers and not actors:
        # the cheap pass says no incident can rest on this sentence: skip the costly cues
        return SentenceFeatures(index, chunk, s, s, [], [], [], [], [], False, False, False,
                                False, False, False, False, headline)  # fmt: skip
    plot = cue("plot", chunk)
    # "arrested 11 people in six provinces": counts in a sentence about arrests are no casualties
    figures = [] if plot or not numbers else find_figures(text, numbers, s.start, s.end)
    claim_negated = cue("claim_negation", chunk)
    dateline = cue_pattern("dateline").match(chunk)
    # "the United States rejected ...", "Israel was behind ...": a country named as a subject is
    # no location; a country is where something happened only after "in", "across", "of" ...
    places = [
        p
        for p in passes.places.within(s)
        if not _MODIFIER_AFTER.match(text, p.end)  # "an Iran-backed militia" is in Iraq
        and (
            p.kind != "country"
            or _LOCATIVE_BEFORE.search(text[max(0, p.start - 30) : p.start])
            or _possessive_scene(text, p.end, triggers)
        )
    ]
    if dateline:  # "QUETTA:" / "Kabul (Reuters) -": where the report was filed, not the event
        places = [p for p in places if p.start >= s.start + dateline.end()]
    claimed = cue("claim", chunk)
    return SentenceFeatures(
        index=index,
        text=chunk,
        evidence=s,
        sentence=s,
        triggers=triggers,
        figures=figures,
        dates=[d for d in passes.dates.within(s) if _event_date(text, d)],
        places=places,
        actors=actors,
        claimed=claimed and not claim_negated,
        claim_negated=claim_negated,
        suspected=cue("suspicion", chunk),
        # "the group claimed ... saying 20 were killed"; "ISKP said it had killed 20"
        perpetrator_figures=(claimed and cue("perpetrator_claim_figure", chunk))
        or (
            cue("perpetrator_own_toll", chunk)
            and any(a.type == "jihadist_group" for a in actors)
        ),
        aggregate=cue("aggregate", chunk),
        plot=plot,
        total=cue("total", chunk),
        headline=headline,
    )


_CLOSING = frozenset('.!"”’\'')


def _possessive_scene(text: str, end: int, triggers: list[tuple[str, int, int]]) -> bool:
    """"Sri Lanka's Easter attack" places an attack; "Iran's Revolutionary Guards" does not."""
    if not text.startswith(("’s", "'s"), end):
        return False
    return any(end < a <= end + POSSESSIVE_TRIGGER_CHARS for _, a, _ in triggers)


def _is_headline(text: str, end: int) -> bool:
    """A line without closing punctuation (headline, caption) or a question reports nothing."""
    i = end - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] not in _CLOSING


def _event_date(text: str, d: DateMention) -> bool:
    if not _NOT_EVENT_DATE.search(text[max(0, d.start - 24) : d.start]):
        return True
    return _WHEN_AFTER.match(text[d.end : d.end + 12]) is not None


def _split_clauses(
    ann: AnnotatedDocument, passes: _DocPasses, f: SentenceFeatures
) -> list[SentenceFeatures]:
    """Split a sentence that lists several incidents in different places into clauses.

    "The 2020 attack on a gurdwara in Kabul and the jailbreak in Nangarhar the same year":
    each trigger opens a clause that runs to the next trigger; the split is kept only when the
    clauses name places in different provinces or countries.
    """
    starts = sorted({a for _, a, _ in f.triggers})
    if len(starts) == 1 and f.aggregate:
        # "a string of attacks this year, including a bombing in Kandahar on March 3 that
        # killed 12": the one listed item is an incident of its own, dated and placed by its
        # own words, not by the aggregate's
        listing = _LISTING.search(f.text)
        item_start = f.sentence.start + listing.end() if listing else None
        if (
            item_start is not None
            and starts[0] >= item_start
            and _ONE_ITEM.search(ann.doc.text[max(0, starts[0] - 40) : starts[0] + 1])
        ):
            item = _features(ann, passes, f.index, Sentence(item_start, f.sentence.end))
            item.listed, item.aggregate, item.headline = True, False, f.headline
            return [item]
    if len(starts) < 2:
        return [f]
    text = ann.doc.text
    inner = [_clause_start(text, a, floor) for a, floor in zip(starts[1:], starts, strict=False)]
    bounds = [f.sentence.start] + inner + [f.sentence.end]
    clauses = [Sentence(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    places = [
        next((p for p in f.places if c.start <= p.start < c.end and p.kind != "demonym"), None)
        for c in clauses
    ]
    years = {
        next((d.value[:4] for d in f.dates if c.start <= d.start < c.end), "") for c in clauses
    } - {""}
    known = [p for p in places if p is not None]
    apart = any(not _places_compatible(a, b) for a in known for b in known)
    if not apart and len(years) < 2:
        return [f]
    # each clause is its own evidence: one sentence, several incidents, several records
    out = [_features(ann, passes, f.index, c) for c in clauses]
    listing = _LISTING.search(f.text)
    for i, clause in enumerate(out):
        clause.headline = f.headline  # a clause ends mid-sentence; the sentence decides
        first_trigger = min((a for _, a, _ in clause.triggers), default=clause.sentence.end)
        if (
            listing
            and first_trigger >= f.sentence.start + listing.end()
            and _ONE_ITEM.search(ann.doc.text[max(0, first_trigger - 40) : first_trigger + 1])
        ):
            # "a number of attacks, including the twin bombings in Kerman, a strike on a church
            # in Istanbul ...": each listed item is one incident, not the aggregate
            clause.listed = True
            clause.aggregate = False
        if not clause.dates and i > 0 and out[i - 1].dates:
            # "... in Kabul and the jailbreak in Nangarhar the same year": the date carries on
            clause.dates = [out[i - 1].dates[-1]]
    return out


# a clause opens with the noun phrase of its attack word, and with a victim "killed in" it:
# "..., a top general killed in | a US drone strike in Iraq" splits before "a top general"
_CLAUSE_LEAD = re.compile(
    r"(?:\b(?:[\w'’-]+\s+){0,5}?(?:killed|assassinated|slain|died)\s+(?:in|by|during)\s+)?"
    r"\b(?:a|an|the|its|their)\s+(?:[\w'’-]+\s+){0,3}$",
    re.I,
)
CLAUSE_LEAD_CHARS = 80


def _clause_start(text: str, trigger: int, previous_trigger: int) -> int:
    """Where the clause of the attack word at ``trigger`` begins (after ``previous_trigger``)."""
    floor = max(previous_trigger + 1, trigger - CLAUSE_LEAD_CHARS)
    m = _CLAUSE_LEAD.search(text, floor, trigger)
    return m.start() if m else trigger


# "four years after a targeted US drone strike": the years run back from the text's time
_YEARS_AFTER = re.compile(
    r"\b([\w-]+)\s+years?\s+after\s+(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,3}$", re.I
)


def _years_earlier(ann: AnnotatedDocument, f: SentenceFeatures) -> DateMention | None:
    """"The blasts ..., four years after a US drone strike killed ...": the strike's year is
    the publication year less four (a report tells of its own time)."""
    published = ann.doc.published
    if f.dates or not published or not published[:4].isdigit():
        return None
    for _, a, _ in f.triggers:
        m = _YEARS_AFTER.search(ann.doc.text, max(f.sentence.start, a - 60), a)
        if m is None:
            continue
        word = m.group(1)
        n = int(word) if word.isdigit() else parse_number_words(word)
        if n and 0 < n < 100:
            return DateMention(m.start(), m.end(), str(int(published[:4]) - n), "year", True)
    return None


# ------------------------------------------------------------------------------- grouping
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


def _group(feats: list[SentenceFeatures], published: str | None = None) -> list[Group]:
    groups: list[Group] = []
    waiting: list[SentenceFeatures] = []
    last: Group | None = None
    last_index = -1
    for f in feats:
        if not f.is_incident_sentence:
            continue
        date, place = _sentence_date(f), _sentence_place(f)
        refers_back = (
            date is None and not f.listed and not any(k != GENERIC for k, _, _ in f.triggers)
        )
        if date is None and (place is None or (refers_back and not f.figures and groups)):
            # a sentence that names neither continues the incident just discussed, or, after a
            # gap, the document's main incident; so does "the attack" with no date of its own
            near = last is not None and f.index - last_index <= CONTINUATION_MAX_GAP
            placed = [g for g in groups if _place_agrees(g.place, place)] if place else []
            if placed:
                target = placed[-1]  # "After the Moscow attack, ...": the incident in Moscow
            elif near and _places_compatible(last.place if last else None, place):
                target = last
            elif groups and (f.figures or _REFERS_BACK.search(f.text)):
                if not _places_compatible(groups[0].place, place):
                    continue  # "the attack" somewhere the main incident was not
                target = groups[0]  # "the attack", "Friday's bombing": the main incident again
            elif groups:
                continue
            else:
                target = None  # the report's first incident sentence names no date or place
        else:
            target, agreement = _compatible_group(groups, last, date, place)
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
            if _dates_compatible(main.date or main.implicit_date, date) and _places_compatible(
                main.place, place
            ):
                main.sentences.insert(0, f)
    return groups


def _starts_incident(
    f: SentenceFeatures, date: DateMention | None, place: PlaceMention | None
) -> bool:
    """Enough to open an incident: a casualty figure, a claim, an event verb, or an attack word
    placed in time and space ("the 2020 attack on a gurdwara in Kabul")."""
    if f.figures or (f.claimed and f.actors):
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
    groups: list[Group], last: Group | None, date: DateMention | None, place: PlaceMention | None
) -> tuple[Group | None, int]:
    """The open incident this sentence agrees with, and how much it positively agrees (0-4).

    Positive agreement (same place, a date on both sides) beats mere absence of conflict.
    """
    best: tuple[int, int, Group] | None = None
    for g in groups:
        g_date = g.date or g.implicit_date
        if not (_dates_compatible(g_date, date) and _places_compatible(g.place, place)):
            continue
        agreement = 2 * _place_agrees(g.place, place) + 2 * (
            g_date is not None and date is not None
        )
        key = (agreement, int(g is last))
        if best is None or key > best[:2]:
            best = (agreement, int(g is last), g)
    return (best[2], best[0]) if best else (None, 0)


def _place_agrees(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return False
    if a.name == b.name or (a.admin1 is not None and a.admin1 == b.admin1):
        return True
    # "a concert hall in the outskirts of Moscow" and "the Crocus City Hall": one scene
    return a.kind in SPECIFIC_KINDS and b.kind in SPECIFIC_KINDS and _within(a, b, METRO_KM)


def _dates_compatible(a: DateMention | None, b: DateMention | None) -> bool:
    if a is None or b is None:
        return True
    x, y = a.value, b.value
    if x.startswith(y) or y.startswith(x):
        return True
    if len(x) == len(y) == 10:
        days = abs((date.fromisoformat(x) - date.fromisoformat(y)).days)
        limit = RELATIVE_MAX_DAYS if (a.relative or b.relative) else SAME_INCIDENT_MAX_DAYS
        return days <= limit
    return False


def _places_compatible(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.kind in SPECIFIC_KINDS and b.kind in SPECIFIC_KINDS:
        if a.name == b.name:
            return True
        if a.kind == b.kind and a.kind in ("admin2", "city"):
            return False  # two districts or two towns by name: two scenes
        if None not in (a.lat, a.lon, b.lat, b.lon):
            # a city that is its own province (Moscow, Islamabad) sits by places of the next
            # province (Crocus City Hall, Moscow Oblast): closer than a metropolitan area
            return _within(a, b, METRO_KM if "admin1" in (a.precision, b.precision) else NEAR_KM)
    if a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return False
    return True


def _within(a: PlaceMention, b: PlaceMention, km: float) -> bool:
    """Both places have coordinates and lie within ``km`` of each other."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= km


def _finer(a: DateMention, b: DateMention) -> bool:
    """Whether date ``a`` should replace ``b`` as an incident's date.

    Finer precision wins; then a written date beats a resolved relative one; then the earlier
    date wins, since reports come after the event ("reported on Saturday" vs "on Wednesday").
    """
    if len(a.value) != len(b.value):
        return len(a.value) > len(b.value)
    if a.relative != b.relative:
        return b.relative
    return a.value < b.value


def _more_specific(a: PlaceMention, b: PlaceMention) -> bool:
    return PLACE_SPECIFICITY.get(a.kind, 1) > PLACE_SPECIFICITY.get(b.kind, 1)


def _dominant_country(places: Sequence[PlaceMention]) -> PlaceMention | None:
    counts = Counter(p.country for p in places if p.country)
    if not counts:
        return None
    country = counts.most_common(1)[0][0]
    return next(p for p in places if p.country == country)


# --------------------------------------------------------------------------------- record
def _record(
    text: str, group: Group, fallback_country: PlaceMention | None
) -> dict[str, Any] | None:
    sentences = group.sentences
    if not any(f.triggers for f in sentences) and not any(f.figures for f in sentences):
        return None
    if all(f.headline for f in sentences) and not _captions_an_incident(group):
        return None  # a headline or caption alone is no report of an incident
    place = group.place
    if group.date is None and place is None and fallback_country is None:
        return None  # not placed in time or space: SCHEMA says it is no incident
    if all(f.aggregate or f.plot for f in sentences):
        return None
    spans: dict[str, list[int]] = {}
    # evidence: the first full sentence that reports the incident with a figure, else with a
    # trigger (a caption or comment line that only mentions the attack is weaker evidence)
    reporting = [f for f in sentences if not f.headline and (f.triggers or f.figures)]
    anchor = next(
        (f for f in reporting if f.figures),
        reporting[0] if reporting else max(sentences, key=_evidence_score),
    )
    record: dict[str, Any] = {
        "date": group.date.value if group.date else None,
        "date_precision": group.date.precision if group.date else None,
    }
    if group.date:
        spans["date"] = [group.date.start, group.date.end]
    record.update(_place_fields(place, fallback_country, spans))
    record.update(_perpetrator_fields(text, sentences, spans))
    attack_type, suicide = _attack_type(text, sentences, spans)
    record["attack_type"] = attack_type
    record["suicide"] = suicide
    target_type, target = _target(text, sentences, spans)
    if (
        attack_type in ("bombing", "armed_assault")
        and target_type == "government"
        and _kills_official(text, sentences)
    ):
        # a governor shot dead or killed by a bomb under his car: the killing of an official
        # is an assassination; "shot dead a civilian" stays an armed assault
        record["attack_type"] = "assassination"
    record["target_type"] = target_type
    record["target"] = target
    record.update(_casualties(sentences, spans))
    s = anchor.evidence
    record["evidence"] = text[s.start : s.end]
    record["span"] = [s.start, s.end]
    record["sentences"] = sorted({(f.evidence.start, f.evidence.end) for f in sentences})
    record["spans"] = spans
    record["confidence"] = _confidence(record, sentences)
    return record


def _called_recent(group: Group) -> bool:
    """Whether the text calls the incident recent ("the recent bombing", "recently")."""
    return any(
        cue("recent", f.text[max(0, a - f.sentence.start - 30) : a - f.sentence.start])
        for f in group.sentences
        for _, a, _ in f.triggers
    )


def _captions_an_incident(group: Group) -> bool:
    """A caption that names an attack of a kind, a month or day and a place stands for an
    incident the body may only allude to ("... before his death in a US airstrike in Jowzjan
    in April 2018"); an undated or unplaced one is furniture."""
    return (
        group.date is not None
        and group.date.precision in ("day", "month")
        and not group.date.relative
        and group.place is not None
        and any(k != GENERIC for f in group.sentences for k, _, _ in f.triggers)
    )


def _evidence_score(f: SentenceFeatures) -> tuple[int, int]:
    """Rank sentences for the evidence: a full sentence that says what, where, when, how many."""
    info = (
        2 * bool(f.triggers)
        + 2 * bool(f.figures)
        + bool(f.dates)
        + bool(f.places)
        + bool(f.actors)
        + 2 * (not f.headline)
    )
    return info, -f.index


def _place_fields(
    place: PlaceMention | None, fallback: PlaceMention | None, spans: dict[str, list[int]]
) -> dict[str, Any]:
    chosen = place or fallback
    if chosen is None:
        return {
            "country": None,
            "admin1": None,
            "admin2": None,
            "place": None,
            "coordinates": None,
            "place_precision": None,
        }
    spans["place"] = [chosen.start, chosen.end]
    kind = chosen.kind
    coords = {"lat": chosen.lat, "lon": chosen.lon} if chosen.lat is not None else None
    return {
        "country": chosen.country,
        "admin1": chosen.admin1,
        "admin2": chosen.admin2,
        "place": chosen.name if kind not in ("country", "demonym") else None,
        "coordinates": coords,
        "place_precision": chosen.precision if place is not None else "country",
    }


def _perpetrator_fields(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> dict[str, Any]:
    """Perpetrator and the strongest attribution the text supports (claimed > attributed >
    suspected).

    An actor counts only in the role of attacker: the subject of a claim ("IS-K claimed"),
    "claimed by X", "an X attack", "X fighters stormed", "carried out by X". An actor in the
    role of victim ("an attack on Taliban officials") never does.
    """
    best: tuple[int, int, ActorMention] | None = None
    strength = {"claimed": 3, "attributed": 2, "suspected": 1}
    for f in sentences:
        for actor in f.actors:
            role = _actor_role(text, f, actor)
            if role is None:
                continue
            # a claim in the body beats one in a headline; then the earliest sentence wins
            key = (strength[role], -2 * f.index - int(f.headline))
            if best is None or key > best[:2]:
                best = (key[0], key[1], actor)
    if best is None:
        return {"perpetrator": "unknown", "attribution": "none"}
    score, _, actor = best
    spans["perpetrator"] = [actor.start, actor.end]
    attribution = {v: k for k, v in strength.items()}[score]
    return {"perpetrator": actor.canonical, "attribution": attribution}


# "It has carried out ...", "the group's attack", "its March 22 attack": the pronoun stands for
# the group the text was just discussing, written within this many characters before it
ANTECEDENT_LOOKBACK_CHARS = 600


def _antecedent_perpetrator(
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
        subject = cue_pattern("group_pronoun_subject").match(text, sentence.start, sentence.end)
        pronoun = subject.start() if subject else None
        if pronoun is None:
            for _, a, _ in f.triggers:
                lead = max(sentence.start, a - 40)
                m = cue_pattern("group_possessive_before").search(text, lead, a)
                if m:
                    pronoun = m.start()
                    break
        if pronoun is None:
            continue
        before = [
            a
            for a in ann.actors
            if pronoun - ANTECEDENT_LOOKBACK_CHARS <= a.start and a.end <= pronoun
            and a.type in _ATTACKER_TYPES
        ]
        # the antecedent is named earlier in the same sentence ("IS-KP's statement following
        # its attack"), or is the subject a sentence opens with ("And the IS-Khorasan has ...")
        same = [a for a in before if a.start >= sentence.start]
        subjects = [a for a in before if _opens_sentence(text, a)]
        actor = same[-1] if same else subjects[-1] if subjects else None
        if actor is None:
            continue
        spans["perpetrator"] = [actor.start, actor.end]
        claimed = subject is not None and cue("claim", subject.group())
        attribution = "claimed" if claimed else "attributed"
        return {"perpetrator": actor.canonical, "attribution": attribution}
    return {}


_SUBJECT_LEAD = re.compile(
    r"(?:^|[.!?:]\s+|\n\s*)(?:(?:And|But|Yet|Today|Now)\s*,?\s+)?(?:the\s+)?$", re.I
)


def _opens_sentence(text: str, actor: ActorMention) -> bool:
    """Whether ``actor`` is the first words of its sentence ("And the IS-Khorasan has ...")."""
    return _SUBJECT_LEAD.search(text, max(0, actor.start - 20), actor.start) is not None


_ATTACKER_TYPES = ("jihadist_group", "militia", "party")
# a state's "strike" is a strike from the air or by missile ("an American strike in 2019")
_STRIKE = re.compile(r"\bstrikes?\b", re.I)
_PAREN_ALIAS = re.compile(r"^\s*\([^()]{1,30}\)|^\)")
_STATE_TYPES = ("state", "force")


def _actor_role(text: str, f: SentenceFeatures, actor: ActorMention) -> str | None:
    s = f.sentence
    before = text[max(s.start, actor.start - 40) : actor.start]
    after = text[actor.end : min(s.end, actor.end + 60)]
    # "Islamic State-Khorasan Province (IS-KP) terrorists attacked": skip the acronym
    after = _PAREN_ALIAS.sub("", after, count=1)
    if cue_pattern("victim_before").search(before) and not cue_pattern("attributed_by").search(
        before
    ):
        return None
    if cue_pattern("victim_after").match(after):
        return None  # "94 ISIS fighters killed by ...": the actor is the victim here
    is_group = actor.type in _ATTACKER_TYPES
    is_state = actor.type in _STATE_TYPES
    if not (is_group or is_state):
        return None
    by = cue_pattern("attributed_by").search(before) is not None
    subject = cue_pattern("attacker_after").match(after) is not None
    # the alias holds the attack word itself ("a US airstrike", "US drone strike")
    subject = subject or any(actor.start <= a < actor.end for _, a, _ in f.triggers)
    if is_state:
        kinds = {k for k, _, _ in f.triggers}
        aerial = kinds & {"airstrike", "raid", "rocket"} or _STRIKE.search(f.text)
        if (by or subject) and aerial:
            return "attributed"
        return None
    if f.claimed and not f.claim_negated:
        # any claim word after the actor: "In a statement on Amaq, ISKP claimed the attack"
        claims = cue_pattern("claim").finditer(text, s.start, s.end)
        if any(actor.end <= c.start() for c in claims) or (by and f.claimed):
            return "claimed"
    if f.suspected and (by or subject or f.triggers):
        return "suspected"
    if by or subject:
        return "attributed"
    return None


def _attack_type(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> tuple[str | None, bool | None]:
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for f in sentences:
        for kind, a, b in f.triggers:
            if kind == GENERIC:
                continue
            counts[kind] += 1
            first.setdefault(kind, (a, b))
    suicide_hit = None
    for f in sentences:
        m = suicide_pattern().search(text, f.sentence.start, f.sentence.end)
        if m:
            suicide_hit = (m.start(), m.end())
            break
    if suicide_hit:
        spans["suicide"] = list(suicide_hit)
    if not counts:
        return None, (True if suicide_hit else None)
    kind = min(
        counts, key=lambda k: ATTACK_TYPE_PRIORITY.index(k) if k in ATTACK_TYPE_PRIORITY else 99
    )
    if kind == "armed_assault" and counts.get("bombing", 0) > 2 * counts[kind]:
        kind = "bombing"  # one "gunfire" line in a bombing report does not make it an assault
    spans["attack_type"] = list(first[kind])
    return kind, bool(suicide_hit)


# the noun a casualty figure counts follows it within a few words ("13 US service members")
FIGURE_NOUN_CHARS = 25


def _target(
    text: str, sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> tuple[str | None, str | None]:
    """The target type: the most specific category among the words in the role of victim.

    A word that names the source ("police said", "state media reported", "according to
    officials") or the attacker ("Taliban fighters killed", "carried out by security forces")
    is no target; a word after "on", "targeting", "killing" or before "were killed" is one
    for certain, and beats words whose role the sentence leaves open.
    """
    victims: list[tuple[str, int, int]] = []
    others: list[tuple[str, int, int]] = []
    for f in sentences:
        s = f.sentence
        for k, a, b in target_triggers(text[s.start : s.end]):
            a, b = s.start + a, s.start + b
            before = text[max(s.start, a - 40) : a]
            after = text[b : min(s.end, b + 40)]
            if cue_pattern("source_after").match(after) or cue_pattern("source_before").search(
                before
            ):
                continue
            counted = any(0 <= a - g.number.end <= FIGURE_NOUN_CHARS for g in f.figures)
            if (
                counted  # "killing 60 Afghans and 13 US soldiers": the counted are the victims
                or cue_pattern("victim_before").search(before)
                or cue_pattern("target_place_before").search(before)  # "blew himself up near"
                or cue_pattern("victim_after").match(after)
            ):
                victims.append((k, a, b))
            elif cue_pattern("attributed_by").search(before) or cue_pattern(
                "attacker_after"
            ).match(after):
                continue
            else:
                others.append((k, a, b))
    hits = victims or others
    if not hits:
        return None, None
    kind = min(
        (h[0] for h in hits),
        key=lambda k: TARGET_TYPE_PRIORITY.index(k) if k in TARGET_TYPE_PRIORITY else 99,
    )
    a, b = next((a, b) for k, a, b in hits if k == kind)
    spans["target"] = [a, b]
    return kind, text[a:b]


_OFFICIAL_KILLED = re.compile(
    r"\b(?:governor|police chief|commander|minister|mayor|official|cleric|judge)\b[^.]{0,120}?"
    r"\b(?:killed|assassinated|died|shot dead)\b|\b(?:killed|assassinated|shot dead)\b[^.]{0,60}?"
    r"\b(?:governor|police chief|commander|minister|mayor)\b",
    re.I,
)


def _kills_official(text: str, sentences: list[SentenceFeatures]) -> bool:
    return any(
        _OFFICIAL_KILLED.search(text, f.sentence.start, f.sentence.end) for f in sentences[:3]
    )


# ------------------------------------------------------------------------------ casualties
def _casualties(sentences: list[SentenceFeatures], spans: dict[str, list[int]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("killed", "wounded"):
        reported = [
            (f, fig)
            for f in sentences
            for fig in f.figures
            if fig.kind == kind and not f.perpetrator_figures
        ]
        claimed = [
            (f, fig)
            for f in sentences
            for fig in f.figures
            if fig.kind == kind and f.perpetrator_figures
        ]
        out[kind] = _best_figure(reported, spans, kind)
        if kind == "killed" and out[kind] is None:
            out[kind] = _single_victim(sentences, spans)
        out[f"claimed_{kind}"] = _best_figure(claimed, spans, f"claimed_{kind}")
    return out


def _best_figure(
    figs: list[tuple[SentenceFeatures, Figure]], spans: dict[str, list[int]], field_name: str
) -> dict[str, Any] | None:
    """The figure a careful coder would keep: a stated total (the earliest), else the largest.

    Parts joined in one sentence ("13 soldiers and 60 Afghans were killed") are summed.
    Vague amounts ("dozens") count only when nothing precise is given.
    """
    if not figs:
        return None
    candidates: list[tuple[int, int, dict[str, Any], tuple[int, int]]] = []
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
        total = _near_total(f, fig)
        candidates.append((2 if total else 1, value, rec, (fig.number.start, other.number.end)))
    candidates.extend(_nationality_sum(figs))
    for f, fig in figs:
        n = fig.number
        rec = {"value": fig.value, "qualifier": n.qualifier}
        if n.vague:
            continue  # "dozens were injured" gives no figure a coder would record
        candidates.append((2 if _near_total(f, fig) else 1, fig.value, rec, (n.start, n.end)))
    if not candidates:
        return None
    # among stated totals the earliest wins: a report's lead carries its latest toll, later
    # paragraphs the superseded ones ("had earlier put the death toll at 103")
    priority, _value, rec, span = max(
        candidates, key=lambda c: (c[0], -c[3][0] if c[0] == 2 else c[1])
    )
    spans[field_name] = list(span)
    return rec


@cache
@cache
def _single_victim_pattern() -> re.Pattern[str]:
    person = cue_pattern("person_victim").pattern.removeprefix(r"(?<!\w)")
    verb = r"(?:killed|assassinated|shot dead|shot to death|gunned down|beheaded|executed)"
    return re.compile(
        rf"\b{verb}\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w'’.-]+\s+){{0,4}}?{person}\b"
        rf"|\b(?:a|an|the|one)\s+(?:[\w'’.-]+\s+){{0,4}}?{person}\s+{verb}\s+(?:in|by)\b"
        rf"|\b(?:a|an|the|one)\s+(?:[\w'’.-]+\s+){{0,4}}?{person}\s*,?\s+"
        rf"(?:[\w'’.-]+\s+){{0,4}}?(?:was|has been|had been|be)\s+(?:\w+\s+)?{verb}\b"
        rf"|\b(?-i:[A-Z])[\w'’-]+\s+(?:(?:was|has been|had been|would|will)\s+)?(?:\w+\s+){{0,6}}?"
        rf"(?:was|has been|had been|be)\s+(?:\w+\s+)?{verb}\b"
        rf"|\bwho\s+(?:was|has been|had been)\s+(?:\w+\s+)?{verb}\b"
        # "Soleimani, the former head of the Quds Force, was killed"
        rf"|\b(?-i:[A-Z])[\w'’-]+,\s+(?:the|a|an)\s+[^,]{{3,80}},\s+(?:was|had been)\s+"
        rf"(?:\w+\s+)?{verb}\b"
        rf"|\b(?:killing|assassination|death)\s+of\s+(?-i:[A-Z])[\w'’-]+"
        rf"|\b(?:his|her)\s+(?:death|killing|assassination)\s+(?:in|by)\s+(?:a|an)\b",
        re.IGNORECASE,
    )


def _single_victim(
    sentences: list[SentenceFeatures], spans: dict[str, list[int]]
) -> dict[str, Any] | None:
    """One named or described victim ("the governor was killed", "shot dead a civilian") is at
    least 1: the text names one death and says nothing of others."""
    for f in sentences:
        if f.perpetrator_figures:
            continue
        m = _single_victim_pattern().search(f.text)
        if m:
            spans["killed"] = [f.sentence.start + m.start(), f.sentence.start + m.end()]
            return {"value": 1, "qualifier": "at_least"}
    return None


def _nationality_sum(
    figs: list[tuple[SentenceFeatures, Figure]],
) -> list[tuple[int, int, dict[str, Any], tuple[int, int]]]:
    """Victims counted by nationality in separate sentences add up.

    "13 U.S. service members were killed" ... "at least 90 Afghan civilians also died": 103,
    with both parts kept. Only when every figure names a different nationality.
    """
    by_nation: dict[str, tuple[SentenceFeatures, Figure]] = {}
    for f, fig in figs:
        if fig.number.vague or fig.coordinated_with is not None:
            continue
        m = cue_pattern("victim_nationality").search(fig.who)
        if m is None:
            continue
        nation = m.group(0).replace(".", "").lower()
        nation = "us" if nation in ("us", "american") else nation
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
        "parts": [{"value": fig.number.value, "who": fig.who} for _, fig in parts],
    }
    first = parts[0][1].number
    return [(1, value, rec, (first.start, first.end))]


def _near_total(f: SentenceFeatures, fig: Figure) -> bool:
    """A figure stated as a total ("bringing the death toll to 91"), the cue just before it."""
    if fig.toll:
        return True
    window = f.text[
        max(0, fig.number.start - f.sentence.start - TOTAL_WINDOW_CHARS) : fig.number.start
        - f.sentence.start
    ]
    return cue("total", window)


def _confidence(record: dict[str, Any], sentences: list[SentenceFeatures]) -> float:
    score = 0.4
    score += 0.1 * sum(record.get(k) is not None for k in ("date", "admin1", "killed"))
    score += 0.1 if record.get("perpetrator") != "unknown" else 0.0
    score += 0.05 if any(f.triggers for f in sentences) else 0.0
    score -= 0.1 if any(f.aggregate for f in sentences) else 0.0
    return round(max(0.05, min(score, 0.95)), 2)
