"""The HTTP transport every fetch goes through: it resolves a host once, checks each address
and connects to the address it checked (so a name that answers a public address to a check
and 127.0.0.1 to the connection - DNS rebinding - cannot reach loopback), and holds every
read, write and connect to the download's total deadline (so a server dripping a byte a
second cannot hold a fetch past it).
"""

from __future__ import annotations

import contextlib
import ssl
import time
import typing
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import httpcore
import httpx

from khorasan.ingest import addresses
from khorasan.ingest.addresses import Resolver

__all__ = ["AddressRefused", "DeadlinePassed", "deadline", "guarded_transport"]

# monotonic time by which the current download must be done (None: no total deadline);
# a context variable, so each thread (watch fetches in several) has its own
_DEADLINE: ContextVar[float | None] = ContextVar("khorasan_fetch_deadline", default=None)


class AddressRefused(Exception):
    """The host resolved to an address the options do not allow."""

    def __init__(self, host: str, address: str) -> None:
        self.host, self.address = host, address
        super().__init__(f"refused: host {host!r} resolves to non-public address {address}")


class DeadlinePassed(httpcore.TimeoutException):
    """The download's total deadline passed (a timeout, so httpx maps it as one)."""


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Every network step inside the block ends by ``seconds`` from now."""
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _clamp(timeout: float | None) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the download's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        # the certificate is checked against the host name, not the address connected to
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _clamp(timeout)))  # fmt: skip

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, allow_private: bool, resolver: Resolver | None,
                 allowed: Callable[[str], bool]) -> None:  # fmt: skip
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._resolver = resolver or addresses.resolve
        self._allowed = allowed

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None,
                    ) -> httpcore.NetworkStream:  # fmt: skip
        try:
            found = list(self._resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc}") from exc
        if not found:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: no address")
        if not self._allow_private:
            for address in found:  # any bad answer refuses the name, not just skips it
                if not self._allowed(address):
                    raise AddressRefused(host, address)
        last: Exception | None = None
        for address in found:  # connect to an address just checked: no second lookup
            try:
                stream = self._inner.connect_tcp(address, port, _clamp(timeout),
                                                 local_address, socket_options)  # fmt: skip
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None,
                            ) -> httpcore.NetworkStream:  # fmt: skip
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


_SSL: list[ssl.SSLContext] = []  # one context (the CA bundle read once), shared


def _ssl_context() -> ssl.SSLContext:
    if not _SSL:
        _SSL.append(httpx.create_ssl_context())
    return _SSL[0]


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool, resolver: Resolver | None,
                 allowed: Callable[[str], bool]) -> None:  # fmt: skip
        super().__init__(verify=_ssl_context())
        # httpx's own pool, but on the guarded backend (the only way to choose one)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private, resolver, allowed),
        )


def guarded_transport(allow_private: bool, resolver: Resolver | None = None,
                      allowed: Callable[[str], bool] = addresses.is_public,
                      ) -> httpx.BaseTransport:  # fmt: skip
    """An httpx transport that connects only to addresses ``allowed`` accepts (any address
    when ``allow_private``), resolving names with ``resolver`` (default: the system's)."""
    return _GuardedTransport(allow_private, resolver, allowed)
