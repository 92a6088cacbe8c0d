"""Shared fixtures. ``http_server``: a real HTTP server on 127.0.0.1 for fetch and feed tests.
``store_url``: a fresh empty store, once on SQLite and once on PostgreSQL (``pg_server``)."""

from __future__ import annotations

import http.server
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from khorasan.store import Store, resolve_db_url

# The store tests run on both backends. PostgreSQL needs a server: KHORASAN_TEST_PG_URL names a
# database on it that the tests may use to create and drop their own (`make test` starts one
# and sets it: `make postgres-url`). Without it the PostgreSQL cases are skipped, saying so.
PG_URL_VARIABLE = "KHORASAN_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]


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


# ---------------------------------------------------------------------------- store backends
@dataclass
class PgServer:
    """The PostgreSQL server the tests were given: every test database is created on it from
    a template migrated once per session, and dropped after the test."""

    admin_url: str  # a SQLAlchemy URL of the database named by KHORASAN_TEST_PG_URL
    engine: sa.engine.Engine = field(init=False)
    template: str = field(init=False, default="")

    def __post_init__(self) -> None:
        # CREATE / DROP DATABASE cannot run in a transaction
        self.engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        return sa.make_url(self.admin_url).set(database=name).render_as_string(False)

    def create(self, template: str | None = None) -> str:
        """A new database (a copy of ``template``, by default the migrated empty store);
        returns its URL."""
        if not self.template:
            self.template = "ktpl_" + uuid.uuid4().hex[:12]
            self._execute(f"CREATE DATABASE {self.template}")
            Store(self.url(self.template)).close()
        name = "ktest_" + uuid.uuid4().hex[:16]
        self._execute(f"CREATE DATABASE {name} TEMPLATE {template or self.template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {sa.make_url(url).database} WITH (FORCE)")

    def _execute(self, sql: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text(sql))

    def close(self) -> None:
        if self.template:
            self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(f"no PostgreSQL server: set {PG_URL_VARIABLE} to a database URL on one "
                    "(make postgres-url prints one; make test sets it)")  # fmt: skip
    server = PgServer(resolve_db_url(url))
    try:
        yield server
    finally:
        server.close()


def new_store_url(request: pytest.FixtureRequest, backend: str, sqlite_path: Path) -> str:
    """A fresh, migrated, empty store on ``backend``: the SQLite file ``sqlite_path`` (created
    on first open), or a new PostgreSQL database dropped when the requesting fixture ends."""
    if backend == "sqlite":
        return str(sqlite_path)
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.create()
    request.addfinalizer(lambda: server.drop(url))
    return url


def empty_pg_database(request: pytest.FixtureRequest) -> str:
    """A new PostgreSQL database with no table at all (not even Alembic's), dropped after the
    test; skips, saying why, without a server."""
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.create(template="template0")
    request.addfinalizer(lambda: server.drop(url))
    return url


def copy_store_url(request: pytest.FixtureRequest, url: str, sqlite_path: Path) -> str:
    """A copy of the store at ``url`` (nothing may hold it open): a file copy for SQLite, a
    database made from it as a template for PostgreSQL."""
    if "://" not in url:
        sqlite_path.write_bytes(Path(url).read_bytes())
        return str(sqlite_path)
    server: PgServer = request.getfixturevalue("pg_server")
    copy = server.create(template=sa.make_url(url).database)
    request.addfinalizer(lambda: server.drop(copy))
    return copy


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """sqlite, then postgresql (skipped, saying why, when no server is given)."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_server")
    return str(request.param)


@pytest.fixture
def store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """Where a test's store lives: a SQLite file path, or a PostgreSQL URL (its own database)."""
    return new_store_url(request, backend, tmp_path / "k.db")


@pytest.fixture
def more_store_urls(request: pytest.FixtureRequest, backend: str,
                    tmp_path: Path) -> Callable[[str], str]:  # fmt: skip
    """Further fresh stores on the test's backend: ``more_store_urls("other.db")``."""
    return lambda name: new_store_url(request, backend, tmp_path / name)


EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


def examples_in_parts(root: Path, parts: int) -> list[Path]:
    """The examples (each text with its metadata) dealt into ``parts`` folders under
    ``root``: to be ingested as that many runs."""
    import shutil

    texts = sorted(EXAMPLES_DIR.glob("*.txt"))
    folders = []
    for part in range(parts):
        folder = root / f"part{part}"
        folder.mkdir()
        for text in texts[part::parts]:
            for path in (text, text.with_suffix(".meta.json")):
                if path.exists():
                    shutil.copy(path, folder / path.name)
        folders.append(folder)
    return folders
