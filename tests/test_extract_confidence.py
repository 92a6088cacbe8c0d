"""Incident confidence: the record features, the logistic model read from calibration.json, the
fit of ``python -m khorasan.evaluate.calibrate`` with its fold cross-validation, and the event
confidence of fusion."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from khorasan.evaluate.calibrate import Sample, calibration_data, collect, cross_validate, fit, main
from khorasan.evaluate.score import fold_of
from khorasan.extract.incidents.confidence import (
    CEILING,
    FEATURES,
    FLOOR,
    capturing,
    load_calibration,
    probability,
)
from khorasan.fuse.mention import mention_from_row
from khorasan.fuse.reconcile import FLAG_DISCOUNT, event_confidence, reconcile
from khorasan.pipeline import extract_text

MOSQUE = (
    "A suicide bomber killed 12 people at a mosque in Jalalabad, Nangarhar province, on Friday, "
    "police said. Islamic State Khorasan claimed responsibility for the bombing."
)
HOTEL = (
    "Gunmen stormed a hotel in Kabul on 3 March 2022, killing five guests and wounding nine "
    "others. Officials said the attackers were later shot dead."
)


def test_calibration_file_names_only_known_features() -> None:
    model = load_calibration()
    assert isinstance(model["intercept"], float)
    assert set(model["coefficients"]) <= set(FEATURES)
    assert model["cross_validation"]["pooled_ece"] is not None


def test_record_confidence_is_the_model_probability_of_its_features() -> None:
    with capturing() as captured:
        doc = extract_text(MOSQUE, published="2023-05-12")
    assert doc["incidents"] and len(captured) == len(doc["incidents"])
    model = load_calibration()
    for record, features in captured:
        assert record in doc["incidents"]
        assert set(features) == set(FEATURES)
        assert record["confidence"] == pytest.approx(
            probability(features, model["intercept"], model["coefficients"]), abs=1e-3
        )
        assert FLOOR <= record["confidence"] <= CEILING
    first = captured[0][1]
    assert first["killed"] == first["killed_exact"] == first["typed_attack"] == 1.0
    assert first["perp_named"] == first["perp_claimed"] == first["perp_islamic_state"] == 1.0
    assert first["date_relative"] == 1.0 and first["date_day"] == 1.0


def test_capturing_is_off_outside_the_block() -> None:
    with capturing() as captured:
        pass
    extract_text(MOSQUE, published="2023-05-12")
    assert captured == []


def test_probability_is_bounded_and_ignores_unknown_features() -> None:
    assert probability({}, 0.0, {}) == 0.5
    assert probability({"a": 1.0}, 100.0, {"a": 5.0}) == CEILING
    assert probability({"a": 1.0}, -100.0, {"a": 5.0}) == FLOOR
    assert probability({"a": 1.0, "new": 1.0}, 0.0, {"a": 0.0}) == 0.5


def _samples(n: int, seed: int = 7) -> list[Sample]:
    """Records with feature x right 80% of the time, without it 20%, half in each fold."""
    rng = random.Random(seed)
    docs = ["doc3", "doc4", "doc1", "doc2"]  # A, A, B, B
    out = []
    for i in range(n):
        x = float(i % 2)
        out.append(Sample(docs[i % 4], {"killed": x}, rng.random() < (0.8 if x else 0.2)))
    return out


def test_fit_recovers_the_rates_and_cross_validates_by_fold() -> None:
    samples = _samples(2000)
    model = fit(samples, l2=0.0)
    assert model.predict({"killed": 1.0}) == pytest.approx(0.8, abs=0.04)
    assert model.predict({"killed": 0.0}) == pytest.approx(0.2, abs=0.04)
    assert set(model.coefficients) == {"killed"}  # features never seen weigh nothing
    cv = cross_validate(samples)
    assert cv["A"]["train"] == cv["B"]["test"] == 1000
    assert cv["pooled_ece"] < 0.05 and cv["A"]["ece"] < 0.06 and cv["B"]["ece"] < 0.06
    data = calibration_data(samples)
    assert data["fitted_on"] == {"records": 2000, "right": sum(s.right for s in samples),
                                 "documents": 4}  # fmt: skip
    assert set(data["cross_validation"]) == {"A", "B", "pooled_ece"}


def test_fit_penalty_shrinks_towards_the_base_rate() -> None:
    samples = _samples(40)
    loose, tight = fit(samples, l2=0.0), fit(samples, l2=100.0)
    assert abs(tight.coefficients["killed"]) < abs(loose.coefficients["killed"])


def _gold_set(tmp: Path) -> Path:
    assert fold_of("doc3") == "A" and fold_of("doc1") == "B"
    for name, text, published, gold in (
        ("doc3", MOSQUE, "2023-05-12", {"date": "2023-05-12", "country": "Afghanistan",
         "admin1": "Nangarhar", "perpetrator": "IS-K", "attack_type": "bombing",
         "killed": {"value": 12, "qualifier": "exact"}, "wounded": None,
         "evidence": MOSQUE.split(". ")[0]}),
        ("doc1", HOTEL, "2022-03-04", {"date": "2022-03-03", "country": "Afghanistan",
         "admin1": "Kabul", "perpetrator": "unknown", "attack_type": "armed_assault",
         "killed": {"value": 6, "qualifier": "exact"}, "wounded": {"value": 9},
         "evidence": HOTEL.split(". ")[0]}),
    ):  # fmt: skip
        (tmp / f"{name}.txt").write_text(text, encoding="utf-8")
        (tmp / f"{name}.meta.json").write_text(json.dumps({"published": published}), "utf-8")
        gold_doc: dict[str, Any] = {"doc": f"{name}.txt", "incidents": [gold]}
        (tmp / f"{name}.gold.json").write_text(json.dumps(gold_doc), encoding="utf-8")
    return tmp


def test_collect_judges_each_predicted_incident_on_every_key_field(tmp_path: Path) -> None:
    samples = collect(_gold_set(tmp_path), tmp_path)
    by_doc = {s.doc: s.right for s in samples}
    assert by_doc == {"doc3.txt": True, "doc1.txt": False}  # the hotel toll is 6, not 5


def test_calibrate_command_writes_the_coefficients(tmp_path: Path, capsys: Any) -> None:
    gold = _gold_set(tmp_path)
    out = tmp_path / "calibration.json"
    assert main(["--gold", str(gold), "--docs", str(gold), "--out", str(out), "--check"]) == 0
    assert not out.exists()
    assert "cross-validated" in capsys.readouterr().out
    assert main(["--gold", str(gold), "--docs", str(gold), "--out", str(out)]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert isinstance(data["intercept"], float) and set(data["coefficients"]) <= set(FEATURES)
    assert data["fitted_on"]["records"] == 2
    with pytest.raises(SystemExit):
        main(["--gold", str(tmp_path / "none"), "--docs", str(gold)])


def _mention(doc: str, confidence: float, **fields: Any) -> Any:
    row = {"id": abs(hash(doc)) % 10_000, "document_id": doc, "seq": 0, "wire_story_id": doc,
           "doc": doc, "published": "2022-05-13", "evidence": f"evidence of {doc}",
           "span_start": 0, "span_end": 10, "country": "Afghanistan", "admin1": "Kabul",
           "confidence": confidence, **fields}  # fmt: skip
    return mention_from_row(row)


def test_event_confidence_is_the_best_mention_discounted_per_disputed_key_field() -> None:
    agree = [_mention("a", 0.4, killed=5), _mention("b", 0.7, killed=5)]
    assert reconcile(agree)["detail"]["confidence"] == 0.7  # not 1 - 0.6 * 0.3
    disputed = [_mention("a", 0.4, killed=5), _mention("b", 0.7, killed=7)]
    assert reconcile(disputed)["detail"]["confidence"] == round(0.7 * FLAG_DISCOUNT, 3)
    # a dispute on a field a record need not get right costs nothing
    targets = [_mention("a", 0.7, target_type="civilians"),
               _mention("b", 0.7, target_type="religious")]  # fmt: skip
    assert reconcile(targets)["detail"]["confidence"] == 0.7
    assert event_confidence([], []) == 0.0
