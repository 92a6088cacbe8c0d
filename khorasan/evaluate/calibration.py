"""Whether a record's confidence means what it says: a reliability table and the expected
calibration error (ECE) of incident confidences against "right on every key field".

Every predicted incident counts: a matched one is right when each key field agrees with the
gold; a false alarm is never right. A well calibrated extractor's records at confidence 0.8
are right four times in five.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["BINS", "reliability"]

BINS = 10  # equal-width confidence bins over [0, 1]


def reliability(outcomes: Iterable[tuple[float, bool]], bins: int = BINS) -> dict[str, Any]:
    """``{"bins": [{"low", "high", "n", "confidence", "right"}], "ece", "n"}`` from
    (confidence, right) pairs; empty bins are left out of the table."""
    buckets: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    n = 0
    for confidence, right in outcomes:
        c = min(max(float(confidence), 0.0), 1.0)
        buckets[min(int(c * bins), bins - 1)].append((c, right))
        n += 1
    table, ece = [], 0.0
    for i, bucket in enumerate(buckets):
        if not bucket:
            continue
        mean_conf = sum(c for c, _ in bucket) / len(bucket)
        share = sum(r for _, r in bucket) / len(bucket)
        ece += len(bucket) / n * abs(share - mean_conf)
        table.append({"low": i / bins, "high": (i + 1) / bins, "n": len(bucket),
                      "confidence": round(mean_conf, 4), "right": round(share, 4)})  # fmt: skip
    return {"bins": table, "ece": round(ece, 6) if n else None, "n": n}
