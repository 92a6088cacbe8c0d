"""Whole-text patterns tried only where a match can start: the same matches as finditer."""

from __future__ import annotations

import re

import pytest

from khorasan.annotate import dates, numbers
from khorasan.annotate._scan import finditer_at, word_start_positions

TEXTS = [
    "On Tuesday, 3 March 2020, two dozen men met; last week hundreds of others left.",
    "Between 2001 and 2004 (Monday (April 5, 2003)) some 2000 people fled, twenty-one died.",
    "The \u017feven \u212aabul and \u0130stanbul men, \u0131n 2019-02-03, mid-2019 and 1998-99.",
    "Friday-based, a week ago, three days later, the day before yesterday, early June.",
    # the words a match opens with, in other cases, glued, beyond ASCII
    "LAST FRIDAY, Yesterday's raid; THE SAME DAY IN 2019, Sept. 11, 2001 and 12th-13 May 2018.",
    "\u0663 days ago, 2 Months Later, \u017fince June 2010, This Past Monday, from 1990 to 2000.",
    "HALF A DOZEN, A Few Dozen and TWENTY-ONE men; \u212aabul's \u212aabul on Thurſday, thiſ May.",
    "",
]


def _spans(matches: list[re.Match[str]]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]


@pytest.mark.parametrize("text", TEXTS)
def test_date_patterns_match_as_finditer(text: str) -> None:
    for pattern in dates._lexicon().patterns:
        assert _spans(dates._finditer(pattern, text)) == _spans(
            list(pattern.regex.finditer(text))
        ), pattern.kind


@pytest.mark.parametrize("text", TEXTS)
def test_number_patterns_match_as_finditer(text: str) -> None:
    lex = numbers._lexicon()
    for regex, leads in ((lex.words_re, lex.words_leads), (lex.vague_re, lex.vague_leads)):
        got = numbers._finditer(regex, leads, text)
        assert _spans(got) == _spans(list(regex.finditer(text)))


def test_ignorecase_class_admits_the_long_s() -> None:
    # under IGNORECASE "[s]" matches the long s, which str.lower() leaves alone
    lead = re.compile("[Ss]", re.I)
    assert word_start_positions("a \u017fix six", frozenset("Ss"), lead) == [2, 6]


def test_finditer_at_resumes_after_each_match() -> None:
    regex = re.compile(r"(?=[a])\baa?")
    text = "aa a aaa"
    positions = [0, 1, 3, 5, 6, 7]
    assert _spans(finditer_at(regex, text, positions)) == _spans(list(regex.finditer(text)))
