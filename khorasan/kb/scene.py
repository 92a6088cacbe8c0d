"""Whether two places can be one scene: the place rules extraction and fusion share.

Extraction asks it of two places in one report (does this sentence go on with that incident?),
fusion of the places of two mentions from different reports (may they be one event?). Both
measure with the same yardsticks, kept here so that the two stages cannot drift apart.
"""

from __future__ import annotations

import math

from khorasan.kb.geo import EARTH_RADIUS_KM, distance_km
from khorasan.model import PlaceMention

__all__ = [
    "NEAR_KM",
    "NEIGHBOURING_PROVINCE_KM",
    "SPECIFIC_KINDS",
    "conflict",
    "place_agrees",
    "places_compatible",
    "region_compatible",
    "within_km",
]

# Two places this close (km) can be one scene: "Crocus City Hall" and "the outskirts of Moscow".
NEAR_KM = 60.0
# A capital is often its own province inside another (Moscow in Moscow Oblast, Islamabad in
# Punjab, Kabul city beside its districts): reports may file one attack on its outskirts under
# either. Places this close are one scene whatever province each names; 40 km spans a
# metropolitan area and stays well under the distance between provincial capitals.
NEIGHBOURING_PROVINCE_KM = 40.0
# Place kinds that name a spot inside a province (a district, a town, a quarter, a building).
SPECIFIC_KINDS = ("admin2", "city", "neighbourhood", "site")

LatLon = tuple[float | None, float | None]

# The great-circle distance is at least the difference of latitudes (a meridian's arc), so a
# latitude gap wider than ``km`` settles "not within" without the haversine; the margin keeps
# rounding from deciding what the haversine would not.
KM_PER_DEGREE_LATITUDE = EARTH_RADIUS_KM * math.pi / 180
BOUND_MARGIN_KM = 1e-6


def within_km(a: LatLon, b: LatLon, km: float) -> bool:
    """Both points are known and lie within ``km`` of each other."""
    (lat1, lon1), (lat2, lon2) = a, b
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return False
    if abs(lat1 - lat2) * KM_PER_DEGREE_LATITUDE > km + BOUND_MARGIN_KM:
        return False  # farther apart north to south alone (no great circle is shorter)
    return distance_km(lat1, lon1, lat2, lon2) <= km


def conflict(a: str | None, b: str | None) -> bool:
    """Both names are given and differ (a missing one conflicts with nothing)."""
    return bool(a and b and a != b)


def region_compatible(
    country_a: str | None, admin1_a: str | None, at_a: LatLon,
    country_b: str | None, admin1_b: str | None, at_b: LatLon,
) -> bool:  # fmt: skip
    """Same country and province where both are known, or two places within
    :data:`NEIGHBOURING_PROVINCE_KM` of each other across a provincial line (fusion's rule)."""
    if conflict(country_a, country_b):
        return False
    if conflict(admin1_a, admin1_b):
        return within_km(at_a, at_b, NEIGHBOURING_PROVINCE_KM)
    return True


def places_compatible(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """Whether two places named in one report can be the scene of one incident.

    A missing place agrees with anything; two spots by the same name are one scene, two
    districts or two towns by different names are two; otherwise spots are one scene when
    near each other, and places are compatible unless their countries or provinces differ.
    """
    if a is None or b is None:
        return True
    if conflict(a.country, b.country):
        return False
    if a.kind in SPECIFIC_KINDS and b.kind in SPECIFIC_KINDS:
        if a.name == b.name:
            return True
        if a.kind == b.kind and a.kind in ("admin2", "city"):
            return False  # two districts or two towns by name: two scenes
        if None not in (a.lat, a.lon, b.lat, b.lon):
            # a city that is its own province (Moscow, Islamabad) sits by places of the next
            # province (Crocus City Hall, Moscow Oblast): closer than a metropolitan area
            metro = "admin1" in (a.precision, b.precision)
            return within_km(_at(a), _at(b), NEIGHBOURING_PROVINCE_KM if metro else NEAR_KM)
    return not conflict(a.admin1, b.admin1)


def place_agrees(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    """Whether two places positively agree: the same name, the same province, or two spots
    of one metropolitan area ("a concert hall in the outskirts of Moscow" and "the Crocus City
    Hall")."""
    if a is None or b is None:
        return False
    if a.name == b.name or (a.admin1 is not None and a.admin1 == b.admin1):
        return True
    return (
        a.kind in SPECIFIC_KINDS
        and b.kind in SPECIFIC_KINDS
        and within_km(_at(a), _at(b), NEIGHBOURING_PROVINCE_KM)
    )


def _at(p: PlaceMention) -> LatLon:
    return p.lat, p.lon
