"""Query latency (p50 / p99) over stores of 100k and 1M synthetic events, through the library
calls the commands use: the event list (one page; one page of one province), one event,
stats, claims and export (one page of 1,000 events as CSV).

The stores are built in bulk through the store's own fusion transaction (the rows of
``khorasan.store.schema.events``, whatever columns later migrations add), not by ingesting
text, and cached under the temporary folder keyed by the migrations and this generator, so a
second run reuses them.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from khorasan.bench.report import ROOT, percentile
from khorasan.kb.resolve import resolve_filters
from khorasan.model import Event
from khorasan.store import Store

GENERATOR_VERSION = "1"  # bump when the synthetic events change
CHUNK = 20_000  # events per transaction while building
PLACES_CSV = ROOT / "khorasan" / "kb" / "data" / "places.csv"
CACHE = Path(tempfile.gettempdir()) / "khorasan-bench-events"
_PERPETRATORS = [("IS-K", 45), ("Islamic State", 10), ("Taliban", 10), ("TTP", 10),
                 (None, 20), ("Lashkar-e-Jhangvi", 5)]  # fmt: skip
_ATTACKS = ["bombing", "armed_assault", "assassination", "suicide_bombing", "rocket",
            "kidnapping", "airstrike", None]  # fmt: skip
_TARGETS = ["civilians", "religious", "education", "government", "security_forces", "foreign",
            "infrastructure", None]  # fmt: skip
_COUNTRY_SHARE = {"Afghanistan": 60, "Pakistan": 30, "Iran": 4, "Tajikistan": 2, "Russia": 2,
                  "Turkey": 2}  # fmt: skip


def _towns() -> dict[str, list[tuple[str, str, float, float]]]:
    """Towns with coordinates by country, from the gazetteer: (admin1, name, lat, lon)."""
    towns: dict[str, list[tuple[str, str, float, float]]] = {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] in ("city", "admin2") and row["country"] in _COUNTRY_SHARE \
                    and row["lat"] and row["lon"] and row["admin1"]:  # fmt: skip
                towns.setdefault(row["country"], []).append(
                    (row["admin1"], row["name"], float(row["lat"]), float(row["lon"]))
                )
    return towns


def synthetic_events(n: int, seed: int = 29) -> Iterator[list[Event]]:
    """``n`` events in chunks: dates over 2014-2025 (a tenth known to the month), places from
    the gazetteer in the region's proportions (a tenth unplaced), the IS-K family behind about
    half, a twentieth with a claimed toll, one in fifty rejected by an analyst."""
    rng = random.Random(seed)
    towns = _towns()
    countries = [c for c in _COUNTRY_SHARE if c in towns]
    weights = [_COUNTRY_SHARE[c] for c in countries]
    actors, actor_weights = zip(*_PERPETRATORS, strict=True)
    chunk: list[Event] = []
    for i in range(n):
        country = rng.choices(countries, weights)[0]
        admin1, place, lat, lon = rng.choice(towns[country])
        placed = rng.random() >= 0.1
        year, month, day = rng.randint(2014, 2025), rng.randint(1, 12), rng.randint(1, 28)
        monthly = rng.random() < 0.1
        killed = int(rng.paretovariate(1.2)) - 1
        wounded = killed * rng.randint(0, 3)
        category = rng.choice(["civilians", "security_forces", "militants", "unspecified"])
        n_mentions = rng.randint(1, 6)
        chunk.append(Event(
            id=hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).hexdigest(),
            date=f"{year}-{month:02d}" if monthly else f"{year}-{month:02d}-{day:02d}",
            date_precision="month" if monthly else "day", country=country, admin1=admin1,
            place=place if placed else None, latitude=lat if placed else None,
            longitude=lon if placed else None, geo_precision="exact" if placed else None,
            perpetrator=rng.choices(actors, actor_weights)[0], attribution="claimed",
            attack_type=rng.choice(_ATTACKS), target_type=rng.choice(_TARGETS),
            killed_low=killed, killed_best=killed, killed_high=killed + rng.randint(0, 3),
            wounded_low=wounded, wounded_best=wounded, wounded_high=wounded,
            claimed_killed=killed + rng.randint(0, 30) if rng.random() < 0.05 else None,
            n_mentions=n_mentions, n_sources=n_mentions, n_flags=rng.random() < 0.1,
            review_status="rejected" if rng.random() < 0.02 else None,
            detail={"provenance": {"killed": [i]}, "flags": [],
                    "killed_by_category": {category: killed}, "sources": [f"doc{i}"],
                    "outlets": ["Wire Service"]},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cache_key() -> str:
    """The migrations, the schema and this generator: a store made by other ones is rebuilt."""
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    store_dir = ROOT / "khorasan" / "store"
    for path in sorted([store_dir / "schema.py", *(store_dir / "migrations").rglob("*.py")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def event_store(n: int, log: Callable[[str], None] = print) -> Path:
    """The path of a store of ``n`` synthetic events, built now unless cached."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"events-{n}-{_cache_key()}.db"
    if path.exists():
        log(f"store of {n:,} events: cached at {path}")
        return path
    partial = path.with_suffix(".building")
    for stale in CACHE.glob(f"events-{n}-*"):
        stale.unlink()
    started = time.perf_counter()
    store = Store(str(partial))
    for chunk in synthetic_events(n):
        with store.fusion() as tx:
            tx.replace_events(chunk, [])
    store.close()
    partial.replace(path)
    log(f"store of {n:,} events built in {time.perf_counter() - started:.0f} s "
        f"({path.stat().st_size / 2**20:.0f} MiB)")  # fmt: skip
    return path


def _timed(call: Callable[[int], Any], repeats: int,
           budget_s: float) -> tuple[list[float], list[float]]:  # fmt: skip
    """Seconds of up to ``repeats`` calls (at least 3), stopping once ``budget_s`` is spent:
    wall time, and CPU time (this process's; steadier on a shared machine)."""
    seconds: list[float] = []
    cpu: list[float] = []
    spent = 0.0
    for i in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        call(i)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        spent += seconds[-1]
        if i >= 2 and spent > budget_s:
            break
    return seconds, cpu


def query_cases(store: Store, n: int) -> dict[str, Callable[[int], Any]]:
    """The timed calls, as the commands make them (``khorasan.cli.events``)."""
    from khorasan.analyse import claims_of_table, scoped_filters, tally_sums
    from khorasan.export import export_events

    first = store.events(limit=1, mentions=False)
    province = first[0].admin1 if first else None
    ids = [hashlib.blake2b(f"29:{i}".encode(), digest_size=8).hexdigest()
           for i in random.Random(3).sample(range(n), min(n, 200))]  # fmt: skip

    def page(_: int) -> Any:
        return [e.as_dict() for e in store.events(limit=100, mentions=False)]

    def province_page(_: int) -> Any:
        filters = resolve_filters({"admin1": province})
        return [e.as_dict() for e in store.events(limit=100, mentions=False, **filters)]

    def one(i: int) -> Any:
        found = store.event(ids[i % len(ids)])
        return found.as_dict() if found else None

    def stats(_: int) -> Any:
        filters = scoped_filters({}, False)
        return tally_sums(store.event_tally_sums(**filters), None, None)

    def claims(_: int) -> Any:
        filters = scoped_filters({}, False)
        return claims_of_table(*store.event_claim_table(by="year", **filters), by="year")

    def export(_: int) -> Any:
        return export_events([e.as_dict() for e in store.events(limit=1000)], "csv")

    return {"event list, one page": page, "event list, one province": province_page,
            "one event": one, "stats": stats, "claims": claims,
            "export, one page of 1,000 (CSV)": export}  # fmt: skip


def measure_queries(sizes: list[int], *, repeats: int = 30, budget_s: float = 30.0,
                    log: Callable[[str], None] = print) -> dict[str, Any]:  # fmt: skip
    """p50 / p99 of each query at each store size."""
    results: dict[str, Any] = {}
    for n in sizes:
        started = time.perf_counter()
        path = event_store(n, log)
        entry: dict[str, Any] = {"build_s": round(time.perf_counter() - started, 1),
                                 "queries": {}}  # fmt: skip
        store = Store(str(path))
        for label, call in query_cases(store, n).items():
            t0, c0 = time.perf_counter(), time.process_time()
            call(0)  # warm: the page cache and the first-call imports
            warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
            # a query slower than the whole budget is timed once: its first run
            seconds, cpu = (([warm], [warm_cpu]) if warm > budget_s
                            else _timed(call, repeats, budget_s))  # fmt: skip
            p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
            p50_cpu, p99_cpu = percentile(cpu, 0.5) * 1000, percentile(cpu, 0.99) * 1000
            entry["queries"][label] = {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2),
                                       "p50_cpu_ms": round(p50_cpu, 2),
                                       "p99_cpu_ms": round(p99_cpu, 2),
                                       "samples": len(seconds)}  # fmt: skip
            log(f"  {n:>9,} events  {label:<34} p50 {p50:9.1f} ms  p99 {p99:9.1f} ms  "
                f"CPU p50 {p50_cpu:7.1f} ms  p99 {p99_cpu:7.1f} ms  "
                f"({len(seconds)} runs)")  # fmt: skip
        store.close()
        results[str(n)] = entry
    return results
