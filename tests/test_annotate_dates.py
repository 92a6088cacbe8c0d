"""Dates: absolute forms, year inference, relative dates against the publication date."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khorasan.annotate.dates import date_spans, find_dates, is_year

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

Row = tuple[str, str, str, bool, str | None]


def _rows(text: str, published: str | None) -> list[Row]:
    return [(text[d.start : d.end], d.value, d.precision, d.relative, d.end_value)
            for d in find_dates(text, published)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The attack on 18 April 2015 killed 35.",
            None,
            [("18 April 2015", "2015-04-18", "day", False, None)],
        ),
        (
            "on April 18, 2015, a bomber struck",
            None,
            [("April 18, 2015", "2015-04-18", "day", False, None)],
        ),
        (
            "Monday 3 August 2020 - 12:27",
            None,
            [("Monday 3 August 2020", "2020-08-03", "day", False, None)],
        ),
        ("published 2023-06-10", None, [("2023-06-10", "2023-06-10", "day", False, None)]),
        (
            "on October 13, 2023, a blast",
            None,
            [("October 13, 2023", "2023-10-13", "day", False, None)],
        ),
        ("in January 2015 the group", None, [("January 2015", "2015-01", "month", False, None)]),
        ("as reported in August, 2023.", None, [("August, 2023", "2023-08", "month", False, None)]),
        ("the group was formed in 2019.", None, [("2019", "2019", "year", False, None)]),
        ("the first phase (2015-19) focused", None, [("2015-19", "2015", "year", False, "2019")]),
        (
            "plots between 2015 and 2023 were",
            None,
            [("between 2015 and 2023", "2015", "year", False, "2023")],
        ),
        (
            "incidents since August 15, 2021, when",
            None,
            [("August 15, 2021", "2021-08-15", "day", False, None)],
        ),
        ("(data till May 3, 2024)", None, [("May 3, 2024", "2024-05-03", "day", False, None)]),
        (
            "on Thursday 13th of April 2017",
            None,
            [("Thursday 13th of April 2017", "2017-04-13", "day", False, None)],
        ),
        ("By : 17-Feb-2017", None, [("17-Feb-2017", "2017-02-17", "day", False, None)]),
        (
            "on Jan. 3 this year",
            "2024-01-29",
            [
                ("Jan. 3", "2024-01-03", "day", False, None),
                ("this year", "2024", "year", True, None),
            ],
        ),
        ("the bombing on April 18", "2015-04-23", [("April 18", "2015-04-18", "day", False, None)]),
        ("the bombing on April 18", "2015-03-01", [("April 18", "2014-04-18", "day", False, None)]),
        ("the vote on April 18", "2015-04-15", [("April 18", "2015-04-18", "day", False, None)]),
        ("the bombing on April 18", None, []),
        (
            "on Monday, April 29 gunmen",
            "2024-04-30",
            [("Monday, April 29", "2024-04-29", "day", False, None)],
        ),
        (
            "a blast on Friday (October 13) killed",
            "2023-10-20",
            [("Friday (October 13)", "2023-10-13", "day", False, None)],
        ),
        (
            "killed on Thursday in two bombings",
            "2021-08-27",
            [("Thursday", "2021-08-26", "day", True, None)],
        ),
        (
            "injured in Thursday's bombings",
            "2021-08-27",
            [("Thursday's", "2021-08-26", "day", True, None)],
        ),
        ("a mosque on Friday", "2021-10-08", [("Friday", "2021-10-08", "day", True, None)]),
        ("a mosque on Friday", "2021-10-09", [("Friday", "2021-10-08", "day", True, None)]),
        ("during Friday prayers", "2023-10-14", [("Friday", "2023-10-13", "day", True, None)]),
        ("last Friday", "2023-10-13", [("last Friday", "2023-10-06", "day", True, None)]),
        ("today we have seen", "2021-08-27", [("today", "2021-08-27", "day", True, None)]),
        ("killed this morning", "2023-03-10", [("this morning", "2023-03-10", "day", True, None)]),
        (
            "bombings that yesterday killed 84",
            "2024-01-04",
            [("yesterday", "2024-01-03", "day", True, None)],
        ),
        (
            "Last night, gunmen attacked",
            "2020-08-03",
            [("Last night", "2020-08-02", "day", True, None)],
        ),
        (
            "attacked last December",
            "2024-01-15",
            [("last December", "2023-12", "month", True, None)],
        ),
        (
            "attacked last December",
            "2024-12-20",
            [("last December", "2023-12", "month", True, None)],
        ),
        ("attacked in March.", "2023-06-06", [("in March", "2023-03", "month", True, None)]),
        ("attacked in December.", "2024-01-15", [("in December", "2023-12", "month", True, None)]),
        (
            "earlier this month",
            "2021-08-27",
            [("earlier this month", "2021-08", "month", True, None)],
        ),
        ("last month", "2021-01-27", [("last month", "2020-12", "month", True, None)]),
        ("last year", "2023-03-10", [("last year", "2022", "year", True, None)]),
        ("last week", "2017-04-03", [("last week", "2017-03", "month", True, None)]),
        ("two years ago", "2023-03-10", [("two years ago", "2021", "year", True, None)]),
        (
            "By April 2020 it had 4,000, down from 10,000 a year earlier.",
            "2022-01-01",
            [
                ("April 2020", "2020-04", "month", False, None),
                ("a year earlier", "2019-04", "month", True, None),
            ],
        ),
        ("killed on Thursday, last month and today", None, []),
        ("prayers between Maghrib and Isha, 4 mins read, 13 min", "2024-01-01", []),
        ("since the 13th century, Hakim, 50, said at 12:27", "2024-01-01", []),
        (
            "killed 35\n\nApril 23rd, 2015",
            None,
            [("April 23rd, 2015", "2015-04-23", "day", False, None)],
        ),
        ("some 2000 fighters joined", None, []),
        ("the 2019 attacks", None, [("2019", "2019", "year", False, None)]),
        ("elections in May", "2024-01-10", [("in May", "2023-05", "month", True, None)]),
        ("they may 2020", None, [("2020", "2020", "year", False, None)]),  # "may" is no month
    ],
)
def test_find_dates_cases(text: str, published: str | None, expected: list[Row]) -> None:
    assert _rows(text, published) == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("in 2019", 3, 7, True),
        ("some 2000 fighters", 5, 9, False),
        ("the 2019 attacks", 4, 8, True),
        ("1,600", 0, 5, False),
        ("2200", 0, 4, False),
        ("mid-2019", 4, 8, True),
    ],
)
def test_is_year(text: str, start: int, end: int, expected: bool) -> None:
    assert is_year(text, start, end) is expected


def test_date_spans_cover_explicit_dates_only() -> None:
    text = "On 18 April 2015 and on Thursday, in 2019."
    spans = [text[s:e] for s, e in date_spans(text)]
    assert spans == ["18 April 2015", "2019"]


_DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(_DAYS, st.sampled_from(["{d} {M} {y}", "{M} {d}, {y}", "{iso}", "{W}, {M} {d}, {y}",
                                "{W} {d} {M} {y}"]))  # fmt: skip
def test_find_dates_absolute_roundtrip(day: date, form: str) -> None:
    written = form.format(d=day.day, M=MONTHS[day.month - 1], y=day.year, iso=day.isoformat(),
                          W=WEEKDAYS[day.weekday()])  # fmt: skip
    text = f"The attack on {written} was claimed."
    found = find_dates(text, None)
    assert [(text[d.start : d.end], d.value, d.precision) for d in found] == [
        (written, day.isoformat(), "day")
    ]


@given(_DAYS, st.sampled_from(WEEKDAYS))
def test_find_dates_weekday_is_latest_on_or_before_publication(published: date, wd: str) -> None:
    (found,) = find_dates(f"It happened on {wd} night.", published.isoformat())
    resolved = date.fromisoformat(found.value)
    assert found.relative and found.precision == "day"
    assert published - timedelta(days=6) <= resolved <= published
    assert WEEKDAYS[resolved.weekday()] == wd


@given(_DAYS, st.integers(min_value=1, max_value=12))
def test_find_dates_last_month_name_is_before_publication_month(
    published: date, month: int
) -> None:
    (found,) = find_dates(f"It began last {MONTHS[month - 1]}.", published.isoformat())
    year, mon = (int(p) for p in found.value.split("-"))
    assert mon == month
    assert (published.year - 1, published.month) <= (year, mon) < (published.year, published.month)


@given(st.text(max_size=150) | st.lists(st.sampled_from(
    ["on", "Friday", "18", "April", "2015", "in", "2019", "-", "20", "last", "month", "yesterday",
     "a year earlier", ",", "(", ")", "\n", "between", "and", "2023-06-10", "Jan.", "3"]),
    max_size=25).map(" ".join), st.one_of(st.none(), _DAYS.map(date.isoformat)))  # fmt: skip
def test_find_dates_spans_are_ordered_and_well_formed(text: str, published: str | None) -> None:
    previous_end = 0
    for d in find_dates(text, published):
        assert previous_end <= d.start < d.end <= len(text)
        assert text[d.start : d.end].strip()
        assert d.precision in {"day", "month", "year"}
        assert len(d.value) == {"day": 10, "month": 7, "year": 4}[d.precision]
        previous_end = d.end


def test_find_dates_smoke_over_shared_texts() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED}")
    paths = sorted(SHARED.glob("seeds/*.txt")) + sorted(SHARED.glob("eval/dev/*.txt"))
    if not paths:
        pytest.skip(f"no .txt files under {SHARED}")
    docs = []
    for p in paths:
        meta = p.with_name(p.stem + ".meta.json")
        published = json.loads(meta.read_text())["published"] if meta.exists() else None
        docs.append((p.read_text(encoding="utf-8"), published))
    began = time.perf_counter()
    total = sum(len(find_dates(text, published)) for text, published in docs)
    elapsed = time.perf_counter() - began
    assert total > 0
    print(f"find_dates: {len(docs)} docs, {total} dates in {elapsed * 1000:.1f} ms")


def test_year_hint_dates_a_yearless_day_but_resolves_no_weekday() -> None:
    # no publication date; the URL files the story under April 2024
    text = "The attack happened on Monday, April 29, after evening prayers. It was on Monday."
    dates = find_dates(text, None, year_hint="2024-04")
    assert [(d.value, d.precision) for d in dates] == [("2024-04-29", "day")]
    assert find_dates(text, None) == []  # without any year, "April 29" is not a date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In March last year, gunmen struck.",
            [("March last year", "2024-03", "month", True, None)],
        ),
        ("in the May of last year", [("May of last year", "2024-05", "month", True, None)]),
        ("in January this year", [("January this year", "2025-01", "month", True, None)]),
        ("In March, gunmen struck.", [("In March", "2024-03", "month", True, None)]),
    ],
)
def test_find_dates_month_with_its_year_in_words(text: str, expected: list[Row]) -> None:
    assert _rows(text, "2025-02-11") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A shrine was bombed in October 2016. Four months later, a market was hit.",
            [
                ("October 2016", "2016-10", "month", False, None),
                ("Four months later", "2017-02", "month", True, None),
            ],
        ),
        (
            "The raid on June 9, 2018 failed. Two years later, the camp fell.",
            [
                ("June 9, 2018", "2018-06-09", "day", False, None),
                ("Two years later", "2020", "year", True, None),
            ],
        ),
        ("Three months later, the camp fell.", []),  # no date to count from: not the future
    ],
)
def test_find_dates_spans_counted_from_the_date_before(text: str, expected: list[Row]) -> None:
    assert _rows(text, "2021-05-13") == expected


def test_find_dates_the_same_day_in_another_year() -> None:
    text = "Crowds met on 5 March 2023 to mourn him. He was shot on the same day in 2019."
    assert _rows(text, None)[1] == ("the same day in 2019", "2019-03-05", "day", True, None)
    assert _rows("It fell on this day in 2015.", "2024-06-09") == [
        ("this day in 2015", "2015-06-09", "day", True, None)
    ]


def test_without_publication_last_year_counts_from_the_first_day_written_out() -> None:
    text = "Mourners on 16 May 2019 recalled a similar bombing late last year."
    assert _rows(text, None)[1] == ("late last year", "2018", "year", True, None)
    assert find_dates("It was bombed last year.", None, year_hint="2024-04") == [
        find_dates("It was bombed last year.", "2024-04")[0]
    ]
    assert find_dates("It was bombed last month.", None) == []  # a month needs publication
