"""`make bench`: ingestion and extraction throughput and peak memory. A benchmark, never a test.

Corpus: the shared pages (../shared/seeds and ../shared/eval/dev) replicated with small changes
(a varied sentence appended, so each copy is a new document), or the bundled examples when
../shared is absent.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from khorasan.annotate import annotate
from khorasan.extract import extract_document
from khorasan.ingest import Failure, IngestOptions, iter_documents
from khorasan.model import Document
from khorasan.pipeline import ingest
from khorasan.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _source_texts() -> list[tuple[str, str | None]]:
    dirs = [SHARED / "seeds", SHARED / "eval" / "dev"]
    if not all(d.is_dir() for d in dirs):
        dirs = [ROOT / "examples"]
    docs = []
    for item in iter_documents([str(d) for d in dirs], IngestOptions()):
        if not isinstance(item, Failure):
            docs.append((item.text, item.published))
    return docs


def _corpus(n: int, out: Path) -> int:
    rng = random.Random(7)
    texts = _source_texts()
    words = 0
    for i in range(n):
        text, published = texts[i % len(texts)]
        # a distinct closing line keeps every copy a new document (not an exact duplicate)
        body = f"{text}\n\nBenchmark copy {i}: report {rng.randint(0, 10**9)} filed.\n"
        (out / f"doc{i:06d}.txt").write_text(body, encoding="utf-8")
        if published:
            (out / f"doc{i:06d}.meta.json").write_text(f'{{"published": "{published}"}}')
        words += len(body.split())
    return words


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


def bench_fusion(sizes: tuple[int, ...] = (10_000, 100_000)) -> None:
    """Fusion throughput on synthetic mentions held in memory (blocking, scoring, clustering,
    reconciliation; no SQL), and the peak memory of the process after each size."""
    from khorasan.fuse import cluster_mentions
    from khorasan.fuse.reconcile import reconcile

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


def _synthetic_events(n: int) -> list[Any]:
    """``n`` events made from as many synthetic mentions, one report each (no links: the
    event list, stats and one event read only the events table and a few mentions)."""
    from khorasan.model import Event

    out = []
    for i, m in enumerate(synthetic_mentions(n, seed=23)):
        out.append(Event(
            id=f"{i:016x}", date=m.date, date_precision=m.date_precision, country=m.country,
            admin1=m.admin1, place=m.place, perpetrator=m.perpetrator, attribution="claimed",
            attack_type=m.attack_type, target_type="civilians", killed_low=m.killed,
            killed_best=m.killed, killed_high=m.killed, n_mentions=0, n_sources=1,
            detail={"provenance": {}, "flags": [], "killed_by_category": {}},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
    return out


def _percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms"


def bench_serve(n: int = 100_000, repeats: int = 30) -> None:
    """Latency of the REST API over ``n`` events in a real store, served by uvicorn on a
    loopback port and asked over HTTP: the event list (first page, a filtered page, a deep
    page by cursor), stats and one event."""
    import socket
    import threading

    import httpx
    import uvicorn

    from khorasan.serve import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "serve.db")
        store = Store(db)
        started = time.perf_counter()
        events = _synthetic_events(n)
        with store.fusion() as tx:
            tx.replace_events(events, [])
        load_s = time.perf_counter() - started
        store.close()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                               log_level="warning"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        print(f"serve: {n} events stored in {load_s:.1f} s")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deep = client.get("/api/events", params={"limit": 1000}).json()["next_cursor"]
            some_id = events[n // 2].id
            cases: dict[str, tuple[str, dict[str, Any]]] = {
                "event list, first page of 100": ("/api/events", {"limit": 100}),
                "event list, filtered": ("/api/events", {"admin1": "Province7", "since": "2019",
                                                         "limit": 100}),
                "event list, page after 1000": ("/api/events", {"limit": 100, "cursor": deep}),
                "stats, every event": ("/api/stats", {}),
                "stats, one province": ("/api/stats", {"admin1": "Province7"}),
                "one event": (f"/api/events/{some_id}", {}),
            }  # fmt: skip
            for label, (path, params) in cases.items():
                seconds = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    response = client.get(path, params=params)
                    seconds.append(time.perf_counter() - t0)
                    response.raise_for_status()
                print(f"  {label:<32} {_percentiles(seconds)}")
        server.should_exit = True
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="documents in the corpus")
    parser.add_argument("--fusion", type=int, nargs="*", default=[10_000, 100_000],
                        help="synthetic mention counts for the fusion benchmark")  # fmt: skip
    parser.add_argument("--fusion-only", action="store_true",
                        help="skip the ingestion benchmark")  # fmt: skip
    parser.add_argument(
        "--serve",
        type=int,
        default=100_000,
        metavar="N",
        help="events in the store for the API latency benchmark (0: skip)",
    )
    parser.add_argument("--serve-only", action="store_true", help="only the API benchmark")
    args = parser.parse_args()
    if args.serve_only:
        bench_serve(args.serve)
        return
    if args.fusion_only:
        bench_fusion(tuple(args.fusion))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        words = _corpus(args.n, corpus)
        docs: list[Document] = [d for d in iter_documents([str(corpus)], IngestOptions())
                                if isinstance(d, Document)]  # fmt: skip

        started = time.perf_counter()
        for d in docs:
            annotate(d)
        annotate_s = time.perf_counter() - started

        started = time.perf_counter()
        for d in docs:
            extract_document(d)
        extract_s = time.perf_counter() - started

        store = Store(str(Path(tmp) / "bench.db"))
        summary = ingest([str(corpus)], store, IngestOptions())
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(docs)
    print(f"corpus: {n} documents, {words} words")
    print(f"annotate:           {n / annotate_s:8.1f} docs/s  {words / annotate_s:10.0f} words/s")
    print(
        f"extract (annotate+incidents): {n / extract_s:8.1f} docs/s  "
        f"{words / extract_s:10.0f} words/s"
    )
    print(f"ingest end to end (read, clean, extract, store): "
          f"{summary.ingested / summary.seconds:8.1f} docs/s "
          f"({summary.ingested} new, {summary.wire_copies} wire copies, "
          f"{len(summary.failures)} failed)")  # fmt: skip
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")
    bench_fusion(tuple(args.fusion))
    if args.serve:
        bench_serve(args.serve)


if __name__ == "__main__":
    main()
