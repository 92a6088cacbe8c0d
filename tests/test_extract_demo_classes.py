"""Classes of newsroom writing the demo's reports showed: a site's proper name, a denial, a
background strike told in a participle phrase, an earlier toll, where the wounded were taken, a
takeover's date. Reports written for these tests."""

from __future__ import annotations

from typing import Any

from khorasan.extract import extract_document
from khorasan.model import Document


def incidents(text: str, published: str | None = "2022-05-14") -> list[dict[str, Any]]:
    doc = Document(text=text, name="t.txt", source="t.txt", published=published, url=None)
    return list(extract_document(doc)["incidents"])


def killed(rec: dict[str, Any]) -> Any:
    return rec["killed"]["value"] if rec["killed"] else None


def test_a_place_word_in_a_sites_name_is_no_district_elsewhere() -> None:
    text = (
        "A bomb exploded in a Shia mosque in the city of Kunduz on Friday, killing worshippers "
        "during prayers. The blast wrecked the Sayed Abad mosque, which was full at the "
        "time. Officials said at least 21 people were killed. The Islamic State's Khorasan "
        "branch claimed responsibility through its Amaq news agency."
    )
    (rec,) = incidents(text)
    assert (rec["admin1"], rec["perpetrator"], rec["attribution"]) == ("Kunduz", "IS-K", "claimed")
    assert killed(rec) == 21


def test_a_takeovers_date_is_not_the_attacks() -> None:
    text = (
        "A suicide bomber killed 9 people at a market in Kandahar city on Thursday. "
        "The attack was the worst in the city since the movement took power in August."
    )
    (rec,) = incidents(text, published="2021-11-06")
    assert rec["date"] == "2021-11-04"


def test_a_denial_is_no_claim_and_the_state_that_dropped_the_bomb_is_the_attacker() -> None:
    text = (
        "Officials said on Monday that 30 Islamic State fighters were killed when the United "
        "States dropped a heavy bomb on a tunnel network in Achin district of Nangarhar province. "
        "Islamic State, through its Amaq news agency, denied that its men had been hurt."
    )
    (rec,) = incidents(text, published="2017-05-02")
    assert (rec["perpetrator"], rec["attack_type"]) == ("US", "airstrike")
    assert rec["attribution"] != "claimed"
    assert rec["target_type"] == "militants"


def test_a_victim_killed_in_a_dated_strike_is_an_earlier_incident() -> None:
    text = (
        "Two bombs exploded in Kerman on Sunday, killing 40 mourners. The bombs went off near the "
        "tomb where the general, a commander killed in a US drone strike in Baghdad in 2019, "
        "is buried. "
        "The Islamic State claimed the bombings on its Amaq news agency."
    )
    main, strike = incidents(text, published="2023-01-10")
    assert (main["perpetrator"], killed(main)) == ("Islamic State", 40)
    assert (strike["perpetrator"], strike["attack_type"], strike["date"]) == (
        "US",
        "airstrike",
        "2019",
    )


def test_an_earlier_toll_is_superseded() -> None:
    text = (
        "Officials said 52 people died in Tuesday's bombing in Quetta, revising down an earlier "
        "toll of 70 that had counted some victims twice."
    )
    (rec,) = incidents(text, published="2023-03-09")
    assert killed(rec) == 52


def test_where_the_wounded_were_taken_is_no_scene() -> None:
    text = (
        "A suicide bomber killed 40 people at a rally in Bajaur district on Sunday. "
        "About 120 people were wounded, and some were flown to hospitals in Peshawar."
    )
    (rec,) = incidents(text, published="2023-08-01")
    assert rec["wounded"]["value"] == 120


def test_since_an_attack_of_a_year_dates_that_attack() -> None:
    text = (
        "Gunmen killed 30 people at a theatre in Moscow on Friday. It was the deadliest attack "
        "in the country since the 2010 metro bombing in Moscow."
    )
    recs = incidents(text, published="2024-03-24")
    assert [r["date"] for r in recs] == ["2024-03-22", "2010"]


def test_an_alias_between_commas_names_the_branch_as_attacker() -> None:
    text = (
        "Islamic State claimed a bombing that killed 12 people at a shrine in Shiraz on Monday. "
        "Officials said the group's Khorasan branch, ISKP, had carried out the attack."
    )
    (rec,) = incidents(text, published="2023-08-15")
    assert rec["perpetrator"] == "IS-K"


def test_no_attack_took_place_is_no_incident() -> None:
    text = (
        "Police in Vienna arrested three men on Tuesday on suspicion of supporting the Islamic "
        "State. No attack took place, and the men had not chosen a target."
    )
    assert incidents(text, published="2023-06-08") == []


def test_an_attack_the_same_group_claimed_is_that_groups_claim() -> None:
    text = (
        "Gunmen killed 14 people at a Sufi shrine in Jalalabad on Thursday.\n\n"
        "The Islamic State's Khorasan branch claimed responsibility on its Amaq news agency.\n\n"
        "Ten days earlier, a suicide bombing at a school in Kabul killed 20 students, an attack "
        "the same group also claimed."
    )
    main, earlier = incidents(text, published="2022-05-14")
    assert (main["perpetrator"], main["attribution"]) == ("IS-K", "claimed")
    assert (earlier["perpetrator"], earlier["attribution"], killed(earlier)) == (
        "IS-K",
        "claimed",
        20,
    )
