"""Casualty figures, attack type, suicide and target type as SCHEMA.md's coding conventions
ask, on short hand-written reports in newsroom style."""

from __future__ import annotations

from typing import Any

import pytest
from fuse_helpers import make_doc

from khorasan.extract import extract_document

PUBLISHED = "2023-05-20"  # a Saturday


def records(text: str, published: str | None = PUBLISHED) -> list[dict[str, Any]]:
    return list(extract_document(make_doc("report.txt", text, published))["incidents"])


def first(text: str, published: str | None = PUBLISHED) -> dict[str, Any]:
    found = records(text, published)
    assert found, text
    return found[0]


def value(record: dict[str, Any], field: str) -> int | None:
    figure = record[field]
    return None if figure is None else int(figure["value"])


# ---------------------------------------------------------------------------- suicide
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a suicide word: the attacker meant to die
        ("A suicide bomber struck a market in Kabul on Friday, killing nine people.", True),
        ("At least six people were killed in a suicide bomb attack in Kabul on Friday.", True),
        (
            "Two attackers detonated their explosive vests at a shrine in Kabul on Friday, "
            "killing 12 people.",
            True,
        ),
        # a means that is no suicide attack
        ("Gunmen opened fire on worshippers at a mosque in Herat on Friday, killing six.", False),
        (
            "A magnetic bomb attached to a car exploded in Kabul on Friday, killing two people.",
            False,
        ),
        ("A US drone strike killed four militants in Nangarhar on Friday.", False),
        (
            "A remotely detonated bomb hidden in a bag exploded in a mosque in Mazar on Friday, "
            "killing 12 worshippers.",
            False,
        ),
        ('A "suicide" bombing hit a ministry in Kabul on Friday, killing the minister.', True),
        # a means left open, or one of an earlier killing, says nothing of this one
        (
            "A blast at a political rally in Bajaur killed 40 people on Friday. Police are yet to "
            "determine whether it was a planted bomb or a suicide blast.",
            None,
        ),
        (
            "A blast killed nine mourners on Friday at the funeral in Faizabad of a governor who "
            "was assassinated on Tuesday by a suicide bomber.",
            None,
        ),
        # a blast with no word on how it was set off
        ("An explosion at a mosque in Kunduz killed seven worshippers on Friday.", None),
        ("A car bomb exploded outside a bank in Kandahar on Friday, killing five people.", None),
        (
            "An improvised explosive device went off in a market in Quetta on Friday, killing five "
            "people.",
            None,
        ),
    ],
)
def test_suicide_is_said_or_left_open(text: str, expected: bool | None) -> None:
    assert first(text)["suicide"] is expected


def test_a_headline_suicide_word_yields_to_gunmen_in_the_body() -> None:
    text = (
        "Gunmen kill 16 at hospital; suicide bomber hits funeral\n\nGunmen disguised as police "
        "attacked a maternity hospital in Kabul on Tuesday, killing 16 people."
    )
    assert first(text)["suicide"] is False


# ------------------------------------------------------------------------ attack type
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the means not stated: other
        ("An attack on a Sufi shrine in Balochistan killed 40 people on Friday.", "other"),
        # a complex attack that opens with a bomb, or has a suicide bomber, is a bombing
        ("A car bomb exploded at the gate of a university in Kabul on Friday before gunmen went "
         "in and opened fire on students, killing 22 people.", "bombing"),
        # gunmen who also throw grenades, or a fire set by them: an armed assault
        ("Gunmen opened fire on worshippers and lobbed grenades inside a temple in Kabul on "
         "Friday, killing two people.", "armed_assault"),
        ("Gunmen opened fire in a concert hall near Moscow on Friday, killing 60 people, and an "
         "explosion later brought down the roof.", "armed_assault"),
        ("Arson killed 12 people trapped in a cinema in Abadan on Friday.", "armed_assault"),
        # a bomb dropped from the air; a raid on a prison; a killing of an office-holder or
        # a journalist by means unsaid
        ("The US military dropped a massive bomb on a cave complex in Nangarhar on Friday, "
         "killing 36 militants.", "airstrike"),
        ("Insurgents launched a raid on a prison in Ghazni on Friday, freeing 400 inmates.",
         "jailbreak"),
        ("Islamic State claimed the killing of a journalist in Jalalabad on December 10.",
         "assassination"),
        # an attack aimed at an office-holder, who survived it
        ("A suicide bomber struck a convoy carrying a senator in Mastung on Friday, killing 25 "
         "people; the senator was wounded.", "assassination"),
        # soldiers killed in an ambush: gunfire
        ("Militants ambushed a patrol in North Waziristan on Friday, killing seven soldiers.",
         "armed_assault"),
        # an earlier killing named for whose funeral it was is not this incident's means
        ("A blast tore through a mosque in Faizabad on Friday during the funeral of an "
         "assassinated governor, killing 11 mourners.", "bombing"),
    ],
)  # fmt: skip
def test_attack_type_follows_the_schema_order(text: str, expected: str) -> None:
    assert first(text)["attack_type"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a suicide bomber, a car bomb or explosives with the gunmen: the bomb is the main means
        ("Gunmen and a suicide bomber stormed a hospital in Kabul on Friday, killing 19 people.",
         "bombing"),
        ("Three gunmen opened fire on guests at a hotel in Kabul on Friday after a car bomb went "
         "off at its gate, killing 14 people.", "bombing"),
        # an attack that followed an explosion opened with a bomb
        ("Gunmen shot dead a guard and stormed a Sikh temple in Kabul on Saturday, killing two "
         "people; the attack followed an explosion at its gate.", "bombing"),
        # a bomb the gunmen threw is an incendiary, like a grenade
        ("Gunmen opened fire on the audience at a theatre in Samara on Friday and threw an "
         "incendiary bomb, killing 30 people.", "armed_assault"),
    ],
)  # fmt: skip
def test_gunmen_with_a_bomb_make_a_bombing(text: str, expected: str) -> None:
    assert first(text)["attack_type"] == expected


# ------------------------------------------------------------------------ target type
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A suicide bomber struck a Shia mosque in Kunduz on Friday, killing 46 worshippers, "
         "police said.", "religious"),
        ("A bomb exploded at a madrasa in Khost on Friday, killing seven students.", "religious"),
        ("A suicide bomber attacked a political rally in Bajaur on Friday, killing 54 people.",
         "government"),
        ("A suicide bomber hit a military hospital in Kabul on Friday, killing 19 people.",
         "security_forces"),
        ("A bomb went off near the Russian embassy in Kabul on Friday, killing two diplomats.",
         "foreign"),
        # SCHEMA's order: foreign nationals at a university are foreign, the mosque inside a
        # police compound is the security forces'
        ("A suicide bomber struck a van at a university in Karachi on Friday, killing three "
         "Chinese nationals.", "foreign"),
        ("A suicide bomber blew himself up in a mosque inside a police compound in Quetta on "
         "Friday, killing 30 policemen.", "security_forces"),
        # the students of a madrasa: the madrasa gives the type
        ("A bomb exploded at a seminary in Khost on Friday, killing seven students.", "religious"),
        # militants in a bombing are its attackers, not its target
        ("Militants detonated a bomb at a crowded market in Peshawar on Friday, killing 12 "
         "people.", "civilians"),
        # the person whose convoy was hit is the target; a role takes the body it belongs to
        ("A suicide bomber rammed his car into the convoy of a senator in Mastung on Friday, "
         "killing 20 people.", "government"),
        ("A US drone strike killed the commander of the Revolutionary Guard in Baghdad on "
         "Friday.", "security_forces"),
        # a checkpoint driven past on the way is no target
        ("A suicide bomber drove past a police checkpoint and blew himself up outside a "
         "ministry in Kabul on Friday, killing 40 people.", "government"),
        # a faith word only qualifies the noun after it; a place inside a police compound
        # takes the compound's type
        ("A blast killed 30 Shiite civilians at a commemoration ceremony in Kabul on Friday.",
         "civilians"),
        ("A suicide bomber blew himself up in a mosque inside the police headquarters in "
         "Peshawar on Friday, killing 80 people.", "security_forces"),
        # officials who name the attack speak; the one whose funeral was hit is mourned
        ("Gunmen opened fire at a concert hall near Moscow on Friday, killing 40 people in what "
         "officials are calling a terrorist attack.", "civilians"),
        ("A suicide bomber struck a police commander's funeral in Kunar on Friday, killing 24 "
         "people.", "civilians"),
        # a shrine that was blown up is the target, more than the civilians it wounded
        ("A shrine in Jalalabad was blown up on Friday, wounding two civilians.", "religious"),
        # the owner of the motorcade is the target
        ("A car bomb struck the minister's motorcade in Kabul on Friday, killing the minister "
         "and his driver.", "government"),
        # no word for the target: a strike by state forces is on militants; else "other"
        ("The group's leader was killed in a US drone strike in Nangarhar on Friday.",
         "militants"),
        ("A magnetic bomb exploded in Behsud on Friday, killing one person.", "other"),
        # two targets joined by "and" share their role: SCHEMA's order picks between them
        ("A suicide bomber blew himself up in Jalalabad on Friday outside a bank where "
         "government employees and soldiers were queuing for their pay.", "security_forces"),
        # a funeral held at a mosque is religious
        ("A blast killed 15 mourners at a funeral in Faizabad on Thursday. The explosion "
         "took place inside a mosque in the city centre.", "religious"),
        # the forces that carried out a strike are its attackers
        ("The group's leader was among ten people killed in a ground and air operation by "
         "Afghan and foreign forces in Nangarhar on Friday.", "militants"),
        # rockets on a town hit its residents
        ("Rockets fired from across the border hit the town of Termez on Tuesday, damaging "
         "several homes.", "civilians"),
        # the one mourned is not the target: the mosque of the funeral is
        ("A blast tore through a mosque in Faizabad on Friday during the funeral of the deputy "
         "governor, killing 11 mourners.", "religious"),
        # officials who speak are no target; the lead's shrine is
        ("A blast hit a Sufi shrine in Jhal Magsi on Friday, killing 18 people. Officials said "
         "the toll could rise.", "religious"),
    ],
)  # fmt: skip
def test_target_type_from_the_lead(text: str, expected: str) -> None:
    assert first(text)["target_type"] == expected


# ---------------------------------------------------------------------------- figures
@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # one more victim named beside a count
        ("Gunmen opened fire on a tour group in Bamyan on Friday, leaving three tourists and "
         "their guide dead.", "killed", (4, "exact")),
        ("The governor and two others were killed when a bomb exploded in Kabul on Friday.",
         "killed", (3, "exact")),
        # one person described: one (SCHEMA)
        ("A bomb exploded outside a bank in Kandahar on Friday, and a guard was wounded, "
         "police said.", "wounded", (1, "exact")),
        # a toll that topped a figure is over it
        ("A suicide bomber struck a mosque in Kunduz on Friday, with the death toll topping 50 "
         "by nightfall.", "killed", (50, "over")),
        # an update over the first report
        ("A suicide bomber struck a mosque in Kunduz on Friday, killing 40 people. Officials "
         "later said the toll rose to 55.", "killed", (55, "exact")),
        # the attackers killed are added to the victims
        ("Gunmen stormed a university in Kabul on Friday, killing 19 people. The three "
         "attackers were killed by security forces.", "killed", (22, "exact")),
        # an aggregate over several incidents belongs to none
        ("A suicide bomber struck a mosque in Kunduz on Friday, killing 12 people. At least 84 "
         "people have been killed in mosque attacks this year.", "killed", (12, "exact")),
        # each count its own verb: the dead and the wounded of one phrase
        ("A car bomb hit a market in Quetta on Friday and left 31 people dead and wounded more "
         "than 50 others.", "wounded", (50, "over")),
        ("A car bomb hit a market in Quetta on Friday and left 31 people dead and wounded more "
         "than 50 others.", "killed", (31, "exact")),
        ("A gunman opened fire at a clinic in Herat on Friday, killing nine people and wounding "
         "a further 14.", "wounded", (14, "exact")),
        # the dead counted by a noun, beside the wounded
        ("A bomb struck a mosque in Kunduz on Friday; a doctor said 27 bodies and 63 wounded "
         "people had reached the hospital.", "killed", (27, "exact")),
        ("A bomb struck a mosque in Kunduz on Friday; a doctor said 27 bodies and 63 wounded "
         "people had reached the hospital.", "wounded", (63, "exact")),
        # a replaced figure gives way; a revision wins
        ("A suicide bomber struck a wedding in Kunar on Friday, killing at least 22 people. The "
         "health ministry had earlier put the death toll at 15.", "killed", (22, "at_least")),
        ("A suicide bomber struck a wedding in Kunar on Friday. Officials said the total was "
         "nine dead. The figure was later revised to 12 dead.", "killed", (12, "exact")),
        # one named victim in apposition, or the death of one described
        ("The group's deputy leader, Rahim Dost, was killed in a drone strike in Kunar on "
         "Friday.", "killed", (1, "exact")),
        ("A drone strike in Kunar on Friday ended with the death of its former commander Rahim "
         "Dost.", "killed", (1, "exact")),
        # one described victim and another
        ("Commandos raided a compound in Kunar on Friday and killed a local commander and "
         "another fighter, officials said.", "killed", (2, "exact")),
        # lives a blast claimed are the dead
        ("A car bomb exploded outside a court in Mardan on Friday; the blast claimed eight "
         "lives, police said.", "killed", (8, "exact")),
        # "the two bombings" are this incident's, not an aggregate of others
        ("Two suicide bombers struck a base in Zabul on Friday, killing nine soldiers. At least "
         "14 soldiers died in the two suicide bombings, officials said.", "killed",
         (14, "at_least")),
        # a figure said against the toll is no toll of its own
        ("A suicide bomber struck a mosque in Baghlan on Friday, killing at least 23 people. "
         "Disputing the death toll given by the hospital, officials said only nine people died.",
         "killed", (23, "at_least")),
        # a rounded figure gives way to the precise one it rounds
        ("A truck bomb hit a police station in Ghazni on Friday, wounding nearly 150 people. "
         "A hospital official said 143 people were wounded.", "wounded", (143, "exact")),
        # the text says nobody was hurt: a toll of 0
        ("Two rockets fired from across the border hit a village in Termez on Tuesday; no one "
         "was hurt, the ministry said.", "killed", (0, "exact")),
        ("Two rockets fired from across the border hit a village in Termez on Tuesday; no "
         "casualties were reported.", "wounded", (0, "exact")),
        # "four other people" beside the one named: five dead
        ("The district governor, Abdul Karim, was killed in a suicide bombing in Kunduz on "
         "Friday. The bomber struck as he left his office, killing four other people.", "killed",
         (5, "exact")),
        # a bare count killed by the forces is of the attackers, added to the victims
        ("Three gunmen stormed a shrine in Kabul on Friday, killing five worshippers. One blew "
         "himself up and the other two were killed by security forces.", "killed", (7, "exact")),
        # the toll of the incident this one is measured against is not its own
        ("A bomb blast killed seven people outside a mosque in Herat on Sunday. It was the worst "
         "attack in the city since Feb. 3, when a truck bomb killed more than 60 people.",
         "killed", (7, "exact")),
        ("A suicide bomber killed at least 12 people at a shrine in Kabul on Sunday, despite "
         "tighter security in the wake of an attack that killed 90 people in January.", "killed",
         (12, "at_least")),
        # a toll over two airstrikes is an aggregate, the village's own is the incident's
        ("An airstrike on a village in Khost on Friday killed 30 civilians. At least 38 people "
         "were killed in two airstrikes along the border that day.", "killed", (30, "exact")),
        # the wounded "others" share the dead's nationality: wounded added up by nationality
        ("A suicide bomber struck a convoy near Kabul on Friday. Five Turkish soldiers were "
         "killed and six others were wounded. At least 20 Afghan civilians also died and 30 more "
         "were injured.", "wounded", (36, "exact")),
        # "killed or injured": a count of casualties, not of the wounded
        ("A gunman attacked a hotel in Kabul on Friday, killing four guards. The group had struck "
         "a hospital in the city, an attack that killed or injured more than 60 people.",
         "wounded", None),
        # names set off by dashes between a count and its verb
        ("A blast hit a minibus near a university in Karachi on Tuesday, killing four people. "
         "Two guards – Ali Raza and Karim – were injured.", "wounded", (2, "exact")),
        # a relative clause between the attackers' count and its verb
        ("Gunmen stormed a temple in Kabul on Wednesday, killing at least 11 worshippers. All "
         "three gunmen who stormed the temple, a Hindu shrine, were killed by police.", "killed",
         (14, "at_least")),
        # "martyred" before a count, as it is written in the region's press
        ("A bombing at a mosque in Mazar-i-Sharif on Thursday martyred at least 18 worshippers "
         "and injured more than 40.", "killed", (18, "at_least")),
    ],
)  # fmt: skip
def test_figures_as_newsrooms_write_them(
    text: str, field: str, expected: tuple[int, str] | None
) -> None:
    rec = first(text)
    got = None if rec[field] is None else (value(rec, field), rec[field]["qualifier"])
    assert got == expected


def test_a_claim_is_kept_apart_from_the_toll() -> None:
    rec = first("A suicide bomber struck a mosque in Kunduz on Friday, killing 40 people. "
                "Islamic State said it had killed 120 Shias.")  # fmt: skip
    assert value(rec, "killed") == 40
    assert value(rec, "claimed_killed") == 120


def test_attackers_are_a_part_of_their_own() -> None:
    rec = first("Gunmen stormed a university in Kabul on Friday, killing 19 people. The three "
                "attackers were killed by security forces.")  # fmt: skip
    assert rec["killed"]["parts"][-1] == {"value": 3, "who": "attackers"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A bomb blast in Kabul on Friday killed the refugee minister, Khalil Haqqani, and at "
         "least four associates.", (5, "at_least")),
        ("Gunmen have killed a local driver and three foreign tourists in Bamyan on Friday, the "
         "ministry said.", (4, "exact")),
        # the named victim's count stands beside another with a verb of its own
        ("A bomb in Kabul on Friday killed the deputy governor and two guards were wounded.",
         (1, "exact")),
        # no victim between the verb and "and": the second count is the wounded
        ("At least 27 people were killed and over 30 others, including a senator and his "
         "driver and two guards and a cook, were injured in Mastung on Friday.",
         (27, "at_least")),
    ],
)  # fmt: skip
def test_a_count_beside_a_named_victim_of_the_verb(text: str, expected: tuple[int, str]) -> None:
    rec = first(text)
    assert (value(rec, "killed"), rec["killed"]["qualifier"]) == expected


@pytest.mark.parametrize(
    ("text", "killed", "wounded"),
    [
        # the second count has a verb of its own further on
        ("At least 27 people were killed and over 30 others, including a senator, were injured "
         "in a suicide blast in Mastung on Friday.", 27, 30),
        # "were among the victims": a part of the first count, not beside it
        ("A bomb hit a school in Peshawar on Friday, in which 141 people were killed and 132 "
         "children were among the victims.", 141, None),
    ],
)  # fmt: skip
def test_a_second_count_is_not_always_a_part(text: str, killed: int, wounded: int | None) -> None:
    rec = first(text)
    assert (value(rec, "killed"), value(rec, "wounded")) == (killed, wounded)


def test_the_body_figure_beats_the_headline() -> None:
    rec = first("27 killed in Mastung blast\n\nAt least 25 people were killed in a suicide blast "
                "in Mastung on Friday, officials said.")  # fmt: skip
    assert (value(rec, "killed"), rec["killed"]["qualifier"]) == (25, "at_least")


@pytest.mark.parametrize(
    ("text", "killed", "claimed"),
    [
        # the group's own figure is its claim
        ("A suicide bomber struck a Taliban checkpoint in Kunduz on Friday, killing five "
         "guards. Islamic State claimed responsibility for the attack on Taliban forces, saying "
         "30 were killed.", 5, 30),
        # a state's forces saying what they killed report a toll, not a claim of attack
        ("Commandos raided a house in Kabul on Friday. The intelligence agency said it killed "
         "four IS fighters in the raid.", 4, None),
        # a victim's government blaming another's strike reports the toll
        ("Airstrikes hit villages in Khost on Friday. A Taliban spokesman claimed that Pakistani "
         "airstrikes killed at least 30 civilians.", 30, None),
    ],
)  # fmt: skip
def test_whose_claim_a_figure_is(text: str, killed: int, claimed: int | None) -> None:
    rec = first(text)
    assert (value(rec, "killed"), value(rec, "claimed_killed")) == (killed, claimed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # state forces killing fighters on the ground, no word of the air: a raid
        (
            "The FSB said on Friday it killed four IS fighters in a village in the southern "
            "region of Dagestan.",
            "raid",
        ),
        # a state's "strike": from the air
        (
            "A senior IS commander was killed by an American strike in Syria on Friday, "
            "officials said.",
            "airstrike",
        ),
        # an execution by a state's forces is no raid
        (
            "Taliban forces executed four IS fighters held in a prison in Kandahar on Friday, "
            "officials said.",
            "other",
        ),
    ],
)
def test_a_deed_of_state_forces_whose_means_goes_unsaid(text: str, expected: str) -> None:
    record = first(text)
    assert record["attack_type"] == expected
    if expected != "other":
        assert record["suicide"] is False  # SCHEMA: a raid or an air strike is no suicide attack


def test_a_toll_of_attacks_in_the_plural_is_no_incident_toll() -> None:
    text = (
        "Gunmen stormed a clinic in Herat city on Tuesday, killing 12 patients and nurses. "
        "Recent attacks in the western city have killed at least 45 people. "
        "Police said three attackers were shot dead after a siege of six hours."
    )
    record = first(text)
    assert value(record, "killed") == 15  # 12 and three attackers; never the 45 of the attacks
