"""Knowledge-base loaders: the shipped tables load, and bad rows name file:line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from khorasan.errors import KnowledgeBaseError
from khorasan.kb import (
    LEXICONS,
    actor_by_id,
    load_actor_aliases,
    load_actors,
    load_lexicon,
    load_places,
    place_by_id,
)
from khorasan.kb.lexicons import LEXICON_CATEGORIES

ACTOR_HEADER = "id,canonical,type,parent,region,description\n"
PLACE_HEADER = "id,name,kind,country,admin1,admin2,lat,lon,precision,aliases,source\n"


def test_shipped_tables_load() -> None:
    assert len(load_places()) > 1000
    assert {a.canonical for a in load_actors()} >= {
        "IS-K", "Islamic State", "Taliban", "TTP", "al-Qaeda", "US", "Pakistan",
        "Jamaat-ul-Ahrar", "Chechen militants", "Afghanistan",
    }  # fmt: skip
    assert load_actor_aliases()
    assert actor_by_id("isk").canonical == "IS-K"
    assert place_by_id("af.nangarhar").kind == "admin1"


def test_every_afghan_province_present() -> None:
    provinces = [p for p in load_places() if p.kind == "admin1" and p.country == "Afghanistan"]
    assert len(provinces) == 34
    assert all(p.lat is not None and p.precision == "admin1" for p in provinces)


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicons_use_schema_categories(name: str) -> None:
    lexicon = load_lexicon(name)
    assert set(lexicon) <= LEXICON_CATEGORIES[name]
    assert all(phrases for phrases in lexicon.values())


def test_lexicon_content() -> None:
    assert "blew himself up" in load_lexicon("attack_types")["bombing"]
    assert "police chief" in load_lexicon("target_types")["government"]
    assert "police" in load_lexicon("target_types")["security_forces"]
    assert "suicide bomber" in load_lexicon("suicide")["suicide"]
    assert "wounded" in load_lexicon("casualties")["wounded"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_actor_type_names_file_line_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "actors.csv",
        ACTOR_HEADER + "isk,IS-K,jihadist_group,,,ok\nbad,Bad,jihadi,,,typo\n",
    )  # fmt: skip
    with pytest.raises(KnowledgeBaseError) as err:
        load_actors(path)
    assert err.value.subject == "actors.csv:3"
    assert "field 'type'" in err.value.reason and "'jihadi' is not one of" in err.value.reason


def test_bad_actor_parent(tmp_path: Path) -> None:
    path = _write(tmp_path, "actors.csv", ACTOR_HEADER + "a,A,state,nobody,,\n")
    with pytest.raises(KnowledgeBaseError, match=r"actors\.csv:2: field 'parent'"):
        load_actors(path)


def test_duplicate_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "actors.csv", ACTOR_HEADER + "a,A,state,,,\na,B,state,,,\n")
    with pytest.raises(KnowledgeBaseError, match=r"actors\.csv:3: field 'id': 'a' is a duplicate"):
        load_actors(path)


def test_bad_alias_actor(tmp_path: Path) -> None:
    path = _write(tmp_path, "actor_aliases.csv", "actor_id,alias,case,context\nnope,X,exact,\n")
    with pytest.raises(KnowledgeBaseError, match=r"actor_aliases\.csv:2: field 'actor_id'"):
        load_actor_aliases(path)


def test_bad_alias_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "actor_aliases.csv", "actor_id,alias,case,context\nisk,X,loud,\n")
    with pytest.raises(KnowledgeBaseError, match=r"actor_aliases\.csv:2: field 'case'"):
        load_actor_aliases(path)


COUNTRY_ROW = "af,Afghanistan,country,Afghanistan,,,33,65,country,,x\n"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("p,P,town,Afghanistan,,,1,1,exact,,x\n", "kind"),
        ("p,P,city,Narnia,,,1,1,exact,,x\n", "country"),
        ("p,P,city,Afghanistan,Atlantis,,1,1,exact,,x\n", "admin1"),
        ("p,P,city,Afghanistan,,,95,1,exact,,x\n", "lat"),
        ("p,P,city,Afghanistan,,,north,1,exact,,x\n", "lat"),
        ("p,P,city,Afghanistan,,,1,,exact,,x\n", "lon"),
        ("p,P,city,Afghanistan,,,1,1,roughly,,x\n", "precision"),
        ("p,,city,Afghanistan,,,1,1,exact,,x\n", "name"),
    ],
)
def test_bad_place_rows(tmp_path: Path, row: str, field: str) -> None:
    path = _write(tmp_path, "places.csv", PLACE_HEADER + COUNTRY_ROW + row)
    with pytest.raises(KnowledgeBaseError) as err:
        load_places(path)
    assert err.value.subject == "places.csv:3"
    assert err.value.reason.startswith(f"field '{field}'")


def test_bad_header_and_width(tmp_path: Path) -> None:
    path = _write(tmp_path, "places.csv", "id,name\n")
    with pytest.raises(KnowledgeBaseError, match=r"places\.csv:1: header must be"):
        load_places(path)
    path = _write(tmp_path, "places2.csv", PLACE_HEADER + "a,b,c\n")
    with pytest.raises(KnowledgeBaseError, match=r"places2\.csv:2: has 3 fields"):
        load_places(path)


def test_bad_lexicon_category(tmp_path: Path) -> None:
    path = _write(tmp_path, "attack_types.csv", "category,phrase\nbombing,blast\nnuke,boom\n")
    with pytest.raises(KnowledgeBaseError, match=r"attack_types\.csv:3: field 'category'"):
        load_lexicon("attack_types", path)


def test_unknown_lexicon() -> None:
    with pytest.raises(KnowledgeBaseError, match="unknown lexicon"):
        load_lexicon("flavours")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="cannot be read"):
        load_places(tmp_path / "absent.csv")
