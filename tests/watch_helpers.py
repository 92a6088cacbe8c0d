"""A programmable HTTP server on 127.0.0.1 for the watch tests: routes that change between
polls, ETag and Last-Modified validators (304), failures, slow answers; every request logged."""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    failures: int = 0  # answer 500 this many more times
    delay: float = 0.0  # seconds before answering
    validators: bool = True  # send ETag and Last-Modified, answer 304 when they match
    modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return email.utils.formatdate(self.modified, usegmt=True)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int


class Site:
    """What the server serves; tests change it between polls."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.port = 0
        self.active = 0  # requests being answered now
        self.most_active = 0
        self.starts: list[tuple[str, float]] = []  # (path, monotonic time) of each request

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            **kw: object) -> Route:  # fmt: skip
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(data, content_type, **kw)  # type: ignore[arg-type]
        with self.lock:
            self.routes[path] = route
        return route

    def take_hits(self) -> list[Hit]:
        """The requests answered since the last call. A handler logs its hit after the
        response has gone (a 304 ends the client's wait at once), so wait for the handlers
        still running: on a loaded machine the client can be quicker than the log."""
        for _ in range(1000):
            with self.lock:
                if self.active == 0:
                    break
            time.sleep(0.01)
        with self.lock:
            hits, self.hits = self.hits, []
        return hits


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the client reuses its connections

        def do_GET(self) -> None:  # noqa: N802
            with site.lock:
                site.active += 1
                site.most_active = max(site.most_active, site.active)
                site.starts.append((self.path, time.monotonic()))
            try:
                self._get()
            finally:
                with site.lock:
                    site.active -= 1

        def _get(self) -> None:
            with site.lock:
                route = site.routes.get(self.path)
                failing = route is not None and route.failures > 0
                if failing and route is not None:
                    route.failures -= 1
            status = self._answer(route, failing)
            with site.lock:
                site.hits.append(Hit(self.path, dict(self.headers.items()), status))

        def _answer(self, route: Route | None, failing: bool) -> int:
            if route is None or failing:
                status = 404 if route is None else 500
                body = b"no" if route is None else b"down"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return status
            if route.delay:
                time.sleep(route.delay)
            # RFC 9110: If-None-Match, when sent, decides; If-Modified-Since only without it
            tag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            fresh = tag == route.etag if tag is not None else since == route.last_modified
            if route.validators and fresh:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return 304
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.validators:
                self.send_header("ETag", route.etag)
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)
            return 200

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rss(site: Site, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (path, title, pubDate) items."""
    body = "".join(f"<item><title>{t}</title><link>{site.url(p)}</link><guid>{site.url(p)}"
                   f"</guid><pubDate>{d}</pubDate></item>" for p, t, d in items)  # fmt: skip
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test Wire</title><link>{site.url('/')}</link><description>t</description>"
            f"{body}</channel></rss>")  # fmt: skip


def atom(site: Site, items: list[tuple[str, str, str]]) -> str:
    """An Atom feed of (path, title, updated) entries."""
    body = "".join(f"<entry><title>{t}</title><link href=\"{site.url(p)}\"/><id>{site.url(p)}"
                   f"</id><updated>{u}</updated></entry>" for p, t, u in items)  # fmt: skip
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Test Atom</title><id>{site.url('/atom')}</id>"
            f"<updated>2026-03-09T00:00:00Z</updated>{body}</feed>")  # fmt: skip


def sitemap(site: Site, items: list[tuple[str, str]]) -> str:
    body = "".join(f"<url><loc>{site.url(p)}</loc><lastmod>{m}</lastmod></url>"
                   for p, m in items)  # fmt: skip
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    )


def article(title: str, *paragraphs: str) -> str:
    """An HTML news page (invented text)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><nav>Home | World | Asia</nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Copyright Test Wire</footer>"
            "</body></html>")  # fmt: skip
