"""Safe HTTP fetching: http(s) only, public addresses only, redirects re-checked, size-capped,
a deadline per read and per download.

Every hop's host is resolved once, by the transport (:mod:`khorasan.ingest.transport`), and
refused when any address is private, loopback, link-local, multicast, reserved or unspecified,
or embeds such an IPv4 address (unless ``allow_private``); the connection goes to the address
checked, so a page cannot steer the fetcher into the local network, not even by DNS rebinding.
"""

from __future__ import annotations

import http
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from khorasan.errors import FetchError
from khorasan.ingest import addresses
from khorasan.ingest.options import IngestOptions
from khorasan.ingest.transport import AddressRefused, deadline, guarded_transport

__all__ = ["MAX_REDIRECTS", "FetchedPage", "check_url", "fetch_url", "fetch_with", "make_client",
           "post_url"]  # fmt: skip

MAX_REDIRECTS = 5
USER_AGENT = "khorasan-monitor/0.1 (+https://github.com/; research ingest)"
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # media type, lower case, without parameters ("" when absent)
    body: bytes
    charset: str | None = None
    status: int = 200  # 304: not modified (empty body); >= 400 only from fetch_with
    headers: Mapping[str, str] = field(default_factory=dict)  # the final response's


def _is_public(address: str) -> bool:
    return addresses.is_public(address)


def _check_form(url: str) -> str:
    """The host of ``url``; :class:`FetchError` unless it is an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # an invalid IPv6 literal, a bad port
        raise FetchError(url, f"invalid URL: {exc}", kind="fetch_refused") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            url,
            f"only http and https URLs are fetched, not {parts.scheme or 'none'!r}",
            kind="fetch_refused",
        )
    if not host:
        raise FetchError(url, "URL has no host", kind="fetch_refused")
    return host


def check_url(url: str, options: IngestOptions) -> None:
    """Raise :class:`FetchError` (fetch_refused) unless ``url`` may be fetched (used to vet a
    URL ahead of time; every fetch checks again, at connection time)."""
    host = _check_form(url)
    if options.allow_private:
        return
    try:
        found = (options.resolver or addresses.resolve)(host, 443)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r}: {exc}", kind="fetch_failed") from exc
    for address in found:
        if not _is_public(address):
            raise FetchError(
                url,
                f"refused: host {host!r} resolves to non-public address {address}",
                kind="fetch_refused",
            )


def _hop_error(url: str, current: str, exc: FetchError) -> FetchError:
    if current == url:
        return exc
    # Name the input the user gave; say where the redirect tried to go.
    return FetchError(url, f"redirect to {current}: {exc.reason}", kind=exc.kind)


def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            url, f"response is {declared} bytes, over the {max_bytes}-byte limit", kind="too_large"
        )
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(url, f"response passed the {max_bytes}-byte limit", kind="too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(response: httpx.Response) -> tuple[str, str | None]:
    header = response.headers.get("content-type", "")
    media = header.split(";", 1)[0].strip().lower()
    return media, response.charset_encoding


def _status_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def make_client(options: IngestOptions) -> httpx.Client:
    """An HTTP client as the fetchers use it: no automatic redirects (each hop is checked),
    the options' timeout, our user agent. One client reuses its connections across calls."""
    timeout = httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0))
    # the guarded transport checks and connects; environment proxies are never used (a
    # proxy would connect where no check looked)
    return httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False,
                        transport=guarded_transport(options.allow_private, options.resolver,
                                                    lambda a: _is_public(a)),
                        headers={"User-Agent": USER_AGENT})  # fmt: skip


def _deadline(options: IngestOptions) -> float:
    # never shorter than one read's timeout: a longer --timeout is not silently cut
    return max(options.deadline, options.timeout)


def _network_error(url: str, current: str, exc: Exception, options: IngestOptions,
                   started: float) -> FetchError:  # fmt: skip
    """A transport-level failure as the FetchError that names ``url``."""
    if isinstance(exc, AddressRefused):
        return _hop_error(url, current, FetchError(current, str(exc), kind="fetch_refused"))
    if isinstance(exc, httpx.InvalidURL):  # a control character, a bad host: never sent
        return _hop_error(url, current, FetchError(current, f"invalid URL: {exc}",
                                                   kind="fetch_refused"))  # fmt: skip
    if isinstance(exc, httpx.TimeoutException):
        if time.monotonic() - started >= _deadline(options):
            return FetchError(url, f"download passed its {_deadline(options):g}-second deadline",
                              kind="fetch_failed")  # fmt: skip
        return FetchError(url, f"timed out after {options.timeout:g} s", kind="fetch_failed")
    return FetchError(url, f"fetch failed: {exc.__class__.__name__}: {exc}", kind="fetch_failed")


def fetch_with(
    client: httpx.Client,
    url: str,
    options: IngestOptions,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """GET ``url`` with ``client`` (see :func:`make_client`) under the same rules as
    :func:`fetch_url`, sending ``headers`` (``If-None-Match``...); any final status comes
    back as :attr:`FetchedPage.status`, the body read (capped) only for a 2xx."""
    current = url
    started = time.monotonic()
    with deadline(_deadline(options)):  # one total deadline for every hop of the download
        for _ in range(MAX_REDIRECTS + 1):
            try:
                _check_form(current)
            except FetchError as exc:
                raise _hop_error(url, current, exc) from exc
            try:
                with client.stream("GET", current, headers=dict(headers or {})) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    ok = 200 <= response.status_code < 300
                    body = _read_capped(response, url, options.max_bytes) if ok else b""
                    media, charset = _content_type(response)
                    return FetchedPage(url, current, media, body, charset,
                                       status=response.status_code,
                                       headers=dict(response.headers))  # fmt: skip
            except (AddressRefused, httpx.HTTPError, httpx.InvalidURL) as exc:
                raise _network_error(url, current, exc, options, started) from exc
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", kind="fetch_failed")


def post_url(url: str, body: bytes, headers: Mapping[str, str],
             options: IngestOptions) -> httpx.Response:  # fmt: skip
    """POST ``body`` to ``url`` under the fetch rules (address checked at connection time,
    the deadline, no redirects followed); the response, whatever its status, or
    :class:`FetchError`."""
    _check_form(url)
    started = time.monotonic()
    with make_client(options) as client, deadline(_deadline(options)):
        try:
            response = client.post(url, content=body, headers=dict(headers))
        except (AddressRefused, httpx.HTTPError, httpx.InvalidURL) as exc:
            raise _network_error(url, url, exc, options, started) from exc
    return response


def fetch_url(url: str, options: IngestOptions) -> FetchedPage:
    """GET ``url`` safely; follow at most MAX_REDIRECTS redirects, checking every hop."""
    with make_client(options) as client:
        page = fetch_with(client, url, options)
    if page.status >= 400:
        reason = " " + _status_phrase(page.status)
        raise FetchError(
            url,
            f"HTTP {page.status}{reason}"
            + (f" from {page.final_url}" if page.final_url != url else ""),  # fmt: skip
            kind="http_error",
        )
    return page
