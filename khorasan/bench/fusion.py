"""Fusion on synthetic mentions held in memory (no SQL)."""

from __future__ import annotations

import random
import resource
import time
from typing import Any


def synthetic_mentions(n: int, seed: int = 11) -> list[Any]:
    """``n`` synthetic incident mentions: events of 1-6 reports (a day's lag in a quarter of
    them) spread evenly over 10 years and 40 provinces of one country, 400 towns; a tenth
    undated (publication date only), a fifth at month precision. 100k mentions are about 28k
    events, 8 a day: a dense record, so blocks are full and month-precision reports link
    widely (the hard case for clustering)."""
    from datetime import date, timedelta

    from khorasan.fuse.mention import mention_from_row

    rng = random.Random(seed)
    types = ["bombing", "armed_assault", "assassination", "airstrike", "rocket"]
    actors = ["IS-K", "Islamic State", "unknown", "Taliban", "TTP"]
    out: list[Any] = []
    event = 0
    while len(out) < n:
        event += 1
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        province, kind = f"Province{rng.randrange(40)}", rng.choice(types)
        place, killed, actor = f"Town{rng.randrange(400)}", rng.randrange(0, 80), rng.choice(actors)
        for _ in range(min(rng.randint(1, 6), n - len(out))):
            doc = f"{rng.getrandbits(64):016x}"
            shifted = day + timedelta(days=rng.choice([0, 0, 0, 1]))
            date_text: str | None = shifted.isoformat()
            if rng.random() < 0.2:
                date_text = shifted.isoformat()[:7]
            if rng.random() < 0.1:
                date_text = None
            out.append(mention_from_row({
                "id": len(out) + 1, "document_id": doc, "seq": 0, "wire_story_id": doc,
                "published": (day + timedelta(days=rng.randrange(3))).isoformat(),
                "date": date_text, "country": "Afghanistan", "admin1": province,
                "place": place, "perpetrator": actor, "attack_type": kind,
                "killed": max(0, killed + rng.randrange(-3, 4)),
                "evidence": f"A {kind} in {place}, {province} killed {killed} people event{event}",
                "span_start": 0, "span_end": 10,
            }))  # fmt: skip
    return out


def bench_fusion(sizes: tuple[int, ...] = (10_000, 100_000)) -> dict[str, Any]:
    """Fusion throughput on synthetic mentions held in memory (blocking, scoring, clustering,
    reconciliation; no SQL), and the peak memory of the process after each size. (These
    mentions are not shaped like real ones: the ``stages`` bench fuses real-shaped ones.)"""
    from khorasan.fuse import cluster_mentions
    from khorasan.fuse.reconcile import reconcile

    results: dict[str, Any] = {}
    for n in sizes:
        mentions = synthetic_mentions(n)
        started = time.perf_counter()
        clusters = cluster_mentions(mentions)
        clustered = time.perf_counter()
        for cluster in clusters:
            reconcile(cluster)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"fusion {n:>7} mentions -> {len(clusters):>6} events: {seconds:6.2f} s "
            f"(clustering {clustered - started:.2f} s), {len(clusters) / seconds:8.0f} "
            f"events/s, {n / seconds:8.0f} mentions/s; peak memory {peak_mb:.0f} MiB"
        )
        results[str(n)] = {
            "events": len(clusters),
            "seconds": round(seconds, 3),
            "clustering_s": round(clustered - started, 3),
            "mentions_per_s": n / seconds,
            "peak_mb": round(peak_mb, 1),
        }
    return results
