"""REST API latency and the dashboard's first render over a store of synthetic events."""

from __future__ import annotations

import random
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from khorasan.bench.fusion import synthetic_mentions
from khorasan.bench.report import ROOT, percentiles
from khorasan.store import Store


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


def _free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (the server binds it next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _event_store(path: Path, n: int) -> tuple[list[Any], float]:
    """A store at ``path`` holding ``n`` synthetic events; the events and the seconds taken."""
    store = Store(str(path))
    started = time.perf_counter()
    events = _synthetic_events(n)
    with store.fusion() as tx:
        tx.replace_events(events, [])
    store.close()
    return events, time.perf_counter() - started


def bench_serve(n: int = 100_000, repeats: int = 30) -> None:
    """Latency of the REST API over ``n`` events in a real store, served by uvicorn on a
    loopback port and asked over HTTP: the event list (first page, a filtered page, a deep
    page by cursor), stats and one event."""
    import threading

    import httpx
    import uvicorn

    from khorasan.serve import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "serve.db")
        events, load_s = _event_store(Path(db), n)
        port = _free_port()
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
                print(f"  {label:<36} {percentiles(seconds)}")
        server.should_exit = True
        thread.join(timeout=10)


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
        port = _free_port()
        proc = _serve_subprocess(db, port, app_root, Path(tmp) / "serve.log")
        url = f"http://127.0.0.1:{port}/"
        print(f"dashboard: {n} events stored in {load_s:.1f} s; serving {app_root}")
        try:
            html_s = []
            for _ in range(max(loads, 3)):
                t0 = time.perf_counter()
                httpx.get(url, timeout=timeout_s).raise_for_status()
                html_s.append(time.perf_counter() - t0)
            print(f"  {'dashboard HTML (GET /)':<36} {percentiles(html_s)}")
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
                print(f"  {'dashboard first render (map+table)':<36} {percentiles(render_s)}"
                      f"  ({len(render_s)} loads; map: {status.strip()})")  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
