"""``khorasan review ...``: analysts' corrections, kept beside the machine's output.

Every action says who took it (``--user``, default ``$KHORASAN_USER`` or the login name) and
why (``--reason``); re-extraction and re-fusion keep it (see ``khorasan.review``).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from khorasan import review as library
from khorasan.cli._common import (
    Col,
    date_options,
    db_option,
    echo_json,
    open_db,
    print_table,
    safe,
    where,
)
from khorasan.model import ReviewAction

__all__ = ["COMMANDS"]

F = TypeVar("F", bound=Callable[..., Any])


def _default_user() -> str:
    try:
        return os.environ.get("KHORASAN_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container's anonymous uid)
        return ""


def _who(reason_required: bool = True) -> Callable[[F], F]:
    """``--user`` and ``--reason``: every action says who took it and why."""

    def add(func: F) -> F:
        func = click.option("--reason", required=reason_required,
                            default=None if reason_required else "",
                            help="Why (kept in the history).")(func)  # fmt: skip
        return click.option("--user", default=_default_user, show_default="$KHORASAN_USER or "
                            "the login name", help="Who takes the action.")(func)  # fmt: skip

    return add


def _done(action: ReviewAction, as_json: bool) -> None:
    if as_json:
        echo_json(action.as_dict())
        return
    what = f" {action.field}: {safe(action.before)} -> {safe(action.after)}" if action.field else ""
    click.echo(f"Review action {action.id}: {action.action} {safe(action.target)} "
               f"{safe(action.event_id or '')}{what} (by {safe(action.user)})")  # fmt: skip


_JSON = click.option("--json", "as_json", is_flag=True, help="The logged action as JSON.")


@click.group()
def review() -> None:
    """Confirm, correct, merge, split, reject and restore events and mentions; the review
    queue and the history of every change."""


@review.command()
@click.argument("event_id")
@db_option
@_JSON
@_who(reason_required=False)
def confirm(event_id: str, db: str | None, as_json: bool, user: str, reason: str) -> None:
    """Mark an event checked and right as it stands."""
    with open_db(db) as store:
        _done(library.confirm(store, event_id, user=user, reason=reason), as_json)


@review.command()
@click.argument("event_id")
@click.option("--field", required=True, help="killed_best, date, perpetrator, ... (see --help"
              " of the library: khorasan.review.EVENT_FIELDS / MENTION_FIELDS).")  # fmt: skip
@click.option("--value", required=True, help='The right value ("" clears the field).')
@click.option("--mention", "mention_id", type=int, default=None,
              help="Correct this mention of the event (what one source said) instead of the "
              "event itself.")  # fmt: skip
@db_option
@_JSON
@_who()
def correct(event_id: str, field: str, value: str, mention_id: int | None, db: str | None,
            as_json: bool, user: str, reason: str) -> None:  # fmt: skip
    """Set one field of an event (or, with --mention, of one of its mentions)."""
    with open_db(db) as store:
        if mention_id is None:
            action = library.correct(store, event_id, field, value, user=user, reason=reason)
        else:
            library.check_mention_of(store, event_id, mention_id)
            action = library.correct_mention(store, mention_id, field, value, user=user,
                                             reason=reason)  # fmt: skip
        _done(action, as_json)


@review.command()
@click.argument("event_id")
@click.argument("other_id")
@db_option
@_JSON
@_who()
def merge(event_id: str, other_id: str, db: str | None, as_json: bool, user: str,
          reason: str) -> None:  # fmt: skip
    """Join two events that are one real incident."""
    with open_db(db) as store:
        _done(library.merge(store, event_id, other_id, user=user, reason=reason), as_json)


@review.command()
@click.argument("event_id")
@click.option("--mentions", required=True, help="Ids of the mentions that leave, comma-separated"
              " (khorasan event EVENT --json lists them).")  # fmt: skip
@db_option
@_JSON
@_who()
def split(event_id: str, mentions: str, db: str | None, as_json: bool, user: str,
          reason: str) -> None:  # fmt: skip
    """Move some mentions out of an event into a new event of their own."""
    try:
        ids = [int(x) for x in mentions.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("comma-separated mention ids", param_hint="--mentions") from None
    with open_db(db) as store:
        _done(library.split(store, event_id, ids, user=user, reason=reason), as_json)


@review.command()
@click.argument("event_id")
@click.option("--mention", "mention_id", type=int, default=None,
              help="Reject only this mention of the event (a misread sentence).")  # fmt: skip
@db_option
@_JSON
@_who()
def reject(event_id: str, mention_id: int | None, db: str | None, as_json: bool, user: str,
           reason: str) -> None:  # fmt: skip
    """Mark an event false or out of scope (it leaves lists and tallies), or one mention."""
    with open_db(db) as store:
        if mention_id is None:
            action = library.reject(store, event_id, user=user, reason=reason)
        else:
            library.check_mention_of(store, event_id, mention_id)
            action = library.reject_mention(store, mention_id, user=user, reason=reason)
        _done(action, as_json)


@review.command()
@click.argument("action_id", type=int)
@db_option
@_JSON
@_who()
def restore(action_id: int, db: str | None, as_json: bool, user: str, reason: str) -> None:
    """Undo an earlier action (its id is in the history)."""
    with open_db(db) as store:
        _done(library.restore(store, action_id, user=user, reason=reason), as_json)


_HISTORY_COLUMNS = [Col("id", "num"), Col("at", "key"), Col("user"), Col("action"),
                    Col("target", drop=2), Col("field"), Col("before"), Col("after"),
                    Col("state", drop=1), Col("reason", min_width=10)]  # fmt: skip


def _history_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r["id"], r["at"], r["user"], r["action"], r["target"], r["field"] or "",
             "" if r["before"] is None else r["before"],
             "" if r["after"] is None else r["after"], r["state"], r["reason"]]
            for r in rows]  # fmt: skip


@review.command()
@click.argument("event_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help='JSON: {"history": [...]}.')
def history(event_id: str, db: str | None, as_json: bool) -> None:
    """Every action on one event or its mentions, oldest first."""
    with open_db(db) as store:
        rows = library.history(store, event_id)
    if as_json:
        echo_json({"history": rows})
        return
    print_table(f"History of {safe(event_id)} ({len(rows)} actions)", _HISTORY_COLUMNS,
                _history_rows(rows))  # fmt: skip


@review.command("export")
@db_option
@date_options
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)  # fmt: skip
def export_changes(db: str | None, date_from: str | None, date_to: str | None, fmt: str) -> None:
    """Every review action of a period (by when it was taken), for a dataset's change log."""
    with open_db(db) as store:
        rows = library.changes(store, since=date_from, until=date_to)
    if fmt == "json":
        echo_json({"changes": rows})
        return
    click.echo(library.changes_csv(rows), nl=False)


@review.command()
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--country", help="Country, e.g. Afghanistan.")
@click.option("--perpetrator", help="Actor or alias (a group includes its branches).")
@click.option("--json", "as_json", is_flag=True, help='JSON: {"events": [...]}.')
def queue(db: str | None, limit: int, country: str | None, perpetrator: str | None,
          as_json: bool) -> None:  # fmt: skip
    """Events to check: least confident first, then the deadliest."""
    with open_db(db) as store:
        found = library.queue(store, limit=limit, country=country, perpetrator=perpetrator)
    rows = [e.as_dict() for e in found]
    if as_json:
        echo_json({"events": rows})
        return
    print_table(f"Review queue ({len(rows)}, least confident first)",
                [Col("id", "key"), Col("confidence", "num"), Col("date", "key"),
                 Col("where", min_width=12), Col("perpetrator"), Col("killed", "num")],
                [[r["id"][:8], f"{(r['detail'] or {}).get('confidence') or 0:.2f}", r["date"],
                  where(r), r["perpetrator"], r["killed_best"]] for r in rows])  # fmt: skip


COMMANDS = [review]
