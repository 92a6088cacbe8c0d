"""What watch polls cost against a loopback feed."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from khorasan.ingest import IngestOptions
from khorasan.store import Store


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
