"""What every command module shares: the ``--db`` option, opening the store, errors as one
line, tables that fit the terminal, JSON output, and :func:`safe` for untrusted text.

Command modules import this module and the library, never each other.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

import click

from khorasan.errors import FilterError, KhorasanError
from khorasan.escape import csv_cell, escape_text, json_list_chunks, json_text, one_line
from khorasan.pipeline import open_store
from khorasan.store import Store

__all__ = [
    "Col",
    "OptionError",
    "csv_cell",
    "as_click_error",
    "date_options",
    "db_option",
    "echo_json",
    "exclusive",
    "json_text",
    "open_db",
    "positive",
    "print_table",
    "safe",
    "safe_text",
    "where",
]

F = TypeVar("F", bound=Callable[..., Any])

_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@/\s]*@")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_DIGITS = re.compile(r"\S*\d\S*")
# A store filter's name -> the option that sets it
_OPTION_OF = {"date_from": "--from", "since": "--from", "date_to": "--to", "until": "--to",
              "relation": "--kind"}  # fmt: skip


# ---------------------------------------------------------------------------------- text
def safe(value: Any) -> str:
    """``value`` as one line of text: control characters and bidi overrides shown as escapes
    (``\\x1b``, ``\\u202e``), never acted on; newlines and tabs become spaces. Every table
    cell, error line and line of plain text the CLI prints goes through it (or
    :func:`safe_text`): both are :mod:`khorasan.escape`'s one escaping function."""
    return one_line(value)


def safe_text(text: str) -> str:
    """``text`` with its lines kept and every other control character shown as an escape."""
    return escape_text(text)


# -------------------------------------------------------------------------------- errors
class OptionError(click.ClickException):
    """A bad option value or combination: one line naming the option(s), exit status 2 (a
    usage error; click's own UsageError would add the usage text)."""

    exit_code = 2


def positive(whole: bool = False) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option callback: the value as a number above 0 (``whole``: an integer), else one
    line naming the option (exit 2). The option takes ``type=str`` so that a word is the
    same one line, not click's usage text."""

    def check(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        name = param.opts[0] if param.opts else str(param.name)
        kind = "a whole number" if whole else "a number"
        try:
            number: float = int(value) if whole else float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{name}: must be {kind} above 0, not {safe(value)!r}") from None
        if not 0 < number < float("inf"):
            raise OptionError(f"{name}: must be {kind} above 0, not {safe(value)!r}")
        return number

    return check


def as_click_error(exc: KhorasanError) -> click.ClickException:
    """A library error as one line: a bad filter names the option that set it (exit 2),
    anything else is ``Error: <subject>: <reason>`` (exit 1)."""
    if isinstance(exc, FilterError):
        option = _OPTION_OF.get(exc.field, "--" + exc.field.replace("_", "-"))
        return OptionError(f"{option}: {safe(exc.reason)}")
    subject = _PASSWORD.sub(r"\1***@", str(exc.subject))  # a database URL may carry one
    return click.ClickException(f"{safe(subject)}: {safe(exc.reason)}")


def exclusive(**given: bool) -> None:
    """Refuse two or more of the named options together; keys are option names without the
    dashes (``json=as_json, csv=as_csv``)."""
    used = [f"--{name.replace('_', '-')}" for name, on in given.items() if on]
    if len(used) > 1:
        raise OptionError(f"{' and '.join(used)}: use one of them, not both")


# ------------------------------------------------------------------------------- options
def db_option(func: F) -> F:
    return click.option(
        "--db",
        envvar="KHORASAN_DB",
        default=None,
        metavar="PATH|URL",
        help="Database file or SQLAlchemy URL (default: $KHORASAN_DB or ./khorasan.db).",
    )(func)


def open_db(db: str | None, *, create: bool = False) -> Store:
    """The store ``--db`` names. Only ``ingest`` creates one: elsewhere a mistyped path is
    an error, not a new empty database. Commands that create one write: a store they cannot
    write is one error line before any work."""
    store = open_store(db, create=create)
    if create:
        try:
            store.check_writable()
        except BaseException:
            store.close()
            raise
    return store


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The store checks the shape; this also refuses a day that does not exist (2022-02-30)."""
    if value is None:
        return None
    option = (param.opts or [param.name or "date"])[0]
    fine = _DATE.fullmatch(value) is not None
    if fine:
        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            date(*parts[:3])
        except ValueError:
            fine = False
    if not fine:
        raise OptionError(f"{option}: {safe(value)!r} is not a date (YYYY, YYYY-MM or "
                          "YYYY-MM-DD)")  # fmt: skip
    return value


def date_options(func: F) -> F:
    """``--from`` and ``--to``; the store refuses a ``--from`` after ``--to``."""
    func = click.option("--to", "date_to", metavar="DATE", callback=_check_date,
                        help="Latest date (YYYY[-MM[-DD]]): a month or year includes all of "
                        "it.")(func)  # fmt: skip
    return click.option("--from", "date_from", metavar="DATE", callback=_check_date,
                        help="Earliest date (YYYY[-MM[-DD]]).")(func)  # fmt: skip


# -------------------------------------------------------------------------------- output
def echo_json(obj: Any, *, indent: int | None = 2) -> None:
    """``obj`` as JSON on stdout, non-ASCII kept, control characters escaped."""
    click.echo(json_text(obj, indent=indent))


def echo_json_items(key: str, items: Iterable[Any]) -> None:
    """``{key: [items]}`` as :func:`echo_json` prints it, byte for byte, each item written as
    soon as it comes (a long list never sits in memory as one text)."""

    for chunk in json_list_chunks(key, items):
        click.echo(chunk, nl=False)
    click.echo()


def where(r: dict[str, Any]) -> str:
    """Place, district, province, country: each once, most precise first."""
    seen: list[str] = []
    for p in (r.get("place"), r.get("admin2"), r.get("admin1"), r.get("country")):
        if p and p not in seen:
            seen.append(p)
    return ", ".join(seen)


@dataclass(frozen=True, slots=True)
class Col:
    """A table column. ``num`` and ``key`` (ids, dates) cells are never wrapped or cut: the
    column is as wide as its longest cell. ``text`` cells wrap, down to ``min_width``, but a
    word with a digit in it is never split. When the terminal is too narrow for every column,
    those with the highest ``drop`` go first (0: always shown)."""

    header: str
    kind: Literal["text", "num", "key"] = "text"
    min_width: int = 10
    max_width: int | None = None
    drop: int = 0


_GAP = 2  # a column separator and one padding space (see _render)
PIPE_WIDTH = 120  # the table width when stdout is no terminal and COLUMNS is unset


def print_table(title: str, columns: Sequence[Col], rows: Iterable[Sequence[Any]]) -> None:
    """A table fitted to the terminal's width (``COLUMNS`` where set). Cells are plain text
    (never read as markup, control characters escaped)."""
    from rich.cells import cell_len
    from rich.console import Console

    cells = [[safe(c) for c in row] for row in rows]
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # piped: no terminal to fit, so as wide as before rather than rich's 80
        console = Console(highlight=False, width=PIPE_WIDTH)
    shown = list(range(len(columns)))

    def need(i: int) -> int:
        col, values = columns[i], [row[i] for row in cells]
        header = max(cell_len(w) for w in col.header.split())
        if col.kind != "text":
            return max([header, *(cell_len(v) for v in values)])  # the whole value, always
        numbers = [cell_len(w) for v in values for w in _DIGITS.findall(v)]
        longest = max((cell_len(v) for v in values), default=0)
        return max([header, min(col.min_width, longest), *numbers])

    def total(indices: list[int]) -> int:
        return sum(need(i) for i in indices) + _GAP * (len(indices) - 1)

    while total(shown) > console.width and any(columns[i].drop for i in shown):
        shown.remove(max(reversed(shown), key=lambda i: columns[i].drop))
    widths = _fit([columns[i] for i in shown], [need(i) for i in shown],
                  [[row[i] for i in shown] for row in cells],
                  console.width - _GAP * (len(shown) - 1))  # fmt: skip
    _render(console, title, [columns[i] for i in shown], widths,
            [[row[i] for i in shown] for row in cells])  # fmt: skip


def _fit(columns: Sequence[Col], needs: list[int], rows: list[list[str]], room: int) -> list[int]:
    """Content widths: fixed columns their need; text columns share what is left, each from
    its need up to its longest cell (or ``max_width``), narrowest first."""
    from rich.cells import cell_len

    widths = list(needs)
    room -= sum(widths)
    wants = [
        max(needs[i], min(max((cell_len(r[i]) for r in rows), default=0),
                          col.max_width or 10**6)) if col.kind == "text" else needs[i]
        for i, col in enumerate(columns)
    ]  # fmt: skip
    growing = [i for i in range(len(columns)) if wants[i] > widths[i]]
    while room > 0 and growing:
        share = max(room // len(growing), 1)
        for i in sorted(growing, key=lambda i: wants[i] - widths[i]):
            add = min(share, wants[i] - widths[i], room)
            widths[i] += add
            room -= add
        growing = [i for i in growing if wants[i] > widths[i]]
    return widths


def _render(console: Any, title: str, columns: Sequence[Col], widths: list[int],
            rows: list[list[str]]) -> None:  # fmt: skip
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True, padding=(0, 1))  # fmt: skip
    for col, width in zip(columns, widths, strict=True):
        # the header may wrap over its words; number and key cells never wrap (no_wrap on
        # each cell, and the column is as wide as the longest)
        table.add_column(col.header, width=width, overflow="fold",
                         justify="right" if col.kind == "num" else "left")  # fmt: skip
    fixed = [col.kind != "text" for col in columns]
    for row in rows:
        table.add_row(*[Text(c, no_wrap=f) for c, f in zip(row, fixed, strict=True)])
    needed = sum(widths) + _GAP * (len(widths) - 1)
    if needed > console.width:  # nothing left to drop: let the terminal wrap, cut nothing
        console = Console(highlight=False, width=needed)
    console.print(table)
