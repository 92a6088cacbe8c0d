"""The reconciliation rule of README ("Reconciliation rule"), one clause per test, on mentions
built in memory."""

from __future__ import annotations

from itertools import count
from typing import Any

from khorasan.fuse.mention import Mention, mention_from_row
from khorasan.fuse.reconcile import FLAGGED_FIELDS, reconcile

_ids = count(1)


def m(doc: str, published: str | None = "2022-05-13", **fields: Any) -> Mention:
    """A mention of document ``doc`` (its own wire story unless ``wire`` is given)."""
    wire = fields.pop("wire", doc)
    row = {"id": next(_ids), "document_id": doc, "seq": 0, "wire_story_id": wire, "doc": doc,
           "published": published, "evidence": f"evidence of {doc}", "span_start": 0,
           "span_end": 10, "country": "Afghanistan", "admin1": "Kabul", **fields}  # fmt: skip
    return mention_from_row(row)


def flags(event: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    return {f["field"]: f["values"] for f in event["detail"]["flags"]}


def test_reconcile_date_at_the_most_precise_level_sources_agree_on() -> None:
    e = reconcile([m("a", date="2022-05-12"), m("b", date="2022-05-12"), m("c", date="2022-05-13")])
    assert (e["date"], e["date_precision"]) == ("2022-05-12", "day")
    assert set(flags(e)["date"]) == {"2022-05-12", "2022-05-13"}
    # an even split on the day falls back to the month they share; the days are still flagged
    e = reconcile([m("a", date="2022-05-12"), m("b", date="2022-05-13"), m("c", date="2022-05")])
    assert (e["date"], e["date_precision"]) == ("2022-05", "month")
    assert set(flags(e)["date"]) == {"2022-05", "2022-05-12", "2022-05-13"}
    assert len(e["detail"]["provenance"]["date"]) == 3
    # a coarser date that contains the chosen one is agreement, not a flag
    e = reconcile([m("a", date="2022-05-12"), m("b", date="2022-05"), m("c", date="2022")])
    assert (e["date"], e["date_precision"]) == ("2022-05-12", "day") and "date" not in flags(e)
    # a stated precision finer than the written date counts as the written one
    e = reconcile([m("a", date="2022-05", date_precision="day"), m("b", date="2022-05-12")])
    assert (e["date"], e["date_precision"]) == ("2022-05-12", "day")


def test_reconcile_place_most_sources_then_most_precise_inside() -> None:
    e = reconcile([
        m("a", admin1="Kabul", place="Kabul", geo_precision="admin1", latitude=34.5,
          longitude=69.2),
        m("b", admin1="Kabul", admin2="Dasht-e-Barchi", place="Dasht-e-Barchi",
          geo_precision="city", latitude=34.48, longitude=69.1),
        m("c", admin1="Kabul"),
        m("d", admin1="Parwan", place="Charikar", geo_precision="city"),
    ])  # fmt: skip
    assert (e["country"], e["admin1"], e["admin2"]) == ("Afghanistan", "Kabul", "Dasht-e-Barchi")
    assert (e["place"], e["latitude"], e["longitude"]) == ("Dasht-e-Barchi", 34.48, 69.1)
    assert set(flags(e)["admin1"]) == {"Kabul", "Parwan"}


def test_reconcile_attribution_claimed_over_attributed_over_suspected() -> None:
    e = reconcile([
        m("a", perpetrator="TTP", attribution="suspected"),
        m("b", perpetrator="IS-K", attribution="attributed"),
        m("c", perpetrator="IS-K", attribution="attributed"),
        m("d", perpetrator="Islamic State", attribution="claimed"),
        m("e", perpetrator="unknown"),
    ])  # fmt: skip
    # the core claimed it; the branch named for the same event is more specific (issue 9)
    assert (e["perpetrator"], e["attribution"]) == ("IS-K", "claimed")
    assert len(e["detail"]["provenance"]["perpetrator"]) == 3  # b, c (IS-K), d (its core)
    assert set(flags(e)["perpetrator"]) == {"TTP", "IS-K", "Islamic State"}
    # the branch and its core alone are no disagreement
    e = reconcile([m("a", perpetrator="Islamic State", attribution="claimed"),
                   m("b", perpetrator="IS-K", attribution="suspected")])  # fmt: skip
    assert (e["perpetrator"], e["attribution"]) == ("IS-K", "claimed")
    assert "perpetrator" not in flags(e)
    e = reconcile([m("a", perpetrator="TTP", attribution="suspected"),
                   m("b", perpetrator="IS-K", attribution="attributed")])  # fmt: skip
    assert (e["perpetrator"], e["attribution"]) == ("IS-K", "attributed")
    assert reconcile([m("a"), m("b", perpetrator="unknown")])["perpetrator"] == "unknown"


def test_reconcile_killed_low_best_high() -> None:
    a, b, c, d = (
        m("a", "2022-05-13", killed=13, killed_qualifier="exact"),
        m("b", "2022-05-14", killed=18, killed_qualifier="exact"),
        m("c", "2022-05-20", killed=25, killed_qualifier="at_least"),  # latest, less specific
        m("d", None, killed=10, killed_qualifier="exact"),  # undated document: oldest
    )
    e = reconcile([a, b, c, d])
    # best: the most recent figure (tolls rise; the latest reports carry the toll)
    assert (e["killed_low"], e["killed_best"], e["killed_high"]) == (10, 25, 25)
    prov = e["detail"]["provenance"]
    assert (prov["killed"], prov["killed_low"], prov["killed_high"]) == ([c.id], [d.id], [c.id])
    assert flags(e)["killed"] == {"10": [d.id], "13": [a.id], "18": [b.id], "25": [c.id]}
    # ties (same publication date) go to the figure more sources give
    e = reconcile([m("a", killed=13), m("b", killed=15), m("c", killed=15),
                   m("d", killed=14)])  # fmt: skip
    assert e["killed_best"] == 15
    e = reconcile([m("a", killed=13), m("b", killed=15)])
    assert e["killed_best"] == 15  # then the larger: tolls rise
    e = reconcile([m("a", killed=13), m("b", killed=15, killed_qualifier="about")])
    assert e["killed_best"] == 13  # but an exact figure before an approximate one
    # an upper bound ("up to 30") is never the best while another figure is given
    e = reconcile([m("a", "2022-05-20", killed=30, killed_qualifier="up_to"),
                   m("b", "2022-05-14", killed=20, killed_qualifier="about")])  # fmt: skip
    assert e["killed_best"] == 20


def test_reconcile_best_killed_is_a_total_not_a_part() -> None:
    """Kabul airport, 2021-08-26: 13 US troops of some 170 dead (issue 9)."""
    total = {
        "value": 182,
        "qualifier": "at_least",
        "parts": [{"value": 169, "who": "Afghans"}, {"value": 13, "who": "US troops"}],
    }
    early = m("a", "2021-08-27", killed=103, killed_qualifier="at_least")
    late = m("b", "2021-08-28", killed=182, killed_qualifier="at_least",
             record={"killed": total})  # fmt: skip
    # a later retrospective names the troops alone, as an exact figure
    troops = m(
        "c",
        "2021-10-08",
        killed=13,
        killed_qualifier="exact",
        evidence="IS-K claimed the airport bombing, in which 13 US troops were killed.",
    )
    e = reconcile([early, late, troops])
    assert (e["killed_low"], e["killed_best"], e["killed_high"]) == (103, 182, 182)
    assert e["detail"]["killed_by_category"]["civilians"] == 169
    # the subgroup noun alone marks a part ("thirteen Marines"), as does a one-group breakdown
    marines = m("d", "2021-10-09", killed=13, evidence="Thirteen Marines died in the blast.")
    one = m(
        "e",
        "2021-10-10",
        killed=13,
        record={"killed": {"value": 13, "parts": [{"value": 13, "who": "soldiers"}]}},
    )
    for part in (marines, one):
        assert reconcile([early, part])["killed_best"] == 103
    # with no larger total beside it, a group's figure is the best there is
    assert reconcile([troops])["killed_best"] == 13


def test_reconcile_best_killed_resists_an_early_or_outlying_figure() -> None:
    """Crocus City Hall, 2024-03-22: an early exact 40, later 60, then 143; a misread 1,430."""
    figures = [("a", None, 40, "exact"), ("b", "2024-03-23", 60, "over"),
               ("c", "2024-03-29", 143, "at_least"), ("d", None, 137, "at_least")]  # fmt: skip
    ms = [m(doc, pub, killed=k, killed_qualifier=q) for doc, pub, k, q in figures]
    e = reconcile(ms)
    assert (e["killed_low"], e["killed_best"], e["killed_high"]) == (40, 143, 143)
    wrong = m("z", "2024-04-02", killed=1430, killed_qualifier="exact")
    e = reconcile([*ms, wrong])
    assert (e["killed_best"], e["killed_high"]) == (143, 1430)


def test_reconcile_keeps_claims_apart() -> None:
    a = m("a", killed=13, perpetrator="IS-K", attribution="claimed", claimed_killed=40)
    b = m("b", killed=15, claimed_killed=20)
    e = reconcile([a, b])
    assert (e["killed_low"], e["killed_high"], e["claimed_killed"]) == (13, 15, 40)
    assert e["detail"]["provenance"]["claimed_killed"] == [a.id]
    assert set(flags(e)["claimed_killed"]) == {"20", "40"}


def test_reconcile_wire_copies_are_one_source_voiced_by_the_latest_copy() -> None:
    early = m("w1", "2022-05-13", wire="w1", killed=13, attack_type="bombing")
    late = m("w2", "2022-05-14", wire="w1", killed=15)  # omits the attack type
    other = m("c", "2022-05-13", killed=13, attack_type="armed_assault")
    e = reconcile([early, late, other])
    assert (e["n_mentions"], e["n_sources"]) == (3, 2)
    # 13 from one source, 15 from the other: each once, so best is the most recent, 15
    assert (e["killed_low"], e["killed_best"], e["killed_high"]) == (13, 15, 15)
    # the wire story still speaks on attack type through the copy that gives one
    assert e["attack_type"] == "armed_assault"  # one source each: the smaller key ("c")
    assert set(flags(e)["attack_type"]) == {"bombing", "armed_assault"}
    assert e["detail"]["sources"] == ["c", "w1"]


def test_reconcile_links_every_value_and_flags_every_listed_field() -> None:
    ms = [m("a", date="2022-05-12", killed=13, wounded=3, attack_type="bombing", suicide=True,
            target_type="religious", perpetrator="IS-K", attribution="claimed",
            claimed_killed=40, claimed_wounded=50, admin2="X"),
          m("b", date="2022-05-13", killed=18, wounded=4, attack_type="armed_assault",
            suicide=False, target_type="civilians", perpetrator="TTP", attribution="claimed",
            claimed_killed=30, claimed_wounded=60, admin2="Y", country="Pakistan",
            admin1="Khyber")]  # fmt: skip
    e = reconcile(ms)
    assert set(flags(e)) == set(FLAGGED_FIELDS)
    assert e["n_flags"] == len(FLAGGED_FIELDS)
    ids = {x.id for x in ms}
    for name, linked in e["detail"]["provenance"].items():
        assert set(linked) <= ids, name
    for name in ("date", "place", "perpetrator", "attribution", "attack_type", "killed",
                 "killed_low", "killed_high", "wounded", "claimed_killed"):  # fmt: skip
        assert e["detail"]["provenance"][name], name
