"""Which addresses the fetcher may connect to, and how a host name is resolved.

An IPv6 address that carries an IPv4 address inside it (IPv4-mapped, IPv4-compatible,
6to4, Teredo, NAT64) reaches that IPv4 host, so it is judged as the embedded address too:
``2002:7f00:1::`` is 127.0.0.1 behind a 6to4 relay.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

__all__ = ["Resolver", "embedded_ipv4", "is_public", "resolve"]

# host, port -> the addresses to try, in order (tests inject their own)
Resolver = Callable[[str, int], Sequence[str]]

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible form
_LOW32 = 0xFFFFFFFF


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses ``ip`` embeds (none for a plain IPv6 address)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:  # ::ffff:0:0/96
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:  # 2002::/16, the IPv4 address in bits 16-47
        found.append(ip.sixtofour)
    if ip.teredo is not None:  # 2001::/32: the server, and the client (last 32 bits inverted)
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64) or ip in _COMPATIBLE:  # the last 32 bits
        found.append(ipaddress.IPv4Address(int(ip) & _LOW32))
    return found


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP literal, maybe with an IPv6 ``%zone``) is a public unicast
    address, and so is every IPv4 address it embeds."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if ip.ipv4_mapped is not None or any(ip in net for net in _NAT64):
            # only a translation of the IPv4 address (the prefix itself counts as reserved):
            # what it reaches is all there is to judge
            candidates = []
        candidates.extend(inner)
    return not any(_blocked(c) for c in candidates)


def resolve(host: str, port: int) -> list[str]:
    """The system resolver's addresses for ``host``, each once, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    out: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in out:
            out.append(address)
    return out
