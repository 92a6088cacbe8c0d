"""Users, roles and credentials: the library (``khorasan.users``) and ``khorasan user ...``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from khorasan import users
from khorasan.cli import cli
from khorasan.errors import NotFoundError, UserError
from khorasan.pipeline import open_store
from khorasan.store import resolve_db_url
from khorasan.store.schema import metadata

PASSWORD = "a long enough password"


@pytest.fixture
def db(store_url: str) -> str:
    open_store(store_url).close()
    return store_url


def _everything_stored(db: str) -> bytes:
    """The SQLite file's bytes, or every row of every table of a PostgreSQL database."""
    if "://" not in db:
        return Path(db).read_bytes()
    engine = sa.create_engine(resolve_db_url(db))
    try:
        with engine.connect() as conn:
            return repr([conn.execute(sa.select(t)).all()
                         for t in metadata.sorted_tables]).encode()  # fmt: skip
    finally:
        engine.dispose()


def test_users_passwords_are_argon2_and_checked(db: str) -> None:
    with open_store(db) as store:
        added = users.add(store, "ann", "analyst", PASSWORD)
        assert added.role == "analyst" and added.may("viewer") and not added.may("admin")
        stored = store.password_hash("ann")
        assert stored is not None and stored.startswith("$argon2") and PASSWORD not in stored
        assert users.check_password(store, "ann", PASSWORD) == store.user("ann")
        assert users.check_password(store, "ann", PASSWORD + "x") is None
        assert users.check_password(store, "nobody", PASSWORD) is None
        users.passwd(store, "ann", "another password")
        assert users.check_password(store, "ann", PASSWORD) is None
        assert users.check_password(store, "ann", "another password") is not None


def test_users_bad_names_roles_and_passwords(db: str) -> None:
    with open_store(db) as store:
        for name, role, password, field in (("ann", "boss", PASSWORD, "role"),
                                            ("", "viewer", PASSWORD, "name"),
                                            ("a b", "viewer", PASSWORD, "name"),
                                            ("ann", "viewer", "short", "password")):  # fmt: skip
            with pytest.raises(UserError) as err:
                users.add(store, name, role, password)
            assert err.value.field == field
        users.add(store, "ann", "viewer", PASSWORD)
        with pytest.raises(UserError):
            users.add(store, "ann", "admin", PASSWORD)
        with pytest.raises(NotFoundError):
            users.new_token(store, "bob")


def test_users_tokens_are_stored_hashed_and_revocable(db: str) -> None:
    with open_store(db) as store:
        users.add(store, "bot", "analyst", PASSWORD)
        token = users.new_token(store, "bot")
        assert token.startswith(users.TOKEN_PREFIX) and len(token) > 40
        assert users.token_user(store, token).name == "bot"  # type: ignore[union-attr]
        assert store.users()[0].tokens == 1
        assert users.token_user(store, token + "x") is None
    raw = _everything_stored(db)
    assert token.encode() not in raw and PASSWORD.encode() not in raw
    with open_store(db) as store:
        assert users.revoke(store, "bot") == 1 and users.token_user(store, token) is None
        assert store.users()[0].tokens == 0


def test_users_sessions_end_on_logout_and_password_change(db: str) -> None:
    with open_store(db) as store:
        ann = users.add(store, "ann", "admin", PASSWORD)
        secret, csrf = users.new_session(store, ann)
        assert users.session(store, secret) == (ann, csrf)
        users.end_session(store, secret)
        assert users.session(store, secret) is None
        secret, _ = users.new_session(store, ann)
        users.passwd(store, "ann", "a new password!")
        assert users.session(store, secret) is None
        expired, _ = users.new_session(store, ann, hours=-1)
        assert users.session(store, expired) is None
        live, _ = users.new_session(store, ann)  # clears the ended ones away
        with store.engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT kind FROM credentials").scalars().all()
        assert kinds == ["session"] and users.session(store, live) is not None
        assert users.has_admin(store) and users.has_users(store)


def test_users_cli_add_list_token_revoke_passwd_remove(db: str) -> None:
    runner = CliRunner()
    base = ["--db", str(db)]
    added = runner.invoke(cli, ["user", "add", "ann", "--role", "admin", "--password-stdin",
                                *base], input=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0 and "Added user ann (admin)" in added.output
    prompted = runner.invoke(cli, ["user", "add", "bob", "--role", "viewer", *base],
                             input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    made = runner.invoke(cli, ["user", "token", "ann", *base])
    assert made.exit_code == 0
    token = made.stdout.strip().splitlines()[-1]
    with open_store(db) as store:
        assert users.token_user(store, token).name == "ann"  # type: ignore[union-attr]
    listed = json.loads(runner.invoke(cli, ["user", "list", "--json", *base]).output)
    assert [(u["name"], u["role"], u["tokens"]) for u in listed["users"]] == [
        ("ann", "admin", 1), ("bob", "viewer", 0)]  # fmt: skip
    assert "ann" in runner.invoke(cli, ["user", "list", *base]).output
    revoked = runner.invoke(cli, ["user", "revoke", "ann", *base])
    assert revoked.exit_code == 0 and "Revoked 1 token of ann" in revoked.output
    changed = runner.invoke(cli, ["user", "passwd", "bob", "--password-stdin", *base],
                            input="brand new password\n")  # fmt: skip
    assert changed.exit_code == 0
    with open_store(db) as store:
        assert users.check_password(store, "bob", "brand new password") is not None
    assert runner.invoke(cli, ["user", "remove", "bob", *base]).exit_code == 0
    missing = runner.invoke(cli, ["user", "remove", "bob", *base])
    assert missing.exit_code == 1 and "bob: no such user" in missing.output
    short = runner.invoke(cli, ["user", "add", "cy", "--role", "viewer", "--password-stdin",
                                *base], input="short\n")  # fmt: skip
    assert short.exit_code == 1 and "password: too short" in short.output
