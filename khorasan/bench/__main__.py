"""``python -m khorasan.bench [--sizes 1000,5000,20000] [--quick] [--only PART] [--json PATH]``.

Prints each part's measures as it goes, then the tables (stages per size, growth exponents,
query latencies) with issue 13's targets marked met or not met, and writes every number as
JSON (default ``bench-results.json``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from khorasan.bench import report

PARTS = ("stages", "queries", "fusion", "api", "search", "watch")
DEFAULT_SIZES = (1000, 5000, 20_000)
QUICK_SIZES = (200, 1000)
QUERY_SIZES = (100_000, 1_000_000)
QUICK_QUERY_SIZES = (10_000, 100_000)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace("k", "000")) for part in text.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are numbers, comma-separated") from exc
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes must be 1 or more")
    return sorted(set(sizes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m khorasan.bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="corpus sizes, stages bench (default 1000,5000,20000)")  # fmt: skip
    parser.add_argument("--query-sizes", type=_sizes, default=None,
                        help="stored events, query bench (default 100000,1000000)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: corpora of 200 and 1000 documents, stores of "
                             "10k and 100k events, fusion of 10k mentions, API and search "
                             "over 10k")  # fmt: skip
    parser.add_argument("--only", choices=PARTS, action="append",
                        help="run only this part (repeatable); default: every part")  # fmt: skip
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"),
                        help="where to write the results (default bench-results.json)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=3600.0,
                        help="seconds each stages or ingest child may run (default 3600); one "
                             "that runs out reports what it finished")  # fmt: skip
    parser.add_argument("--no-ingest", action="store_true",
                        help="stages only, without the end-to-end ingest runs")  # fmt: skip
    parser.add_argument("--seed", type=int, default=13, help="corpus seed (default 13)")
    parser.add_argument("--api-events", type=int, default=None, metavar="N",
                        help="events behind the API and dashboard (default 100000)")  # fmt: skip
    parser.add_argument("--search-docs", type=int, default=None, metavar="N",
                        help="documents of the search bench (default 100000)")  # fmt: skip
    parser.add_argument("--browser-loads", type=int, default=5, metavar="K",
                        help="page loads for the dashboard's first render (0: skip)")  # fmt: skip
    parser.add_argument("--app-root", type=Path, default=report.ROOT,
                        help="the checkout whose package the dashboard benchmark serves "
                             "(to compare two versions over the same store; it must know "
                             "every migration of this one)")  # fmt: skip
    return parser.parse_args(argv)


def render(results: dict[str, Any]) -> str:
    """The tables of a results object (stages, exponents, queries, targets)."""
    out: list[str] = []
    sizes = results.get("stages", {})
    if sizes:
        out.append("Stages per corpus size (peak: the RSS high-water mark during the stage; the "
                   "stages process holds every document and record)")  # fmt: skip
        out.append(report.table(["docs", "stage", "docs/s", "words/s", "docs/cpu-s", "peak MiB",
                                 "seconds", "note"], report.stage_rows(sizes)))  # fmt: skip
        shares = [f"{int(n):,}: {share:.0%}" for n, v in sizes.items()
                  if (share := report.fuse_share(v.get("stages", {}))) is not None]  # fmt: skip
        if shares:
            out.append("fusion's share of read + extract + store + fuse: " + ", ".join(shares))
        exps = results.get("exponents", {})
        out.append("\nGrowth exponent (slope of log cost against log size; 1.0 = linear)")
        out.append(report.table(["measure", "exponent"],
                                [[k, v] for k, v in exps.items()]))  # fmt: skip
    queries = results.get("queries", {})
    if queries:
        out.append("\nQuery latency")
        out.append(report.table(
            ["events", "query", "p50 ms", "p99 ms", "CPU p50 ms", "CPU p99 ms", "runs"],
            [[int(n), label, q["p50_ms"], q["p99_ms"], q.get("p50_cpu_ms"),
              q.get("p99_cpu_ms"), q["samples"]]
             for n, entry in queries.items()
             for label, q in entry["queries"].items()]))  # fmt: skip
    targets = results.get("targets", [])
    if targets:
        out.append("\nTargets")
        out.append(report.target_table(targets))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    parts = args.only or list(PARTS)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    query_sizes = args.query_sizes or list(QUICK_QUERY_SIZES if args.quick else QUERY_SIZES)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "parts": parts,
    }

    def save() -> None:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")

    def log(line: str) -> None:
        print(line, flush=True)

    if "stages" in parts:
        from khorasan.bench.stages import cores, ingest_has_workers, measure_sizes

        results["machine"].update(cores=cores(), ingest_workers_option=ingest_has_workers())
        log(f"== stages: corpora of {', '.join(f'{n:,}' for n in sizes)} documents")
        results["stages"] = measure_sizes(sizes, seed=args.seed, timeout=args.timeout,
                                          ingest_runs=not args.no_ingest, log=log)  # fmt: skip
        results["exponents"] = report.exponents(results["stages"])
        save()
    if "queries" in parts:
        from khorasan.bench.queries import measure_queries

        log(f"== queries over {', '.join(f'{n:,}' for n in query_sizes)} stored events")
        results["queries"] = measure_queries(query_sizes, log=log)
        save()
    if "fusion" in parts:
        from khorasan.bench.fusion import bench_fusion

        log("== fusion in memory (synthetic mentions)")
        results["fusion"] = bench_fusion((10_000,) if args.quick else (10_000, 100_000))
        save()
    if "watch" in parts:
        from khorasan.bench.watch import bench_watch

        log("== watch")
        bench_watch()
    if "search" in parts:
        from khorasan.bench.search import bench_search

        log("== search")
        bench_search(args.search_docs or (10_000 if args.quick else 100_000))
    if "api" in parts:
        from khorasan.bench.api import bench_dashboard, bench_serve

        n = args.api_events or (10_000 if args.quick else 100_000)
        log("== api")
        bench_serve(n)
        if args.browser_loads:
            bench_dashboard(n, args.browser_loads, args.app_root)
    results["targets"] = (report.stage_targets(results.get("stages", {}))
                          + report.query_targets(results.get("queries", {})))  # fmt: skip
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    save()
    print()
    print(render(results))
    print(f"\nresults: {args.json}")


if __name__ == "__main__":
    main(sys.argv[1:])
