"""What one sentence says: attack triggers, casualty figures, dates, places, actors and cues.

The trigger lexicons run once over the whole text (:class:`DocPasses`); each sentence then
takes its share with a binary search, and the costly cue patterns run only on sentences the
cheap pass says an incident could rest on.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.annotate.persons import find_persons
from khorasan.extract.cues import cue, cue_alternation, cue_pattern
from khorasan.extract.figures import Figure, find_figures, perpetrator_figures
from khorasan.extract.lexicons import attack_triggers
from khorasan.kb import load_lexicon
from khorasan.model import ActorMention, DateMention, PlaceMention, Sentence

__all__ = ["GENERIC", "DocPasses", "SentenceFeatures", "features_of"]

# Trigger kind of an incident word that names no attack type ("the attack").
GENERIC = "generic"
# Captions and bylines that survive cleaning are short lines without a verb; shorter than this a
# line is not read as an incident sentence unless it has a casualty figure.
MIN_TRIGGER_SENTENCE_CHARS = 25
# A last line without closing punctuation this long is a sentence the page cut off mid-phrase.
CUT_OFF_MIN_WORDS = 16
# "Pakistan's deadliest attack": the attack word follows the possessive within a few words
POSSESSIVE_TRIGGER_CHARS = 30
# How far before a date a "since" may open the clause it dates ("since taking control ... in")
SINCE_CLAUSE_CHARS = 80

# "since 1979", "until 2020": a date that bounds a period, not the day of an incident
_NOT_EVENT_DATE = re.compile(
    r"\b(?:since|until|till|through|as of)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?$", re.I
)
# "since the 2004 school siege": a date that modifies an attack word, a word or two before it
_ATTACK_NOUN_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}")
# "since they returned to power in August 2021": the clause a period runs from (_since_when)
_SINCE_CLAUSE = re.compile(r"\bsince\b[^,;:.()\n]*$", re.I)
# a dateline's date: what may stand before it on its line, and after it (see _datelined)
_DATELINE_BEFORE = re.compile(cue_alternation("dateline_date", "before"))
_DATELINE_AFTER = re.compile(cue_alternation("dateline_date", "after"))
# ... unless the date is then said to be when something happened: "since 1978, when arson killed"
_WHEN_AFTER = re.compile(r"^,?\s+when\b", re.I)
# "Iran-backed", "US-led", "Kabul-based": a place name that modifies a noun locates nothing
_MODIFIER_AFTER = re.compile(r"-[a-z]")
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|into|throughout|within|of|on|over)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
# a bare plural ("cross-border attacks into Pakistan") names a kind of activity, not an incident
_BARE_PLURAL = re.compile(
    r"(?<!\bthe )(?<!\btwo )(?<!\btwin )(?<!\bthree )(?<!\bdouble )(?<!\bof )"
    rf"\b(?:{cue_alternation('activity_plurals')})$",
    re.I,
)
# "rocket strikes against Tajikistan": the attack word heads a bare plural compound
_PLURAL_AFTER = re.compile(rf"\s+(?:{cue_alternation('activity_plurals')})\b", re.I)
# "the Gozar-e-Sayed Abad mosque", "the Old Kabul Hotel": a place name inside a site's proper
# name, between "the" (and more name words) and the kind of site (kb/data/site_kinds.csv)
_SITE_NAME_BEFORE = re.compile(r"\bthe\s+(?:[A-Z][\w'’]*(?:-[\w'’]+)*[-\s]+){0,3}$")
_SITE_NAME_AFTER = re.compile(
    r"(?:[-\s]+[A-Z][\w'’]*(?:-[\w'’]+)*){0,3}\s+(?:"
    + "|".join(sorted((re.escape(w) for ws in load_lexicon("site_kinds").values() for w in ws),
                      key=len, reverse=True))
    + r")\b",
    re.I,
)  # fmt: skip
_COUNTED_BEFORE = re.compile(r"\b(?:the|two|twin|three|double|of|these|those|both)\s+$", re.I)
_SEAT_BEFORE = re.compile(rf"(?:{cue_alternation('source_seat', 'before')})", re.I)
_SEAT_AFTER = re.compile(rf"(?:{cue_alternation('source_seat', 'after')})", re.I)
_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"[’']s\s+")
_CLOSING = frozenset(".!\"”’'")
# "• Eight fighters were killed ...": an undated key-points bullet sums up the story like a
# standfirst (a dated one is a timeline's item: "• May 3, 2019 - a bomb killed ...")
_SUMMARY_BULLET = re.compile(r"\s*[•▪●◦■]")
# "a week earlier", "two days after", "the day before": how many days a time shift spans
_OFFSET = re.compile(
    r"\b(?:(a|an|one|two|three|four|five|six|seven)\s+|the\s+)(day|week)s?\s+"
    r"(earlier|ago|before|after|since|previously)\b",
    re.I,
)
_OFFSET_UNITS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11}  # fmt: skip
# "two months after": a span counted in months, told at the month
_OFFSET_MONTHS = re.compile(
    r"\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+months?\s+"
    r"(earlier|ago|before|after|since|previously)\b",
    re.I,
)
# "weeks after", "a few months ago": a span not counted, told at the precision it allows
_OFFSET_VAGUE = re.compile(
    r"\b(?:(?:just|only|barely|mere|a few|several|some|less than)\s+)?(?:\d{1,2}\s+)?"
    r"(hours|days|weeks|months)\s+"
    r"(earlier|ago|before|after|since|previously)\b",
    re.I,
)
# the shortest and longest span in days an uncounted "days", "weeks", "months" may stand for
VAGUE_SPAN_DAYS = {"hours": (0, 2), "days": (2, 6), "weeks": (14, 56), "months": (60, 330)}


@dataclass(slots=True)
class SentenceFeatures:
    """What one sentence (or one clause of it, see :func:`.clauses.split_clauses`) says."""

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
    # "earlier": it tells an earlier incident for context ("Last month, ...", "... a week after
    # gunmen stormed ..."); "separate": another incident of the same time ("Elsewhere, ...")
    shift: str | None = None
    offset_days: int | None = None  # "a week earlier": days before the incident just told
    offset_from_published: bool = False  # "a week ago": days before the report, not the incident
    offset_months: int | None = None  # "two months after": months before the incident just told
    offset_vague: str | None = None  # "weeks after": days, weeks or months, not counted
    # starts of the places named only inside a site's proper name ("the Sayed Abad mosque")
    site_names: frozenset[int] = frozenset()

    @property
    def is_incident_sentence(self) -> bool:
        if self.plot and not self.figures:
            return False
        if self.aggregate and not self.figures:
            return False
        start = self.sentence.start
        if (
            not self.figures
            and self.triggers
            and all(
                _bare_plural(self.text, a - start, b - start, compound=not self.dates)
                for _, a, b in self.triggers
            )
        ):
            return False  # "cross-border attacks, rocket strikes": kinds of activity, no incident
        # "The group claimed responsibility.": no trigger, but it says who did it
        return bool(self.triggers or self.figures or (self.claimed and self.actors))


def _bare_plural(text: str, a: int, b: int, *, compound: bool) -> bool:
    """Whether the attack word at ``a:b`` ends a bare plural ("cross-border attacks") or, with
    ``compound`` (an undated sentence), heads one ("rocket strikes against Tajikistan"): a kind
    of activity, no incident ("rocket operations ... in April" may be one)."""
    if _BARE_PLURAL.search(text, max(0, a - 40), b):
        return True
    return (
        compound
        and _PLURAL_AFTER.match(text, b) is not None
        and not _COUNTED_BEFORE.search(text, max(0, a - 12), a)
    )


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


class _Covered:
    """Whether a position lies inside one of some spans, by a binary search: the spans
    starting at or before it reach past it exactly when the furthest of them does."""

    __slots__ = ("reach", "starts")

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _b in ordered]
        self.reach: list[int] = []
        furthest = -1
        for _a, b in ordered:
            furthest = max(furthest, b)
            self.reach.append(furthest)

    def covers(self, x: int) -> bool:
        """``any(a <= x < b for a, b in spans)``."""
        i = bisect_right(self.starts, x)
        return i > 0 and self.reach[i - 1] > x


@dataclass(frozen=True, slots=True)
class _Trigger:
    kind: str
    start: int
    end: int


@dataclass(slots=True)
class DocPasses:
    """The whole-text passes every sentence shares."""

    triggers: _Spans
    numbers: _Spans
    dates: _Spans
    places: _Spans
    actors: _Spans
    # "Abu Saad Orakzai ... Orakzai was among 10 killed": the names of the persons the text
    # names, a place's spelling among them a person, not a place
    person_names: frozenset[str] = frozenset()
    persons: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, ann: AnnotatedDocument) -> DocPasses:
        text = ann.doc.text
        typed = attack_triggers(text)
        # "the attack", "a strike on a church": incident words that name no type
        inside = _Covered([(a, b) for _, a, b in typed])
        generic = [
            (GENERIC, m.start(), m.end())
            for m in cue_pattern("generic_attack").finditer(text)
            if not inside.covers(m.start())
        ]
        triggers = [_Trigger(k, a, b) for k, a, b in typed + generic]
        persons = find_persons(text)
        names = frozenset(w for m in persons for w in text[m.start : m.end].split()[1:])
        return cls(_Spans(triggers), _Spans(ann.numbers), _Spans(ann.dates),
                   _Spans(ann.places), _Spans(ann.actors), names,
                   tuple((m.start, m.end) for m in persons))  # fmt: skip

    def names_person(self, text: str, p: PlaceMention) -> bool:
        """Whether a place's words are (part of) the name of a person the text names."""
        if any(a <= p.start < b for a, b in self.persons):
            return True
        return text[p.start : p.end] in self.person_names


def features_of(
    ann: AnnotatedDocument,
    passes: DocPasses,
    index: int,
    s: Sentence,
    shift: str | None = None,
    extra: Sequence[tuple[str, int, int]] = (),
) -> SentenceFeatures:
    """The features of the sentence (or clause) ``s``, the ``index``-th of the document;
    ``shift`` says the clause tells an earlier incident (see :func:`time_shift`), ``extra``
    are attack words the lexicons cannot see ("and another in Kunduz")."""
    text = ann.doc.text
    chunk = text[s.start : s.end]
    shift = shift or time_shift(chunk)
    # "warned of a possible attack", "threats of further bombings": no attack happened
    triggers = [
        (t.kind, t.start, t.end)
        for t in passes.triggers.within(s)
        if not cue_pattern("hypothetical_before").search(text, max(s.start, t.start - 40), t.start)
    ] + [t for t in extra if s.start <= t[1] < s.end]
    if len(chunk) < MIN_TRIGGER_SENTENCE_CHARS:
        triggers = []
    numbers = passes.numbers.within(s)
    actors = passes.actors.within(s)
    headline = (_is_headline(text, s.end) and not _cut_off(text, chunk, s, passes)) or (
        _SUMMARY_BULLET.match(chunk) is not None and not passes.dates.within(s)
    )
    if not triggers and not numbers and not actors and not (shift and _killing(chunk)):
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
        # "Reports reaching New Delhi": where the news was heard, not where it happened
        and not _reported_from(text, p, s)
        and not passes.names_person(text, p)
        # "the commander of Baghlan police": whose the victim or speaker is, not where
        and not (p.kind != "country" and _affiliation(text, p.end))
        and (
            p.kind != "country"
            or _possessive_scene(text, p.end, triggers)
            or (
                _LOCATIVE_BEFORE.search(text[max(0, p.start - 30) : p.start]) is not None
                and not _owner(text, p.end)
            )
        )
    ]
    dates = [d for d in passes.dates.within(s) if _event_date(text, d, triggers)]
    if dateline:  # "QUETTA:" / "Kabul (Reuters) -": where the report was filed, not the event
        places = [p for p in places if p.start >= s.start + dateline.end()]
        # "KABUL, June 6 (Reuters) -": the report's date, not the incident's
        dates = [d for d in dates if d.start >= s.start + dateline.end()]
    if cue("natural_deaths", chunk) and all(k == GENERIC for k, _, _ in triggers):
        # "the earthquake that hit Paktika, killing more than 1,000": no attack
        triggers, figures = [], []
    claimed = cue("claim", chunk)
    if shift and not triggers and len(chunk) >= MIN_TRIGGER_SENTENCE_CHARS:
        # "Last month, dozens of students were killed at an educational centre": the killing
        # is the earlier incident, told without an attack word
        m = cue_pattern("earlier_killing").search(chunk)
        if m:
            triggers = [(GENERIC, s.start + m.start(), s.start + m.end())]
    feats = SentenceFeatures(
        index=index,
        text=chunk,
        evidence=s,
        sentence=s,
        triggers=triggers,
        figures=figures,
        dates=[
            d
            for d in dates
            if not _datelined(text, d)
            and not _since_when(text, d, s, triggers)
            # "after it took power in August": the takeover's date, not the attack's
            and not cue_pattern("power_taken_before").search(
                text, max(s.start, d.start - 80), d.start
            )
        ],
        places=places,
        actors=actors,
        claimed=claimed and not claim_negated,
        claim_negated=claim_negated,
        suspected=cue("suspicion", chunk),
        # "the group claimed ... saying 20 were killed"; "ISKP said it had killed 20"
        perpetrator_figures=perpetrator_figures(text, s, actors, claimed),
        # "Pakistan's deadliest attack since 2018" measures one incident against a period
        aggregate=cue("aggregate", cue_pattern("superlative_since").sub(" ", chunk)),
        plot=plot,
        total=cue("total", chunk),
        headline=headline,
        shift=shift or _elsewhere_dated(chunk, dates) or _past_undated(chunk, dates),
    )
    feats.site_names = frozenset(p.start for p in places if _in_site_name(text, p))
    if shift:
        set_offset(feats, chunk)
    return feats


def _in_site_name(text: str, p: PlaceMention) -> bool:
    """Whether the place's words are part of a site's proper name ("the Gozar-e-Sayed Abad
    mosque"): the name of the site, not necessarily the district it lies in."""
    if p.kind in ("country", "admin1"):
        return False
    before = text[max(0, p.start - 40) : p.start]
    return (
        _SITE_NAME_BEFORE.search(before) is not None
        and _SITE_NAME_AFTER.match(text, p.end, min(len(text), p.end + 60)) is not None
    )


def time_shift(chunk: str) -> str | None:
    """ "earlier" for a sentence that opens on an earlier time ("A week earlier, ..."),
    "separate" for one that opens on another scene ("Elsewhere, ...", "In a separate attack")."""
    head = chunk.lstrip()
    if cue_pattern("earlier_opener").match(head):
        return "earlier"
    if cue_pattern("separate_opener").match(head):
        return "separate"
    return None


def _elsewhere_dated(chunk: str, dates: list[DateMention]) -> str | None:
    """ "A suicide strike at the same location killed 24 people in October 2020": an incident
    placed by the one told before and dated on its own is another incident there."""
    if any(not d.relative for d in dates) and cue("same_scene_other", chunk):
        return "separate"
    return None


def _past_undated(chunk: str, dates: list[DateMention]) -> str | None:
    """ "Three bombs exploded near a school in May of last year" in a report without a date:
    the words that would date it tell an earlier incident still."""
    if not dates and cue("past_unresolved", chunk):
        return "earlier"
    return None


def _killing(chunk: str) -> bool:
    return len(chunk) >= MIN_TRIGGER_SENTENCE_CHARS and cue("earlier_killing", chunk)


def set_offset(f: SentenceFeatures, words: str) -> None:
    """The days a time shift spans ("a week earlier": 7), and what it counts from."""
    m = _OFFSET.search(words)
    if m is None:
        months = _OFFSET_MONTHS.search(words)
        vague = _OFFSET_VAGUE.search(words)
        if months is not None:
            word = months.group(1).lower()
            f.offset_months = int(word) if word.isdigit() else _OFFSET_UNITS[word]
        elif vague is not None:
            f.offset_vague = vague.group(1).lower()
        last = months or vague
        if last is not None:
            f.offset_from_published = last.group(2).lower() == "ago"
        return
    n = _OFFSET_UNITS.get((m.group(1) or "one").lower(), 1)
    f.offset_days = n * (7 if m.group(2).lower() == "week" else 1)
    f.offset_from_published = m.group(3).lower() == "ago"


def offset_date(f: SentenceFeatures, base: str | None) -> DateMention | None:
    """The date a span counted in months ("two months after") or not counted ("weeks after")
    puts before ``base`` (an ISO date of at least a month), at the precision it allows: the
    month for months counted; for "weeks" or "months" the month or year that the whole range
    they may stand for falls in, else None."""
    if base is None or len(base) < 7:
        return None
    at = f.sentence.start
    year, month = int(base[:4]), int(base[5:7])
    if f.offset_months is not None:
        y, m = divmod(year * 12 + month - 1 - f.offset_months, 12)
        return DateMention(at, at, f"{y:04d}-{m + 1:02d}", "month", relative=True)
    if f.offset_vague is None:
        return None
    shortest, longest = VAGUE_SPAN_DAYS[f.offset_vague]
    first = date(year, month, int(base[8:10]) if len(base) == 10 else 1)
    last = first if len(base) == 10 else date(year, month, calendar.monthrange(year, month)[1])
    low, high = first - timedelta(days=longest), last - timedelta(days=shortest)
    if (low.year, low.month) == (high.year, high.month):
        return DateMention(at, at, low.isoformat()[:7], "month", relative=True)
    if low.year == high.year:
        return DateMention(at, at, str(low.year), "year", relative=True)
    return None


def _owner(text: str, end: int) -> bool:
    """ "near the entrance to Russia's embassy": a country that owns the place is not where
    it is; "on Uzbekistan's territory", "Pakistan's northwest" still are."""
    m = _POSSESSIVE.match(text, end)
    return m is not None and not cue_pattern("possessive_place_nouns").match(text, m.end())


def _affiliation(text: str, end: int) -> bool:
    m = _SPACE.match(text, end)
    return m is not None and cue_pattern("affiliation_after").match(text, m.end()) is not None


def _reported_from(text: str, p: PlaceMention, s: Sentence) -> bool:
    """ "Reports reaching New Delhi", "told reporters in Islamabad": where the news was heard
    or told, not where the incident happened."""
    before = cue_pattern("reporting_place_before")
    if before.search(text, max(s.start, p.start - 50), p.start):
        return True
    # "airlifted to hospitals in Peshawar": where the wounded were taken
    if cue_pattern("care_place_before").search(text, max(s.start, p.start - 80), p.start):
        return True
    # "The National Directorate of Security in Kabul had reported": the source's seat
    return bool(
        _SEAT_BEFORE.search(text, max(s.start, p.start - 60), p.start)
        and _SEAT_AFTER.match(text[p.end : min(s.end, p.end + 40)])
    )


def _possessive_scene(text: str, end: int, triggers: list[tuple[str, int, int]]) -> bool:
    """ "Sri Lanka's Easter attack" places an attack; "Iran's Revolutionary Guards" does not."""
    if not text.startswith(("’s", "'s"), end):
        return False
    return any(end < a <= end + POSSESSIVE_TRIGGER_CHARS for _, a, _ in triggers)


def _cut_off(text: str, chunk: str, s: Sentence, passes: DocPasses) -> bool:
    """The page's last line, a long dated sentence stopped mid-phrase ("At least 24 students
    were killed last month when ISIL fighters carried out a suicide bombing at an"): the page
    was cut, the line is no headline (headlines run a dozen words or so); so is a cut line
    that goes on a paragraph. A teaser that ends on an ellipsis, or an undated line after a
    headline (a related story's lead), stays furniture."""
    if text[s.end :].strip() or chunk.rstrip().endswith(("…", "...")):
        return False
    line_start = text.rfind("\n", 0, s.start) + 1
    if text[line_start : s.start].strip():
        return True  # the paragraph's earlier sentences make it body text, however short
    if len(chunk.split()) < CUT_OFF_MIN_WORDS:
        return False
    if bool(passes.dates.within(s)):
        return True
    # undated: a related story's lead opens on its dateline ("KABUL:") or follows its
    # headline; body text follows a sentence
    return not cue_pattern("dateline").match(chunk) and not _is_headline(text, line_start)


def _is_headline(text: str, end: int) -> bool:
    """A line without closing punctuation (headline, caption) or a question reports nothing."""
    i = end - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] not in _CLOSING


def _datelined(text: str, d: DateMention) -> bool:
    """The date of a dateline ("KABUL, June 6 (Reuters) -", "Dec. 28 (UPI) —"): the day the
    report was filed, not the incident's. A place before it or an agency after it tells a
    dateline from a timeline entry ("March 22: gunmen stormed ...")."""
    line_start = text.rfind("\n", 0, d.start) + 1
    before = text[line_start : d.start]
    after = _DATELINE_AFTER.match(text[d.end : d.end + 40])
    if after is None or not _DATELINE_BEFORE.match(before):
        return False
    return bool(before.strip()) or "(" in after.group()


def _since_when(
    text: str, d: DateMention, s: Sentence, triggers: list[tuple[str, int, int]]
) -> bool:
    """ "since they returned to power in August 2021": the date of the start of a period, with
    no attack word between "since" and the date (unlike "since a bomb hit a mosque in 2020")."""
    if _WHEN_AFTER.match(text[d.end : d.end + 12]):
        return False  # "since 1978, when arson killed": the date of an incident after all
    if any(_ATTACK_NOUN_AFTER.fullmatch(text, d.end, a) for _, a, _ in triggers):
        return False  # "since the 2004 school siege": the siege's date
    m = _SINCE_CLAUSE.search(text, max(s.start, d.start - SINCE_CLAUSE_CHARS), d.start)
    return m is not None and not any(m.start() < a < d.start for _, a, _ in triggers)


def _event_date(text: str, d: DateMention, triggers: list[tuple[str, int, int]]) -> bool:
    if not _NOT_EVENT_DATE.search(text[max(0, d.start - 24) : d.start]):
        return True
    # "since the 2004 school siege": the date of the attack the period runs from
    if any(_ATTACK_NOUN_AFTER.fullmatch(text, d.end, a) for _, a, _ in triggers):
        return True
    return _WHEN_AFTER.match(text[d.end : d.end + 12]) is not None
