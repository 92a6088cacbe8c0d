"""Users, roles and credentials: who may read, review and manage the server.

Roles, least first (``khorasan.model.ROLES``): a viewer reads; an analyst also reviews events
and adds reports; an admin also manages users. Passwords are hashed with argon2 (pwdlib); API
tokens and browser sessions are random secrets of which the store keeps only the SHA-256, so
a copy of the database logs no one in. Tokens last until revoked; sessions expire.

    add, remove, passwd, new_token, revoke, check_password, token_user,
    new_session, session, end_session, has_users, has_admin
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from khorasan.errors import NotFoundError, UserError
from khorasan.model import ROLES, User
from khorasan.store import Store

__all__ = [
    "MIN_PASSWORD",
    "ROLES",
    "SESSION_HOURS",
    "TOKEN_PREFIX",
    "add",
    "check_password",
    "end_session",
    "get",
    "has_admin",
    "has_users",
    "new_session",
    "new_token",
    "passwd",
    "remove",
    "revoke",
    "session",
    "token_user",
]

MIN_PASSWORD = 8
SESSION_HOURS = 12
TOKEN_PREFIX = "khm_"  # tells a leaked token for what it is (secret scanners look for prefixes)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_HASHER = PasswordHash((Argon2Hasher(),))
# checked against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY = _HASHER.hash(secrets.token_hex(16))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _role(role: str) -> str:
    if role not in ROLES:
        raise UserError("role", f"{role!r} is not one of {', '.join(ROLES)}")
    return role


def _password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError("password", f"too short: at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def get(store: Store, name: str) -> User:
    """The user ``name``; NotFoundError when there is none."""
    user = store.user(name)
    if user is None:
        raise NotFoundError(name, "no such user")
    return user


def add(store: Store, name: str, role: str, password: str) -> User:
    """A new user with a password (argon2-hashed) and a role."""
    if not _NAME.match(name or ""):
        raise UserError("name", f"{name!r}: letters, digits and _ . @ - only, 1 to 64")
    _role(role)
    hashed = _password(password)
    if store.user(name) is not None:
        raise UserError(name, "a user by that name exists")
    return store.add_user(name, role, hashed)


def remove(store: Store, name: str) -> None:
    """Remove a user with every token and session (the review actions they took stay logged
    under their name)."""
    store.remove_user(get(store, name).id)


def passwd(store: Store, name: str, password: str) -> None:
    """Set a new password; every browser session of the user ends (their tokens stay)."""
    user = get(store, name)
    store.update_user(name, password_hash=_password(password))
    store.revoke_credentials(user_id=user.id, kind="session")


def new_token(store: Store, name: str) -> str:
    """A new API token for ``name`` (shown once: only its hash is stored)."""
    user = get(store, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.add_credential(user.id, "token", _digest(token))
    return token


def revoke(store: Store, name: str, token: str | None = None) -> int:
    """Revoke one token of ``name`` (``token``), else all of them; returns how many."""
    user = get(store, name)
    if token is not None:
        return store.revoke_credentials(user_id=user.id, kind="token",
                                        secret_hash=_digest(token))  # fmt: skip
    return store.revoke_credentials(user_id=user.id, kind="token")


def check_password(store: Store, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (an unknown name costs the same)."""
    hashed = store.password_hash(name) if _NAME.match(name or "") else None
    if hashed is None:
        _HASHER.verify(password, _DUMMY)
        return None
    return store.user(name) if _HASHER.verify(password, hashed) else None


def token_user(store: Store, token: str) -> User | None:
    """The user a live API token belongs to (None: unknown or revoked)."""
    found = store.credential(_digest(token), "token") if token else None
    return found[0] if found else None


def new_session(store: Store, user: User, hours: int = SESSION_HOURS) -> tuple[str, str]:
    """A browser session for ``user``: (the cookie's secret, the CSRF token forms carry)."""
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")
    store.add_credential(user.id, "session", _digest(secret), csrf=csrf, expires_at=expires)
    return secret, csrf


def session(store: Store, secret: str) -> tuple[User, str] | None:
    """The user of a live session and its CSRF token (None: unknown, ended or expired)."""
    found = store.credential(_digest(secret), "session") if secret else None
    if found is None:
        return None
    return found[0], found[1] or ""


def end_session(store: Store, secret: str) -> None:
    store.revoke_credentials(kind="session", secret_hash=_digest(secret))


def has_users(store: Store) -> bool:
    return bool(store.users())


def has_admin(store: Store) -> bool:
    return any(u.role == "admin" for u in store.users())
