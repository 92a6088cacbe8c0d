"""SQL for access control: users, and their credentials (API tokens and browser sessions).

Secrets are never stored: a password as its argon2 hash (made by ``khorasan.users``), a token
or session as the SHA-256 of its random secret. A credential is live until revoked or expired.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from khorasan.model import User
from khorasan.store.schema import credentials, users

__all__ = [
    "add_credential",
    "add_user",
    "credential",
    "delete_user",
    "get_user",
    "list_users",
    "password_hash",
    "prune_sessions",
    "revoke",
    "update_user",
]


def _live(now: str) -> Any:
    c = credentials.c
    return sa.and_(c.revoked_at.is_(None), sa.or_(c.expires_at.is_(None), c.expires_at > now))


def _user(row: Any, tokens: int = 0) -> User:
    return User(id=int(row.id), name=str(row.name), role=str(row.role),
                created_at=str(row.created_at), has_password=row.password_hash is not None,
                tokens=tokens)  # fmt: skip


def add_user(conn: Connection, name: str, role: str, password_hash: str | None,
             now: str) -> User:  # fmt: skip
    key = conn.execute(users.insert().values(name=name, role=role, password_hash=password_hash,
                                             created_at=now)).inserted_primary_key  # fmt: skip
    assert key is not None
    return User(id=int(key[0]), name=name, role=role, created_at=now,
                has_password=password_hash is not None)  # fmt: skip


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row is not None else None


def password_hash(conn: Connection, name: str) -> str | None:
    return conn.execute(
        sa.select(users.c.password_hash).where(users.c.name == name)
    ).scalar_one_or_none()


def list_users(conn: Connection, now: str) -> list[User]:
    """Every user by name, with how many live API tokens each holds."""
    c = credentials.c
    counts: dict[int, int] = dict(
        conn.execute(
            sa.select(c.user_id, sa.func.count())
            .where(c.kind == "token", _live(now))
            .group_by(c.user_id)
        ).all()
    )
    rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
    return [_user(r, int(counts.get(r.id, 0))) for r in rows]


def update_user(conn: Connection, name: str, *, role: str | None = None,
                password_hash: str | None = None) -> None:  # fmt: skip
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = role
    if password_hash is not None:
        values["password_hash"] = password_hash
    if values:
        conn.execute(users.update().where(users.c.name == name).values(**values))


def delete_user(conn: Connection, user_id: int) -> None:
    """The user and every credential of theirs."""
    conn.execute(credentials.delete().where(credentials.c.user_id == user_id))
    conn.execute(users.delete().where(users.c.id == user_id))


def add_credential(conn: Connection, user_id: int, kind: str, secret_hash: str, now: str, *,
                   csrf: str | None = None, expires_at: str | None = None) -> int:  # fmt: skip
    key = conn.execute(credentials.insert().values(
        user_id=user_id, kind=kind, secret_hash=secret_hash, csrf=csrf, created_at=now,
        expires_at=expires_at)).inserted_primary_key  # fmt: skip
    assert key is not None
    return int(key[0])


def credential(conn: Connection, secret_hash: str, kind: str,
               now: str) -> tuple[User, str | None] | None:  # fmt: skip
    """The user a live credential of ``kind`` belongs to, with its CSRF token."""
    c = credentials.c
    row = conn.execute(
        sa.select(users, c.csrf)
        .join(credentials, c.user_id == users.c.id)
        .where(c.secret_hash == secret_hash, c.kind == kind, _live(now))
    ).first()
    return (_user(row), row.csrf) if row is not None else None


def revoke(conn: Connection, now: str, *, user_id: int | None = None, kind: str | None = None,
           secret_hash: str | None = None) -> int:  # fmt: skip
    """Revoke live credentials (of a user, of a kind, or the one with that hash); returns how
    many."""
    c = credentials.c
    query = credentials.update().where(_live(now))
    if user_id is not None:
        query = query.where(c.user_id == user_id)
    if kind is not None:
        query = query.where(c.kind == kind)
    if secret_hash is not None:
        query = query.where(c.secret_hash == secret_hash)
    return int(conn.execute(query.values(revoked_at=now)).rowcount or 0)


def prune_sessions(conn: Connection, now: str) -> int:
    """Delete the sessions that ended (logged out or expired): they can never be used again,
    and every login adds one. Tokens stay, revoked or not, as the record of what was issued."""
    c = credentials.c
    query = credentials.delete().where(
        c.kind == "session", sa.or_(c.revoked_at.is_not(None), c.expires_at <= now)
    )
    return int(conn.execute(query).rowcount or 0)
