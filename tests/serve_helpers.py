"""The app served for tests: uvicorn on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from khorasan.serve import create_app

START_SECONDS = 60  # a loaded 2-core CI machine may be slow to start the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: str, **options: Any) -> Iterator[httpx.Client]:
    """A client of the app over the store at ``db`` (``options`` for ``create_app``), served
    over real HTTP until the block ends."""
    app = create_app(db, **options)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1",
                                           port=free_port(),
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.config.port}", timeout=60) as c:
            yield c
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.store.close()  # its connections (a PostgreSQL server's sockets) go now
