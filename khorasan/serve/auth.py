"""Access control for the API and the pages: who is calling, and what their role lets them do.

A caller is known by an API token (``Authorization: Bearer TOKEN``) or a browser session (an
HttpOnly, SameSite=Lax cookie holding a random secret; the store keeps its hash). Reads are open
to anyone while no user exists, or when the server was started with ``anonymous_read``; else
they need a viewer. Every write needs an analyst; user management an admin. A write made with a
session cookie must carry the session's CSRF token (the form field ``csrf`` or the header
``X-CSRF-Token``); one made with a token needs none (a browser never sends it by itself).
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from khorasan import users
from khorasan.errors import Forbidden, TooManyAttempts, Unauthenticated
from khorasan.model import User
from khorasan.store import Store

__all__ = [
    "SESSION_COOKIE",
    "Caller",
    "LoginLimiter",
    "Viewer",
    "caller",
    "check_csrf",
    "is_loopback",
    "read_access",
    "require",
]

SESSION_COOKIE = "khm_session"
CSRF_HEADER = "X-CSRF-Token"
# reachable without credentials: the login form, and the API's description
PUBLIC_PATHS = frozenset({"/login", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made a request: a user (by token or session) or no one."""

    user: User | None
    via: str  # "token", "session" or "anonymous"
    csrf: str | None = None  # the session's CSRF token
    session: str | None = None  # the session cookie's secret

    @property
    def name(self) -> str:
        return self.user.name if self.user else ""


def caller(request: Request) -> Caller:
    """Who made ``request`` (worked out once per request). A bad or revoked token is an error
    (a script should know); a stale session cookie is just no session."""
    found: Caller | None = getattr(request.state, "caller", None)
    if found is not None:
        return found
    store: Store = request.app.state.store
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("authorization", "use 'Authorization: Bearer TOKEN'")
        user = users.token_user(store, token.strip())
        if user is None:
            raise Unauthenticated("token", "unknown or revoked API token")
        found = Caller(user, "token")
    else:
        secret = request.cookies.get(SESSION_COOKIE, "")
        session = users.session(store, secret) if secret else None
        if session is not None:
            found = Caller(session[0], "session", session[1], secret)
        else:
            found = Caller(None, "anonymous")
    request.state.caller = found
    return found


def anonymous_reads(request: Request) -> bool:
    """Whether a caller without credentials may read: no user defined yet, or the server
    was started with ``anonymous_read``."""
    if request.app.state.anonymous_read:
        return True
    return not users.has_users(request.app.state.store)


async def check_csrf(request: Request, expected: str | None) -> None:
    """Forbidden unless the request carries the session's CSRF token (header or form)."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(given, expected):
        raise Forbidden("csrf", "missing or wrong CSRF token: reload the page and try again")


async def read_access(request: Request) -> None:
    """The app-wide dependency: reads need a viewer unless anonymous reads are on."""
    if request.url.path in PUBLIC_PATHS:
        return
    who = caller(request)
    if who.user is None and not anonymous_reads(request):
        raise Unauthenticated(request.url.path, "log in, or send an API token")


def require(role: str) -> Callable[[Request], Awaitable[User]]:
    """A dependency: the calling user, who must hold ``role`` or above (401 for no one, 403
    for too low a role); a session's write must carry its CSRF token."""

    async def dependency(request: Request) -> User:
        who = caller(request)
        if who.user is None:
            raise Unauthenticated(request.url.path, f"log in as an {role} (or send a token)")
        if not who.user.may(role):
            raise Forbidden(request.url.path, f"needs the {role} role; {who.name} is a "
                            f"{who.user.role}")  # fmt: skip
        if who.via == "session" and request.method not in _SAFE_METHODS:
            await check_csrf(request, who.csrf)
        return who.user

    return dependency


Viewer = Annotated[User, Depends(require("viewer"))]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name) serves this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LoginLimiter:
    """Failed logins per (name, address): after ``limit`` in ``window`` seconds, that pair
    is refused (429) until the oldest failure leaves the window. In memory: a restart forgets,
    which an attacker gains little from (argon2 makes each guess slow anyway)."""

    def __init__(self, limit: int = 5, window: float = 15 * 60, *,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        seen = self._failures.get(key, deque())
        while seen and seen[0] <= self.clock() - self.window:
            seen.popleft()
        return seen

    def check(self, name: str, address: str) -> None:
        seen = self._recent((name, address))
        if len(seen) >= self.limit:
            wait = int(seen[0] + self.window - self.clock()) + 1
            raise TooManyAttempts(name, f"too many failed logins: try again in {wait} s")

    def failed(self, name: str, address: str) -> None:
        if len(self._failures) > 10_000:  # forget the stale pairs before growing further
            for key in list(self._failures):
                if not self._recent(key):
                    del self._failures[key]
        key = (name, address)
        seen = self._recent(key)
        seen.append(self.clock())
        self._failures[key] = seen

    def succeeded(self, name: str, address: str) -> None:
        self._failures.pop((name, address), None)


def describe(request: Request) -> dict[str, Any]:
    """What the pages need to know of the caller: ``who`` (a user or None), ``csrf``."""
    try:
        who = caller(request)
    except Unauthenticated:
        who = Caller(None, "anonymous")
    return {"who": who.user, "csrf": who.csrf or "", "via": who.via}
