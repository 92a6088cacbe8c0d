"""What the bench reports: percentiles, growth exponents, peak memory, the targets of issue 13
and the tables. Pure functions of measured numbers (tests feed them made-up ones)."""

from __future__ import annotations

import math
import resource
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

STAGES = ("read_clean", "annotate", "extract", "store", "fuse")
STAGE_LABELS = {
    "read_clean": "read and clean",
    "annotate": "annotate",
    "extract": "extract (annotate inside)",
    "store": "store",
    "fuse": "fuse (as ingest does)",
}
QUERY_LATENCY_MS = 100.0  # issue 13: the event list, one event, stats and claims
QUERIES_WITH_TARGET = ("event list, one page", "event list, one province", "one event", "stats",
                       "claims")  # fmt: skip


def percentile(seconds: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``seconds`` by the nearest-rank rule (no interpolation)."""
    if not seconds:
        raise ValueError("no samples")
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def percentiles(seconds: Sequence[float]) -> str:
    """``p50 ... ms  p99 ... ms`` of the samples, for a printed line."""
    return (f"p50 {percentile(seconds, 0.5) * 1000:7.1f} ms  "
            f"p99 {percentile(seconds, 0.99) * 1000:7.1f} ms")  # fmt: skip


def growth_exponent(sizes: Sequence[float], costs: Sequence[float]) -> float | None:
    """The slope of log(cost) against log(size), least squares: 1.0 is linear growth, 2.0
    quadratic. None with fewer than two distinct sizes or a cost that is not positive."""
    points = [(math.log(s), math.log(c)) for s, c in zip(sizes, costs, strict=True)
              if s > 0 and c is not None and c > 0]  # fmt: skip
    if len({x for x, _ in points}) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return sxy / sxx


def peak_reset() -> bool:
    """Reset this process's RSS high-water mark (Linux: ``/proc/self/clear_refs``), so the
    next :func:`peak_mb` is the peak since now. False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """This process's RSS high-water mark in MiB (since the last :func:`peak_reset`)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rate(count: float, seconds: float | None) -> float | None:
    return count / seconds if seconds else None


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table, numbers right-aligned."""
    cells = [[_fmt(v, 0 if isinstance(v, float) and abs(v) >= 1000 else 1) for v in row]
             for row in rows]  # fmt: skip
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows)
               for i in range(len(headers))]  # fmt: skip

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


# -- stages and ingest ---------------------------------------------------------------------
def stage_rows(sizes: Mapping[str, Mapping[str, Any]]) -> list[list[Any]]:
    """One row per (size, stage) and per ingest run: docs/s, words/s, docs per CPU second,
    peak MiB, seconds, a note."""
    rows: list[list[Any]] = []
    for size, result in sizes.items():
        stages = result.get("stages", {})
        for name in STAGES:
            s = stages.get(name)
            if s is None:
                if stages.get("unfinished"):
                    rows.append([int(size), STAGE_LABELS[name], None, None, None, None,
                                 None, "unfinished"])  # fmt: skip
                    break
                continue
            rows.append([int(size), STAGE_LABELS[name], s.get("docs_per_s"),
                         s.get("words_per_s"), s.get("docs_per_cpu_s"), s.get("peak_mb"),
                         s.get("seconds"), ""])  # fmt: skip
        for run in result.get("ingest", []):
            note = "unfinished" if run.get("unfinished") else ""
            if run.get("unfinished") and run.get("docs_done") and run.get("seconds"):
                note = (f"unfinished: {run['docs_done']} documents stored, "
                        f"{run['docs_done'] / run['seconds']:.1f}/s, before fusion")  # fmt: skip
            rows.append([int(size), f"ingest end to end, {run['workers']} worker(s)",
                         run.get("docs_per_s"), run.get("words_per_s"),
                         run.get("docs_per_cpu_s"), run.get("peak_mb"), run.get("seconds"),
                         note])  # fmt: skip
    return rows


def fuse_share(stages: Mapping[str, Any]) -> float | None:
    """Fusion's share of the time of one document's way through ingest: fuse over read and
    clean + extract + store + fuse (annotation is inside extraction)."""
    parts: list[float] = []
    for name in ("read_clean", "extract", "store", "fuse"):
        seconds = stages.get(name, {}).get("seconds")
        if seconds is None:
            return None
        parts.append(float(seconds))
    return parts[-1] / sum(parts) if sum(parts) else None


def exponents(sizes: Mapping[str, Mapping[str, Any]]) -> dict[str, float | None]:
    """Growth exponents (cost against corpus size) of each stage and of ingest (one worker,
    and every worker when measured), over the sizes that finished: on wall time, and on CPU
    time (``..._cpu``, steadier on a shared machine) where it was measured."""
    out: dict[str, float | None] = {}
    ordered = sorted(sizes.items(), key=lambda kv: int(kv[0]))
    runs: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for name in STAGES:
        runs[name] = [(int(k), v["stages"][name]) for k, v in ordered
                      if name in v.get("stages", {})]  # fmt: skip
    workers = sorted({run["workers"] for _, v in ordered for run in v.get("ingest", [])})
    for w in workers:
        runs[f"ingest_{w}_workers"] = [
            (int(k), run) for k, v in ordered for run in v.get("ingest", [])
            if run["workers"] == w and not run.get("unfinished")
        ]  # fmt: skip
    for name, points in runs.items():
        for key, suffix in (("seconds", ""), ("cpu_s", "_cpu")):
            known = [(n, m[key]) for n, m in points if m.get(key) is not None]
            if suffix and len(known) < 2:
                continue
            out[name + suffix] = growth_exponent([n for n, _ in known], [c for _, c in known])
    return out


def _best_ingest(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ingest run the per-core target is judged on: the most workers that finished."""
    runs = [r for r in result.get("ingest", []) if not r.get("unfinished")]
    return max(runs, key=lambda r: r["workers"]) if runs else None


def stage_targets(sizes: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Issue 13's targets for ingest and extraction, against what the sizes measured."""
    out: list[dict[str, Any]] = []

    def add(target: str, measured: float | None, ok: bool | None,
            per_cpu_s: float | None = None) -> None:  # fmt: skip
        out.append({"target": target, "measured": measured, "per_cpu_s": per_cpu_s,
                    "met": None if measured is None else ok})  # fmt: skip

    for size, floor in (("1000", 100.0), ("20000", 90.0)):
        if size in sizes:
            run = _best_ingest(sizes[size])
            per_core = run.get("docs_per_s_per_core") if run else None
            add(
                f"ingest end to end at {int(size) // 1000}k: >= {floor:.0f} docs/s per core",
                per_core,
                per_core is not None and per_core >= floor,
                run.get("docs_per_cpu_s") if run else None,
            )
    if "20000" in sizes:
        peaks = [r.get("peak_mb") for r in sizes["20000"].get("ingest", [])]
        known = [p for p in peaks if p is not None]
        peak = max(known) if known else None
        add("ingest peak memory at 20k: < 500 MB", peak, peak is not None and peak < 500)
    for size, result in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        extract = result.get("stages", {}).get("extract")
        speed = extract.get("docs_per_s") if extract else None
        add(
            f"extraction at {int(size):,} docs: >= 150 docs/s per core",
            speed,
            speed is not None and speed >= 150,
            extract.get("docs_per_cpu_s") if extract else None,
        )
    return out


def query_targets(queries: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Queries under 100 ms (p50) over the largest store measured (with the CPU-time p50
    beside it)."""
    if not queries:
        return []
    largest = max(queries, key=int)
    out = []
    for label in QUERIES_WITH_TARGET:
        q = queries[largest].get("queries", {}).get(label)
        if q is None:
            continue
        p50 = q["p50_ms"]
        out.append({"target": f"{label} over {int(largest):,} events: p50 < 100 ms",
                    "measured": p50, "per_cpu_s": q.get("p50_cpu_ms"),
                    "met": p50 < QUERY_LATENCY_MS})  # fmt: skip
    return out


def target_table(targets: Sequence[Mapping[str, Any]]) -> str:
    """The targets, what was measured (and on CPU time, what wall time would show on an idle
    machine: throughput per CPU second, a query's CPU p50 in ms), met or not (on the
    wall-time measure)."""
    rows = [[t["target"], t["measured"], t.get("per_cpu_s"),
             "-" if t["met"] is None else "met" if t["met"] else "not met"]
            for t in targets]  # fmt: skip
    return table(["target (issue 13)", "measured", "on CPU time", "met?"], rows)
