"""Tallies and claims vs reported over plain event dicts (as ``query_events`` returns them)."""

from __future__ import annotations

from typing import Any

from khorasan.analyse import claims_vs_reported, icm_sentence, tally


def ev(eid: str, date: str | None, killed: tuple[int, int, int] | None, **extra: Any
       ) -> dict[str, Any]:  # fmt: skip
    low, best, high = killed or (None, None, None)
    cats = extra.pop("categories", {"civilians": best or 0})
    return {"id": eid, "date": date, "country": "Afghanistan", "admin1": extra.pop("admin1",
            "Kabul"), "killed_low": low, "killed_best": best, "killed_high": high,
            "wounded_low": 1, "wounded_best": 2, "wounded_high": 3, "claimed_killed": None,
            "target_type": "religious", "detail": {"killed_by_category": cats},
            **extra}  # fmt: skip


EVENTS = [
    ev("e1", "2022-05-12", (13, 13, 18), claimed_killed=20),
    ev(
        "e2",
        "2022-05-30",
        (4, 6, 6),
        admin1="Nangarhar",
        categories={"security_forces": 5, "militants": 1},
        target_type="security_forces",
    ),
    ev("e3", "2022-07-01", None, claimed_killed=50),
]


def test_analyse_tally_totals_and_sentence() -> None:
    t = tally(EVENTS)
    assert t["events"] == 3 and t["events_without_killed"] == 1
    assert (t["killed_low"], t["killed_best"], t["killed_high"]) == (17, 19, 24)
    assert t["sentence"] == "19 killed in 3 incidents from 2022-05-12 to 2022-07-01 (range 17-24)"
    assert t["killed_by_category"] == {"civilians": 13, "security_forces": 5, "militants": 1,
                                       "unspecified": 0}  # fmt: skip


def test_analyse_tally_by_month_and_province() -> None:
    t = tally(EVENTS)
    assert t["by_month"]["2022-05"]["events"] == 2 and t["by_month"]["2022-05"]["killed_best"] == 19
    assert t["by_province"]["Afghanistan / Kabul"]["events"] == 2


def test_analyse_tally_uses_the_requested_window_in_the_sentence() -> None:
    t = tally(EVENTS[:1], date_from="2022-01-01", date_to="2022-12-31")
    assert icm_sentence(t) == "13 killed in 1 incident from 2022-01-01 to 2022-12-31 (range 13-18)"


def test_analyse_claims_vs_reported() -> None:
    c = claims_vs_reported(EVENTS)
    assert [r["id"] for r in c["events"]] == ["e1", "e3"]
    assert c["total"] == {"events": 1, "claimed_killed": 20, "reported_killed": 13,
                          "ratio": round(20 / 13, 3)}  # fmt: skip
    assert c["by_year"]["2022"]["ratio"] == round(20 / 13, 3)
    assert c["by_target_type"]["religious"]["events"] == 1
    assert claims_vs_reported(EVENTS, by="month")["by_month"]["2022-05"]["claimed_killed"] == 20


def test_analyse_tally_buckets_keep_categories_and_year_only_dates() -> None:
    events = [*EVENTS, ev("e4", "2021", (2, 2, 2)), ev("e5", None, (1, 1, 1))]
    t = tally(events)
    assert set(t["by_month"]) == {"2021", "2022-05", "2022-07", "undated"}
    assert t["by_month"]["2022-05"]["killed_by_category"] == {
        "civilians": 13, "security_forces": 5, "militants": 1, "unspecified": 0}  # fmt: skip
    assert t["by_province"]["Afghanistan / Nangarhar"]["killed_by_category"]["militants"] == 1
    assert sum(t["killed_by_category"].values()) == t["killed_best"]
