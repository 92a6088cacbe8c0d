"""Record extractors on short hand-written sentences: statistics, strength, plots, leaders,
relations."""

from __future__ import annotations

from typing import Any

import pytest

from khorasan.annotate import annotate
from khorasan.extract import extract_document
from khorasan.extract.leaders import extract_leaders
from khorasan.extract.plots import extract_plots
from khorasan.extract.relations import extract_relations
from khorasan.extract.statistics import extract_statistics
from khorasan.extract.strength import extract_strength
from khorasan.model import Document


def ann(text: str, published: str | None = "2024-05-01") -> Any:
    return annotate(Document(text=text, name="t.txt", source="t.txt", published=published))


def check_provenance(text: str, records: list[dict[str, Any]]) -> None:
    for rec in records:
        start, end = rec["span"]
        assert text[start:end] == rec["evidence"]
        assert 0 < rec["confidence"] <= 1
        for a, b in rec["spans"].values():
            assert 0 <= a <= b <= len(text)


# ------------------------------------------------------------------------------- strength
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Analysts say ISKP has an estimated 4,000 to 6,000 fighters, as reported in March 2023.",
         [("IS-K", "2023-03", 4000, 6000)]),
        ("The group's strength rose from 1,500 fighters to 4,500 in 2018.",
         [("IS-K", None, 1500, 1500), ("IS-K", "2018", 4500, 4500)]),
        ("By June 2022, losses had cut the Taliban numbers in the valley to 800 from 2,000 a "
         "year earlier.", [("Taliban", "2022-06", 800, 800), ("Taliban", "2021-06", 2000, 2000)]),
    ],
)  # fmt: skip
def test_strength_estimates(text: str, expected: list[tuple[Any, ...]]) -> None:
    records = extract_strength(ann(text))
    assert [(r["group"], r["date"], r["low"], r["high"]) for r in records] == expected
    check_provenance(text, records)


@pytest.mark.parametrize(
    "text",
    [
        "The blast killed 120 fighters in Nangarhar.",
        "Police arrested 300 militants in Kabul in 2022.",
        "About 1,000 of its prisoners escaped from jail.",
    ],
)
def test_strength_ignores_casualties_and_other_counts(text: str) -> None:
    assert extract_strength(ann(text)) == []


# ---------------------------------------------------------------------------------- plots
def test_plots_total_country_and_year_splits() -> None:
    text = ("Since 2016, police have foiled at least nine ISKP plots: four in Germany, three in "
            "Turkey and one in Qatar. Six of these plots were interdicted after the Taliban took "
            "power: two in 2022 and four in 2023.")  # fmt: skip
    records = extract_plots(ann(text))
    got = {(r["country"], r["count"], r["period"]) for r in records}
    assert got == {
        (None, 9, "2016-2023"), ("Germany", 4, "2016-2023"), ("Turkey", 3, "2016-2023"),
        ("Qatar", 1, "2016-2023"), (None, 6, "2021-2023"), (None, 2, "2022"), (None, 4, "2023"),
    }  # fmt: skip
    assert all(r["group"] == "IS-K" for r in records)
    check_provenance(text, records)


def test_plots_need_a_count() -> None:
    assert extract_plots(ann("The group was planning attacks across Europe, officials said.")) == []


# ---------------------------------------------------------------------------- statistics
def test_statistics_icm_style_aggregate() -> None:
    text = ("According to data collated by the South Asia Data Centre, a total of 120 persons, "
            "including 40 militants and 80 civilians, have been killed in 25 ISKP linked "
            "incidents since January 1, 2022 (data till March 31, 2023).")  # fmt: skip
    [rec] = extract_statistics(ann(text))
    assert rec["killed"] == 120 and rec["incidents"] == 25
    assert rec["killed_parts"] == {"militants": 40, "civilians": 80}
    assert (rec["from"], rec["to"]) == ("2022-01-01", "2023-03-31")
    assert rec["source"] == "South Asia Data Centre"
    check_provenance(text, [rec])


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("In 2019-20 the police arrested 37 suspects for links with ISKP.", "arrested", 37),
        ("The group has claimed over 120 operations so far in 2022.", "incidents", 120),
        ("Around 15 of them were killed, while 8 women and 12 children surrendered.",
         "surrendered", 20),
        ("Officials say 70 per cent of the cadre is now foreign.", "percent", 70),
    ],
)  # fmt: skip
def test_statistics_figures(text: str, key: str, value: int) -> None:
    records = extract_statistics(ann(text))
    assert any(r.get(key) == value for r in records), records


def test_statistics_skip_a_single_attack_toll() -> None:
    text = "On May 3, 2022, a suicide bomber killed 12 people at a mosque in Kabul."
    assert extract_statistics(ann(text)) == []


# -------------------------------------------------------------------------------- leaders
@pytest.mark.parametrize(
    ("text", "person", "group", "role"),
    [
        ("Currently, Sanaullah Ghafari is the emir of the group.", "Shahab al-Muhajir", "IS-K",
         "emir"),
        ("The IS chief, Abu Bakr Baghdadi, was killed by an American strike in 2019.",
         "Abu Bakr al-Baghdadi", "Islamic State", "leader"),
        ("Al Qaeda's former leader Usama bin Laden never did so.", "Osama bin Laden", "al-Qaeda",
         "former leader"),
    ],
)  # fmt: skip
def test_leaders_resolve_spellings_to_one_person(
    text: str, person: str, group: str, role: str
) -> None:
    [rec] = extract_leaders(ann(text))
    assert (rec["person"], rec["group"], rec["role"]) == (person, group, role)
    check_provenance(text, [rec])


def test_leaders_status_and_killer() -> None:
    text = "Hafiz Saeed Khan, the group's first emir, was killed in a US drone strike in 2016."
    [rec] = extract_leaders(ann(text))
    assert rec["status"] == "killed by US" and rec["status_date"] == "2016"


def test_leaders_need_a_role_or_status() -> None:
    assert extract_leaders(ann("He fought in Fallujah with al-Zarqawi for a year.")) == []


# ------------------------------------------------------------------------------ relations
def pairs(text: str) -> set[tuple[frozenset[str], str, str | None]]:
    return {(frozenset((r["a"], r["b"])), r["kind"], r["date"])
            for r in extract_relations(ann(text))}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Taliban and ISKP fought bitterly. The two groups declared war on each other in "
         "March 2015.", (frozenset({"Taliban", "IS-K"}), "war", "2015-03")),
        ("Al Qaeda and the Islamic State split in 2014.",
         (frozenset({"al-Qaeda", "Islamic State"}), "split", "2014")),
        ("The TTP has pledged allegiance to the Afghan Taliban.",
         (frozenset({"TTP", "Taliban"}), "allegiance", None)),
        ("ISKP was formed in 2015 by disaffected militants.",
         (frozenset({"IS-K", "Islamic State"}), "allegiance", "2015")),
    ],
)  # fmt: skip
def test_relations_kinds_and_dates(text: str, expected: tuple[Any, ...]) -> None:
    assert expected in pairs(text)


def test_relations_defection_list() -> None:
    text = "Initially, defectors from al Qaeda, the TTP and Lashkar-e-Taiba joined ISKP."
    got = pairs(text)
    for origin in ("al-Qaeda", "TTP", "Lashkar-e-Taiba"):
        assert (frozenset({origin, "IS-K"}), "defection", None) in got


def test_relations_allegation_is_not_asserted() -> None:
    text = "Iran has accused the US of aiding ISKP, a charge Washington denies."
    records = [r for r in extract_relations(ann(text)) if {r["a"], r["b"]} == {"US", "IS-K"}]
    assert records and records[0]["kind"] == "alliance" and records[0]["asserted"] is False


# --------------------------------------------------------------------------------- wiring
def test_extract_document_carries_every_kind() -> None:
    doc = Document(text="ISKP has an estimated 3,000 fighters, officials said in May 2023.",
                   name="t.txt", source="t.txt")  # fmt: skip
    result = extract_document(doc)
    assert [r["low"] for r in result["strength"]] == [3000]
    for kind in ("statistics", "plots", "leaders", "relations"):
        assert isinstance(result[kind], list)
