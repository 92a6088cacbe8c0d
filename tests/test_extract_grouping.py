"""One record per real incident: earlier incidents told for context are records of their own,
with their own date and toll; asides do not take the report's later sentences. Reports written
for these tests."""

from __future__ import annotations

from typing import Any

from khorasan.extract import extract_document
from khorasan.model import Document


def incidents(text: str, published: str | None = "2024-04-02") -> list[dict[str, Any]]:
    doc = Document(text=text, name="t.txt", source="t.txt", published=published, url=None)
    return list(extract_document(doc)["incidents"])


def killed(rec: dict[str, Any]) -> Any:
    return rec["killed"]["value"] if rec["killed"] else None


def test_a_sentence_opening_on_an_earlier_time_tells_an_earlier_incident() -> None:
    text = (
        "Gunmen stormed a Shia mosque in Herat city on April 12, 2024, killing 12 worshippers. "
        "Police said the attackers escaped. "
        "A week earlier, a suicide bomber struck a mosque in the northern province, "
        "killing 30 people."
    )
    main, earlier = incidents(text, published="2024-04-13")
    assert (main["date"], killed(main)) == ("2024-04-12", 12)
    assert (earlier["date"], killed(earlier)) == ("2024-04-05", 30)
    assert earlier["country"] == "Afghanistan"
    assert earlier["evidence"].startswith("A week earlier")


def test_last_month_a_killing_without_an_attack_word_is_an_incident() -> None:
    text = (
        "A suicide bomber killed 20 people at a wrestling club in Kabul on Wednesday, "
        "officials said. "
        "Last month, dozens of students preparing for an exam were killed at an education "
        "centre in the area."
    )
    main, earlier = incidents(text, published="2018-09-05")
    assert killed(main) == 20
    assert earlier["date"] == "2018-08"
    assert earlier["admin1"] == "Kabul"  # "in the area": where the incident before was


def test_an_incident_told_after_comes_a_week_after_is_split_off() -> None:
    text = (
        "A car bomb killed at least 40 people in central Kabul on January 27, 2018. "
        "The attack comes a week after five militants stormed a luxury hotel in the city, "
        "killing 22 guests."
    )
    main, earlier = incidents(text, published=None)
    assert (main["date"], killed(main)) == ("2018-01-27", 40)
    assert (earlier["date"], killed(earlier)) == ("2018-01-20", 22)
    assert earlier["evidence"].startswith("a week after five militants")


def test_days_after_the_attack_points_back_and_splits_nothing() -> None:
    text = (
        "A bomb tore through a market in Jalalabad on Monday, killing nine people. "
        "Police arrested two men two days after the bombing, killing nobody."
    )
    recs = incidents(text, published="2024-04-02")
    assert len(recs) == 1
    assert killed(recs[0]) == 9


def test_elsewhere_is_another_incident_at_the_same_time() -> None:
    text = (
        "Gunmen attacked a maternity hospital in Kabul on Tuesday, killing 16 people. "
        "Elsewhere, a suicide bomber hit a police commander's funeral, killing 24 more."
    )
    main, other = incidents(text, published="2020-05-13")
    assert killed(main) == 16
    assert killed(other) == 24
    assert other["date"] == main["date"] == "2020-05-12"
    assert other["admin1"] is None  # elsewhere: not in Kabul


def test_a_separate_attack_in_the_same_province_keeps_the_province() -> None:
    text = (
        "A roadside bomb killed four soldiers in Nangarhar province on Sunday. "
        "In a separate attack in the same province, gunmen shot dead two teachers."
    )
    main, other = incidents(text, published="2024-03-18")
    assert other["admin1"] == main["admin1"] == "Nangarhar"
    assert other["date"] == main["date"]


def test_an_aside_takes_that_attack_but_not_the_second_explosion() -> None:
    text = (
        "Twin blasts killed 20 people at a wrestling club in Kabul on Wednesday. "
        "Last April, a suicide bomber targeted journalists in Kabul, killing nine. "
        "The Islamic State claimed responsibility for that attack. "
        "Police said the second explosion hit as reporters arrived at the club."
    )
    main, aside = incidents(text, published="2018-09-05")
    assert killed(main) == 20 and killed(aside) == 9
    club = text.index("Police said")
    claim = text.index("The Islamic State")
    assert any(a <= club < b for a, b in main["sentences"])
    assert any(a <= claim < b for a, b in aside["sentences"])


def test_the_deadliest_attack_since_a_year_is_no_aggregate() -> None:
    text = (
        "A suicide bomber killed 44 people at a mosque in Peshawar on Monday. "
        "Last March, a suicide bomber attacked a Shiite mosque in Peshawar, killing 64 in "
        "the country's deadliest attack since 2018."
    )
    recs = incidents(text, published="2023-01-30")
    assert sorted(killed(r) for r in recs) == [44, 64]


def test_a_claim_for_the_bombings_joins_the_bombing_not_the_drone_strike() -> None:
    text = (
        "Twin bombings killed 90 people near a cemetery in Kerman on January 3, 2024. "
        "A drone strike hit a militia headquarters in Baghdad, Iraq on January 4, 2024. "
        "The Islamic State on Thursday claimed responsibility for the bombings."
    )
    recs = incidents(text, published="2024-01-06")
    bombing = next(r for r in recs if r["country"] == "Iran")
    strike = next(r for r in recs if r["country"] == "Iraq")
    assert bombing["perpetrator"] == "Islamic State"
    assert strike["perpetrator"] != "Islamic State"


def test_each_listed_incident_is_a_record_even_in_one_city() -> None:
    text = (
        "The group has claimed a number of attacks, including the attack on a maternity "
        "hospital in Kabul in May 2020, the assault on a prison in Jalalabad in August 2020, "
        "an attack on Kabul University in November 2020 and the killing of a journalist in "
        "Nangarhar province in December 2020."
    )
    recs = incidents(text, published=None)
    assert len(recs) == 4
    assert sorted(r["date"] for r in recs) == ["2020-05", "2020-08", "2020-11", "2020-12"]


def test_a_long_dated_last_line_cut_off_mid_phrase_is_no_headline() -> None:
    text = (
        "Gunmen stormed Kabul University on Monday, killing 19 people, officials said.\n"
        "At least 24 students were killed last month when militants carried out a suicide "
        "bombing at an"
    )
    recs = incidents(text, published="2020-11-03")
    assert sorted(r["date"] for r in recs) == ["2020-10", "2020-11-02"]


def test_a_related_story_teaser_cut_off_on_an_ellipsis_stays_furniture() -> None:
    text = (
        "Gunmen stormed Kabul University on Monday, killing 19 people, officials said.\n"
        "Updated on September 21, 2019: at least 18 insurgents were killed in an air strike "
        "in the north of the country …"
    )
    assert len(incidents(text, published="2020-11-03")) == 1


def test_and_another_in_a_second_place_is_a_second_incident() -> None:
    text = (
        "The group has also claimed a suicide bombing at a mosque in Kandahar on October 15 "
        "and another in a Shia mosque in the northern Kunduz province."
    )
    recs = incidents(text, published="2021-11-12")
    assert sorted(r["admin1"] for r in recs) == ["Kandahar", "Kunduz"]
    assert all(r["attack_type"] == "bombing" for r in recs)


def test_also_on_the_same_day_separates_two_blasts_of_one_province() -> None:
    text = (
        "A suicide bomber killed 33 people outside a bank in Jalalabad on April 18, 2015. "
        "At about the same time in Jalalabad, a shrine was blown up, wounding two civilians "
        "and, also on the same day, a magnetic bomb exploded in the nearby Behsud district, "
        "killing one person."
    )
    recs = incidents(text, published=None)
    assert len(recs) == 3
    assert all(r["date"] == "2015-04-18" for r in recs)
    assert sorted(killed(r) or 0 for r in recs) == [0, 1, 33]


def test_a_separate_blast_in_the_same_province_is_its_own_record() -> None:
    text = (
        "A blast at a Shia mosque in Kunduz province on Friday killed at least 100 people. "
        "Officials said the explosion was followed by a separate blast at another mosque "
        "during prayers in the same province."
    )
    main, other = incidents(text, published="2021-10-09")
    assert killed(main) == 100 and killed(other) is None
    assert other["admin1"] == "Kunduz"
    assert other["date"] == main["date"] == "2021-10-08"


def test_an_unplaced_incident_of_last_month_is_in_the_reports_country() -> None:
    text = (
        "Gunmen stormed Kabul University on Monday, killing 19 people, officials said. "
        "At least 24 students were killed last month when militants carried out a suicide "
        "bombing at an education centre."
    )
    main, earlier = incidents(text, published="2020-11-03")
    assert earlier["date"] == "2020-10"
    assert (earlier["country"], earlier["admin1"]) == ("Afghanistan", None)


def test_this_month_another_bomber_is_another_incident() -> None:
    text = (
        "A suicide bomber killed 33 people near a shrine in Kabul on Wednesday, officials "
        "said. "
        "This month, another suicide bomber targeted a gathering in the city, killing nine "
        "people."
    )
    recs = incidents(text, published="2018-03-21")
    assert sorted(killed(r) for r in recs) == [9, 33]


def test_weeks_after_the_killing_of_civilians_tells_an_earlier_incident() -> None:
    text = (
        "Rockets hit a ceremony in Kabul on Friday, killing 32 people. "
        "No group claimed the strike, which comes weeks after the killing of dozens of "
        "civilians at a commemoration in the city."
    )
    recs = incidents(text, published="2020-03-07")
    assert len(recs) == 2


def test_the_first_attack_at_a_named_club_is_part_of_the_twin_bombing() -> None:
    text = (
        "Twin bomb attacks on a wrestling club in Kabul killed 20 people on Wednesday. "
        "The first attack took place when a suicide bomber detonated his vest in the "
        "Maiwand Wrestling Club, a spokesman said."
    )
    [rec] = incidents(text, published="2018-09-05")
    assert rec["admin1"] == "Kabul"
    assert len(rec["sentences"]) == 2


def test_reports_reaching_a_capital_do_not_place_the_attack_there() -> None:
    text = (
        "Gunmen attacked a Sikh temple in Kabul on Saturday morning, killing a guard. "
        "Reports reaching New Delhi suggest three Taliban soldiers have been wounded in the "
        "fight."
    )
    [rec] = incidents(text, published="2022-06-18")
    assert rec["country"] == "Afghanistan"


def test_on_tuesday_and_on_thursday_in_one_city_are_two_incidents() -> None:
    text = (
        "A blast at a mosque in Faizabad on Thursday killed 15 people attending the funeral "
        "of the provincial governor. "
        "The governor was killed in a car bomb blast in Faizabad on Tuesday, police said."
    )
    recs = incidents(text, published="2023-06-08")
    assert sorted(r["date"] for r in recs) == ["2023-06-06", "2023-06-08"]


def test_a_claim_on_a_later_weekday_stays_with_the_attack() -> None:
    text = (
        "Twin bombings killed 91 people near a cemetery in Kerman on Wednesday. "
        "Islamic State jihadists on Saturday claimed responsibility for the bombings in Kerman."
    )
    [rec] = incidents(text, published="2024-01-06")
    assert rec["date"] == "2024-01-03"
    assert rec["perpetrator"] == "Islamic State"


def test_a_similar_attack_was_carried_out_by_the_same_means() -> None:
    text = (
        "A suicide bomber blew himself up outside a bank in Herat city on Sunday, killing "
        "nine customers, police said. "
        "A similar attack took place outside a bank in Balkh province in June 2022, killing "
        "four people."
    )
    main, similar = incidents(text, published="2024-04-08")
    assert main["attack_type"] == "bombing"
    assert (similar["date"], similar["admin1"], killed(similar)) == ("2022-06", "Balkh", 4)
    assert similar["attack_type"] == "bombing"


def test_the_same_shrine_attacked_years_before_is_at_the_same_place() -> None:
    text = (
        "A bomb exploded at a Sufi shrine in Sehwan in Sindh province on Thursday, killing "
        "14 pilgrims, officials said. "
        "The same shrine in Pakistan was also attacked on May 2, 2009, in one of the first "
        "such attacks in the country."
    )
    main, earlier = incidents(text, published="2024-03-15")
    assert main["admin1"] == "Sindh"
    assert (earlier["date"], earlier["country"], earlier["admin1"]) == (
        "2009-05-02",
        "Pakistan",
        "Sindh",
    )


def test_another_part_of_the_city_is_in_the_city() -> None:
    text = (
        "Gunmen stormed a Sikh temple in Kabul on Wednesday, killing 11 worshippers. "
        "The attack comes weeks after the killing of 20 mourners at a memorial ceremony in "
        "a different part of the city."
    )
    main, earlier = incidents(text, published="2024-03-28")
    assert main["admin1"] == "Kabul"
    assert (earlier["country"], earlier["admin1"]) == ("Afghanistan", "Kabul")


def test_last_year_tells_an_earlier_incident_in_an_undated_report() -> None:
    text = (
        "Two bombs exploded on Tuesday outside a girls' school in Herat city, wounding at "
        "least nine pupils, police said. "
        "Around 60 people were wounded when a car bomb exploded near the same school in the "
        "spring of last year, killing at least 20 people."
    )
    main, earlier = incidents(text, published=None)
    assert (killed(main), main["wounded"]["value"]) == (None, 9)
    assert (killed(earlier), earlier["wounded"]["value"]) == (20, 60)
