"""Full-text search in the store: the query reader, ranking, filters, paging, and the indexes
kept in step with documents added, re-extracted and removed (SQLite FTS5, real files)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from store_helpers import without_fingerprint_log

from khorasan.errors import FilterError
from khorasan.model import Document
from khorasan.store import Store
from khorasan.store.db import MIGRATIONS_DIR
from khorasan.store.search import Filters, _sqlite_from, unmark
from khorasan.store.searchquery import parse_query

# invented reports
MOSQUE = (
    "A suicide bomber blew himself up in a crowded mosque in Kunduz on Friday, killing "
    "nineteen worshippers. Officials blamed the Khorasan branch of the Islamic State."
)
SCHOOL = (
    "Gunmen stormed a girls school in Peshawar and killed four teachers. Police said the "
    "attackers fled on motorbikes before the army arrived."
)
MARKET = (
    "A long report on the economy. Prices rose in the bazaar. Traders complained about "
    "the heat. Farmers brought melons from the valley. A mosque nearby was repainted. "
    "The council met on Tuesday to discuss roads, water and the new bus station."
)
SCATTERED = "The school was closed for girls after the flood; many schools in the region were."


def _doc(text: str, title: str, outlet: str = "Frontier Wire",
         published: str = "2024-05-02") -> Document:  # fmt: skip
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(text=text, name=f"{digest[:8]}.txt", source=f"/in/{digest[:8]}.txt",
                    title=title, outlet=outlet, published=published, id=digest[:16],
                    content_hash=digest)  # fmt: skip


def _incident(text: str, sentence: str, **fields: Any) -> dict[str, Any]:
    start = text.index(sentence)
    return {"evidence": sentence, "span": [start, start + len(sentence)], "confidence": 0.8,
            **fields}  # fmt: skip


@pytest.fixture
def store(store_url: str) -> Any:
    s = Store(store_url)
    s.add_document(_doc(MOSQUE, "Bomber strikes Kunduz mosque"), {
        "incidents": [_incident(MOSQUE, MOSQUE.split(". ")[0] + ".", country="Afghanistan",
                                date="2024-04-26")],
        "statistics": [_incident(MOSQUE, "Officials blamed the Khorasan branch of the "
                                 "Islamic State.")],
    })  # fmt: skip
    s.add_document(_doc(SCHOOL, "School raid", outlet="Valley Herald", published="2023-01-10"),
                   {"incidents": [_incident(SCHOOL, SCHOOL.split(". ")[0] + ".",
                                            country="Pakistan", date="2023-01-09")]})  # fmt: skip
    s.add_document(_doc(MARKET, "Market day", outlet="Valley Herald", published="2024-07-01"))
    s.add_document(_doc(SCATTERED, "Floods", outlet="Dawn Daily", published="2024-08-01"))
    yield s
    s.close()


def _ids(found: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["kind"], r["document"]["title"]) for r in found["results"]]


# ---------------------------------------------------------------------------- the query
@pytest.mark.parametrize(("typed", "fts5"), [
    ("mosque bomber", '"mosque" AND "bomber"'),
    ('"girls school" Peshawar', '"girls school" AND "Peshawar"'),
    ("Kunduz OR Peshawar school", '("Kunduz" OR "Peshawar") AND "school"'),
    ("attack -Kunduz", '("attack") NOT "Kunduz"'),
    ("attack NOT Kunduz", '("attack") NOT "Kunduz"'),
    ("bomb*", '"bomb"*'),
    ("IS-K", '"IS-K"'),
    ('say "hi', '"say" AND "hi"'),
    ('NEAR(a b)', '"NEAR(a"'),
    ('title:mosque', '"title:mosque"'),
    ('a"b', '"a""b"'),
])  # fmt: skip
def test_search_query_reads_words_phrases_or_not_and_prefix(typed: str, fts5: str) -> None:
    if typed == "NEAR(a b)":  # two words, each quoted: the parenthesis is text
        assert parse_query(typed).fts5() == '"NEAR(a" AND "b)"'
        return
    assert parse_query(typed).fts5() == fts5


@pytest.mark.parametrize("typed", ["", "   ", "(((", "*", "-mosque", "NOT mosque", '""',
                                   "AND NOT", "x" * 600, " ".join(["w"] * 40)])  # fmt: skip
def test_search_query_with_nothing_to_look_for_names_query(typed: str) -> None:
    with pytest.raises(FilterError) as err:
        parse_query(typed)
    assert err.value.field == "query" and "\n" not in str(err.value)


HOSTILE = ['"', '""', '"mosque', 'mosque"', "NEAR(mosque bomber, 2)", "NEAR/2", "mosque NEAR",
           "title:mosque", "{title text}: mosque", "text : Kunduz", "(((mosque", "mosque)))",
           ") OR (", "*mosque", "mos*que", "^mosque", "mosque + bomber", "mosque AND", "OR mosque",
           "mosque OR", "mosque OR OR bomber", '" OR 1=1 --', "'; DROP TABLE documents; --",
           "mosque\x00bomber", "-", "--mosque", "mosque -", "a* b* c*", "\u202emosque",
           "rowid:1", "search_documents:mosque", "*:*", "NOT", "((a OR b) AND c)"]  # fmt: skip


@pytest.mark.parametrize("typed", HOSTILE)
def test_search_hostile_query_never_reaches_fts5_as_syntax(store: Store, typed: str) -> None:
    try:
        found = store.search(typed)
    except FilterError as exc:  # nothing to look for: one line naming the query
        assert exc.field == "query" and "\n" not in str(exc)
        return
    assert isinstance(found["results"], list)


def test_search_column_filter_is_a_literal_word(store: Store) -> None:
    # 'title:' would limit FTS5 to a column; here it is two words to find
    assert store.search("title:mosque")["results"] == []
    assert store.search("mosque title")["results"] == []


# ------------------------------------------------------------------------- ranking
def test_search_ranks_the_report_above_a_passing_mention(store: Store) -> None:
    found = store.search("mosque")
    titles = [r["document"]["title"] for r in found["results"]]
    assert titles.index("Bomber strikes Kunduz mosque") < titles.index("Market day")
    top = found["results"][0]
    assert top["document"]["title"] == "Bomber strikes Kunduz mosque"


def test_search_finds_the_sentence_its_document_and_record(store: Store) -> None:
    found = store.search("suicide bomber mosque Kunduz")
    kinds = {r["kind"]: r for r in found["results"]}
    assert set(kinds) == {"document", "incidents"}
    sentence = kinds["incidents"]
    assert sentence["sentence"].startswith("A suicide bomber blew himself up")
    assert sentence["mention_id"] and sentence["span"][0] == 0
    assert sentence["country"] == "Afghanistan" and sentence["date"] == "2024-04-26"
    doc = sentence["document"]
    assert doc["title"] == "Bomber strikes Kunduz mosque" and doc["outlet"] == "Frontier Wire"
    assert set(doc) == {"id", "title", "outlet", "published", "url"}
    # every match marked in the sentence, on a word of the query (stems: "bomber")
    words = [sentence["sentence"][a:b].lower() for a, b in sentence["matches"]]
    assert words == ["suicide", "bomber", "mosque", "kunduz"]


def test_search_finds_any_form_of_a_word(store: Store) -> None:
    assert store.search("bombers")["results"]
    assert store.search("killed teachers")["results"][0]["document"]["title"] == "School raid"


def test_search_phrase_needs_the_words_together(store: Store) -> None:
    titles = {r["document"]["title"] for r in store.search('"girls school"')["results"]}
    assert titles == {"School raid"}
    loose = {r["document"]["title"] for r in store.search("girls school")["results"]}
    assert loose == {"School raid", "Floods"}


def test_search_or_and_exclusion(store: Store) -> None:
    either = {r["document"]["title"] for r in store.search("Kunduz OR Peshawar")["results"]}
    assert either == {"Bomber strikes Kunduz mosque", "School raid"}
    without = {r["document"]["title"] for r in store.search("mosque -Kunduz")["results"]}
    assert without == {"Market day"}
    if store.engine.dialect.name == "sqlite":  # PostgreSQL looks a prefix up as a word
        assert store.search("bomb*")["results"]


# ------------------------------------------------------------------------- filters, paging
def test_search_filters_by_date_outlet_country_and_kind(store: Store) -> None:
    assert {t for _, t in _ids(store.search("killed", since="2024"))} == {
        "Bomber strikes Kunduz mosque"}  # fmt: skip
    assert {t for _, t in _ids(store.search("killed", until="2023-01"))} == {"School raid"}
    assert {t for _, t in _ids(store.search("mosque", outlet="valley herald"))} == {"Market day"}
    by_country = _ids(store.search("killed", country="pakistan"))
    assert by_country and {t for _, t in by_country} == {"School raid"}
    assert {k for k, _ in _ids(store.search("killed", kind="incidents"))} == {"incidents"}
    assert {k for k, _ in _ids(store.search("killed", kind="documents"))} == {"document"}
    blamed = store.search("blamed", kind="statistics")["results"]
    assert [r["kind"] for r in blamed] == ["statistics"] and blamed[0]["event_id"] is None
    # a record without a country is placed by its document's incidents
    assert store.search("blamed", kind="statistics", country="Afghanistan")["results"]
    assert not store.search("blamed", kind="statistics", country="Pakistan")["results"]


@pytest.mark.parametrize(("filters", "field"), [
    ({"since": "last week"}, "since"), ({"kind": "tweets"}, "kind"), ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"), ({"perpetrator": "IS-K"}, "perpetrator"),
])  # fmt: skip
def test_search_bad_filter_names_it(store: Store, filters: dict[str, Any], field: str) -> None:
    with pytest.raises(FilterError) as err:
        store.search("mosque", **filters)
    assert err.value.field == field


def test_search_pages_with_limit_and_offset(store: Store) -> None:
    words = "mosque OR school OR killed"
    everything = store.search(words, limit=100)["results"]
    assert len(everything) >= 4
    first = store.search(words, limit=2)
    second = store.search(words, limit=2, offset=2)
    assert first["next_offset"] == 2
    assert first["results"] + second["results"] == everything[:4]


# ------------------------------------------------------------------------- kept in step
def test_search_finds_a_document_as_soon_as_it_is_added(store: Store) -> None:
    assert not store.search("ambulance")["results"]
    text = "An ambulance carrying wounded guards was hit by a roadside mine near Jalalabad."
    store.add_document(_doc(text, "Mine blast"), {"incidents": [_incident(text, text)]})
    assert {k for k, _ in _ids(store.search("ambulance"))} == {"document", "incidents"}


def test_search_follows_reextraction(store: Store) -> None:
    doc_id = store.search("Peshawar", kind="documents")["results"][0]["document"]["id"]
    later = "Police said the attackers fled on motorbikes before the army arrived."
    store.replace_extracted(doc_id, {"incidents": [_incident(SCHOOL, later)]}, "v2")
    sentences = store.search("motorbikes", kind="sentences")["results"]
    assert [r["sentence"] for r in sentences] == [later]
    assert not store.search("stormed", kind="sentences")["results"]  # the old sentence
    assert store.search("stormed", kind="documents")["results"]  # the text is unchanged


def test_search_forgets_a_removed_document(store: Store) -> None:
    sqlite = store.engine.dialect.name == "sqlite"
    doc_id = store.search("Peshawar", kind="documents")["results"][0]["document"]["id"]
    with store.engine.begin() as conn:  # removal cascades to the mentions
        conn.execute(sa.text("DELETE FROM documents WHERE id = :id"), {"id": doc_id})
    assert not store.search("Peshawar")["results"]
    with store.engine.begin() as conn:
        for table in (
            () if not sqlite else ("search_documents", "search_incidents", "search_records")
        ):
            conn.execute(sa.text(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')"))


def test_search_migration_indexes_what_was_stored_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    s = Store(str(path))
    s.add_document(_doc(MOSQUE, "Bomber strikes Kunduz mosque"),
                   {"incidents": [_incident(MOSQUE, MOSQUE.split(". ")[0] + ".")]})  # fmt: skip
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with s.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")  # a store from before search
        assert not sa.inspect(conn).has_table("search_documents")
    # written as a release of that schema wrote it: no wire-fingerprint log (0014 backfills it)
    with without_fingerprint_log(s):
        s.add_document(_doc(SCHOOL, "School raid"),
                       {"incidents": [_incident(SCHOOL, SCHOOL.split(". ")[0] + ".")]})  # fmt: skip
    s.close()
    again = Store(str(path))  # opening it migrates: both documents indexed
    assert {t for _, t in _ids(again.search("Kunduz OR Peshawar"))} == {
        "Bomber strikes Kunduz mosque", "School raid"}  # fmt: skip
    assert len(again.search("Peshawar", kind="incidents")["results"]) == 1
    again.close()


def test_search_marks_never_leak_from_hostile_text(store: Store) -> None:
    text = "The \x02convoy\x03 was ambushed <b>near</b> the pass; \x03 a \x02 marker."
    store.add_document(_doc(text, "Odd text"))
    result = store.search("convoy")["results"][0]
    assert "\x02" not in result["sentence"] and "\x03" not in result["sentence"]
    assert [result["sentence"][a:b] for a, b in result["matches"]] == ["convoy"]
    assert unmark("\x03a\x02b") == ("ab", [])


def test_search_prefix_and_filter_lookups_use_their_indexes(store: Store) -> None:
    # every prefix length finds the same reports, whether a prefix index holds it or not
    found = [{t for _, t in _ids(store.search(f"{p}* Kunduz"))} for p in ("bo", "bom", "bomb",
                                                                          "bombe")]  # fmt: skip
    assert found[0] == found[1] == found[2] == found[3] == {"Bomber strikes Kunduz mosque"}
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        for table in ("search_documents", "search_incidents", "search_records"):
            sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :t"),
                               {"t": table}).scalar()  # fmt: skip
            assert "prefix='2 3 4'" in sql
        # a filter reads the date, outlet and countries from covering indexes, not the rows
        wanted = Filters(date_from="2020", outlet="y", country="z")
        plan = ""
        for source in ("documents", "incidents"):
            fts, tables, where, params = _sqlite_from(source, wanted)
            plan += " ".join(str(row[-1]) for row in conn.execute(sa.text(
                f"EXPLAIN QUERY PLAN SELECT 1 FROM {tables} WHERE {fts} MATCH 'x'{where}"),
                params))  # fmt: skip
    assert plan.count("COVERING INDEX ix_documents_search_filters") == 2
    assert "COVERING INDEX ix_incident_mentions_search_filters" in plan


def test_search_query_for_postgresql_quotes_every_word_and_keeps_prefixes() -> None:
    assert parse_query("bomb* Kunduz OR Herat -it's").tsquery() == (
        "('bomb':*) & ('Kunduz' | 'Herat') & !('it''s')"
    )
    assert parse_query('"girls school" a\\b').tsquery() == "('girls school') & ('a\\\\b')"
