"""A horizontal time axis for the server-rendered charts: ISO dates at any precision (a year,
a month, a day) as spans of fractional years, mapped to x and labelled by year."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date

__all__ = ["TimeAxis", "Tick", "year_span"]

MAX_TICKS = 12


def year_span(value: str | None) -> tuple[float, float] | None:
    """ "2019" -> (2019.0, 2020.0); "2019-04" -> April as a twelfth of 2019; a day -> that
    day; None when ``value`` is no ISO date (prefix)."""
    if not value:
        return None
    parts = str(value)[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return float(year), year + 1.0
        month = int(parts[1])
        if len(parts) == 2:
            return year + (month - 1) / 12, year + month / 12
        day = Date(year, month, int(parts[2])).timetuple().tm_yday
    except (ValueError, IndexError):
        return None
    days = 366 if Date(year, 12, 31).timetuple().tm_yday == 366 else 365
    return year + (day - 1) / days, year + day / days


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """Whole years from ``lo`` to ``hi`` drawn from ``left`` over ``width`` pixels."""

    lo: int
    hi: int
    left: float
    width: float

    @classmethod
    def over(cls, dates: Iterable[str | None], left: float, width: float) -> TimeAxis | None:
        spans = [s for s in (year_span(d) for d in dates) if s is not None]
        if not spans:
            return None
        lo = math.floor(min(s[0] for s in spans))
        hi = max(math.ceil(max(s[1] for s in spans)), lo + 1)
        return cls(lo, hi, left, width)

    def x(self, year: float) -> float:
        return round(self.left + (year - self.lo) / (self.hi - self.lo) * self.width, 2)

    def span(self, value: str | None) -> tuple[float, float] | None:
        """The x of a date's first and last instant."""
        s = year_span(value)
        return (self.x(s[0]), self.x(s[1])) if s else None

    def mid(self, value: str | None) -> float | None:
        s = self.span(value)
        return round((s[0] + s[1]) / 2, 2) if s else None

    def ticks(self) -> list[Tick]:
        years = self.hi - self.lo
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 10**6) if years / s <= MAX_TICKS)
        first = -(-self.lo // step) * step
        return [Tick(self.x(y), str(y)) for y in range(first, self.hi + 1, step)]
