"""Safe HTTP fetching: http(s) only, public addresses only, redirects re-checked, size-capped.

Every hop's host is resolved and refused when any address is private, loopback, link-local,
multicast, reserved or unspecified (unless ``allow_private``), so a page cannot steer the
fetcher into the local network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from khorasan.errors import FetchError
from khorasan.ingest.options import IngestOptions

__all__ = ["MAX_REDIRECTS", "FetchedPage", "check_url", "fetch_url"]

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


def fetch_url(url: str, options: IngestOptions) -> FetchedPage:
    """GET ``url`` safely; follow at most MAX_REDIRECTS redirects, checking every hop."""
    timeout = httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0))
    current = url
    with httpx.Client(
        follow_redirects=False, timeout=timeout, headers={"User-Agent": USER_AGENT}
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_hop(url, current, options)
            try:
                with client.stream("GET", current) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise FetchError(
                            url,
                            f"HTTP {response.status_code} {response.reason_phrase}"
                            + (f" from {current}" if current != url else ""),
                            kind="http_error",
                        )
                    body = _read_capped(response, url, options.max_bytes)
                    media, charset = _content_type(response)
                    return FetchedPage(url, current, media, body, charset)
            except httpx.TimeoutException as exc:
                raise FetchError(
                    url, f"timed out after {options.timeout:g} s", kind="fetch_failed"
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    url, f"fetch failed: {exc.__class__.__name__}: {exc}", kind="fetch_failed"
                ) from exc
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", kind="fetch_failed")
