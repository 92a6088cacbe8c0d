"""The date a news URL files its article under, shared by ingest (publication date) and annotate
(the year of "April 29" when a page has no publication date).

News sites put the date in the path in a few common shapes; each is read only where it cannot be
an id or an event named in the headline slug:

- numeric folders: ``/2024/03/29/``, ``/2024/3/9/``, ``/2024/03/``, ``/2024-03-29-slug``,
  ``/2024-03/``;
- a month name: ``/2024/mar/29/``, ``/2024/march/``, ``/29-mar-2024/``, ``/mar-29-2024/`` (a
  whole path segment: ``/attack-on-march-22-2024`` names the event, not the filing);
- eight digits: ``/20240329/``, ``-20240329-`` (bounded, so a longer story id never matches);
- ``2024-03-29`` inside a slug (``kabul-blast-2024-03-29.html``), day precision only;
- a query field named for a date: ``?date=2024-03-29``, ``?published=20240329``.

A year alone (``/2022/slug``) is not read: it may be a section or an id, and a filing date is at
least a month. A day that does not exist (``/2021/02/30/``) leaves the month of a numeric folder;
years run from :data:`YEAR_MIN` to next year.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["MONTH_NUMBERS", "YEAR_MIN", "date_from_url"]

MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
YEAR_MIN = 1990  # no news URL files an article earlier; older-looking numbers are ids
# Query fields whose value is the article's date (``from``/``to`` of a search are not).
DATE_QUERY_FIELDS = frozenset(
    {"date", "pubdate", "pub_date", "published", "publishdate", "publish_date", "publishedat"}
)

_Y = r"(?P<y>(?:19|20)\d\d)"
_M = r"(?P<m>0?[1-9]|1[0-2])"
_MM = r"(?P<m>0[1-9]|1[0-2])"
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_DD = r"(?P<d>0[1-9]|[12]\d|3[01])"
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_SEG = r"(?<![^/])"  # at the start of a path segment
_END = r"(?=/|$)"  # at the end of a path segment
_NEXT = r"(?=[/_.-]|$)"  # a slug or a file suffix may follow
# (pattern, day required): tried in order on the path, the leftmost match of each compared
_PATH_SHAPES: list[tuple[re.Pattern[str], bool]] = [
    # /2024/03/29/, /2024/3/9/, /2024/03/ (one-digit parts only between slashes)
    (re.compile(rf"{_SEG}{_Y}/{_M}(?:/{_D})?{_NEXT}"), False),
    # /2024-03-29-slug, /2024-03/
    (re.compile(rf"{_SEG}{_Y}-{_MM}(?:-{_DD})?{_NEXT}"), False),
    # /2024/mar/29/, /2024/march/
    (re.compile(rf"{_SEG}{_Y}/{_MON}(?:/{_D}{_NEXT}|{_END})", re.I), False),
    # /29-mar-2024/, /mar-29-2024/ (a whole segment)
    (re.compile(rf"{_SEG}{_D}[-_ ]{_MON}[-_ ]{_Y}{_END}", re.I), True),
    (re.compile(rf"{_SEG}{_MON}[-_ ]{_D}[-_ ]{_Y}{_END}", re.I), True),
    # 20240329 between separators
    (re.compile(rf"(?<![^/_.-]){_Y}{_MM}{_DD}{_NEXT}"), True),
    # slug-2024-03-29, slug_2024_03_29
    (re.compile(rf"(?<=[_-]){_Y}(?P<sep>[-_]){_MM}(?P=sep){_DD}{_NEXT}"), True),
]
_QUERY_VALUE = re.compile(rf"{_Y}(?P<sep>[-/]?){_MM}(?P=sep){_DD}(?:[T ].*)?")


def _iso(m: re.Match[str], day_required: bool) -> str | None:
    parts = m.groupdict()
    year = int(parts["y"])
    if not YEAR_MIN <= year <= dt.date.today().year + 1:
        return None
    month = MONTH_NUMBERS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["m"])
    if parts.get("d") is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, int(parts["d"])).isoformat()
    except ValueError:  # 30 February: not a day, and for a bare number not a date at all
        return None if day_required else f"{year:04d}-{month:02d}"


def date_from_url(url: str | None) -> str | None:
    """The date a URL files the article under, as ISO at the precision it gives (day or month).

    >>> date_from_url("https://example.org/2024/04/some-story/")
    '2024-04'
    >>> date_from_url("https://example.org/world/2017/jun/15/story")
    '2017-06-15'
    """
    if not url:
        return None
    parts = urlsplit(url)
    path = unquote(parts.path)
    found: list[tuple[int, str]] = []
    for shape, day_required in _PATH_SHAPES:
        m = shape.search(path)
        if m and (iso := _iso(m, day_required)):
            found.append((m.start(), iso))
    if found:
        # leftmost wins: the folder a site files under comes before the slug
        return min(found, key=lambda f: (f[0], -len(f[1])))[1]
    for key, value in parse_qsl(parts.query):
        if key.lower() in DATE_QUERY_FIELDS and (m := _QUERY_VALUE.fullmatch(value.strip())):
            if iso := _iso(m, True):
                return iso
    return None
