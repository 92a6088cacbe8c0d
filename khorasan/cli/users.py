"""``khorasan user ...``: the people and scripts that may use the server, and their roles.

Passwords are read from a prompt (never an argument: it would stay in the shell's history),
or one line of standard input with ``--password-stdin``.
"""

from __future__ import annotations

import sys

import click

from khorasan import users as library
from khorasan.cli._common import Col, db_option, echo_json, open_db, print_table, safe
from khorasan.model import ROLES

__all__ = ["COMMANDS"]

_STDIN = click.option("--password-stdin", is_flag=True,
                      help="Read the password from one line of standard input.")  # fmt: skip


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                              err=True)  # fmt: skip
    return value


@click.group()
def user() -> None:
    """Users and roles (viewer reads; analyst also reviews and adds reports; admin also manages
    users), their passwords and API tokens."""


@user.command()
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@_STDIN
@db_option
def add(name: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Add a user; prompts for the password (twice) unless --password-stdin."""
    with open_db(db) as store:
        added = library.add(store, name, role, _password(password_stdin))
    click.echo(f"Added user {safe(added.name)} ({added.role})")


@user.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help='JSON: {"users": [...]}.')
def list_users(db: str | None, as_json: bool) -> None:
    """Every user with their role and how many live API tokens they hold."""
    with open_db(db) as store:
        rows = [u.as_dict() for u in store.users()]
    if as_json:
        echo_json({"users": rows})
        return
    print_table(f"Users ({len(rows)})",
                [Col("name", "key"), Col("role", "key"), Col("password", "key"),
                 Col("tokens", "num"), Col("created", "key")],
                [[r["name"], r["role"], "yes" if r["has_password"] else "no", r["tokens"],
                  r["created_at"]] for r in rows])  # fmt: skip


@user.command()
@click.argument("name")
@db_option
def remove(name: str, db: str | None) -> None:
    """Remove a user with their tokens and sessions (their review actions stay logged)."""
    with open_db(db) as store:
        library.remove(store, name)
    click.echo(f"Removed user {safe(name)}")


@user.command()
@click.argument("name")
@_STDIN
@db_option
def passwd(name: str, password_stdin: bool, db: str | None) -> None:
    """Set a user's password (their browser sessions end; tokens stay)."""
    with open_db(db) as store:
        library.get(store, name)  # an unknown name before the prompt
        library.passwd(store, name, _password(password_stdin))
    click.echo(f"Password of {safe(name)} changed")


@user.command()
@click.argument("name")
@db_option
def token(name: str, db: str | None) -> None:
    """Make a new API token (printed once, on the last line: only its hash is kept)."""
    with open_db(db) as store:
        secret = library.new_token(store, name)
    click.echo(f"New API token for {safe(name)} (send it as 'Authorization: Bearer TOKEN'; "
               "it is not shown again):", err=True)  # fmt: skip
    click.echo(secret)


@user.command()
@click.argument("name")
@click.option("--token", "secret", help="Revoke this token only (else every token of NAME).")
@db_option
def revoke(name: str, secret: str | None, db: str | None) -> None:
    """Revoke a user's API tokens (all, or the one given)."""
    with open_db(db) as store:
        n = library.revoke(store, name, secret)
    click.echo(f"Revoked {n} token{'' if n == 1 else 's'} of {safe(name)}")


COMMANDS = [user]
