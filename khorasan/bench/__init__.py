"""`make bench` (``python -m khorasan.bench``): a benchmark, never a test.

- ``stages``: corpora of 1k / 5k / 20k documents shaped like real reporting
  (:mod:`khorasan.bench.corpus`), each stage's docs/s, words/s and peak memory, ``ingest`` end
  to end, and the growth exponent of each (:mod:`khorasan.bench.stages`);
- ``queries``: p50 / p99 of the event list, one event, stats, claims and export over 100k and
  1M stored events (:mod:`khorasan.bench.queries`);
- ``fusion``: fusion in memory over synthetic mentions (:mod:`khorasan.bench.fusion`);
- ``api``: the REST API and the dashboard's first render (:mod:`khorasan.bench.api`);
- ``search``: full-text search (:mod:`khorasan.bench.search`);
- ``watch``: polls of a loopback feed (:mod:`khorasan.bench.watch`).
"""

from __future__ import annotations

from khorasan.bench.fusion import bench_fusion, synthetic_mentions

__all__ = ["bench_fusion", "synthetic_mentions"]
