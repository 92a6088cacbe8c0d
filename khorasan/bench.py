"""`make bench`: ingestion and extraction throughput and peak memory, fusion, API, dashboard and
search latency. A benchmark, never a test.

Corpus: the shared pages (../shared/seeds and ../shared/eval/dev) replicated with small changes
(a varied sentence appended, so each copy is a new document), or the bundled examples when
../shared is absent.
"""

from __future__ import annotations

import argparse
import itertools
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
    event list, stats and one event read only the events table and a few mentions). Each
    province has a centre in Afghanistan and each town a point near it (a tenth of the
    events unplaced); target types vary and a twentieth carry a claimed toll, so the map, the
    timeline and the claims chart have something to draw."""
    from khorasan.model import Event

    rng = random.Random(29)
    centres = [(rng.uniform(30.0, 37.5), rng.uniform(61.5, 70.5)) for _ in range(40)]
    towns = [(lat + rng.uniform(-0.6, 0.6), lon + rng.uniform(-0.6, 0.6))
             for lat, lon in centres for _ in range(10)]  # fmt: skip
    targets = ["civilians", "religious", "education", "government", "security_forces",
               "foreign", "infrastructure", None]  # fmt: skip
    out = []
    for i, m in enumerate(synthetic_mentions(n, seed=23)):
        province = int((m.admin1 or "Province0")[8:])
        town = int((m.place or "Town0")[4:]) % 10
        lat, lon = towns[province * 10 + town] if rng.random() >= 0.1 else (None, None)
        claimed = m.killed + rng.randrange(0, 40) if rng.random() < 0.05 else None
        out.append(Event(
            id=f"{i:016x}", date=m.date, date_precision=m.date_precision, country=m.country,
            admin1=m.admin1, place=m.place, latitude=lat, longitude=lon,
            perpetrator=m.perpetrator, attribution="claimed", attack_type=m.attack_type,
            target_type=rng.choice(targets), killed_low=m.killed, killed_best=m.killed,
            killed_high=m.killed, claimed_killed=claimed, n_mentions=0, n_sources=1,
            detail={"provenance": {}, "flags": [], "killed_by_category": {}},
            fused_at="2026-01-01T00:00:00+00:00",
        ))  # fmt: skip
    return out


def _event_store(path: Path, n: int) -> tuple[list[Any], float]:
    """A store at ``path`` holding ``n`` synthetic events; the events and the seconds taken."""
    store = Store(str(path))
    started = time.perf_counter()
    events = _synthetic_events(n)
    with store.fusion() as tx:
        tx.replace_events(events, [])
    store.close()
    return events, time.perf_counter() - started


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
        events, load_s = _event_store(Path(db), n)
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
                print(f"  {label:<36} {_percentiles(seconds)}")
        server.should_exit = True
        thread.join(timeout=10)


# -- search -----------------------------------------------------------------------------------
_PLACES = ["Kabul", "Kunduz", "Nangarhar", "Jalalabad", "Kandahar", "Herat", "Mazar-i-Sharif",
           "Peshawar", "Quetta", "Bajaur", "Khost", "Kunar", "Ghazni", "Helmand", "Balkh",
           "Badakhshan", "Logar", "Paktia", "Zabul", "Takhar", "Karachi", "Lahore", "Dushanbe",
           "Tehran", "Kerman", "Moscow", "Islamabad", "Swat", "Orakzai", "Kurram"]  # fmt: skip
_COUNTRIES = {"Peshawar": "Pakistan", "Quetta": "Pakistan", "Bajaur": "Pakistan",
              "Karachi": "Pakistan", "Lahore": "Pakistan", "Islamabad": "Pakistan",
              "Swat": "Pakistan", "Orakzai": "Pakistan", "Kurram": "Pakistan",
              "Dushanbe": "Tajikistan", "Tehran": "Iran", "Kerman": "Iran",
              "Moscow": "Russia"}  # fmt: skip
_ATTACKS = ["A suicide bomber struck a {site} in {place}", "Gunmen attacked a {site} in {place}",
            "A rocket hit a {site} near {place}", "A roadside bomb exploded by a {site} in {place}",
            "Militants stormed a {site} in {place}", "A car bomb went off outside a {site} in "
            "{place}"]  # fmt: skip
_SITES = ["mosque", "school", "market", "checkpoint", "police station", "wedding hall",
          "shrine", "hospital", "bus", "convoy", "airport gate", "girls school", "ministry",
          "bank", "hotel", "prison", "university", "stadium"]  # fmt: skip
_ACTORS = ["ISKP", "the Islamic State", "the Taliban", "TTP", "no group", "Jamaat-ul-Ahrar"]
OUTLETS = ["Frontier Wire", "Valley Herald", "Dawn Daily", "Kabul Courier", "Border Post",
           "Gandhara News", "Central Asia Monitor", "Wire Service"]  # fmt: skip


def _search_corpus(n: int, seed: int = 41) -> tuple[list[Document], list[list[dict[str, Any]]]]:
    """``n`` invented news reports of about 250 words: one or two attack sentences (each an
    incident record with its country and date) amid filler drawn from a Zipf-like vocabulary
    of 20k made-up words, so the index has a long tail as real text does."""
    import hashlib
    from datetime import date, timedelta

    rng = random.Random(seed)
    syllables = ["ka", "ri", "to", "man", "sel", "bu", "dor", "ghi", "an", "que", "lo", "zar",
                 "pe", "shi", "tan", "vo", "ru", "mel", "ob", "ist"]  # fmt: skip
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                    for _ in range(26_000)})[:20_000]  # fmt: skip
    common = ["the", "said", "officials", "killed", "wounded", "people", "attack", "police",
              "province", "district", "local", "security", "forces", "on", "in", "of", "and",
              "a", "were", "was", "after", "before", "group", "claimed",
              "responsibility"]  # fmt: skip
    words = common + vocab
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** 1.05
                                           for rank in range(len(words))))  # fmt: skip
    docs, incidents = [], []
    for i in range(n):
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        records, sentences = [], []
        for _ in range(rng.randint(1, 2)):
            place = rng.choice(_PLACES)
            killed = rng.randrange(0, 90)
            sentences.append(rng.choice(_ATTACKS).format(site=rng.choice(_SITES), place=place)
                             + f" on {day.strftime('%d %B %Y')}, killing {killed} people; "
                             f"{rng.choice(_ACTORS)} claimed it.")  # fmt: skip
            records.append({"country": _COUNTRIES.get(place, "Afghanistan"),
                            "date": day.isoformat(), "killed": killed,
                            "confidence": 0.7})  # fmt: skip
        filler = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(180, 320)))
        parts = [sentences[0], filler[: len(filler) // 2] + ".", *sentences[1:],
                 filler[len(filler) // 2 :] + "."]  # fmt: skip
        text = " ".join(parts)
        for rec, sentence in zip(records, sentences, strict=True):
            start = text.index(sentence)
            rec.update(evidence=sentence, span=[start, start + len(sentence)])
        digest = hashlib.sha256(f"{i}:{text}".encode()).hexdigest()
        published = (day + timedelta(days=rng.randrange(3))).isoformat()
        docs.append(Document(text=text, name=f"s{i:06d}.txt", source=f"bench:{i}",
                             title=sentences[0].split(" on ")[0], published=published,
                             outlet=rng.choice(OUTLETS), id=digest[:16], content_hash=digest,
                             simhash=rng.getrandbits(63)))  # fmt: skip
        incidents.append(records)
    return docs, incidents


SEARCH_QUERIES: dict[str, dict[str, Any]] = {
    "suicide bomber mosque Kunduz": {},
    "rocket airport Kabul": {},
    '"girls school" Peshawar': {},
    "ISKP OR TTP checkpoint": {},
    "bomb* convoy": {},
    "killed (one common word)": {"query": "killed"},
    "mosque, Pakistan since 2020": {"query": "mosque", "country": "Pakistan",
                                    "since": "2020"},
    "market, one outlet, sentences": {"query": "market", "outlet": "Dawn Daily",
                                      "kind": "sentences"},
}  # fmt: skip


def bench_search(n: int = 100_000, repeats: int = 30) -> None:
    """Full-text search over ``n`` invented documents (and their incident sentences) in a
    real SQLite store, loaded in bulk (the FTS5 triggers index each row as it goes in): p50
    and p99 of :meth:`Store.search` (first page of 20, snippets and highlights included)."""
    from datetime import UTC, datetime

    from khorasan.store.records import bulk_insert_documents

    started = time.perf_counter()
    docs, incidents = _search_corpus(n)
    made_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "search.db"))
        started = time.perf_counter()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for at in range(0, n, 5000):
            with store.engine.begin() as conn:
                bulk_insert_documents(conn, docs[at : at + 5000], incidents[at : at + 5000],
                                      "bench", now)  # fmt: skip
        load_s = time.perf_counter() - started
        size_mb = (Path(tmp) / "search.db").stat().st_size / 2**20
        n_sentences = store.count("incident_mentions")
        print(f"search: {n} documents, {n_sentences} sentences made in {made_s:.1f} s, stored "
              f"and indexed in {load_s:.1f} s ({size_mb:.0f} MiB)")  # fmt: skip
        for label, options in SEARCH_QUERIES.items():
            options = dict(options)
            query = options.pop("query", label)
            store.search(query, **options)  # warm the page cache once
            seconds, found = [], 0
            for _ in range(repeats):
                t0 = time.perf_counter()
                found = len(store.search(query, **options)["results"])
                seconds.append(time.perf_counter() - t0)
            print(f"  {label:<36} {_percentiles(seconds)}  ({found} results)")
        store.close()


CHROMIUM = "/usr/bin/chromium"
# without these Chromium tries to reach Google's services (and waits on them, offline)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def _browser_missing() -> str | None:
    """Why the first-render benchmark cannot run here (None: it can)."""
    import importlib.util
    import os

    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    chromium = os.environ.get("KHORASAN_CHROMIUM", CHROMIUM)
    if not Path(chromium).exists():
        return f"no Chromium at {chromium} (apt-get install chromium)"
    return None


def _serve_subprocess(db: str, port: int, app_root: Path, log: Path) -> Any:
    """``python -m khorasan serve`` over ``db`` (the package under ``app_root``), answering."""
    import os
    import subprocess
    import sys

    import httpx

    env = {**os.environ, "PYTHONPATH": str(app_root)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "khorasan", "serve", "--db", db, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(app_root),
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=5).is_success:
                return proc
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError("khorasan serve did not answer in 120 s")
        time.sleep(0.2)  # waiting for the server to listen


def bench_dashboard(n: int = 100_000, loads: int = 5, app_root: Path = ROOT,
                    timeout_s: float = 300.0) -> None:  # fmt: skip
    """The dashboard's first render over ``n`` events in a real browser: ``khorasan serve``
    in a subprocess, headless Chromium (the system's, never a download) driven by Playwright
    opening ``/`` in a fresh context (cold cache) and waiting until the map has drawn
    (``#map[data-ready=true]``) and the event table is there; p50 of ``loads`` loads, and the
    HTML response time alone. ``app_root``: the checkout whose package is served (to time
    another version over the same store, made by this one: it must know its migrations)."""
    import os
    import socket
    import subprocess

    import httpx

    why = _browser_missing()
    if why:
        print(f"dashboard first render: skipped: {why}")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "dashboard.db")
        _, load_s = _event_store(Path(db), n)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        proc = _serve_subprocess(db, port, app_root, Path(tmp) / "serve.log")
        url = f"http://127.0.0.1:{port}/"
        print(f"dashboard: {n} events stored in {load_s:.1f} s; serving {app_root}")
        try:
            html_s = []
            for _ in range(max(loads, 3)):
                t0 = time.perf_counter()
                httpx.get(url, timeout=timeout_s).raise_for_status()
                html_s.append(time.perf_counter() - t0)
            print(f"  {'dashboard HTML (GET /)':<36} {_percentiles(html_s)}")
            render_s, status = [], ""
            chromium = os.environ.get("KHORASAN_CHROMIUM", CHROMIUM)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                for _ in range(loads):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.set_default_timeout(timeout_s * 1000)
                    t0 = time.perf_counter()
                    try:
                        page.goto(url, timeout=timeout_s * 1000)
                        page.wait_for_selector("#events", state="attached")
                        page.wait_for_selector("#map[data-ready=true], #map[data-ready=error]",
                                               state="attached")  # fmt: skip
                    except Exception as exc:  # a timeout: report it, not a traceback
                        print(f"  first render did not finish in {timeout_s:.0f} s: "
                              f"{exc.__class__.__name__}")  # fmt: skip
                        context.close()
                        break
                    render_s.append(time.perf_counter() - t0)
                    status = page.text_content("#map-status") or ""
                    context.close()
                browser.close()
            if render_s:
                print(f"  {'dashboard first render (map+table)':<36} {_percentiles(render_s)}"
                      f"  ({len(render_s)} loads; map: {status.strip()})")  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


def _watch_site(n: int) -> Any:
    """A loopback news site: an RSS feed of ``n`` invented reports, with ETags (304)."""
    import hashlib
    import http.server
    import threading

    pages = {f"/a/{i}": (f"<html><head><title>Report {i}</title></head><body><article><p>"
                         f"Kabul, {1 + i % 28} March 2026 - A bomb hidden in a handcart "
                         f"exploded near a market in district {i} of Kabul, killing {2 + i % 9} "
                         f"people and wounding {5 + i % 13}, police said. The Islamic State "
                         f"Khorasan Province claimed the attack.</p></article></body></html>")
             for i in range(n)}  # fmt: skip
    site: dict[str, Any] = {"pages": pages, "hits": 0, "lock": threading.Lock()}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            with site["lock"]:
                site["hits"] += 1
            port = site["server"].server_address[1]
            if self.path == "/feed.rss":
                items = "".join(f"<item><title>Report {p}</title><link>http://127.0.0.1:"
                                f"{port}{p}</link></item>" for p in site["pages"])  # fmt: skip
                body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
                        f"{items}</channel></rss>").encode()  # fmt: skip
                kind = "application/rss+xml"
            elif self.path in site["pages"]:
                body, kind = site["pages"][self.path].encode(), "text/html; charset=utf-8"
            else:
                body, kind = b"", "text/plain"
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == tag else 200 if body else 404
            self.send_response(status)
            self.send_header("ETag", tag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", "0" if status != 200 else str(len(body)))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site["server"] = server
    return site


def bench_watch(entries: int = 46) -> None:
    """What ``watch`` polls cost against a loopback feed of ``entries`` new reports: the
    first poll, a second of the unchanged feed, a third after one new report; with no delay
    between requests to the host and with the default 1 s."""
    from khorasan.watch import WatchOptions, poll, source_from_entry

    for delay in (0.0, 1.0):
        site = _watch_site(entries)
        port = site["server"].server_address[1]
        source = source_from_entry({"url": f"http://127.0.0.1:{port}/feed.rss", "kind": "feed",
                                    "interval": "15m", "outlet": "Bench"}, "bench")  # fmt: skip
        options = WatchOptions(ingest=IngestOptions(allow_private=True), delay=delay)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(str(Path(tmp) / "watch.db"))
            for label in ("first poll", "second (unchanged)", "third (one new)"):
                if label.startswith("third"):
                    first = site["pages"]["/a/0"]
                    site["pages"]["/a/new"] = first.replace("handcart", "motorcycle")
                before = site["hits"]
                started = time.perf_counter()
                [report] = poll(store, [source], options, on_report=lambda _r: None)
                seconds = time.perf_counter() - started
                print(f"watch, delay {delay:g} s, {label:20s}: {site['hits'] - before:3d} "
                      f"requests, {report.new:3d} new, {report.skipped:3d} skipped, "
                      f"{seconds:6.2f} s ({report.status})")  # fmt: skip
            store.close()
        site["server"].shutdown()
        site["server"].server_close()


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
    parser.add_argument("--search", type=int, default=100_000, metavar="N",
                        help="documents for the search latency benchmark (0: skip)")  # fmt: skip
    parser.add_argument("--search-only", action="store_true",
                        help="only the search benchmark")  # fmt: skip
    parser.add_argument("--serve-only", action="store_true",
                        help="only the API and dashboard benchmarks")  # fmt: skip
    parser.add_argument("--browser-loads", type=int, default=5, metavar="K",
                        help="page loads for the dashboard's first render (0: skip)")  # fmt: skip
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="the checkout whose package the dashboard benchmark serves "
                             "(to compare two versions over the same store; it must know "
                             "every migration of this one)")  # fmt: skip
    parser.add_argument("--watch-only", action="store_true",
                        help="only the watch benchmark (polls of a loopback feed)")  # fmt: skip
    args = parser.parse_args()
    if args.watch_only:
        bench_watch()
        return
    if args.search_only:
        bench_search(args.search)
        return
    if args.serve_only:
        if args.serve:
            bench_serve(args.serve)
            if args.browser_loads:
                bench_dashboard(args.serve, args.browser_loads, args.app_root)
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
    bench_watch()
    if args.search:
        bench_search(args.search)
    if args.serve:
        bench_serve(args.serve)
        if args.browser_loads:
            bench_dashboard(args.serve, args.browser_loads, args.app_root)


if __name__ == "__main__":
    main()
