"""Reading and validating knowledge-base CSV files; every error names file:line and field."""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from pathlib import Path

from khorasan.errors import KnowledgeBaseError

DATA_DIR = Path(__file__).resolve().parent / "data"


class Row:
    """One CSV record with the location needed for error messages."""

    __slots__ = ("fields", "file", "line")

    def __init__(self, file: str, line: int, fields: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self.fields = fields

    def error(self, field: str, reason: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{self.file}:{self.line}", f"field '{field}': {reason}")

    def text(self, field: str, *, required: bool = True) -> str:
        value = (self.fields.get(field) or "").strip()
        if required and not value:
            raise self.error(field, "is empty")
        return value

    def choice(self, field: str, allowed: Collection[str], *, required: bool = True) -> str:
        value = self.text(field, required=required)
        if value and value not in allowed:
            raise self.error(field, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def number(self, field: str, low: float, high: float) -> float | None:
        value = self.text(field, required=False)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(field, f"{value!r} is not a number") from None
        if not low <= number <= high:
            raise self.error(field, f"{value} is outside [{low}, {high}]")
        return number

    def items(self, field: str, sep: str = "|") -> tuple[str, ...]:
        return tuple(x.strip() for x in self.text(field, required=False).split(sep) if x.strip())


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[Row]:
    """Yield the data rows of ``path``; the header must hold exactly ``columns``."""
    name = path.name
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise KnowledgeBaseError(f"{name}:0", f"cannot be read ({exc.strerror})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise KnowledgeBaseError(f"{name}:1", f"unreadable header ({exc})") from None
        if header is None or tuple(h.strip() for h in header) != columns:
            raise KnowledgeBaseError(f"{name}:1", f"header must be {','.join(columns)}")
        line = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                raise KnowledgeBaseError(f"{name}:{line + 1}", f"unreadable row ({exc})") from None
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                raise KnowledgeBaseError(
                    f"{name}:{line}", f"has {len(record)} fields, expected {len(columns)}"
                )
            yield Row(name, line, dict(zip(columns, record, strict=True)))


def check_unique(row: Row, field: str, value: str, seen: set[str]) -> None:
    if value in seen:
        raise row.error(field, f"{value!r} is a duplicate")
    seen.add(value)
