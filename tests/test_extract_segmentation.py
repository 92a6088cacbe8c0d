"""Which incidents a report tells, and which of its sentences make one record: earlier incidents
told mid-sentence, page lines cut off or summing up, places that are no scene. Reports written
for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from khorasan.extract import extract_document
from khorasan.model import Document


def incidents(text: str, published: str | None = "2023-06-07") -> list[dict[str, Any]]:
    doc = Document(text=text, name="t.txt", source="t.txt", published=published, url=None)
    return list(extract_document(doc)["incidents"])


def killed(rec: dict[str, Any]) -> Any:
    return rec["killed"]["value"] if rec["killed"] else None


def test_an_incident_told_hours_after_is_split_off() -> None:
    text = (
        "Taliban fighters raided a hideout of the group in northern Kabul on Sunday, "
        "hours after a bomb outside a mosque in the city killed seven worshippers."
    )
    recs = incidents(text)
    assert len(recs) == 2
    assert sorted(killed(r) or 0 for r in recs) == [0, 7]


def test_since_a_date_when_tells_the_earlier_incident() -> None:
    text = (
        "On Sunday, a bomb blast killed five people outside a mosque in Kabul. "
        "Sunday's attack was the worst in Kabul since Aug. 26, when a bomb killed more than "
        "100 people outside the city's airport."
    )
    main, earlier = incidents(text, published="2021-10-04")
    assert (main["date"], killed(main)) == ("2021-10-03", 5)
    assert (earlier["date"], killed(earlier)) == ("2021-08-26", 100)


def test_an_attack_in_whose_wake_the_report_is_written_is_an_incident() -> None:
    text = (
        "Gunmen killed three guards at a checkpoint in Herat on Tuesday. "
        "Security had been tightened in the wake of an attack in central Kabul that killed "
        "around 60 people in January."
    )
    recs = incidents(text)
    assert sorted(killed(r) for r in recs) == [3, 60]


def test_a_page_cut_mid_paragraph_keeps_its_last_sentence() -> None:
    text = (
        "A suicide bomber killed nine people at a shrine in Kabul on Tuesday, police said.\n\n"
        "The attack was the latest in a wave of violence this spring. "
        "On 4 May a truck bomb exploded in"
    )
    recs = incidents(text)
    assert [r["date"] for r in recs] == ["2023-06-06", "2023-05-04"]


def test_a_cut_related_story_lead_stays_furniture() -> None:
    text = (
        "A suicide bomber killed nine people at a shrine in Kabul on Tuesday, police said.\n\n"
        "Read more\n\n"
        "HERAT: Gunmen opened fire on a bus carrying pilgrims in western Afghanistan, killing "
        "at least twelve passengers and wounding many others, a provincial official told"
    )
    assert len(incidents(text)) == 1


def test_a_datelines_date_is_the_reports_not_the_incidents() -> None:
    text = (
        "KABUL, June 7 (Reuters) - A roadside bomb killed four policemen in the eastern "
        "province of Nangarhar, officials said."
    )
    (rec,) = incidents(text)
    assert rec["date"] == "2023-06"
    assert rec["admin1"] == "Nangarhar"


def test_key_point_bullets_sum_up_the_report() -> None:
    text = (
        "• Nine soldiers and four militants were also killed in the fighting.\n"
        "• The army says the district is now under its control.\n\n"
        "Militants attacked an army outpost in the Darzab district of Jowzjan province on "
        "Monday. Nine soldiers and four militants were also killed in the fighting, "
        "a provincial spokesman said."
    )
    (rec,) = incidents(text)
    assert killed(rec) == 13
    assert rec["admin1"] == "Jowzjan"


def test_a_short_listed_item_is_where_the_attacks_were() -> None:
    text = (
        "Gunmen attacked a church in Istanbul on Sunday, killing one worshipper.\n\n"
        "Police detained 40 people across the country in raids on Monday.\n\n"
        "The interior minister said the investigation would go on.\n\n"
        "Church leaders called for calm.\n\n"
        "The group has carried out a string of deadly attacks in Turkey, including a "
        "shooting at a nightclub."
    )
    main, listed = incidents(text, published="2024-01-29")
    assert killed(main) == 1
    assert listed["country"] == "Turkey"
    assert "nightclub" in listed["evidence"]


def test_a_country_that_owns_the_place_is_not_the_scene() -> None:
    text = (
        "At least two people were killed in a bombing near the entrance to Russia's embassy "
        "in Kabul on Monday, officials said. "
        "Police in Kabul said the bomber was shot dead as he approached the gate."
    )
    (rec,) = incidents(text, published="2022-09-05")
    assert (rec["country"], rec["admin1"]) == ("Afghanistan", "Kabul")


LEAD = (
    "A blast killed 15 mourners at a funeral in Faizabad, the capital of Badakhshan, on Thursday. "
)


@pytest.mark.parametrize(
    "aside",
    [
        "The blast also killed the former commander of Baghlan police.",
        "State media quoted the foreign ministry in Tehran as saying the bombing was cowardly.",
        "One person from Australia was among the injured.",
    ],
)
def test_an_affiliation_a_source_or_an_origin_places_no_incident(aside: str) -> None:
    (rec,) = incidents(LEAD + aside)
    assert rec["admin1"] == "Badakhshan"


def test_a_persons_name_is_no_place() -> None:
    text = (
        "A US drone strike killed Abu Saad Orakzai, the leader of the group, in Nangarhar "
        "province on August 25, 2018. "
        "Intelligence officials had earlier reported that Orakzai was among 10 people killed."
    )
    recs = incidents(text, published="2018-08-27")
    assert {r["country"] for r in recs} == {"Afghanistan"}


def test_another_incident_at_the_same_location_with_its_own_date() -> None:
    text = (
        "Two bombs exploded at a boys' school in western Kabul on Tuesday, wounding 12 "
        "students. "
        "A suicide bombing at the same location killed 24 people in October 2020."
    )
    main, other = incidents(text, published="2022-04-20")
    assert main["date"] == "2022-04-19"
    assert (other["date"], killed(other)) == ("2020-10", 24)
    assert other["admin1"] == "Kabul"


def test_a_clause_counted_back_from_the_one_before_is_dated_back_and_claimed() -> None:
    text = (
        "Suicide bombers attacked a mosque in Kandahar on Friday, killing 35 people. "
        "There was no claim for Friday's attack in Kandahar, but Islamic State claimed the "
        "similar bombing a week earlier that killed scores in the northern city of Kunduz."
    )
    main, earlier = incidents(text, published="2021-10-16")
    assert (main["date"], main["perpetrator"]) == ("2021-10-15", "unknown")
    assert earlier["date"] == "2021-10-08"
    assert earlier["admin1"] == "Kunduz"
    assert earlier["perpetrator"] == "Islamic State"


def test_deaths_by_an_earthquake_are_no_incident() -> None:
    text = (
        "A roadside bomb killed three soldiers in Khost on Monday. "
        "Aid was sent after the earthquake that hit Paktika province, killing more than "
        "1,000 people."
    )
    (rec,) = incidents(text, published="2022-07-07")
    assert killed(rec) == 3


def test_a_claim_of_something_else_opens_no_incident() -> None:
    text = (
        "A suicide bomber killed 35 worshippers at a mosque in Kandahar on Friday. "
        "The attacks undermine the Taliban's claim to have restored security since they "
        "took control in August. "
        '"I saw dead bodies everywhere," said a witness who arrived soon after the blast.'
    )
    (rec,) = incidents(text, published="2021-10-16")
    assert rec["date"] == "2021-10-15"


def test_a_state_body_in_a_city_that_reports_is_no_scene() -> None:
    text = (
        "A US drone strike killed a senior commander of the group in Nangarhar province on "
        "August 25, 2018. "
        "The National Directorate of Security in Kabul had reported that the commander was "
        "among 10 people killed."
    )
    (rec,) = incidents(text, published="2018-08-27")
    assert rec["admin1"] == "Nangarhar"


def test_undated_bare_plural_compounds_name_activity_not_incidents() -> None:
    text = (
        "A roadside bomb killed four soldiers in Kunar province on Monday. "
        "At the same time, the group has stepped up its operations abroad, including "
        "cross-border attacks into Pakistan, rocket strikes against Tajikistan and Uzbekistan, "
        "and claims of responsibility for attacks in Iran."
    )
    (rec,) = incidents(text, published="2024-04-09")
    assert killed(rec) == 4


def test_a_site_of_the_police_still_places() -> None:
    text = "A suicide bomber killed six officers at a Kandahar police station on Tuesday."
    (rec,) = incidents(text)
    assert rec["admin1"] == "Kandahar"


def test_a_site_of_the_governor_still_places() -> None:
    text = "Gunmen stormed the Nangarhar governor's compound on Tuesday, killing two guards."
    (rec,) = incidents(text)
    assert rec["admin1"] == "Nangarhar"
