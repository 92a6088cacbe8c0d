"""Blocking and scoring of mention pairs, on mentions built in memory."""

from __future__ import annotations

from typing import Any

import pytest

from khorasan.fuse import LINK_THRESHOLD, cluster_mentions, is_candidate, pair_score
from khorasan.fuse.blocking import BlockIndex
from khorasan.fuse.mention import (
    Mention,
    date_interval,
    mention_from_row,
    named_months,
    named_weekdays,
    site_kinds,
)

_ids = iter(range(1, 10**6))


def mention(**fields: Any) -> Mention:
    doc = fields.pop("doc", f"doc{next(_ids)}")
    row = {"id": next(_ids), "document_id": doc, "seq": 0, "evidence": fields.pop("evidence", ""),
           "country": "Afghanistan", "admin1": "Kabul", **fields}  # fmt: skip
    return mention_from_row(row)


@pytest.mark.parametrize(
    ("value", "published", "first", "last", "dated"),
    [
        ("2022-05-12", None, "2022-05-12", "2022-05-12", True),
        ("2022-02", None, "2022-02-01", "2022-02-28", True),
        ("2020", None, "2020-01-01", "2020-12-31", True),
        (None, "2022-05-12", "2021-05-12", "2022-05-13", False),
    ],
)
def test_fuse_date_interval(value: str | None, published: str | None, first: str, last: str,
                            dated: bool) -> None:  # fmt: skip
    from datetime import date

    lo, hi, is_dated = date_interval(value, published)
    assert (date.fromordinal(lo).isoformat(), date.fromordinal(hi).isoformat()) == (first, last)
    assert is_dated is dated


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"date": "2022-05-12"}, {"date": "2022-05-14"}, True),
        ({"date": "2022-05-12"}, {"date": "2022-05-20"}, False),
        ({"date": "2022-05-12"}, {"date": "2022-05"}, True),
        ({"date": "2022-05-12"}, {"date": "2022-05-12", "admin1": "Herat"}, False),
        (
            {"date": "2022-05-12"},
            {"date": "2022-05-12", "country": "Pakistan", "admin1": None},
            False,
        ),  # fmt: skip
        ({"date": "2022-05-12"}, {"date": "2022-05-12", "admin1": None}, True),
        ({"date": "2022-05-12"}, {"published": "2022-05-14"}, True),
        ({"date": "2022-05-12"}, {"published": "2022-05-01"}, False),  # report before the event
        ({"date": "2022-05-12", "doc": "same"}, {"date": "2022-05-12", "doc": "same"}, False),
    ],
)
def test_fuse_is_candidate(a: dict[str, Any], b: dict[str, Any], expected: bool) -> None:
    assert is_candidate(mention(**a), mention(**b)) is expected


def test_fuse_block_index_returns_exactly_the_candidates() -> None:
    days = ["2022-05-01", "2022-05-03", "2022-05-06", "2022-05", "2022", None, "2022-06-30"]
    ms = [mention(date=d, published="2022-07-01", admin1=a)
          for d in days for a in ("Kabul", "Herat", None)]  # fmt: skip
    index = BlockIndex(ms)
    for m in ms:
        expected = {o.id for o in ms if o is not m and is_candidate(m, o)}
        assert {o.id for o in index.neighbours(m)} == expected


def test_fuse_pair_score_prefers_agreement() -> None:
    base = {"date": "2022-05-12", "date_precision": "day", "attack_type": "bombing",
            "place": "Shor Bazar", "killed": 13,
            "evidence": "A suicide bomber struck the gurdwara in Shor Bazar"}  # fmt: skip
    same = pair_score(mention(**base), mention(**base))
    other = pair_score(
        mention(**base),
        mention(
            **{
                **base,
                "attack_type": "airstrike",
                "place": "Darulaman",
                "killed": 90,
                "evidence": "An air strike on a camp",
            }
        ),
    )
    assert same > other


def test_fuse_cluster_is_deterministic_for_any_input_order() -> None:
    ms = [mention(date=f"2022-05-{d:02d}", date_precision="day", attack_type="bombing",
                  evidence=f"bombing {d // 3}") for d in range(1, 20)]  # fmt: skip
    first = sorted(sorted(m.key for m in c) for c in cluster_mentions(ms))
    again = sorted(sorted(m.key for m in c) for c in cluster_mentions(list(reversed(ms))))
    assert first == again


def test_fuse_date_window_applies_between_days_not_across_a_year() -> None:
    day = mention(date="2020-01-03", doc="a")
    near = mention(date="2020-01-05", doc="b")
    year_before = mention(date="2019", doc="c")
    month_before = mention(date="2019-12", doc="d")
    assert is_candidate(day, near)
    assert not is_candidate(day, year_before)  # 2019 ends three days before 2020-01-03
    assert not is_candidate(day, month_before)


def test_fuse_loosely_dated_mention_needs_strong_evidence() -> None:
    """An undated or year-only mention joins on a shared site or a distinctive figure or word,
    never on province and type alone (issue 9)."""
    day = {"date": "2022-05-12", "date_precision": "day", "published": "2022-05-13",
           "attack_type": "bombing", "target_type": "religious", "place": "Kabul"}  # fmt: skip
    report = mention(**day, killed=13, evidence="A suicide bomber struck in Kabul, killing 13.")
    vague = {"published": "2022-06-01", "attack_type": "bombing", "target_type": "religious",
             "place": "Kabul"}  # fmt: skip
    weak = mention(**vague, killed=4, evidence="A suicide bomber struck in Kabul, killing 4.")
    year = mention(
        **{**vague, "date": "2022", "date_precision": "year"},
        killed=4,
        evidence="In 2022 a suicide bomber struck in Kabul.",
    )
    site = mention(**{**vague, "place": "Sakhi Shrine"}, evidence="The Sakhi Shrine bombing.")
    site_day = mention(**{**day, "place": "Sakhi Shrine"}, killed=30, evidence="A blast.")
    # a figure is distinctive in a town (in the capital, a place that only names its province,
    # thirteen killed is no sign: test_fuse_figure_is_distinctive_in_a_town_or_when_large)
    town = {"place": "Paghman", "killed": 13}
    figure = mention(**{**vague, **town}, evidence="A suicide bomber killed 13 in Paghman.")
    report_town = mention(**{**day, **town}, evidence="A suicide bomber struck in Paghman.")
    worded = mention(**vague, evidence="The bombing of the Imam Zaman mosque in Kabul.")
    named = mention(**day, killed=13, evidence="A bomber struck the Imam Zaman mosque in Kabul.")
    assert pair_score(report, weak) < LINK_THRESHOLD
    assert pair_score(report, year) < LINK_THRESHOLD
    assert pair_score(site, site_day) >= LINK_THRESHOLD
    assert pair_score(figure, report_town) >= LINK_THRESHOLD
    assert pair_score(worded, named) >= LINK_THRESHOLD


def test_fuse_same_district_and_kind_is_strong_evidence() -> None:
    """An undated mention joins a dated one of the same district with the same attack and
    target type; the same province alone, or another target type, is not enough."""
    where = {"country": "Pakistan", "admin1": "Khyber Pakhtunkhwa"}
    dated = mention(**where, admin2="Bajaur", place="Khar", date="2023-07-30",
                    date_precision="day", published="2023-07-31", attack_type="bombing",
                    target_type="government", killed=35,
                    evidence="A blast at a rally.")  # fmt: skip
    undated = {**where, "place": "Bajaur", "published": "2023-08-02", "attack_type": "bombing",
               "evidence": "A suicide blast at a gathering."}  # fmt: skip
    same = mention(**undated, admin2="Bajaur", target_type="government", killed=54)
    other_target = mention(**undated, admin2="Bajaur", target_type="religious", killed=54)
    no_district = mention(**undated, target_type="government", killed=54)
    assert pair_score(dated, same) >= LINK_THRESHOLD
    assert pair_score(dated, other_target) < LINK_THRESHOLD
    assert pair_score(dated, no_district) < LINK_THRESHOLD


def test_fuse_capped_pair_does_not_split_an_event() -> None:
    """A loosely dated mention's capped pair stays under the threshold (it never links on it),
    but once it joins an event through a strong partner the capped pair does not pull the
    event's average link under the threshold."""
    day = {"date": "2020-05-12", "date_precision": "day", "published": "2020-05-12",
           "attack_type": "armed_assault", "target_type": "civilians"}  # fmt: skip
    named = mention(
        **day,
        place="Dasht-e-Barchi",
        killed=16,
        evidence="Gunmen stormed the maternity clinic of a hospital in Kabul.",
    )
    plain = mention(**day, place="Kabul", killed=40, evidence="Gunmen attacked a clinic.")
    vague = mention(date="2020-05", date_precision="month", country=None, admin1=None,
                    published="2020-06-01", attack_type="other", target_type="civilians",
                    evidence="In May assailants shot mothers and newborns in a maternity unit, "
                    "a massacre condemned worldwide by donors")  # fmt: skip
    assert pair_score(plain, vague) < LINK_THRESHOLD  # placeless: capped
    # a strong partner (the shared word "maternity"), but one weaker than the threshold plus
    # the distance a capped pair of 0.0 would pull the average down by
    assert LINK_THRESHOLD <= pair_score(named, vague) < 2 * LINK_THRESHOLD
    clusters = cluster_mentions([named, plain, vague])
    assert [len(c) for c in clusters] == [3]


def test_fuse_small_figure_and_discourse_words_are_not_strong_evidence() -> None:
    """A handful killed in one town, or shared words like "another" and "separately", do not
    let an undated mention join: most attacks in a town kill a handful."""
    dated = mention(date="2023-02-14", date_precision="day", published="2023-02-14",
                    attack_type="bombing", place="Kunduz", killed=5,
                    evidence="A bomber hit a bank in northern Kunduz, another blast.")  # fmt: skip
    undated = mention(published=None, attack_type="bombing", place="Kunduz", killed=4,
                      evidence="Separately, another blast hit northern Kunduz.")  # fmt: skip
    assert pair_score(dated, undated) < LINK_THRESHOLD


def test_fuse_separate_incident_yields_to_the_lead() -> None:
    """Where a report's lead incident and one it sets apart ("a separate blast") both match an
    event, the event takes the lead."""
    day = {"date": "2021-06-04", "date_precision": "day", "attack_type": "bombing",
           "target_type": "religious", "place": "Herat", "admin1": "Herat"}  # fmt: skip
    report = mention(**day, doc="r1", killed=20, evidence="A blast hit a mosque in Herat.")
    other = mention(**day, doc="r2", killed=22, evidence="Twenty died at a Herat mosque.")
    lead = mention(**day, doc="r3", killed=24, evidence="A bomb tore through a mosque in Herat.")
    apart = mention(**day, doc="r3", evidence="a separate blast at a mosque in Herat.")
    apart.seq = 1
    clusters = cluster_mentions([report, other, lead, apart])
    event = next(c for c in clusters if report in c)
    assert lead in event
    assert apart not in event


def test_fuse_borrowed_date_widens_blocking_not_the_date() -> None:
    """A date read outside the mention's evidence is compared beyond itself (the index still
    returns exactly the candidates), but a pair that meets only through that doubt needs
    overwhelming evidence."""
    borrowed = {"span_start": 100, "span_end": 180, "record": {"spans": {"date": [20, 24]}}}
    ms = [mention(date=d, published=p, admin1=a, **(borrowed if soft else {}))
          for d in ("2022-05-01", "2019", "2022-05") for p in ("2022-07-01", None)
          for a in ("Kabul", None) for soft in (False, True)]  # fmt: skip
    # a borrowed day is off by a day or two at most (the date window): only months and years
    assert sum(m.soft_date for m in ms) == len(ms) // 3
    index = BlockIndex(ms)
    for m in ms:
        expected = {o.id for o in ms if o is not m and is_candidate(m, o)}
        assert {o.id for o in index.neighbours(m)} == expected
    day = {"attack_type": "bombing", "target_type": "religious", "place": "Kabul", "killed": 31}
    told = mention(date="2022-05-12", date_precision="day", published="2022-05-12", **day,
                   evidence="A bomber struck the Sakhi Haidari shrine in Kabul.")  # fmt: skip
    stray = {**day, "date": "2019", "date_precision": "year", **borrowed}
    same = mention(**stray, evidence="The Sakhi Haidari shrine bombing killed 31 in Kabul.")
    other = mention(**stray, evidence="A bombing of a mosque killed 31 in Kabul.")
    assert is_candidate(told, same) and is_candidate(told, other)
    assert pair_score(told, same) >= LINK_THRESHOLD
    assert pair_score(told, other) <= 0.0


def test_fuse_named_months() -> None:
    assert named_months("the raid on the depot in August and the bombing on Dec. 3") == {8, 12}
    assert named_months("Officials may release more names; troops march on") == frozenset()
    assert named_months("since May the group has struck twice, on May 9 and Nov 2") == {5, 11}


def test_fuse_month_named_by_an_undated_mention_picks_its_event() -> None:
    """An undated mention that names a month ("in November") joins the report of that month
    over an otherwise alike one of another year."""
    site = {"place": "Kabul University", "attack_type": "armed_assault",
            "target_type": "education"}  # fmt: skip
    november = mention(date="2020-11-02", date_precision="day", published="2020-11-03", **site,
                       evidence="Gunmen stormed Kabul University.")  # fmt: skip
    year = mention(date="2019", date_precision="year", published="2020-11-03", **site,
                   evidence="Gunmen stormed Kabul University.")  # fmt: skip
    undated = mention(**site, evidence="the attack on Kabul University in November")
    assert pair_score(undated, november) > pair_score(undated, year)


def test_fuse_figure_is_distinctive_in_a_town_or_when_large() -> None:
    """Twenty killed in the capital (a place that only names the province) is no sign of one
    event: the capital sees many such attacks; ninety is, and twenty in a small town is."""

    def pair(place: str, admin1: str, killed: tuple[int, int]) -> float:
        base = {"admin1": admin1, "place": place, "attack_type": "bombing"}
        dated = mention(**base, date="2021-11-02", date_precision="day", published="2021-11-02",
                        killed=killed[0], evidence="A blast hit the city.")  # fmt: skip
        undated = mention(**base, killed=killed[1], evidence="Two blasts struck.")
        return pair_score(dated, undated)

    assert pair("Kabul", "Kabul", (19, 20)) < LINK_THRESHOLD
    assert pair("Kabul", "Kabul", (90, 91)) >= LINK_THRESHOLD
    assert pair("Khanabad", "Kunduz", (19, 20)) >= LINK_THRESHOLD


def test_fuse_different_site_kinds_count_against() -> None:
    """A report of a hotel attack and one of an embassy bombing in the same city and month
    are likely two attacks; two reports of one mosque are not held apart."""
    base = {"date": "2022-12", "date_precision": "month", "attack_type": "bombing",
            "target_type": "foreign"}  # fmt: skip
    hotel = mention(**base, evidence="Gunmen attacked a hotel used by foreign guests.")
    embassy = mention(**base, evidence="A bomber struck outside the embassy gate.")
    mosque = mention(**base, evidence="A bomber struck a mosque.")
    worship = mention(**base, evidence="Worshippers died in the mosque blast.")
    assert site_kinds("Two mosques and a bazaar") == {"worship", "market"}
    assert pair_score(hotel, embassy) <= pair_score(mosque, worship) - 1.0


def test_fuse_far_wounded_figures_count_against() -> None:
    base = {"date": "2023-06-06", "date_precision": "day", "attack_type": "bombing",
            "killed": 8, "evidence": "A car bomb hit the governor's convoy."}  # fmt: skip
    few, many, alike = mention(**base, wounded=6), mention(**base, wounded=50), mention(**base)
    assert pair_score(few, many) < pair_score(few, alike)


def test_fuse_month_without_attack_kind_needs_strong_evidence() -> None:
    """A soldier "killed in the province last week" (a month, no kind of attack) does not
    join the month's air strike on province alone; a month-dated bombing report still does."""
    strike = mention(date="2019-04-13", date_precision="day", published="2019-04-14",
                     admin1="Nangarhar", place="Nangarhar", attack_type="bombing",
                     evidence="A huge bomb hit tunnels in Nangarhar.")  # fmt: skip
    month = {"date": "2019-04", "date_precision": "month", "published": "2019-04-14",
             "admin1": "Nangarhar", "place": "Nangarhar"}  # fmt: skip
    vague = mention(**month, attack_type="other", evidence="A soldier died in Nangarhar.")
    bombing = mention(**month, attack_type="bombing", evidence="A bomb hit Nangarhar.")
    assert pair_score(strike, vague) < LINK_THRESHOLD
    assert pair_score(strike, bombing) >= LINK_THRESHOLD


def test_fuse_generic_news_words_are_no_strong_evidence() -> None:
    """Words every report of an attack may use ("slain", "citizens", "national") do not join
    a year-only mention to an event; a name of the victims' site does."""
    event = mention(date="2021-03-04", date_precision="day", published="2021-03-04",
                    attack_type="bombing", target_type="civilians",
                    evidence="Citizens slain in a blast near the national stadium.")  # fmt: skip
    year = {"date": "2021", "date_precision": "year", "attack_type": "other",
            "target_type": "civilians"}  # fmt: skip
    generic = mention(**year, evidence="Militants slain citizens at a national ceremony.")
    named = mention(**year, evidence="The blast near the stadium killed many.")
    assert pair_score(event, generic) < LINK_THRESHOLD
    assert pair_score(event, named) >= LINK_THRESHOLD


def test_fuse_a_foreign_district_name_shared_by_two_reports_is_a_name() -> None:
    """Orakzai is a Pakistani district; two reports of an Afghan air strike that both name
    a commander Orakzai share a name, not a place. In Pakistan the word is the place."""
    strike = {"admin1": "Nangarhar", "place": "Nangarhar", "attack_type": "airstrike",
              "target_type": "militants", "perpetrator": "US"}  # fmt: skip
    dated = mention(**strike, date="2019-07-20", date_precision="day", published="2019-07-21",
                    evidence="Planes killed commander Orakzai and his guards.")  # fmt: skip
    undated = mention(**strike, evidence="Orakzai was reported dead after a drone hit.")
    assert pair_score(dated, undated) >= LINK_THRESHOLD
    home = {"country": "Pakistan", "admin1": "Khyber Pakhtunkhwa", "attack_type": "bombing",
            "target_type": "civilians"}  # fmt: skip
    here = mention(**home, date="2019-07-20", date_precision="day", published="2019-07-21",
                   evidence="A bomb blast in Orakzai killed five.")  # fmt: skip
    undated_here = mention(**home, evidence="Five died when a bomb struck Orakzai.")
    assert pair_score(here, undated_here) < LINK_THRESHOLD


def test_fuse_the_same_toll_in_the_same_month_is_strong_evidence() -> None:
    """A report that says only "last month" and where the country is, and one of a named
    district in that month, giving the very same toll of ten or more, are one attack; a toll
    of a handful, or a close but different one, is not enough there."""

    def pair(killed: tuple[int, int]) -> float:
        vague = mention(date="2020-10", date_precision="month", admin1=None, published="2020-11-03",
                        attack_type="bombing", killed=killed[0],
                        evidence="Students were killed last month in a bombing.")  # fmt: skip
        placed = mention(date="2020-10", date_precision="month", place="Qala-e-Fathullah",
                         attack_type="other", killed=killed[1],
                         evidence="A strike on a learning centre in October 2020.")  # fmt: skip
        return pair_score(vague, placed)

    assert pair((24, 24)) >= LINK_THRESHOLD
    assert pair((4, 4)) < LINK_THRESHOLD
    assert pair((24, 25)) < LINK_THRESHOLD


def test_fuse_strong_evidence_contradicted_in_its_own_words_is_none() -> None:
    """An undated report of gunmen in a university's classrooms and a dated one of a bomb on
    the road to a shrine beside it share the place both were read at, but name kinds of site
    with none in common: no link. Without the shrine the shared site still joins them."""
    site = {"place": "Qasr University", "attack_type": "bombing"}
    shrine = mention(**site, date="2019-03-21", date_precision="day", published="2019-03-21",
                     evidence="A bomber struck on the road to a shrine downtown.")  # fmt: skip
    other = mention(**site, date="2019-03-21", date_precision="day", published="2019-03-21",
                    evidence="A bomber struck on the road downtown.")  # fmt: skip
    undated = mention(**site, evidence="Gunmen stormed classrooms at Qasr University.")
    assert site_kinds("gunmen in the classrooms of two universities") == {"school"}
    assert pair_score(shrine, undated) < LINK_THRESHOLD
    assert pair_score(other, undated) >= LINK_THRESHOLD


def test_fuse_named_weekdays() -> None:
    assert named_weekdays("gunmen struck on Thursday, a day before Friday prayers") == {3, 4}
    assert named_weekdays("a sunday market") == frozenset()


def test_fuse_weekday_named_by_an_undated_mention_picks_its_event() -> None:
    """An undated "on Thursday" report joins the two reports of a Thursday's bombing, not a
    like report of a bombing of the same kind a year before, though it shares the claimant
    with that one only: the weekday agrees with the Thursday's date."""
    kind = {"admin1": "Herat", "place": "Herat", "attack_type": "bombing",
            "target_type": "civilians"}  # fmt: skip
    day = {"date": "2022-09-15", "date_precision": "day", "published": "2022-09-15"}
    thursday = [
        mention(**kind, **day, killed=4, wounded=10,
                evidence=f"A suicide bomber struck a money exchange {where}.")
        for where in ("in Herat city", "near the grand bazaar")
    ]  # fmt: skip
    claimed = {**kind, "perpetrator": "IS-K"}
    before = mention(**claimed, date="2021-08", date_precision="month", killed=4,
                     evidence="A money exchange was bombed in Herat in 2021.")  # fmt: skip
    told = "A suicide bombing at a money exchange on {} killed 25."
    undated = mention(**claimed, killed=25, wounded=60, evidence=told.format("Thursday"))
    assert named_weekdays(undated.evidence or "") == {3}  # 2022-09-15 was a Thursday
    clusters = cluster_mentions([*thursday, before, undated])
    event = {m.document_id: i for i, cl in enumerate(clusters) for m in cl}
    assert event[undated.document_id] == event[thursday[0].document_id]
    assert event[before.document_id] != event[undated.document_id]
    friday = mention(**claimed, killed=25, wounded=60, evidence=told.format("Friday"))
    assert pair_score(friday, thursday[0]) < pair_score(undated, thursday[0])


def test_fuse_undated_mentions_need_a_province_between_them() -> None:
    """Two undated reports are compared when one of them places the incident; one that names
    no province joins another that does on a shared name, and two with none are never compared."""
    base = {"attack_type": "assassination", "target_type": "media", "perpetrator": "IS-K"}
    told = "the shooting of the radio presenter Zarmina Hotak in Kunar"
    placed = mention(**base, admin1="Kunar", killed=1, evidence=told)
    told = "gunmen killed Zarmina Hotak, a radio presenter"
    unplaced = mention(**base, admin1=None, killed=1, evidence=told)
    told = "a radio presenter, Zarmina Hotak, was shot dead"
    other = mention(**base, admin1=None, killed=1, evidence=told)
    assert is_candidate(placed, unplaced)
    assert pair_score(placed, unplaced) >= LINK_THRESHOLD
    assert not is_candidate(unplaced, other)


def test_fuse_components_cut_two_towns_and_weak_loose_links() -> None:
    """A link joins components unless the two name different towns; a loosely dated mention
    links only at LOOSE_LINK (issue 13: such links chained a bench store into one component)."""
    from khorasan.fuse.score import LOOSE_LINK, connects

    where = {"country": "Pakistan", "admin1": "Punjab", "date": "2019-03-04",
             "date_precision": "day", "attack_type": "bombing"}  # fmt: skip
    okara = mention(**where, place="Okara", evidence="A bomb went off by a grain market.")
    jhelum = mention(**where, place="Jhelum", evidence="A bomb went off by a grain market.")
    okara2 = mention(**where, place="Okara", evidence="A blast hit the grain market.")
    score = pair_score(okara, jhelum)
    assert score >= LINK_THRESHOLD and not connects(okara, jhelum, score)
    assert sorted(len(c) for c in cluster_mentions([okara, jhelum])) == [1, 1]
    assert connects(okara, okara2, pair_score(okara, okara2))
    undated = mention(country="Pakistan", admin1="Punjab", published="2019-05-01",
                      attack_type="bombing", evidence="The grain market bombing.")  # fmt: skip
    assert not connects(okara, undated, LOOSE_LINK - 0.01)
    assert connects(okara, undated, LOOSE_LINK)
    assert connects(okara, okara2, LINK_THRESHOLD)  # both dated: the threshold is enough
