"""Actor annotator: aliases, context rule, case handling, span invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khorasan.annotate.actors import find_actors

ISK_ALIASES = [
    "IS-K", "ISK", "ISKP", "IS-KP", "ISIS-K", "ISIL-K", "ISIS-Khorasan", "IS-Khorasan",
    "Islamic State Khorasan", "Islamic State Khorasan Province", "Islamic State-Khorasan",
    "Islamic State's Khorasan Province", "Islamic State\u2019s Khorasan Province",
    "Islamic State of Khorasan", "Islamic State in Khorasan", "Wilayat Khorasan",
    "Khorasan chapter of the Islamic State", "Khorasan branch of the Islamic State",
    "Daesh-Khorasan",
]  # fmt: skip


def _canon(text: str) -> list[tuple[str, str]]:
    found = find_actors(text)
    for a in found:
        assert 0 <= a.start < a.end <= len(text)
    return [(text[a.start : a.end], a.canonical) for a in found]


@pytest.mark.parametrize("alias", ISK_ALIASES)
def test_isk_aliases(alias: str) -> None:
    text = f"The {alias} claimed the attack."
    assert _canon(text) == [(alias, "IS-K")]


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("ISIS", "Islamic State"), ("ISIL", "Islamic State"), ("IS", "Islamic State"),
        ("Islamic State", "Islamic State"), ("Islamic State group", "Islamic State"),
        ("Islamic State of Iraq and Syria", "Islamic State"),
        ("Taliban", "Taliban"), ("Taleban", "Taliban"), ("Islamic Emirate", "Taliban"),
        ("Taliban forces", "Taliban"), ("TTP", "TTP"), ("Tehrik-i-Taliban Pakistan", "TTP"),
        ("Tehrik-e-Taliban Pakistan", "TTP"), ("Pakistani Taliban", "TTP"),
        ("al-Qaeda", "al-Qaeda"), ("al Qaida", "al-Qaeda"), ("AQIS", "al-Qaeda"),
        ("Haqqani network", "Haqqani network"), ("Jamaat-ul-Ahrar", "Jamaat-ul-Ahrar"),
        ("LeT", "Lashkar-e-Taiba"), ("LeJ", "Lashkar-e-Jhangvi"), ("JuD", "Jamaat-ud-Dawa"),
        ("IMU", "IMU"), ("ETIM", "ETIM"), ("BLA", "BLA"), ("BLF", "BLF"),
        ("US", "US"), ("U.S.", "US"), ("United States", "US"), ("American forces", "US"),
        ("US military", "US"), ("Pentagon", "US"), ("Pakistan", "Pakistan"),
        ("Pakistani army", "Pakistan"), ("Russia", "Russia"), ("IRGC", "Iran"),
        ("ANDSF", "Afghanistan"), ("Afghan forces", "Afghanistan"),
        ("Chechen militants", "Chechen militants"), ("Tajikistan", "Tajikistan"),
    ],
)  # fmt: skip
def test_other_actors(alias: str, canonical: str) -> None:
    assert _canon(f"Then {alias} said so.") == [(alias, canonical)]


def test_isk_long_name_is_one_mention() -> None:
    assert _canon("Islamic State Khorasan Province (ISKP) struck.") == [
        ("Islamic State Khorasan Province", "IS-K"),
        ("ISKP", "IS-K"),
    ]


def test_islamic_state_stays_core_beside_isk() -> None:
    text = "IS-K is a branch of the Islamic State."
    assert _canon(text) == [("IS-K", "IS-K"), ("Islamic State", "Islamic State")]


def test_daesh_is_the_islamic_state_everywhere() -> None:
    # SCHEMA: "Islamic State" when the text names only IS, ISIS, ISIL or Daesh
    assert _canon("Daesh attacked a mosque in Kabul.") == [("Daesh", "Islamic State")]
    assert _canon("Daesh-Khorasan attacked a mosque in Kabul.") == [("Daesh-Khorasan", "IS-K")]


@pytest.mark.parametrize("word", ["Khawarij"])
def test_context_rule(word: str) -> None:
    assert _canon(f"{word} attacked a mosque in Kabul.") == [(word, "IS-K")]
    assert _canon(f"{word} attacked a checkpoint; the Taliban said.")[0] == (word, "IS-K")
    assert _canon(f"Pakistani police blamed {word}.")[-1] == (word, "IS-K")
    assert _canon(f"{word} attacked a town near Raqqa in Syria.") == [(word, "Islamic State")]


def test_fitna_al_khawarij_is_ttp() -> None:
    assert _canon("Fitna al-Khawarij fighters in Pakistan")[0] == ("Fitna al-Khawarij", "TTP")


def test_short_aliases_are_case_sensitive() -> None:
    assert _canon("tell us what is going on") == []
    assert _canon("USA and USAID") == [("USA", "US")]
    assert _canon("the isis of old") == []
    assert _canon("ISIS-K, not ISIS") == [("ISIS-K", "IS-K"), ("ISIS", "Islamic State")]


def test_all_caps_headline_skips_short_words() -> None:
    found = _canon("WHAT IS ISIS-K AND WHY DOES IT ATTACK US")
    assert found == [("ISIS-K", "IS-K")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ISK-P US.Daesh Kabul'\u2019 \n")), max_size=80))
def test_random_text_spans(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_unicode(text: str) -> None:
    _check(text)


def _check(text: str) -> None:
    last = 0
    for a in find_actors(text):
        assert 0 <= a.start < a.end <= len(text) and a.start >= last
        last = a.end


def test_a_local_group_affiliated_with_the_islamic_state_is_the_branch() -> None:
    text = "A local group affiliated with the Islamic State bombed a market in the east."
    assert [a.canonical for a in find_actors(text)] == ["IS-K"]
    assert [a.canonical for a in find_actors("A group affiliated with the Islamic State.")] == [
        "Islamic State"
    ]
