"""The sources file: what ``khorasan watch`` polls, as TOML ``[[source]]`` tables.

::

    [[source]]
    name = "wire-asia"                      # optional; the key of its state (else the url)
    url = "https://example.org/asia.rss"    # or a folder path for kind = "folder"
    kind = "feed"                           # feed | page | sitemap | folder
    interval = "15m"                        # s, m, h or d
    outlet = "Example Wire"
    language = "en"                         # optional
    include = ["*/asia/*"]                  # optional: globs, or "re:PATTERN" regexes,
    exclude = ["re:/video/"]                # on entry URLs (file paths for a folder)

Read with :mod:`tomllib`; written back by :func:`write_sources` (a small writer: the file
holds only strings and lists of strings).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from khorasan.errors import ConfigError

__all__ = [
    "DEFAULT_SOURCES",
    "KINDS",
    "Source",
    "check_sources",
    "default_path",
    "load_sources",
    "matches",
    "parse_interval",
    "read_entries",
    "source_from_entry",
    "write_sources",
]

DEFAULT_SOURCES = "sources.toml"
KINDS = ("feed", "page", "sitemap", "folder")
FIELDS = ("name", "url", "kind", "interval", "outlet", "language", "include", "exclude")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 10.0  # seconds: politeness, not a poll loop
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class Source:
    """One watched source, checked."""

    url: str
    kind: str
    interval: float  # seconds
    outlet: str
    name: str | None = None
    language: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    interval_text: str = ""  # as written ("15m")

    @property
    def key(self) -> str:
        """What its state is stored under: its name, else its URL."""
        return self.name or self.url

    def as_entry(self) -> dict[str, Any]:
        """The TOML table that writes it back."""
        entry: dict[str, Any] = {"name": self.name, "url": self.url, "kind": self.kind,
                                 "interval": self.interval_text, "outlet": self.outlet,
                                 "language": self.language, "include": list(self.include),
                                 "exclude": list(self.exclude)}  # fmt: skip
        return {k: v for k, v in entry.items() if v not in (None, [], "")}


def default_path(path: str | Path | None = None) -> Path:
    """``path``, else ``$KHORASAN_SOURCES``, else ``./sources.toml``."""
    return Path(path or os.environ.get("KHORASAN_SOURCES") or DEFAULT_SOURCES)


def parse_interval(value: object, subject: str = "interval") -> float:
    """``"15m"`` -> 900.0 seconds; :class:`ConfigError` naming ``subject`` otherwise."""
    match = _INTERVAL.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(subject, f"{value!r} is not an interval like '30s', '15m', '2h', '1d'")
    seconds = float(match.group(1)) * _UNIT[match.group(2)]
    if seconds < MIN_INTERVAL:
        raise ConfigError(subject, f"{value!r} is under the {MIN_INTERVAL:g} s minimum")
    return seconds


def _patterns(value: object, subject: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(subject, "must be a pattern or a list of patterns (strings)")
    for pattern in value:
        if pattern.startswith("re:"):
            try:
                re.compile(pattern[3:])
            except re.error as exc:
                raise ConfigError(subject, f"bad regex {pattern!r}: {exc}") from exc
    return tuple(value)


def _text(entry: dict[str, Any], field: str, subject: str, required: bool) -> str | None:
    value = entry.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{subject}: {field}", "missing" if value is None else
                          "must be a non-empty string")  # fmt: skip
    return value.strip()


def source_from_entry(entry: object, subject: str, base: Path | None = None) -> Source:
    """One ``[[source]]`` table checked into a :class:`Source`; a bad field raises
    :class:`ConfigError` whose subject names the entry and the field (``source 2 (x): kind``).
    A folder's relative path is taken from ``base`` (the sources file's folder)."""
    if not isinstance(entry, dict):
        raise ConfigError(subject, "must be a table")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise ConfigError(f"{subject}: {unknown[0]}", f"unknown field; known: {', '.join(FIELDS)}")
    name = _text(entry, "name", subject, required=False)
    kind = _text(entry, "kind", subject, required=True)
    if kind not in KINDS:
        raise ConfigError(f"{subject}: kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    url = _text(entry, "url", subject, required=True)
    assert url is not None
    if kind == "folder":
        folder = Path(url).expanduser()
        if base is not None and not folder.is_absolute():
            folder = base / folder
        if not folder.is_dir():
            raise ConfigError(f"{subject}: url", f"no such folder {url!r}")
        url = str(folder)
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{subject}: url", f"{url!r} is not an http(s) URL")
    interval_text = _text(entry, "interval", subject, required=True)
    interval = parse_interval(interval_text, f"{subject}: interval")
    outlet = _text(entry, "outlet", subject, required=True)
    language = _text(entry, "language", subject, required=False)
    if language is not None and not _LANGUAGE.match(language):
        raise ConfigError(f"{subject}: language", f"{language!r} is not a language code ('en')")
    return Source(url=url, kind=kind, interval=interval, outlet=outlet or "", name=name,
                  language=language, include=_patterns(entry.get("include"),
                                                       f"{subject}: include"),
                  exclude=_patterns(entry.get("exclude"), f"{subject}: exclude"),
                  interval_text=interval_text or "")  # fmt: skip


def _label(number: int, entry: object) -> str:
    name = entry.get("name") or entry.get("url") if isinstance(entry, dict) else None
    return f"source {number}" + (f" ({name})" if isinstance(name, str) else "")


def read_entries(path: str | Path) -> list[Any]:
    """The raw ``[[source]]`` tables of a sources file ([] when the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise ConfigError(str(path), "'source' must be an array of tables ([[source]])")
    return entries


def check_sources(path: str | Path) -> tuple[list[Source], list[ConfigError]]:
    """Every entry of a sources file checked: the good ones, and one error per bad one (its
    subject names the entry and the field). Two entries with the same key are an error."""
    path = Path(path)
    good: list[Source] = []
    bad: list[ConfigError] = []
    seen: set[str] = set()
    for number, entry in enumerate(read_entries(path), start=1):
        label = _label(number, entry)
        try:
            source = source_from_entry(entry, label, path.parent)
        except ConfigError as exc:
            bad.append(exc)
            continue
        if source.key in seen:
            field = "name" if source.name else "url"
            bad.append(ConfigError(f"{label}: {field}", f"{source.key!r} is listed twice"))
            continue
        seen.add(source.key)
        good.append(source)
    return good, bad


def load_sources(path: str | Path) -> list[Source]:
    """The sources of a file; the first bad entry raises :class:`ConfigError`."""
    if not Path(path).exists():
        raise ConfigError(str(path), "no such sources file ('khorasan sources add' makes one)")
    good, bad = check_sources(path)
    if bad:
        raise bad[0]
    return good


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # a JSON string is a valid TOML basic string (same escapes, \\uXXXX included)
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def write_sources(path: str | Path, entries: Sequence[dict[str, Any]]) -> None:
    """Write ``entries`` as ``[[source]]`` tables (replacing the file, atomically)."""
    path = Path(path)
    blocks = []
    for entry in entries:
        lines = ["[[source]]"]
        lines += [f"{k} = {_toml_value(entry[k])}" for k in FIELDS if k in entry]
        blocks.append("\n".join(lines))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n\n".join(blocks) + ("\n" if blocks else ""), encoding="utf-8")
    os.replace(tmp, path)


def matches(value: str, source: Source) -> bool:
    """Whether the source's include and exclude patterns let ``value`` (a URL) through."""

    def hit(pattern: str) -> bool:
        if pattern.startswith("re:"):
            return re.search(pattern[3:], value) is not None
        return fnmatch.fnmatchcase(value, pattern)

    if source.include and not any(hit(p) for p in source.include):
        return False
    return not any(hit(p) for p in source.exclude)
