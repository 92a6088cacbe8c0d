"""How likely an incident record is right on every key field: features of the record that
predict it, and a logistic model over them fitted on the development set.

The model's coefficients are data (``extract/data/calibration.json``), refitted with
``python -m khorasan.evaluate.calibrate --gold DIR --docs DIR`` whenever the extractor changes;
this module only computes the features and applies the coefficients. A feature the file does
not name weighs nothing, so old coefficients keep working after a feature is added.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

from khorasan.errors import DataFileError
from khorasan.extract.incidents.features import GENERIC, SentenceFeatures

__all__ = [
    "CALIBRATION_FILE",
    "FEATURES",
    "MODEL_FEATURES",
    "calibrated_confidence",
    "capturing",
    "load_calibration",
    "probability",
    "record_features",
]

CALIBRATION_FILE = "calibration.json"
# Confidences are kept inside these bounds: no record is certain, none impossible.
FLOOR, CEILING = 0.02, 0.98
DIGITS = 3  # a confidence is rounded to this many decimals

# The features, each in [0, 1] or a small count; names are the keys of calibration.json.
FEATURES = (
    "date_written",  # the text dates the incident (not the publication date, not none)
    "date_day",  # ... to the day
    "date_relative",  # ... by a relative word resolved against publication ("on Monday")
    "date_year_only",  # ... only to the year
    "place_specific",  # a city, district or site, not only a province or a country
    "admin1",  # the province is known
    "country_only",  # placed only in a country (or nowhere)
    "perp_named",  # a perpetrator is named in the incident's own sentences
    "perp_claimed",  # ... who claimed it
    "perp_suspected",  # ... only suspected
    "perp_state",  # the attacker is a state (an airstrike, a raid), not an armed group
    "perp_islamic_state",  # the attacker is IS-K or the Islamic State, the monitor's subject
    "killed",  # a death toll is given
    "killed_exact",  # ... without a qualifier ("at least", "about")
    "killed_at_least",  # ... as a floor ("at least 12")
    "killed_parts",  # ... summed from parts ("13 Americans and 90 Afghans")
    "wounded",  # a wounded figure is given
    "claimed_figure",  # the perpetrator's own figure is given
    "typed_attack",  # an attack word of a kind (bombing), not only "the attack"
    "attack_bombing",  # the attack type read, one feature for each common one
    "attack_armed_assault",
    "attack_airstrike",
    "attack_assassination",
    "log_sentences",  # log(1 + number of sentences reporting it)
    "headline_only_figures",  # the figures come only from headlines or captions
    "headline_evidence",  # a headline or caption is among its sentences
    "listed",  # one item of a listing clause ("including X in A, Y in B")
    "aggregate",  # a sentence of it sums several incidents
    "total",  # a sentence gives a running total
    "early",  # it opens the document (its first sentence is among the first three)
    "log_position",  # log(1 + index of its first sentence)
    "place_conflict",  # its sentences name places in more than one country
    "figure_conflict",  # its sentences give different death tolls
)

# The features the fitted model weighs: the others are computed for analysis (``capturing``)
# but, on a few hundred records, only add variance (fold cross-validation: same discrimination,
# worse calibration on the held-out fold). Each says something general about a record: whether
# the text dates, places and attributes it, how firm its figures are, whether it is the report's
# own incident and whether its sentences agree.
MODEL_FEATURES = (
    "date_written",
    "date_relative",
    "admin1",
    "country_only",
    "perp_named",
    "perp_islamic_state",
    "killed",
    "killed_exact",
    "killed_parts",
    "wounded",
    "typed_attack",
    "attack_bombing",
    "early",
    "place_conflict",
    "figure_conflict",
)

_CAPTURE: ContextVar[list[tuple[dict[str, Any], dict[str, float]]] | None] = ContextVar(
    "confidence_capture", default=None
)
_STATE_TYPES = frozenset({"state", "force"})
_ISLAMIC_STATE = frozenset({"IS-K", "Islamic State"})


@cache
def load_calibration() -> dict[str, Any]:
    """``{"intercept": float, "coefficients": {feature: float}, ...}`` from calibration.json."""
    source = resources.files("khorasan.extract").joinpath("data", CALIBRATION_FILE)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataFileError(CALIBRATION_FILE, f"cannot read: {exc}") from exc
    coefficients = data.get("coefficients") if isinstance(data, dict) else None
    if not isinstance(coefficients, dict) or not isinstance(data.get("intercept"), int | float):
        raise DataFileError(CALIBRATION_FILE, "expected 'intercept' and 'coefficients'")
    for name, value in coefficients.items():
        if not isinstance(value, int | float):
            raise DataFileError(f"{CALIBRATION_FILE}: {name}", "a coefficient must be a number")
    return data


def probability(
    features: Mapping[str, float], intercept: float, coefficients: Mapping[str, float]
) -> float:
    """The logistic model's probability, bounded to [FLOOR, CEILING]."""
    z = intercept + sum(w * float(features.get(k, 0.0)) for k, w in coefficients.items())
    p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return max(FLOOR, min(p, CEILING))


def calibrated_confidence(record: dict[str, Any], sentences: list[SentenceFeatures]) -> float:
    """The probability that ``record`` is right on every key field, from its features."""
    features = record_features(record, sentences)
    captured = _CAPTURE.get()
    if captured is not None:
        captured.append((record, features))
    model = load_calibration()
    return round(probability(features, float(model["intercept"]), model["coefficients"]), DIGITS)


@contextmanager
def capturing() -> Iterator[list[tuple[dict[str, Any], dict[str, float]]]]:
    """Collect ``(record, features)`` for every record built inside the block (for fitting):
    the record is the very dict the extractor returns, so it is matched by identity."""
    captured: list[tuple[dict[str, Any], dict[str, float]]] = []
    token = _CAPTURE.set(captured)
    try:
        yield captured
    finally:
        _CAPTURE.reset(token)


def _figure_value(value: Any) -> Any:
    return value.get("value") if isinstance(value, Mapping) else value


def record_features(
    record: Mapping[str, Any], sentences: list[SentenceFeatures]
) -> dict[str, float]:
    """The features of a freshly built record (before the publication date or an antecedent
    perpetrator fill its gaps) and of the sentences it rests on."""
    spans = record.get("spans") or {}
    precision = record.get("date_precision")
    date_span = spans.get("date")
    relative = False
    if date_span:
        relative = any(d.start == date_span[0] and d.relative for f in sentences for d in f.dates)
    place_precision = record.get("place_precision")
    named = record.get("perpetrator") not in (None, "unknown")
    perp_span = spans.get("perpetrator")
    perp_types = {
        a.type for f in sentences for a in f.actors if perp_span and a.start == perp_span[0]
    }
    killed = record.get("killed")
    countries = {p.country for f in sentences for p in f.places if p.country}
    kill_values = {fig.value for f in sentences for fig in f.figures if fig.kind == "killed"}
    reporting = [f for f in sentences if not f.headline]
    figures_from = [f for f in sentences if f.figures]
    first = min((f.index for f in sentences), default=0)
    return {
        "date_written": float(record.get("date") is not None),
        "date_day": float(precision == "day"),
        "date_relative": float(relative),
        "date_year_only": float(precision == "year"),
        "place_specific": float(place_precision in ("exact", "city", "admin2")),
        "admin1": float(record.get("admin1") is not None),
        "country_only": float(place_precision in (None, "country")),
        "perp_named": float(named),
        "perp_claimed": float(named and record.get("attribution") == "claimed"),
        "perp_suspected": float(named and record.get("attribution") == "suspected"),
        "perp_state": float(bool(perp_types & _STATE_TYPES)),
        "perp_islamic_state": float(record.get("perpetrator") in _ISLAMIC_STATE),
        "killed": float(_figure_value(killed) is not None),
        "killed_exact": float(isinstance(killed, Mapping) and killed.get("qualifier") == "exact"),
        "killed_at_least": float(
            isinstance(killed, Mapping) and killed.get("qualifier") == "at_least"
        ),
        "killed_parts": float(isinstance(killed, Mapping) and bool(killed.get("parts"))),
        "wounded": float(_figure_value(record.get("wounded")) is not None),
        "claimed_figure": float(_figure_value(record.get("claimed_killed")) is not None),
        "typed_attack": float(any(k != GENERIC for f in sentences for k, _, _ in f.triggers)),
        "attack_bombing": float(record.get("attack_type") == "bombing"),
        "attack_armed_assault": float(record.get("attack_type") == "armed_assault"),
        "attack_airstrike": float(record.get("attack_type") == "airstrike"),
        "attack_assassination": float(record.get("attack_type") == "assassination"),
        "log_sentences": math.log1p(len(reporting)),
        "headline_only_figures": float(
            bool(figures_from) and all(f.headline for f in figures_from)
        ),
        "headline_evidence": float(any(f.headline for f in sentences)),
        "listed": float(any(f.listed for f in sentences)),
        "aggregate": float(any(f.aggregate for f in sentences)),
        "total": float(any(f.total for f in sentences)),
        "early": float(first < 3),
        "log_position": math.log1p(first),
        "place_conflict": float(len(countries) > 1),
        "figure_conflict": float(len(kill_values) > 1),
    }
