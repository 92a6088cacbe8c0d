"""Incident fields that come from the surrounding text: pronoun attackers, clause openings,
captions. Reports written for these tests."""

from __future__ import annotations

from typing import Any

from khorasan.extract import extract_document
from khorasan.model import Document


def incidents(text: str, published: str | None = "2024-04-02", url: str | None = None
              ) -> list[dict[str, Any]]:  # fmt: skip
    doc = Document(text=text, name="t.txt", source="t.txt", published=published, url=url)
    return list(extract_document(doc)["incidents"])


def test_it_as_subject_stands_for_the_group_that_opened_the_previous_sentence() -> None:
    text = (
        "The Islamic State Khorasan Province has become the most active branch of the group. "
        "It has recruited hundreds of fighters in the Taliban-ruled country. "
        "It has carried out a string of attacks this year, including a bombing at a market "
        "in Kandahar on March 3 that killed 12 people."
    )
    [rec] = incidents(text)
    assert (rec["perpetrator"], rec["attribution"]) == ("IS-K", "attributed")
    start, end = rec["spans"]["perpetrator"]
    assert text[start:end].startswith("Islamic State Khorasan")


def test_its_attack_is_the_attack_of_the_group_named_in_the_sentence() -> None:
    text = (
        "ISKP's statement on March 5 followed its March 3 attack on a market in Kandahar, "
        "which killed 12 people."
    )
    [rec] = incidents(text)
    assert rec["perpetrator"] == "IS-K"


def test_a_pronoun_with_no_armed_group_before_it_names_no_attacker() -> None:
    text = (
        "The provincial council met on Sunday. It has condemned the bombing at a market in "
        "Kandahar on March 3 that killed 12 people."
    )
    [rec] = incidents(text)
    assert rec["perpetrator"] == "unknown"


def test_a_victim_killed_in_a_strike_opens_the_strikes_clause() -> None:
    text = (
        "The two blasts in Kerman on Wednesday hit crowds at a memorial near the tomb of a "
        "top Revolutionary Guards general killed in a US drone strike in Iraq in January 2020."
    )
    recs = incidents(text, published="2024-01-04")
    strike = next(r for r in recs if r["country"] == "Iraq")
    assert strike["date"] == "2020-01"
    assert strike["perpetrator"] == "US"
    assert strike["killed"]["value"] == 1
    assert strike["evidence"].startswith("a top Revolutionary Guards general killed in")


def test_a_url_date_gives_the_year_of_a_day_without_one() -> None:
    text = (
        "Gunmen killed six worshippers at a mosque in Herat province on April 29, after "
        "evening prayers. Last December, armed men killed five men in the same district."
    )
    recs = incidents(text, published=None, url="https://news.example/2024/04/herat-mosque/")
    assert recs[0]["date"] == "2024-04-29"


def test_a_dated_placed_caption_of_a_strike_is_an_incident_an_undated_one_is_not() -> None:
    text = (
        "Mawlawi Karim, the group's commander in Kunar province before his death in a US "
        "airstrike in May 2019\n"
        "The group has lost several commanders since then. Analysts say it has regrouped."
    )
    [rec] = incidents(text)
    assert (rec["date"], rec["admin1"], rec["attack_type"]) == ("2019-05", "Kunar", "airstrike")
    assert (rec["perpetrator"], rec["attribution"]) == ("US", "attributed")
    assert rec["killed"]["value"] == 1
    undated = "Smoke rises after an airstrike in Kunar province\nAnalysts say it has regrouped."
    assert incidents(undated) == []


def test_a_count_of_attacks_is_no_casualty_figure() -> None:
    text = (
        "At least two of the recent deadly attacks claimed by the group in Kabul involved "
        "foreign fighters, officials said on Monday."
    )
    assert all(r["killed"] is None for r in incidents(text))


def test_an_appositive_victim_and_shot_to_death_are_deaths() -> None:
    appositive = (
        "Karim, the former head of the provincial council, was killed in a bomb blast in "
        "Jalalabad on Monday."
    )
    assert incidents(appositive)[0]["killed"]["value"] == 1
    shot = "Gunmen attacked a church in Istanbul on Sunday. One person was shot to death."
    assert incidents(shot)[0]["killed"] == {"value": 1, "qualifier": "exact"}


def test_a_group_named_before_explosion_is_its_author() -> None:
    text = "On October 13, another ISKP explosion at a mosque in Baghlan killed seven people."
    [rec] = incidents(text, published="2023-10-14")
    assert (rec["perpetrator"], rec["attribution"]) == ("IS-K", "attributed")


def test_victims_who_succumbed_raise_the_toll_and_are_no_wounded() -> None:
    text = (
        "A bombing in Kerman has killed 91 people, state media said on Saturday, raising an "
        "earlier toll after two victims had succumbed to wounds."
    )
    [rec] = incidents(text, published="2024-01-06")
    assert rec["killed"]["value"] == 91
    assert rec["wounded"] is None


def test_the_recent_attack_is_dated_to_the_publication_year() -> None:
    text = (
        "A suicide bomber struck a Shiite mosque in Kunduz on Friday, killing 46 people. "
        "The group also claimed the recent suicide bombing at Kabul airport, in which 13 US "
        "troops were killed."
    )
    recs = incidents(text, published="2021-10-09")
    airport = next(r for r in recs if r["admin1"] == "Kabul")
    assert (airport["date"], airport["date_precision"]) == ("2021", "year")
    january = incidents(text, published="2022-01-09")
    assert next(r for r in january if r["admin1"] == "Kabul")["date"] is None


def test_a_warning_of_a_possible_attack_is_no_incident() -> None:
    text = (
        "Gunmen attacked a concert hall near Moscow on Friday, killing 133 people. Officials in "
        "Washington said they had warned Moscow earlier in March of a possible attack on a "
        "large gathering."
    )
    recs = incidents(text, published="2024-03-24")
    assert [r["country"] for r in recs] == ["Russia"]


def test_each_listed_item_is_placed_and_a_later_mention_finds_its_own_item() -> None:
    text = (
        "The group has grown stronger. It has carried out a number of attacks in recent months, "
        "including twin bombings in Kerman, Iran, a strike on a church in Istanbul and a "
        "massive attack on a concert hall in the outskirts of Moscow. Gunmen opened fire at "
        "the Crocus City Hall, killing at least 137 people. After the Moscow attack, the group "
        "said its fighters had struck again."
    )
    recs = incidents(text, published=None)
    assert [r["country"] for r in recs] == ["Iran", "Turkey", "Russia"]
    moscow = recs[2]
    assert moscow["killed"]["value"] == 137
    assert moscow["admin1"] == "Moscow Oblast"  # the concert hall is outside the city


def test_an_undated_report_is_dated_to_its_publication_month_not_its_day() -> None:
    breaking = "At least 33 people have been killed in a suicide bomb attack in Jalalabad."
    assert incidents(breaking, published="2015-04-18")[0]["date"] == "2015-04"
    undated = "A suicide bomb attack in Jalalabad killed 33 people, officials said."
    assert incidents(undated, published="2015-04-18")[0]["date"] == "2015-04"


def test_years_after_a_strike_date_the_strike_back_from_the_report() -> None:
    text = (
        "Twin blasts in Kerman killed 84 people on Wednesday. The blasts hit crowds who had "
        "come to honour the general, four years after a US drone strike in Baghdad killed him."
    )
    recs = incidents(text, published="2024-01-04")
    strike = next(r for r in recs if r["country"] == "Iraq")
    assert (strike["date"], strike["date_precision"]) == ("2020", "year")
