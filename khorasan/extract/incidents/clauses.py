"""The features of every sentence, a sentence that lists several incidents cut into clauses.

"The 2020 attack on a gurdwara in Kabul and the jailbreak in Nangarhar the same year" is two
incidents in one sentence: each trigger opens a clause of its own when the clauses name places
in different provinces or countries, or different years.
"""

from __future__ import annotations

import re

from khorasan.annotate import AnnotatedDocument
from khorasan.annotate.numbers import parse_number_words
from khorasan.extract.cues import cue_alternation, cue_pattern
from khorasan.extract.incidents.features import (
    DocPasses,
    SentenceFeatures,
    features_of,
    set_offset,
)
from khorasan.kb.scene import places_compatible
from khorasan.model import DateMention, Sentence

__all__ = ["sentence_features", "split_clauses", "split_earlier"]

# How far before its attack word a clause may begin ("a top general killed in a US strike").
CLAUSE_LEAD_CHARS = 80

# a listed item with an article (or "twin") names one incident ("a strike on a church")
_ONE_ITEM = re.compile(r"\b(?:a|an|the|twin|double)\s+(?:[\w-]+\s+){0,3}\S?$", re.I)
_LISTING = re.compile(rf"\b(?:{cue_alternation('listing')})\b", re.I)
# a clause opens with the noun phrase of its attack word, and with a victim "killed in" it:
# "..., a top general killed in | a US drone strike in Iraq" splits before "a top general"
# and "..., but Islamic State claimed | the similar bombing" with the claim of it
_CLAUSE_LEAD = re.compile(
    r"(?:\b(?:[\w'’-]+\s+){0,5}?"
    rf"(?:(?:{cue_alternation('clause_victim_verbs')})\s+(?:in|by|during)"
    rf"|(?:{cue_alternation('clause_claim_verbs')})(?:\s+(?:responsibility|credit)\s+for)?)\s+)?"
    r"\b(?:a|an|the|its|their)\s+(?:[\w'’-]+\s+){0,3}$",
    re.I,
)
# "a top general killed in | a US drone strike": the victim of the clause's attack word, told
# in a participle phrase ("was killed in" is the sentence's own verb)
_VICTIM_IN = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bis )(?<!\bare )(?<!\bbe )"
    rf"\b(?:{cue_alternation('clause_victim_verbs')})\s+(?:in|by|during)\s+"
    r"(?:a|an|the|its|their)\s+(?:[\w'’-]+\s+){0,3}$",
    re.I,
)
# "days after the attack": a pointer back at the incident already told
_POINTS_BACK = re.compile(r"\b(?:the|this|that|these|those)\s+(?:[\w-]+\s+){0,2}$", re.I)
# "weeks after the killing of several dozen civilians": the noun is told anew, not pointed at
_OF_AFTER = re.compile(r"\s+of\s+(?!the\b|this\b|that\b)", re.I)
# "four years after a targeted US drone strike": the years run back from the text's time
_YEARS_AFTER = re.compile(
    r"\b([\w-]+)\s+years?\s+after\s+(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,3}$", re.I
)


def sentence_features(ann: AnnotatedDocument) -> list[SentenceFeatures]:
    """Features of every sentence, sentences listing several incidents split into clauses."""
    passes = DocPasses.of(ann)
    out = []
    for i, s in enumerate(ann.sentences):
        for part in split_earlier(ann, passes, features_of(ann, passes, i, s)):
            clauses = split_clauses(ann, passes, part)
            for clause in clauses:
                if part.shift and clause is not part:
                    clause.shift = part.shift
                    clause.offset_days = part.offset_days
                    clause.offset_from_published = part.offset_from_published
            out.extend(clauses)
    for f in out:
        earlier = _years_earlier(ann, f)
        if earlier is not None:
            f.dates = [earlier]
    return out


def split_clauses(
    ann: AnnotatedDocument, passes: DocPasses, f: SentenceFeatures
) -> list[SentenceFeatures]:
    """Split a sentence that lists several incidents in different places into clauses.

    "The 2020 attack on a gurdwara in Kabul and the jailbreak in Nangarhar the same year":
    each trigger opens a clause that runs to the next trigger; the split is kept only when the
    clauses name places in different provinces or countries.
    """
    text = ann.doc.text
    # "a suicide bombing in Kandahar and another in a Shia mosque in Kunduz": "another" is a
    # second attack of the kind before it
    ellipses = [
        (
            kind,
            f.sentence.start + m.start() + m.group(0).lower().index("another"),
            f.sentence.start + m.start() + m.group(0).lower().index("another") + len("another"),
        )
        for m in cue_pattern("another_ellipsis").finditer(f.text)
        for kind in [_kind_before(f, f.sentence.start + m.start())]
        if kind is not None
    ]
    if ellipses:
        f.triggers = sorted(f.triggers + ellipses, key=lambda t: t[1])
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
            item = features_of(ann, passes, f.index, Sentence(item_start, f.sentence.end))
            item.listed, item.aggregate, item.headline = True, False, f.headline
            # a short item ("including a shooting at a club") keeps its attack word, and is
            # where the attacks it is one of were ("attacks in Turkey, including ...")
            item.triggers = item.triggers or [t for t in f.triggers if t[1] >= item_start]
            item.places = item.places or f.places
            return [item]
    if len(starts) < 2:
        return [f]
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
    apart = any(not places_compatible(a, b) for a in known for b in known)
    # "..., and, also on the same day, a magnetic bomb exploded in ...", "followed by a
    # separate blast": the words before a clause make it another incident
    separate = [
        cue_pattern("clause_separate").search(text, max(prev_end, a - CLAUSE_LEAD_CHARS), a)
        is not None
        for a, prev_end in zip(
            starts[1:],
            [max(b for _, x, b in f.triggers if x < a) for a in starts[1:]],
            strict=False,
        )
    ]
    if not apart and len(years) < 2 and not _dated_victim_clause(f, clauses, text):
        if not any(separate):
            return [f]
        # one place, one time: cut only where the words make another incident ("exploded",
        # "killing one person" go on with the clause they follow)
        inner = [b for b, cut in zip(inner, separate, strict=True) if cut]
        separate = [True] * len(inner)
        bounds = [f.sentence.start] + inner + [f.sentence.end]
        clauses = [Sentence(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    # each clause is its own evidence: one sentence, several incidents, several records
    out = [features_of(ann, passes, f.index, c, extra=ellipses) for c in clauses]
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
        if 0 < i <= len(separate) and separate[i - 1]:
            clause.shift = "separate"
        if any(t in clause.triggers for t in ellipses):
            clause.listed = True  # "... and another in Kunduz": the second item of two
        if i > 0 and clause.shift is None and not clause.dates:
            # "..., but IS claimed the similar bombing a week earlier that killed scores in
            # Kunduz": a clause counted back from the one before tells an earlier incident
            set_offset(clause, clause.text)
            counted = clause.offset_days is not None or clause.offset_months is not None
            if counted and not clause.offset_from_published:
                clause.shift = "earlier"
        if not clause.dates and i > 0 and out[i - 1].dates and clause.shift != "earlier":
            # "... in Kabul and the jailbreak in Nangarhar the same year": the date carries on
            clause.dates = [out[i - 1].dates[-1]]
    return out


def split_earlier(
    ann: AnnotatedDocument, passes: DocPasses, f: SentenceFeatures
) -> list[SentenceFeatures]:
    """Cut off the earlier incident a sentence tells after its own.

    "The attack comes a week after five militants stormed a hotel in the city, killing 22":
    the words from "a week after" on tell another, earlier incident, with its own figures
    (and, a day or a week back, its own date); "... months after a police chief was killed in
    a similar attack" too. Kept only when both parts tell of an attack or a toll, and the
    later part is more than a pointer back at the first ("days after the attack").
    """
    if not (f.triggers or f.figures):
        return [f]
    m = cue_pattern("earlier_clause").search(f.text)
    if m is None:
        return [f]
    cut = f.sentence.start + m.start()
    if not any(a < cut for _, a, _ in f.triggers) and not any(
        x.number.start < cut for x in f.figures
    ):
        return [f]
    after = features_of(ann, passes, f.index, Sentence(cut, f.sentence.end), shift="earlier")
    if not after.is_incident_sentence:
        return [f]
    text = ann.doc.text
    if (
        not after.figures
        and not after.dates
        and all(
            _POINTS_BACK.search(text, max(cut, a - 30), a) and not _OF_AFTER.match(text, b)
            for _, a, b in after.triggers
        )
    ):
        return [f]  # "two days after the bombing": the same incident again
    before = features_of(ann, passes, f.index, Sentence(f.sentence.start, cut))
    before.headline = after.headline = f.headline
    set_offset(after, m.group(0))
    return [before, after]


def _dated_victim_clause(f: SentenceFeatures, clauses: list[Sentence], text: str) -> bool:
    """Whether a later clause tells a victim killed in an attack dated on its own while the
    first clause names no date ("The bombs went off near the grave of the general, killed in a
    drone strike in 2020": the strike is an earlier incident than the bombs)."""
    first = clauses[0]
    if any(first.start <= d.start < first.end for d in f.dates):
        return False
    for c in clauses[1:]:
        trigger = min((a for _, a, _ in f.triggers if c.start <= a < c.end), default=None)
        # a date of its own: a written one ("in 2020"), not one counted from the report
        if trigger is None or not any(
            c.start <= d.start < c.end and not d.relative for d in f.dates
        ):
            continue
        if _VICTIM_IN.search(text, max(c.start - CLAUSE_LEAD_CHARS, 0), trigger):
            return True
    return False


def _kind_before(f: SentenceFeatures, at: int) -> str | None:
    """The kind of the last attack word before ``at`` (the one "another" stands for)."""
    before = [(a, k) for k, a, _ in f.triggers if a < at]
    return max(before)[1] if before else None


def _clause_start(text: str, trigger: int, previous_trigger: int) -> int:
    """Where the clause of the attack word at ``trigger`` begins (after ``previous_trigger``)."""
    floor = max(previous_trigger + 1, trigger - CLAUSE_LEAD_CHARS)
    m = _CLAUSE_LEAD.search(text, floor, trigger)
    return m.start() if m else trigger


def _years_earlier(ann: AnnotatedDocument, f: SentenceFeatures) -> DateMention | None:
    """ "The blasts ..., four years after a US drone strike killed ...": the strike's year is
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
