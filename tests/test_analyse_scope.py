"""The scope of stats and claims, and filters resolved through the knowledge base."""

from __future__ import annotations

from khorasan.analyse import ISK_FAMILY, describe_scope, resolve_filters, scoped_filters
from khorasan.kb.actors import actor_family, actor_lineage, actors_named


def test_actor_helpers_know_aliases_and_the_hierarchy() -> None:
    assert [a.canonical for a in actors_named("iskp")] == ["IS-K"]
    assert actor_lineage("ISKP") == ["IS-K", "Islamic State"]
    assert set(actor_family("Islamic State")) == {"Islamic State", "IS-K"}
    assert actor_family("IS-K") == ["IS-K"]
    assert actor_family("Nobody We Know") == ["Nobody We Know"]


def test_resolve_filters_lists_canonical_values() -> None:
    out = resolve_filters({"perpetrator": "ISKP", "admin1": "Kabul Province", "date_from": "2022"})
    assert "IS-K" in out["perpetrator"] and "Islamic State" not in out["perpetrator"]
    assert "Kabul" in out["admin1"] and out["date_from"] == "2022"
    assert "IS-K" in resolve_filters({"perpetrator": "Islamic State"})["perpetrator"]
    assert resolve_filters({"admin1": "Atlantis"})["admin1"] == ["Atlantis"]


def test_stats_scope_defaults_to_the_isk_family() -> None:
    assert set(ISK_FAMILY) == {"IS-K", "Islamic State"}
    assert set(scoped_filters({})["perpetrator"]) == {"IS-K", "Islamic State"}
    assert "perpetrator" not in scoped_filters({}, every_actor=True)
    assert scoped_filters({"perpetrator": "TTP"})["perpetrator"] == ["Jamaat-ul-Ahrar", "TTP"]
    assert describe_scope() == "IS-K family (IS-K, Islamic State)"
    assert describe_scope(every_actor=True) == "all actors"
    assert describe_scope("ISKP") == "IS-K"
    assert describe_scope("Islamic State") == "Islamic State with its branches (IS-K)"
