"""Polite fetching for ``watch``: one shared client, per-host limits, robots.txt, retries.

Every request goes through :func:`khorasan.ingest.fetch_with`, so the ingest safety rules
hold (http(s) only, public addresses unless allowed, redirects re-checked, size cap,
timeouts). On top of them, per host: at most ``per_host`` requests at once and ``delay``
seconds between the starts of two; robots.txt fetched once and honoured; a 5xx, 429 or
timeout retried with exponential backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from khorasan.errors import FetchError
from khorasan.ingest import FetchedPage, IngestOptions, fetch_with, make_client
from khorasan.ingest.fetch import USER_AGENT

__all__ = ["Counter", "PoliteClient", "WatchOptions"]

ROBOTS_TTL = 24 * 3600.0  # seconds a host's robots.txt is trusted
_RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """How ``watch`` fetches. ``ingest`` carries the safety rules (size cap, timeout,
    private addresses)."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    per_host: int = 2  # requests at once to one host
    delay: float = 1.0  # seconds between the starts of two requests to one host
    retries: int = 2  # further tries after a 5xx, 429 or timeout
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    workers: int = 8  # entries fetched at once (across hosts)
    max_entries: int = 200  # new entries fetched per source and poll; the rest next poll
    max_sitemaps: int = 20  # child sitemaps read from one sitemap index
    robots: bool = True  # honour robots.txt


class Counter:
    """Requests made (a poll's cost), safe across threads."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


class _Host:
    def __init__(self, per_host: int) -> None:
        self.slots = threading.Semaphore(per_host)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots_lock = threading.Lock()  # one robots.txt fetch per host at a time
        self.robots: RobotFileParser | None = None
        self.robots_until = 0.0


class PoliteClient:
    """The shared client of one ``watch`` run (use as a context manager)."""

    def __init__(self, options: WatchOptions) -> None:
        self.options = options
        self.client: httpx.Client = make_client(options.ingest)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def _host(self, url: str) -> tuple[str, _Host]:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(max(1, self.options.per_host))
            return key, self._hosts[key]

    def _once(self, url: str, headers: Mapping[str, str] | None, counter: Counter) -> FetchedPage:
        _, host = self._host(url)
        with host.slots:
            with host.lock:  # space the starts of requests to one host
                wait = host.next_start - time.monotonic()
                host.next_start = max(host.next_start, time.monotonic()) + self.options.delay
            if wait > 0:
                time.sleep(wait)
            counter.add()
            return fetch_with(self.client, url, self.options.ingest, headers)

    def _retrying(self, url: str, headers: Mapping[str, str] | None,
                  counter: Counter) -> FetchedPage:  # fmt: skip
        for attempt in range(self.options.retries + 1):
            last = attempt == self.options.retries
            try:
                page = self._once(url, headers, counter)
            except FetchError as exc:
                # refused, too large or a redirect loop will not change; a timeout may
                if exc.kind != "fetch_failed" or "redirects" in exc.reason or last:
                    raise
            else:
                if page.status not in _RETRY_STATUSES or last:
                    return page
            time.sleep(self.options.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _robots(self, url: str, counter: Counter) -> RobotFileParser | None:
        """The host's robots.txt rules (None: everything allowed). A 4xx means no rules
        (RFC 9309); a 5xx or an unreachable file means none may be fetched for now."""
        key, host = self._host(url)
        with host.robots_lock:
            if host.robots_until > time.monotonic():
                return host.robots
            return self._fetch_robots(url, key, host, counter)

    def _fetch_robots(self, url: str, key: str, host: _Host,
                      counter: Counter) -> RobotFileParser | None:  # fmt: skip
        robots_url = key + "/robots.txt"
        try:
            page = self._retrying(robots_url, None, counter)
        except FetchError as exc:
            raise FetchError(url, f"robots.txt unreachable: {exc.reason}",
                             kind="robots_unavailable") from exc  # fmt: skip
        if page.status >= 500:
            raise FetchError(url, f"robots.txt answered HTTP {page.status}",
                             kind="robots_unavailable")  # fmt: skip
        rules: RobotFileParser | None = None
        if 200 <= page.status < 300:
            rules = RobotFileParser(robots_url)
            rules.parse(page.body.decode("utf-8", "replace").splitlines())
        host.robots, host.robots_until = rules, time.monotonic() + ROBOTS_TTL
        return rules

    def get(self, url: str, counter: Counter,
            headers: Mapping[str, str] | None = None) -> FetchedPage:  # fmt: skip
        """GET ``url`` politely; :class:`FetchError` when robots.txt forbids it or it cannot
        be fetched. Any final status comes back (the caller tells a 304 from a 500)."""
        if self.options.robots:
            rules = self._robots(url, counter)
            if rules is not None and not rules.can_fetch(USER_AGENT, url):
                raise FetchError(url, "disallowed by robots.txt", kind="robots_disallowed")
        return self._retrying(url, headers, counter)
