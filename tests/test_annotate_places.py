"""Place annotator: spellings, hierarchy, ambiguity, and span invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khorasan.annotate.places import find_places
from khorasan.kb import load_places

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _one(text: str):  # type: ignore[no-untyped-def]
    found = find_places(text)
    assert len(found) == 1, [(text[p.start : p.end], p.name) for p in found]
    p = found[0]
    assert text[p.start : p.end] in text
    return p


PROVINCES = [p for p in load_places() if p.kind == "admin1" and p.country == "Afghanistan"]


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.name)
def test_every_afghan_province_resolves(province) -> None:  # type: ignore[no-untyped-def]
    for text in (f"Fighting in {province.name} province.", f"Fighting in {province.name}."):
        p = _one(text)
        assert (p.admin1, p.country) == (province.name, "Afghanistan")


@pytest.mark.parametrize(
    ("surface", "name", "admin1", "country"),
    [
        ("Achin", "Achin", "Nangarhar", "Afghanistan"),
        ("Haska Mina", "Deh Bala", "Nangarhar", "Afghanistan"),
        ("Kot", "Kot", "Nangarhar", "Afghanistan"),
        ("Spin Ghar", "Spin Ghar", "Nangarhar", "Afghanistan"),
        ("Bati Kot", "Bati Kot", "Nangarhar", "Afghanistan"),
        ("Mohmand Dara", "Mohmand Dara", "Nangarhar", "Afghanistan"),
        ("Chaparhar", "Chaparhar", "Nangarhar", "Afghanistan"),
        ("Khogyani", "Khogyani", "Nangarhar", "Afghanistan"),
        ("Shinwar", "Shinwar", "Nangarhar", "Afghanistan"),
        ("Jalalabad", "Jalalabad", "Nangarhar", "Afghanistan"),
        ("Sarkani", "Sarkani", "Kunar", "Afghanistan"),
        ("Asadabad", "Asadabad", "Kunar", "Afghanistan"),
        ("Chawkay", "Chawkay", "Kunar", "Afghanistan"),
        ("Manogai", "Manogai", "Kunar", "Afghanistan"),
        ("Dangam", "Dangam", "Kunar", "Afghanistan"),
        ("Dasht-e-Barchi", "Dasht-e-Barchi", "Kabul", "Afghanistan"),
        ("Dasht-i-Barchi", "Dasht-e-Barchi", "Kabul", "Afghanistan"),
        ("Shahr-e Naw", "Shahr-e Naw", "Kabul", "Afghanistan"),
        ("Darzab", "Darzab", "Jowzjan", "Afghanistan"),
        ("Qush Tepa", "Qush Tepa", "Jowzjan", "Afghanistan"),
        ("Guzara", "Guzara", "Herat", "Afghanistan"),
        ("Guzra", "Guzara", "Herat", "Afghanistan"),
        ("Gozareh", "Guzara", "Herat", "Afghanistan"),
        ("Pul-e-Khumri", "Pul-e Khumri", "Baghlan", "Afghanistan"),
        ("Pul-i-Khumri", "Pul-e Khumri", "Baghlan", "Afghanistan"),
        ("Puli Khumri", "Pul-e Khumri", "Baghlan", "Afghanistan"),
        ("Pol-e-Khomri", "Pul-e Khumri", "Baghlan", "Afghanistan"),
        ("Faizabad", "Faizabad", "Badakhshan", "Afghanistan"),
        ("Faiz Abad", "Faizabad", "Badakhshan", "Afghanistan"),
        ("Mazar-i-Sharif", "Mazar-i-Sharif", "Balkh", "Afghanistan"),
        ("Mazar-e Sharif", "Mazar-i-Sharif", "Balkh", "Afghanistan"),
        ("Kunduz", "Kunduz", "Kunduz", "Afghanistan"),
        ("Khost", "Khost", "Khost", "Afghanistan"),
        ("Ghazni", "Ghazni", "Ghazni", "Afghanistan"),
        ("Behsud", "Behsud", "Nangarhar", "Afghanistan"),
        ("Kabul", "Kabul", "Kabul", "Afghanistan"),
        ("Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "Pakistan"),
        ("KP", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "Pakistan"),
        ("KPK", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "Pakistan"),
        ("NWFP", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "Pakistan"),
        ("Balochistan", "Balochistan", "Balochistan", "Pakistan"),
        ("Sindh", "Sindh", "Sindh", "Pakistan"),
        ("Punjab", "Punjab", "Punjab", "Pakistan"),
        ("Islamabad", "Islamabad", "Islamabad", "Pakistan"),
        ("Bajaur", "Bajaur", "Khyber Pakhtunkhwa", "Pakistan"),
        ("Peshawar", "Peshawar", "Khyber Pakhtunkhwa", "Pakistan"),
        ("Quetta", "Quetta", "Balochistan", "Pakistan"),
        ("Mastung", "Mastung", "Balochistan", "Pakistan"),
        ("Khuzdar", "Khuzdar", "Balochistan", "Pakistan"),
        ("Orakzai", "Orakzai", "Khyber Pakhtunkhwa", "Pakistan"),
        ("Sehwan", "Sehwan", "Sindh", "Pakistan"),
        ("Karachi", "Karachi", "Sindh", "Pakistan"),
        ("Kerman", "Kerman", "Kerman", "Iran"),
        ("Shiraz", "Shiraz", "Fars", "Iran"),
        ("Tehran", "Tehran", "Tehran", "Iran"),
        ("Moscow", "Moscow", "Moscow", "Russia"),
        ("Krasnogorsk", "Krasnogorsk", "Moscow Oblast", "Russia"),
        ("Crocus City Hall", "Crocus City Hall", "Moscow Oblast", "Russia"),
        ("Beslan", "Beslan", "North Ossetia-Alania", "Russia"),
        ("Istanbul", "Istanbul", "Istanbul", "Turkey"),
        ("Dushanbe", "Dushanbe", "Dushanbe", "Tajikistan"),
        ("Baghdad", "Baghdad", "Baghdad", "Iraq"),
        ("Sinai", "Sinai", None, "Egypt"),
    ],
)
def test_spellings(surface: str, name: str, admin1: str | None, country: str) -> None:
    p = _one(f"An attack in {surface} on Friday.")
    assert (p.name, p.admin1, p.country) == (name, admin1, country)


@pytest.mark.parametrize(
    ("surface", "country"),
    [("Afghanistan", "Afghanistan"), ("Pakistan", "Pakistan"), ("Iran", "Iran"),
     ("Russia", "Russia"), ("Turkey", "Turkey"), ("United States", "United States"),
     ("Uzbekistan", "Uzbekistan"), ("Syria", "Syria"), ("Sri Lanka", "Sri Lanka")],
)  # fmt: skip
def test_countries(surface: str, country: str) -> None:
    p = _one(f"News from {surface} today.")
    assert (p.kind, p.country, p.admin1) == ("country", country, None)


def test_demonyms_are_weak_country_evidence() -> None:
    p = _one("Afghan officials said so.")
    assert (p.kind, p.country, p.admin1) == ("demonym", "Afghanistan", None)


def test_district_in_province() -> None:
    text = "A blast hit a mosque in Guzra District in Herat Province."
    d, prov = find_places(text)
    assert text[d.start : d.end] == "Guzra District"
    assert (d.name, d.kind, d.admin1, d.admin2, d.country) == (
        "Guzara", "admin2", "Herat", "Guzara", "Afghanistan",
    )  # fmt: skip
    assert (prov.kind, prov.admin1) == ("admin1", "Herat")


def test_city_capital_of() -> None:
    text = "Jalalabad, the capital of Nangarhar, was hit."
    city, prov = find_places(text)
    assert (city.name, city.kind, city.admin1) == ("Jalalabad", "city", "Nangarhar")
    assert (prov.kind, prov.name) == ("admin1", "Nangarhar")


def test_one_span_not_split() -> None:
    text = "in Mazar-e Sharif"
    (p,) = find_places(text)
    assert text[p.start : p.end] == "Mazar-e Sharif"


def test_kabul_city_and_province() -> None:
    text = "Kabul and Kabul province"
    city, prov = find_places(text)
    assert (city.kind, prov.kind) == ("city", "admin1")
    assert city.admin1 == prov.admin1 == "Kabul"


def test_context_picks_homonym() -> None:
    (d, _prov) = find_places("Clashes in Behsud district of Wardak province.")
    assert d.admin1 == "Wardak"
    (d,) = find_places("Clashes in Behsud district.")
    assert d.admin1 == "Nangarhar"


def test_case_and_word_boundaries() -> None:
    assert find_places("the kabul office") == []  # lower-case name: not a place
    assert find_places("Kabulistan") == []
    assert find_places("keep the kp") == []
    assert [p.name for p in find_places("Afghanistan's capital")] == ["Afghanistan"]
    assert [p.name for p in find_places("Kabul-based group")] == ["Kabul"]


def test_curly_apostrophes_and_dashes() -> None:
    (p,) = find_places("in Pul\u2011e\u2011Khumri")
    assert p.name == "Pul-e Khumri"


def test_places_inside_actor_names_are_not_places() -> None:
    text = "Tehrik-i-Taliban Pakistan and the Islamic State of Iraq and Syria"
    assert find_places(text) == []


def test_coordinates_and_precision() -> None:
    (p,) = find_places("in Kabul")
    assert p.precision == "exact" and p.lat is not None and 34 < p.lat < 35
    (g,) = find_places("in Guzara")
    assert g.precision in ("admin2", "admin1") and g.lat is not None


ALPHABET = list("Kabul Herat-Pul e Khumri IS.'\u2019\n\u0130")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=80))
def test_random_text_spans(text: str) -> None:
    _check_spans(text, find_places(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_unicode(text: str) -> None:
    _check_spans(text, find_places(text))


def _check_spans(text: str, found: list) -> None:  # type: ignore[type-arg]
    last = 0
    for p in found:
        assert 0 <= p.start < p.end <= len(text)
        assert p.start >= last
        last = p.end


def _gold_admin1s() -> set[tuple[str, str]]:
    out = set()
    for path in (SHARED / "eval").glob("*/*.gold.json"):
        for incident in json.loads(path.read_text(encoding="utf-8")).get("incidents", []):
            if incident.get("admin1") and incident.get("country"):
                out.add((incident["country"], incident["admin1"]))
    return out


@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="shared/ eval material not present")
def test_gold_admin1_values_are_known() -> None:
    known = {(p.country, p.name) for p in load_places() if p.kind == "admin1"}
    missing = _gold_admin1s() - known
    assert not missing


@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="shared/ eval material not present")
def test_dev_texts_annotate_cleanly() -> None:
    for path in sorted((SHARED / "eval" / "dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _check_spans(text, find_places(text))
