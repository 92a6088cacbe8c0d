"""Safe HTTP fetching: http(s) only, public addresses only, redirects re-checked, size-capped.

Every hop's host is resolved and refused when any address is private, loopback, link-local,
multicast, reserved or unspecified (unless ``allow_private``), so a page cannot steer the
fetcher into the local network.
"""

from __future__ import annotations

import http
import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from khorasan.errors import FetchError
from khorasan.ingest.options import IngestOptions

__all__ = ["MAX_REDIRECTS", "FetchedPage", "check_url", "fetch_url", "fetch_with", "make_client"]

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
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return not blocked and ip.is_global


def check_url(url: str, options: IngestOptions) -> None:
    """Raise :class:`FetchError` (fetch_refused) unless ``url`` may be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            url,
            f"only http and https URLs are fetched, not {parts.scheme or 'none'!r}",
            kind="fetch_refused",
        )
    host = parts.hostname
    if not host:
        raise FetchError(url, "URL has no host", kind="fetch_refused")
    if options.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r}: {exc}", kind="fetch_failed") from exc
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise FetchError(
                url,
                f"refused: host {host!r} resolves to non-public address {address}",
                kind="fetch_refused",
            )


def _check_hop(url: str, current: str, options: IngestOptions) -> None:
    try:
        check_url(current, options)
    except FetchError as exc:
        if current == url:
            raise
        # Name the input the user gave; say where the redirect tried to go.
        raise FetchError(url, f"redirect to {current}: {exc.reason}", kind=exc.kind) from exc


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
    return httpx.Client(follow_redirects=False, timeout=timeout,
                        headers={"User-Agent": USER_AGENT})  # fmt: skip


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
    for _ in range(MAX_REDIRECTS + 1):
        _check_hop(url, current, options)
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
        except httpx.TimeoutException as exc:
            raise FetchError(
                url, f"timed out after {options.timeout:g} s", kind="fetch_failed"
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                url, f"fetch failed: {exc.__class__.__name__}: {exc}", kind="fetch_failed"
            ) from exc
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", kind="fetch_failed")


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
