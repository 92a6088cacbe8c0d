"""What one sentence says: attack triggers, casualty figures, dates, places, actors and cues.

The trigger lexicons run once over the whole text (:class:`DocPasses`); each sentence then
takes its share with a binary search, and the costly cue patterns run only on sentences the
cheap pass says an incident could rest on.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from khorasan.annotate import AnnotatedDocument
from khorasan.extract.cues import cue, cue_alternation, cue_pattern
from khorasan.extract.figures import Figure, find_figures, perpetrator_figures
from khorasan.extract.lexicons import attack_triggers
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

# "since 1979", "until 2020": a date that bounds a period, not the day of an incident
_NOT_EVENT_DATE = re.compile(
    r"\b(?:since|until|till|through|as of)\s+(?:the\s+)?(?:early\s+|late\s+|mid-?)?$", re.I
)
# ... unless the date is then said to be when something happened: "since 1978, when arson killed"
_WHEN_AFTER = re.compile(r"^,?\s+when\b", re.I)
# "Iran-backed", "US-led", "Kabul-based": a place name that modifies a noun locates nothing
_MODIFIER_AFTER = re.compile(r"-[a-z]")
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|into|throughout|within|of|on|from|over)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
# a bare plural ("cross-border attacks into Pakistan") names a kind of activity, not an incident
_BARE_PLURAL = re.compile(
    r"(?<!\bthe )(?<!\btwo )(?<!\btwin )(?<!\bthree )(?<!\bdouble )(?<!\bof )"
    rf"\b(?:{cue_alternation('activity_plurals')})$",
    re.I,
)
_CLOSING = frozenset(".!\"”’'")
# "a week earlier", "two days after", "the day before": how many days a time shift spans
_OFFSET = re.compile(
    r"\b(?:(a|an|one|two|three|four|five|six|seven)\s+|the\s+)(day|week)s?\s+"
    r"(earlier|ago|before|after|since|previously)\b",
    re.I,
)
_OFFSET_UNITS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7}  # fmt: skip


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
                _BARE_PLURAL.search(self.text, max(0, a - start - 40), b - start)
                for _, a, b in self.triggers
            )
        ):
            return False  # "cross-border attacks, rocket strikes": kinds of activity, no incident
        # "The group claimed responsibility.": no trigger, but it says who did it
        return bool(self.triggers or self.figures or (self.claimed and self.actors))


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

    @classmethod
    def of(cls, ann: AnnotatedDocument) -> DocPasses:
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
    headline = _is_headline(text, s.end) and not _cut_off(text, chunk, s, passes)
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
        and (
            p.kind != "country"
            or _LOCATIVE_BEFORE.search(text[max(0, p.start - 30) : p.start])
            or _possessive_scene(text, p.end, triggers)
        )
    ]
    if dateline:  # "QUETTA:" / "Kabul (Reuters) -": where the report was filed, not the event
        places = [p for p in places if p.start >= s.start + dateline.end()]
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
        dates=[d for d in passes.dates.within(s) if _event_date(text, d)],
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
        shift=shift,
    )
    if shift:
        set_offset(feats, chunk)
    return feats


def time_shift(chunk: str) -> str | None:
    """ "earlier" for a sentence that opens on an earlier time ("A week earlier, ..."),
    "separate" for one that opens on another scene ("Elsewhere, ...", "In a separate attack")."""
    head = chunk.lstrip()
    if cue_pattern("earlier_opener").match(head):
        return "earlier"
    if cue_pattern("separate_opener").match(head):
        return "separate"
    return None


def _killing(chunk: str) -> bool:
    return len(chunk) >= MIN_TRIGGER_SENTENCE_CHARS and cue("earlier_killing", chunk)


def set_offset(f: SentenceFeatures, words: str) -> None:
    """The days a time shift spans ("a week earlier": 7), and what it counts from."""
    m = _OFFSET.search(words)
    if m is None:
        return
    n = _OFFSET_UNITS.get((m.group(1) or "one").lower(), 1)
    f.offset_days = n * (7 if m.group(2).lower() == "week" else 1)
    f.offset_from_published = m.group(3).lower() == "ago"


def _reported_from(text: str, p: PlaceMention, s: Sentence) -> bool:
    """ "Reports reaching New Delhi", "told reporters in Islamabad": where the news was heard
    or told, not where the incident happened."""
    before = cue_pattern("reporting_place_before")
    return before.search(text, max(s.start, p.start - 50), p.start) is not None


def _possessive_scene(text: str, end: int, triggers: list[tuple[str, int, int]]) -> bool:
    """ "Sri Lanka's Easter attack" places an attack; "Iran's Revolutionary Guards" does not."""
    if not text.startswith(("’s", "'s"), end):
        return False
    return any(end < a <= end + POSSESSIVE_TRIGGER_CHARS for _, a, _ in triggers)


def _cut_off(text: str, chunk: str, s: Sentence, passes: DocPasses) -> bool:
    """The page's last line, a long dated sentence stopped mid-phrase ("At least 24 students
    were killed last month when ISIL fighters carried out a suicide bombing at an"): the page
    was cut, the line is no headline (headlines run a dozen words or so). A teaser that ends
    on an ellipsis, or an undated line (a related story's lead), stays furniture."""
    return (
        not text[s.end :].strip()
        and len(chunk.split()) >= CUT_OFF_MIN_WORDS
        and not chunk.rstrip().endswith(("…", "..."))
        and bool(passes.dates.within(s))
    )


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
