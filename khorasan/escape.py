"""Untrusted text made safe to show: the one escaping function every plain-text output uses,
and the one guard every CSV cell goes through.

Article text, titles, outlets and file names come from outside. A terminal acts on control
characters (ESC starts CSI and OSC sequences: clear the screen, set the window title, OSC 8
links; BEL; the C1 CSI byte 0x9b) and bidirectional overrides reorder what is shown around
them, so :func:`escape_text` shows each as an escape (``\\x1b``, ``\\u202e``) instead. A
spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR as a formula,
so :func:`csv_cell` puts an apostrophe before it (OWASP's CSV-injection rule), unless the cell
is a plain number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["csv_cell", "escape_text", "json_list_chunks", "json_text", "one_line"]

# C0 and C1 control characters and DEL, but newline and tab (kept by escape_text, made spaces
# by one_line); bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). The
# marks (LRM, RLM, ALM) and ZWJ/ZWNJ stay: Persian and Arabic text needs them, they reorder
# nothing around them.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# json.dumps escapes C0 itself but, with ensure_ascii=False, lets DEL, C1 and the bidi
# overrides through
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """``text`` with its lines and tabs kept and every other control character and bidi
    override shown as an escape (``\\x1b``, ``\\x9b``, ``\\u202e``), never acted on."""
    return _UNSAFE.sub(_escape, text)


def one_line(value: Any) -> str:
    """``value`` (None: empty) as one line of escaped text: newlines and tabs become spaces."""
    text = escape_text("" if value is None else str(value))
    return text.replace("\n", " ").replace("\t", " ")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text escaped as :func:`escape_text` does and, when a
    spreadsheet would run it as a formula, behind an apostrophe; numbers (and text that is
    a plain number, such as ``-3``) as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + escape_text(value)
    return escape_text(value)


def json_text(obj: Any, *, indent: int | None = None) -> str:
    """``obj`` as JSON, non-ASCII kept, every control character and bidi override escaped
    (``\\u001b``, ``\\u009b``, ``\\u202e``: the same string to a JSON reader)."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_list_chunks(key: str, items: Iterable[Any]) -> Iterator[str]:
    """``json_text({key: list(items)}, indent=2)`` in pieces, an item at a time (a long list
    is written as it is read, never held as one text)."""
    head = "{\n  " + json_text(key) + ": ["
    empty = True
    for item in items:
        yield (
            (head if empty else ",") + "\n    " + json_text(item, indent=2).replace("\n", "\n    ")
        )
        empty = False
    yield head + "]\n}" if empty else "\n  ]\n}"
