"""Shared fixtures. ``http_server``: a real HTTP server on 127.0.0.1 for fetch and feed tests."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from a folder, plus ``/redirect?to=URL`` and ``/status/CODE``."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".rss": "application/rss+xml",
        ".atom": "application/atom+xml",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".bin": "application/octet-stream",
    }

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        if parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", parse_qs(parts.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts.path.startswith("/status/"):
            self.send_error(int(parts.path.rsplit("/", 1)[1]))
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep test output quiet


@dataclass(frozen=True)
class LocalServer:
    root: Path  # tests write the files to serve here
    port: int

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"


@pytest.fixture(scope="session")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    root = tmp_path_factory.mktemp("www")
    handler = partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServer(root, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
