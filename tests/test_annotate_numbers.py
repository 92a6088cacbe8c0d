"""Numbers: digits, words, vague amounts, ranges, qualifiers, and what is not a count."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khorasan.annotate.numbers import find_numbers, parse_number_words

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

Row = tuple[str, int, str, int | None, int | None, bool]


def _rows(text: str) -> list[Row]:
    return [(text[n.start : n.end], n.value, n.qualifier, n.low, n.high, n.vague)
            for n in find_numbers(text)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "killing at least 13 people and wounding 30 others",
            [
                ("at least 13", 13, "at_least", None, None, False),
                ("30", 30, "exact", None, None, False),
            ],
        ),
        ("more than 30 people dead", [("more than 30", 30, "over", None, None, False)]),
        ("the toll reached nearly 100", [("nearly 100", 100, "about", None, None, False)]),
        ("over 1,600 casualties", [("over 1,600", 1600, "over", None, None, False)]),
        ("a force of 5,500 fighters", [("5,500", 5500, "exact", None, None, False)]),
        ("some 2.5 million refugees", [("some 2.5 million", 2500000, "about", None, None, False)]),
        (
            "13 U.S. service members and 90 Afghans",
            [("13", 13, "exact", None, None, False), ("90", 90, "exact", None, None, False)],
        ),
        ("Thirteen Americans were killed", [("Thirteen", 13, "exact", None, None, False)]),
        ("twenty-one soldiers", [("twenty-one", 21, "exact", None, None, False)]),
        (
            "two hundred and fifty homes",
            [("two hundred and fifty", 250, "exact", None, None, False)],
        ),
        ("a hundred people", [("a hundred", 100, "exact", None, None, False)]),
        ("a dozen guards", [("a dozen", 12, "exact", None, None, False)]),
        ("more than a dozen guards", [("more than a dozen", 12, "over", None, None, False)]),
        ("half a dozen attackers", [("half a dozen", 6, "exact", None, None, False)]),
        ("dozens of Afghans", [("dozens", 24, "at_least", 24, None, True)]),
        ("scores of prisoners escaped", [("scores", 40, "at_least", 40, None, True)]),
        ("hundreds of worshippers", [("hundreds", 200, "at_least", 200, None, True)]),
        (
            "tens of thousands of people",
            [("tens of thousands", 20000, "at_least", 20000, None, True)],
        ),
        ("a handful of fighters", [("a handful", 3, "about", 2, 5, True)]),
        (
            "an estimated 2,000-2,500 fighters",
            [("an estimated 2,000-2,500", 2000, "about", 2000, 2500, False)],
        ),
        ("2,000-2,500 fighters", [("2,000-2,500", 2000, "at_least", 2000, 2500, False)]),
        ("2,000 to 2,500 fighters", [("2,000 to 2,500", 2000, "at_least", 2000, 2500, False)]),
        ("between 30 and 40 people", [("between 30 and 40", 30, "at_least", 30, 40, False)]),
        ("600 to 800 IS fighters", [("600 to 800", 600, "at_least", 600, 800, False)]),
        (
            "between 1.5 and 2 million",
            [("between 1.5 and 2 million", 1500000, "at_least", 1500000, 2000000, False)],
        ),
        ("up to 150 people", [("up to 150", 150, "up_to", None, None, False)]),
        ("as many as 200 people", [("as many as 200", 200, "up_to", None, None, False)]),
        ("around 150 worshippers", [("around 150", 150, "about", None, None, False)]),
        (
            "approximately 40 and roughly 50",
            [
                ("approximately 40", 40, "about", None, None, False),
                ("roughly 50", 50, "about", None, None, False),
            ],
        ),
        (
            "almost 60 and close to 70",
            [
                ("almost 60", 60, "about", None, None, False),
                ("close to 70", 70, "about", None, None, False),
            ],
        ),
        (
            "upwards of 100 and in excess of 300",
            [
                ("upwards of 100", 100, "over", None, None, False),
                ("in excess of 300", 300, "over", None, None, False),
            ],
        ),
        ("30 or more people", [("30 or more", 30, "at_least", None, None, False)]),
        ("at least one person", [("at least one", 1, "at_least", None, None, False)]),
        ("one soldier died", [("one", 1, "exact", None, None, False)]),
        ("one U.S. soldier died", [("one", 1, "exact", None, None, False)]),
        (
            "seven and eight",
            [("seven", 7, "exact", None, None, False), ("eight", 8, "exact", None, None, False)],
        ),
        (
            "the number rose from 30 to 40",
            [("30", 30, "exact", None, None, False), ("40", 40, "exact", None, None, False)],
        ),
    ],
)
def test_find_numbers_cases(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "One of the gates was closed.",
        "No one was hurt.",
        "A man was seen.",
        "In 2019 the group split.",
        "On 18 April 2015 and April 18, 2015 and 2023-06-10.",
        "It was 12:27 local time at 7 a.m.",
        "the 13th century and the second blast",
        "a 45% rise and 50 percent of them",
        "a 24-year-old man, aged 30",
        "Hakim Khan, 50, was killed.",
        "a GBU-43B bomb and COVID-19",
        "Flight 9268 and Resolution 2593",
        "it cost $5 million",
        "a magnitude 7.8 quake",
        "between 2015 and 2023 and in 2015-19",
        "3 min read",
        "on the list: 1) attacks",
        "raids on October 3 and 4",  # the second day of a date
    ],
)
def test_find_numbers_skips_non_counts(text: str) -> None:
    assert _rows(text) == []


@given(st.integers(min_value=0, max_value=10**6))
def test_find_numbers_comma_formatted_roundtrip(n: int) -> None:
    text = f"Officials said {n:,} people were affected."
    found = find_numbers(text)
    assert [(text[m.start : m.end], m.value) for m in found] == [(f"{n:,}", n)]


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
         "fifteen sixteen seventeen eighteen nineteen".split()  # fmt: skip
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    """English words for 0..999 999 (the test's own generator, independent of the parser)."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens - 2] + (f"-{_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" and {_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{_words(thousands)} thousand" + (f" {_words(rest)}" if rest else "")


@given(st.integers(min_value=0, max_value=99), st.booleans())
def test_find_numbers_words_roundtrip(n: int, capital: bool) -> None:
    words = _words(n)
    words = words[0].upper() + words[1:] if capital else words
    text = f"{words} people were killed"
    assert [(text[m.start : m.end], m.value) for m in find_numbers(text)] == [(words, n)]


@given(st.integers(min_value=0, max_value=999_999))
def test_parse_number_words_roundtrip(n: int) -> None:
    assert parse_number_words(_words(n)) == n


@pytest.mark.parametrize("words", ["a", "and", "hundred", "two three", "dozen"])
def test_parse_number_words_rejects(words: str) -> None:
    assert parse_number_words(words) is None


_PIECES = ["at least", "13", "1,600", "2,000-2,500", "twenty-one", "a dozen", "dozens of", "one",
           "of", "people", "between", "and", "to", "2019", "April", "18", "nearly", "some", " ",
           ",", ".", "\n", "-", "GBU-43B", "%", "hundred", "a", "million", "2.5"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join) | st.text(max_size=120))
def test_find_numbers_spans_are_ordered_and_in_bounds(text: str) -> None:
    previous_end = 0
    for m in find_numbers(text):
        assert previous_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end].strip()
        assert m.qualifier in {"exact", "at_least", "about", "over", "up_to"}
        assert m.value >= 0
        previous_end = m.end


def test_find_numbers_smoke_over_shared_texts() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED}")
    paths = sorted(SHARED.glob("seeds/*.txt")) + sorted(SHARED.glob("eval/dev/*.txt"))
    if not paths:
        pytest.skip(f"no .txt files under {SHARED}")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    began = time.perf_counter()
    total = sum(len(find_numbers(t)) for t in texts)
    elapsed = time.perf_counter() - began
    assert total > 0
    print(f"find_numbers: {len(texts)} docs, {total} numbers in {elapsed * 1000:.1f} ms")
