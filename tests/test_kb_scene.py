"""Place rules extraction and fusion share: one scene, the same province, neighbours."""

from __future__ import annotations

import pytest

from khorasan.kb.scene import (
    NEIGHBOURING_PROVINCE_KM,
    conflict,
    place_agrees,
    places_compatible,
    region_compatible,
    within_km,
)
from khorasan.model import PlaceMention

MOSCOW = (55.75204, 37.61781)
CROCUS = (55.81904, 37.32984)  # Krasnogorsk, Moscow Oblast: about 20 km from Moscow
RAWALPINDI = (33.59733, 73.04790)
KABUL = (34.52813, 69.17233)


def place(name: str, kind: str, admin1: str | None, at: tuple[float, float] | None = None,
          country: str = "Russia", precision: str = "exact") -> PlaceMention:  # fmt: skip
    lat, lon = at if at else (None, None)
    return PlaceMention(0, 1, name.lower(), name, kind, country, admin1, None, lat, lon, precision)


def test_kb_scene_within_km_needs_both_points() -> None:
    assert within_km(MOSCOW, CROCUS, NEIGHBOURING_PROVINCE_KM)
    assert not within_km(MOSCOW, KABUL, 1000)
    assert not within_km(MOSCOW, (None, None), 10_000)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("Kabul", None, False), (None, None, False), ("Kabul", "Kabul", False),
     ("Kabul", "Herat", True)],
)  # fmt: skip
def test_kb_scene_conflict_only_when_both_given(
    a: str | None, b: str | None, expected: bool
) -> None:
    assert conflict(a, b) is expected


def test_kb_scene_region_compatible_across_a_provincial_line_when_near() -> None:
    assert region_compatible("Russia", "Moscow", MOSCOW, "Russia", "Moscow Oblast", CROCUS)
    unplaced = (None, None)
    assert not region_compatible("Russia", "Moscow", unplaced, "Russia", "Moscow Oblast", CROCUS)
    assert not region_compatible("Russia", None, MOSCOW, "Pakistan", None, MOSCOW)
    assert region_compatible("Pakistan", None, (None, None), "Pakistan", "Punjab", RAWALPINDI)


def test_kb_scene_a_city_that_is_its_own_province_is_one_scene_with_its_outskirts() -> None:
    city = place("Moscow", "city", "Moscow", MOSCOW, precision="admin1")
    hall = place("Crocus City Hall", "site", "Moscow Oblast", CROCUS, precision="city")
    assert places_compatible(city, hall) and place_agrees(city, hall)
    assert places_compatible(None, hall) and not place_agrees(None, hall)


def test_kb_scene_two_towns_by_name_are_two_scenes() -> None:
    moscow = place("Moscow", "city", "Moscow", MOSCOW)
    krasnogorsk = place("Krasnogorsk", "city", "Moscow Oblast", CROCUS)
    assert not places_compatible(moscow, krasnogorsk)
    oblast = place("Moscow Oblast", "admin1", "Moscow Oblast")
    assert not places_compatible(moscow, oblast)  # two provinces, no spot to measure
    assert places_compatible(krasnogorsk, oblast) and place_agrees(krasnogorsk, oblast)
