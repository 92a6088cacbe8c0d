"""Evaluation harness: score extractor output against gold and gate regressions.

``run_eval`` runs an extractor over a gold set and returns an :class:`EvalReport`;
``format_report`` and ``report_to_json`` render it; ``check_gate`` and ``update_baseline``
compare its flat metrics with pinned floors.
"""

from khorasan.evaluate.gate import check_gate, load_baseline, update_baseline
from khorasan.evaluate.match import match_incidents
from khorasan.evaluate.merge import evaluate_merge
from khorasan.evaluate.report import flat_metrics, format_report, report_to_json
from khorasan.evaluate.score import EvalReport, ExtractFn, evaluate_predictions, run_eval
from khorasan.evaluate.spans import locate_evidence

__all__ = [
    "EvalReport",
    "ExtractFn",
    "check_gate",
    "evaluate_merge",
    "evaluate_predictions",
    "flat_metrics",
    "format_report",
    "load_baseline",
    "locate_evidence",
    "match_incidents",
    "report_to_json",
    "run_eval",
    "update_baseline",
]
