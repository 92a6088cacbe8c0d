"""The date an incident record gets: the day of the attack, not of a statement, a dateline or
a report. Reports written for these tests."""

from __future__ import annotations

from typing import Any

from khorasan.extract import extract_document
from khorasan.model import Document


def incidents(text: str, published: str | None = "2024-04-16") -> list[dict[str, Any]]:
    doc = Document(text=text, name="t.txt", source="t.txt", published=published)
    return list(extract_document(doc)["incidents"])


def dated(rec: dict[str, Any]) -> tuple[str | None, str | None]:
    return rec["date"], rec["date_precision"]


def test_the_day_of_a_report_is_not_the_day_of_the_attack() -> None:
    text = (
        "The toll of the bombing at a bus station in Herat rose to 12, local media reported "
        "on Monday. The blast went off last week as passengers boarded a bus."
    )
    [rec] = incidents(text)
    assert dated(rec) == ("2024-04", "month")  # not Monday the 15th


def test_a_claim_alone_dates_the_attack_to_its_month() -> None:
    text = (
        "The Islamic State group on Monday said it had carried out a bombing at a bus station "
        "in Herat that killed nine passengers."
    )
    [rec] = incidents(text)
    assert dated(rec) == ("2024-04", "month")


def test_the_attack_a_statement_names_by_its_day_keeps_that_day() -> None:
    text = (
        "Gunmen stormed a wedding hall in Herat, killing nine guests. "
        "The group said Sunday's attack targeted government officials."
    )
    [rec] = incidents(text)
    assert dated(rec) == ("2024-04-14", "day")


def test_a_dateline_dates_the_report_not_the_incident() -> None:
    text = (
        "HERAT, Afghanistan, April 16 (Wire) -- Rockets hit a border town on Sunday, wounding "
        "four people, officials said."
    )
    [rec] = incidents(text)
    assert dated(rec) == ("2024-04-14", "day")
    undated = "HERAT, Afghanistan, April 16 (Wire) -- A bomb at a market killed nine people."
    assert dated(incidents(undated, published=None)[0]) == (None, None)


def test_the_start_of_a_period_since_is_no_incident_date() -> None:
    text = (
        "A bomb at a market in Herat killed nine people, the worst attack on the city since "
        "the new council took office in May 2021."
    )
    [rec] = incidents(text)
    assert dated(rec) == ("2024-04", "month")


def test_months_counted_back_from_the_incident_give_the_month() -> None:
    text = (
        "A suicide bomber killed six people at a bank in Kunduz on Monday. The attack came two "
        "months after a bombing at a ministry in Kabul killed a minister and two guards."
    )
    kabul = next(r for r in incidents(text) if r["admin1"] == "Kabul")
    assert dated(kabul) == ("2024-02", "month")


def test_weeks_not_counted_give_the_year_when_they_cannot_leave_it() -> None:
    text = (
        "Gunmen killed four worshippers at a temple in Kabul on Monday. The attack came weeks "
        "after a bombing at a wedding in Herat killed 30 guests."
    )
    herat = next(r for r in incidents(text) if r["admin1"] == "Herat")
    assert dated(herat) == ("2024", "year")
    early = incidents(text, published="2024-01-16")
    assert dated(next(r for r in early if r["admin1"] == "Herat")) == (None, None)


def test_a_clause_a_week_earlier_counts_back_from_the_clause_before() -> None:
    text = (
        "No group has claimed Friday's bombing of a mosque in Herat that killed 12, but the "
        "Islamic State claimed a similar bombing a week earlier that killed 30 in Kunduz."
    )
    kunduz = next(r for r in incidents(text, published="2024-04-13") if r["admin1"] == "Kunduz")
    assert dated(kunduz) == ("2024-04-05", "day")


def test_hours_after_an_earlier_attack_dates_it_to_the_month_they_fall_in() -> None:
    text = (
        "Troops raided a hideout in Nangarhar on Saturday, killing two gunmen, less than 48 "
        "hours after a suicide bombing at a hotel in Kabul killed 20 people."
    )
    kabul = next(r for r in incidents(text) if r["admin1"] == "Kabul")
    assert dated(kabul) == ("2024-04", "month")
    assert kabul["killed"]["value"] == 20


def test_an_attack_is_dated_by_the_day_it_began() -> None:
    text = (
        "Police guard the prison after a militant attack in Herat, Afghanistan, 15 April 2024. "
        "Gunmen fought security forces at the prison in Herat city on Monday, with at least "
        "eleven people killed. "
        "The attack began on Sunday evening with a car bomb at the gate of the prison."
    )
    (record,) = incidents(text, published="2024-04-15")
    assert record["date"] == "2024-04-14"
