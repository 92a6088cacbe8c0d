"""Field accuracy, other record kinds, report rendering and run_eval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from khorasan.evaluate import (
    ExtractFn,
    evaluate_predictions,
    format_report,
    locate_evidence,
    report_to_json,
    run_eval,
)
from khorasan.evaluate.fields import date_compatible, field_correct, figure_value
from khorasan.evaluate.kinds import match_kind, name_key

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEXT = "Gunmen attacked a mosque in Herat, killing 12. Police said 20 were hurt."
EV = "Gunmen attacked a mosque in Herat, killing 12."


def incident(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_key": "2022-09-02-herat-mosque",
        "date": "2022-09-02",
        "country": "Afghanistan",
        "admin1": "Herat",
        "place": "Herat",
        "perpetrator": "IS-K",
        "attribution": "claimed",
        "attack_type": "armed_assault",
        "suicide": False,
        "target_type": "religious",
        "killed": {"value": 12, "qualifier": "exact"},
        "wounded": None,
        "claimed_killed": None,
        "evidence": EV,
    }
    base.update(kw)
    return base


def score_one(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    report = evaluate_predictions(
        {"d": {"incidents": [gold]}}, {"d": {"incidents": [pred]}}, {"d": TEXT}
    )
    assert report.incidents["tp"] == 1
    return report.fields


# --- field comparison -----------------------------------------------------------------


def test_strings_casefold_and_strip() -> None:
    assert field_correct("perpetrator", {"perpetrator": "IS-K"}, {"perpetrator": " is-k "})
    assert not field_correct("perpetrator", {"perpetrator": "IS-K"}, {"perpetrator": "Taliban"})


def test_null_handling() -> None:
    assert field_correct("admin1", {"admin1": None}, {"admin1": None})
    assert field_correct("admin1", {"admin1": None}, {})  # absent counts as null
    assert not field_correct("admin1", {"admin1": None}, {"admin1": "Kabul"})
    assert field_correct("killed", {"killed": None}, {"killed": None})
    assert not field_correct("killed", {"killed": None}, {"killed": {"value": 3}})
    assert not field_correct("killed", {"killed": {"value": 3}}, {"killed": None})


def test_bool_not_equal_to_int() -> None:
    assert not field_correct("suicide", {"suicide": True}, {"suicide": 1})
    assert field_correct("suicide", {"suicide": False}, {"suicide": False})
    assert not field_correct("suicide", {"suicide": False}, {"suicide": None})


def test_figures_compare_value_only() -> None:
    gold = {"killed": {"value": 12, "qualifier": "at_least"}}
    assert field_correct("killed", gold, {"killed": {"value": 12, "qualifier": "about"}})
    assert not field_correct("killed_qualifier", gold, {"killed": {"value": 12}})
    assert field_correct(
        "killed_qualifier", gold, {"killed": {"value": 9, "qualifier": "AT_LEAST"}}
    )
    assert field_correct("killed_qualifier", {"killed": None}, {"killed": None}) is None


def test_parts() -> None:
    parts = [{"value": 60, "who": "Afghans"}, {"value": 13, "who": "US soldiers"}]
    gold = {"killed": {"value": 73, "qualifier": "at_least", "parts": parts}}
    # a total without parts, and parts without a total, both score on the total
    assert field_correct("killed", gold, {"killed": {"value": 73}})
    assert field_correct("killed", gold, {"killed": {"parts": parts}})
    assert not field_correct("killed", gold, {"killed": {"value": 60, "parts": parts[:1]}})
    assert figure_value(7) == 7 and figure_value(True) is None


def test_date_exact_and_compatible() -> None:
    assert field_correct("date", {"date": "2022-09"}, {"date": "2022-09"})
    assert not field_correct("date", {"date": "2022-09"}, {"date": "2022-09-02"})
    assert date_compatible("2022-09", "2022-09-02")
    assert not date_compatible("2022-09", "2022-10-02")
    assert date_compatible(None, None) and not date_compatible("2022", None)


def test_field_accuracy_over_pair() -> None:
    fields = score_one(
        incident(),
        incident(date="2022-09", admin1=None, wounded={"value": 20}, killed={"value": 12}),
    )
    assert fields["date"] == {"correct": 0, "n": 1, "accuracy": 0.0}
    assert fields["date_compatible"]["accuracy"] == 1.0
    assert fields["admin1"]["accuracy"] == 0.0
    assert fields["wounded"]["accuracy"] == 0.0
    assert fields["killed"]["accuracy"] == 1.0
    assert fields["killed_qualifier"] == {"correct": 0, "n": 1, "accuracy": 0.0}
    assert fields["perpetrator"]["accuracy"] == 1.0


def test_prf_and_error_lists() -> None:
    golds: dict[str, dict[str, Any]] = {
        "a": {"incidents": [incident(), incident(event_key="x", date="2019", evidence="zz")]},
        "b": {"incidents": []},
    }
    preds = {
        "a": {"incidents": [incident(perpetrator="Taliban", span=[0, 20])]},
        "b": {"incidents": [incident(evidence="made up", date="2001", admin1="Kabul")]},
    }
    report = evaluate_predictions(golds, preds, {"a": TEXT, "b": "other"})
    assert report.incidents["tp"] == 1 and report.incidents["fp"] == 1
    assert report.incidents["fn"] == 1
    assert report.incidents["precision"] == pytest.approx(0.5)
    assert report.per_doc == {"a": {"tp": 1, "fp": 0, "fn": 1}, "b": {"tp": 0, "fp": 1, "fn": 0}}
    assert report.misses[0]["event_key"] == "x"
    assert report.false_alarms[0]["doc"] == "b"
    assert report.field_errors == [
        {
            "doc": "a",
            "event_key": "2022-09-02-herat-mosque",
            "field": "perpetrator",
            "gold": "IS-K",
            "predicted": "Taliban",
        }
    ]


def test_missing_prediction_counts_as_empty() -> None:
    report = evaluate_predictions({"a": {"incidents": [incident()]}}, {}, {"a": TEXT})
    assert report.incidents["recall"] == 0.0 and report.incidents["precision"] == 0.0
    assert report.fields["date"]["accuracy"] is None


# --- other kinds ----------------------------------------------------------------------


def test_name_key_strips_accents_and_punctuation() -> None:
    assert name_key("Abu Bakr al-Baghdādī") == name_key("abu bakr AL BAGHDADI")


def test_leaders_and_relations() -> None:
    gold = [
        {"group": "IS-K", "person": "Hafiz Saeed Khan"},
        {"group": "Islamic State", "person": "Abu Bakr al-Baghdadi"},
    ]
    pred = [
        {"group": "IS-K", "person": "Abu Bakr al Baghdadi"},
        {"group": "IS-K", "person": "hafiz saeed khan"},
        {"group": "IS-K", "person": "Somebody Else"},
    ]
    out = match_kind("leaders", gold, pred)
    assert out.pairs == [(0, 1), (1, 0)]
    assert out.unmatched_pred == [2]
    assert (out.value_correct, out.value_n) == (3, 4)  # group wrong for al-Baghdadi
    rel_gold = [{"a": "Taliban", "b": "IS-K", "kind": "war", "date": None}]
    rel_pred = [{"a": "IS-K", "b": "Taliban", "kind": "rivalry", "date": None}]
    out = match_kind("relations", rel_gold, rel_pred)
    assert out.pairs == [(0, 0)]
    assert out.mismatches[0]["field"] == "kind"


def test_statistics_strength_plots() -> None:
    stats_gold = [{"from": "2021-08-15", "to": None, "incidents": 73, "killed": 429}]
    stats_pred = [{"from": "2021-08-15", "to": None, "killed": 429, "incidents": 70}]
    out = match_kind("statistics", stats_gold, stats_pred)
    assert out.pairs == [(0, 0)]
    assert (out.value_correct, out.value_n) == (3, 4)  # incidents differs
    assert match_kind("statistics", stats_gold, [{"killed": 1}]).pairs == []
    strength = match_kind(
        "strength",
        [{"low": 2000, "high": 2500, "date": None}, {"low": 5500, "high": 5500, "date": "2019"}],
        [{"low": 5500, "high": 5500, "date": "2019"}],
    )
    assert strength.pairs == [(1, 0)] and strength.unmatched_gold == [0]
    plots = match_kind(
        "plots",
        [{"country": "Germany", "count": 3}, {"country": None, "count": 16}],
        [{"country": None, "count": 16}, {"country": "germany", "count": 2}],
    )
    assert plots.pairs == [(0, 1), (1, 0)]
    assert plots.value_correct == plots.value_n - 1


def test_kinds_only_scored_where_annotated() -> None:
    golds: dict[str, dict[str, Any]] = {
        "seed": {"incidents": [], "leaders": [{"person": "X", "group": "IS-K"}], "plots": []},
        "dev": {"incidents": []},
    }
    preds: dict[str, dict[str, Any]] = {
        "seed": {"leaders": [{"person": "x", "group": "IS-K"}]},
        "dev": {"leaders": [{"person": "Y"}], "plots": [{"country": "Iran", "count": 1}]},
    }
    report = evaluate_predictions(golds, preds, {})
    assert report.kinds["leaders"]["tp"] == 1 and report.kinds["leaders"]["fp"] == 0
    assert report.kinds["plots"]["n"] == 0
    metrics = report_to_json(report)["metrics"]
    assert metrics["kinds.leaders.f1"] == 1.0
    assert not any(k.startswith("kinds.plots") for k in metrics)


# --- rendering ------------------------------------------------------------------------


def test_report_json_and_text() -> None:
    golds = {"a": {"incidents": [incident(), incident(event_key="gone", evidence="zz")]}}
    preds = {
        "a": {
            "incidents": [
                incident(wounded={"value": 1}),
                incident(evidence="q", date="2001", admin1="Kabul"),  # matches nothing
            ]
        }
    }
    report = evaluate_predictions(golds, preds, {"a": TEXT})
    data = report_to_json(report)
    json.dumps(data)  # serialisable
    metrics = data["metrics"]
    assert {"incidents.precision", "incidents.recall", "incidents.f1"} <= metrics.keys()
    assert metrics["fields.wounded.accuracy"] == 0.0
    assert all(isinstance(v, float) for v in metrics.values())
    assert "merge.f1" not in metrics
    report.merge = {"precision": 1.0, "recall": 0.5, "f1": 2 / 3}
    assert report_to_json(report)["metrics"]["merge.f1"] == pytest.approx(2 / 3, abs=1e-6)

    text = format_report(report, show_errors=1)
    lines = text.splitlines()
    assert lines[0].startswith("Docs scored: 1")
    assert lines[1].startswith("Incidents  P 0.50 R 0.50 F1 0.50 (1/1/1")
    assert "Missed incidents (1):" in text and "False alarms (1):" in text
    assert "wounded: gold=null predicted=1" in text
    assert "Merge  P 1.00 R 0.50 F1 0.67" in text
    quiet = format_report(report, show_errors=0)
    assert "Missed incidents (1, first 0 shown):" in quiet and "[a#" not in quiet


def test_format_limits_errors() -> None:
    golds = {"a": {"incidents": [incident(event_key=str(i), evidence=f"e{i}") for i in range(5)]}}
    report = evaluate_predictions(golds, {}, {"a": ""})
    text = format_report(report, show_errors=2)
    assert "Missed incidents (5, first 2 shown):" in text
    assert text.count("[a#") == 2


# --- run_eval -------------------------------------------------------------------------


def test_run_eval_missing_doc_and_extract_error(tmp_path: Path) -> None:
    gold_dir, docs_dir = tmp_path / "gold", tmp_path / "docs"
    gold_dir.mkdir()
    docs_dir.mkdir()
    (docs_dir / "a.txt").write_text(TEXT, encoding="utf-8")
    (docs_dir / "c.txt").write_text(TEXT, encoding="utf-8")
    (gold_dir / "a.txt.gold.json").write_text(
        json.dumps({"incidents": [incident()]}), encoding="utf-8"
    )  # no "doc": name derived from the gold file
    (gold_dir / "b.gold.json").write_text(json.dumps({"doc": "b.txt", "incidents": []}))
    (gold_dir / "c.gold.json").write_text(json.dumps({"incidents": [incident()]}))

    def extract(path: Path) -> dict:
        if path.name == "c.txt":
            raise RuntimeError("boom")
        return {"doc": path.name, "incidents": [incident(span=[0, 10])]}

    report = run_eval(gold_dir, docs_dir, extract)
    assert report.docs == ["a.txt", "c.txt"]
    assert report.missing_docs == ["b.txt"]
    assert report.extract_errors == {"c.txt": "RuntimeError: boom"}
    assert report.incidents["tp"] == 1 and report.incidents["fn"] == 1
    assert set(report.gold_sha256) == {"a.txt.gold.json", "b.gold.json", "c.gold.json"}
    text = format_report(report)
    assert "missing documents: 1" in text and "c.txt: RuntimeError: boom" in text


def _gold_as_prediction(gold_dir: Path) -> ExtractFn:
    """An extractor that returns the gold itself, with spans located from its evidence."""
    by_doc: dict[str, dict] = {}
    for path in gold_dir.glob("*.gold.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        by_doc[gold["doc"]] = gold

    def extract(doc_path: Path) -> dict:
        gold = by_doc[doc_path.name]
        text = doc_path.read_text(encoding="utf-8")
        incidents = []
        for item in gold["incidents"]:
            spans = locate_evidence(text, item["evidence"])
            assert spans, f"gold evidence not located in {doc_path.name}"
            incidents.append({**item, "span": [spans[0][0], spans[-1][1]], "confidence": 1.0})
        return {**gold, "incidents": incidents}

    return extract


@pytest.mark.parametrize(
    ("gold_sub", "docs_sub"), [("eval/seeds", "seeds"), ("eval/dev", "eval/dev")]
)
def test_gold_scores_perfect_against_itself(gold_sub: str, docs_sub: str) -> None:
    gold_dir, docs_dir = SHARED / gold_sub, SHARED / docs_sub
    if not gold_dir.is_dir() or not docs_dir.is_dir():
        pytest.skip(f"shared evaluation data not present at {gold_dir}")
    report = run_eval(gold_dir, docs_dir, _gold_as_prediction(gold_dir))
    assert report.missing_docs == [] and report.extract_errors == {}
    assert report.incidents["f1"] == 1.0
    for name, stats in report.fields.items():
        assert stats["accuracy"] == 1.0, (name, report.field_errors[:3])
    for kind, stats in report.kinds.items():
        if stats["n"]:
            assert stats["f1"] == 1.0 and stats["value_accuracy"] == 1.0, kind
