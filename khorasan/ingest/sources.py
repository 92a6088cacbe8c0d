"""Inputs to documents: files, directories, JSONL, web pages and RSS/Atom feeds.

Every input problem becomes a :class:`Failure` for that input (or JSONL line, or feed entry)
and the walk goes on.
"""

from __future__ import annotations

import calendar
import fnmatch
import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser

from khorasan.errors import BadMetadata, InputError, UnreadableInput
from khorasan.ingest.decode import decode_bytes, read_text_file
from khorasan.ingest.document import build_document
from khorasan.ingest.fetch import FetchedPage, fetch_url
from khorasan.ingest.html import looks_like_html
from khorasan.ingest.metadata import find_sidecar, read_sidecar
from khorasan.ingest.options import DEFAULT_INCLUDE, SIDECAR_SUFFIXES, Failure, IngestOptions
from khorasan.model import Document

__all__ = [
    "FeedEntry",
    "FileBudget",
    "cap_files",
    "count_items",
    "empty_walk",
    "feed_entries",
    "iter_documents",
    "iter_units",
    "page_document",
    "page_kind",
    "read_file",
    "record_document",
    "walk_files",
]

Item = Document | Failure
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_XML_TYPES = {"application/xml", "text/xml"} | _FEED_TYPES
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S
)
_XML_START = re.compile(rb"^\s*<\?xml\b")


def _failure(exc: InputError) -> Failure:
    return Failure(exc.subject, exc.reason, exc.kind)


# ------------------------------------------------------------------------------ files


def _is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def _from_file(path: Path, options: IngestOptions) -> Iterator[Item]:
    if _is_sidecar(path):
        yield Failure(str(path), "a metadata or gold sidecar, not a document", "unsupported")
        return
    if path.suffix.lower() == ".jsonl":
        yield from _from_jsonl(path, options)
        return
    try:
        text = read_text_file(path, options.max_bytes)
        sidecar = find_sidecar(path)
        meta = read_sidecar(sidecar) if sidecar else None
        is_html = path.suffix.lower() in _HTML_SUFFIXES or looks_like_html(text)
        yield build_document(text, name=path.name, source=str(path), meta=meta, is_html=is_html)
    except BadMetadata as exc:
        # The sidecar is bad, but the failure is the document's: name it.
        yield Failure(str(path), f"{exc.subject}: {exc.reason}", exc.kind)
    except InputError as exc:
        yield _failure(exc)


def _jsonl_record(line: str, subject: str) -> tuple[str, bool, dict[str, Any]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadMetadata(
            subject, f"invalid JSON: {exc.msg} at column {exc.colno}", kind="bad_jsonl"
        ) from exc
    except RecursionError as exc:
        raise BadMetadata(subject, "JSON nested too deeply", kind="bad_jsonl") from exc
    if not isinstance(record, dict):
        raise BadMetadata(subject, "a JSONL line must be a JSON object", kind="bad_jsonl")
    for field, is_html in (("text", False), ("html", True)):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            return value, is_html, record
    raise BadMetadata(subject, "record has no non-empty 'text' or 'html' string", kind="bad_jsonl")


def record_document(line: str, *, name: str, source: str) -> Item:
    """One JSONL line (a JSON object with ``text`` or ``html`` and metadata) as a Document,
    or its Failure; ``source`` names it (``path:LINE``). The Spark engine reads JSONL and
    Parquet rows through this too."""
    try:
        text, is_html, record = _jsonl_record(line, source)
        return build_document(text, name=name, source=source, meta=record, is_html=is_html)
    except InputError as exc:
        return Failure(source, exc.reason, exc.kind)


def _from_jsonl(path: Path, options: IngestOptions) -> Iterator[Item]:
    try:
        content = read_text_file(path, options.max_bytes)
    except InputError as exc:
        yield _failure(exc)
        return
    for number, line in enumerate(content.split("\n"), start=1):
        if line.strip():
            yield record_document(line, name=f"{path.name}:{number}", source=f"{path}:{number}")


def _matches(path: Path, root: Path, globs: Sequence[str]) -> bool:
    name = path.name.lower()
    relative = path.relative_to(root).as_posix().lower()
    return any(
        fnmatch.fnmatchcase(name, g.lower()) or fnmatch.fnmatchcase(relative, g.lower())
        for g in globs
    )


def walk_files(root: Path, options: IngestOptions) -> list[Path]:
    """The files a directory walk reads, in the order it reads them: sorted, recursive, the
    include globs (default DEFAULT_INCLUDE) less the exclude globs, no hidden folders, no
    sidecars."""
    include = options.include or DEFAULT_INCLUDE
    found: list[Path] = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p.startswith(".") for p in parts) or not path.is_file() or _is_sidecar(path):
            continue  # hidden folders (.git) and sidecars are never documents
        if _matches(path, root, include) and not _matches(path, root, options.exclude):
            found.append(path)
    return found


@dataclass
class FileBudget:
    """Files the folders of one run may still give (``max_files``; None: no cap)."""

    left: int | None

    @classmethod
    def of(cls, options: IngestOptions) -> FileBudget:
        return cls(options.max_files)


def cap_files(root: Path, files: list[Path], options: IngestOptions,
              budget: FileBudget) -> tuple[list[Path], Failure | None]:  # fmt: skip
    """The first of a folder's ``files`` the run's budget allows, and the ``capped`` Failure
    that says how many were skipped (None: all taken). The budget is spent by what is taken."""
    if budget.left is None or len(files) <= budget.left:
        if budget.left is not None:
            budget.left -= len(files)
        return files, None
    taken, budget.left = files[: budget.left], 0
    skipped = len(files) - len(taken)
    return taken, Failure(str(root), f"{skipped} of {len(files)} files skipped: over the cap of "
                          f"{options.max_files} folder files per run", "capped")  # fmt: skip


def empty_walk(root: Path, options: IngestOptions) -> Failure:
    """What a walk that found no file reports."""
    include = options.include or DEFAULT_INCLUDE
    return Failure(str(root), "directory holds no files matching " + " ".join(include), "empty")


# ------------------------------------------------------------------------------- URLs


def _page_text(page: FetchedPage) -> str:
    # The header's charset is used when it decodes cleanly; else the page's own, else detection.
    return decode_bytes(page.body, page.url, declared=page.charset)


def page_kind(page: FetchedPage) -> str:
    """``feed``, ``xml``, ``html``, ``text`` or ``other``, from the media type and the body."""
    if page.content_type in _FEED_TYPES or _FEED_START.match(page.body[:4096]):
        return "feed"
    if page.content_type in _XML_TYPES or _XML_START.match(page.body[:64]):
        return "xml"
    if page.content_type in _HTML_TYPES or looks_like_html(page.body[:2048].decode("latin-1")):
        return "html"
    if page.content_type in ("text/plain", "text/markdown", ""):
        return "text"
    return "other"


def page_document(page: FetchedPage, fallback: dict[str, Any] | None = None) -> Document:
    kind = page_kind(page)
    if kind not in ("html", "text"):
        raise UnreadableInput(
            page.url,
            f"not a web page or text ({page.content_type or 'unknown type'})",
            kind="unsupported",
        )
    if not page.body.strip():
        raise UnreadableInput(page.url, "empty response body", kind="empty")
    return build_document(
        _page_text(page),
        name=page.url,
        source=page.url,
        meta={"url": page.final_url},
        is_html=kind == "html",
        fallback=fallback,
    )


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(parsed)))
    return None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed: its absolute link and what the feed says of it."""

    link: str
    fallback: dict[str, Any]  # url, title, published: a Document's metadata of last resort
    updated: str | None  # the entry's own updated/published stamp, as the feed gives it


def feed_entries(page: FetchedPage) -> list[FeedEntry | Failure]:
    """The entries of an RSS/Atom feed in feed order (a :class:`Failure` for an entry
    without a link); a body that is no feed with entries is one Failure."""
    feed = feedparser.parse(page.body)
    if not feed.entries:
        problem = f": {feed.get('bozo_exception')}" if feed.get("bozo") else ""
        return [Failure(page.url, f"XML but not an RSS/Atom feed with entries{problem}",
                        "not_a_feed")]  # fmt: skip
    out: list[FeedEntry | Failure] = []
    for number, entry in enumerate(feed.entries, start=1):
        link = entry.get("link")
        if not link:
            out.append(Failure(f"{page.url}#entry-{number}", "feed entry has no link",
                               "bad_metadata"))  # fmt: skip
            continue
        link = urljoin(page.final_url, link)
        fallback = {"url": link, "title": entry.get("title"), "published": _entry_date(entry)}
        stamp = entry.get("updated") or entry.get("published")
        out.append(FeedEntry(link, fallback, str(stamp) if stamp else None))
    return out


@dataclass
class _Budget:
    """Feed entries a run may still fetch (an endless feed must not become an endless run)."""

    left: int


def _from_feed(page: FetchedPage, options: IngestOptions, budget: _Budget) -> Iterator[Item]:
    entries = feed_entries(page)
    links = [e for e in entries if isinstance(e, FeedEntry)]
    fetched = 0
    for entry in entries:
        if isinstance(entry, Failure):
            yield entry
            continue
        if fetched >= options.max_feed_entries or budget.left <= 0:
            break
        fetched += 1
        budget.left -= 1
        try:
            yield page_document(fetch_url(entry.link, options), entry.fallback)
        except InputError as exc:
            yield _failure(exc)
    skipped = len(links) - fetched
    if skipped:  # said, never silent: the run did not take everything it was given
        cap = (f"the cap of {options.max_feed_entries} entries per feed"
               if fetched >= options.max_feed_entries
               else f"the cap of {options.max_run_entries} feed entries per run")  # fmt: skip
        yield Failure(page.url, f"{skipped} of {len(links)} feed entries skipped: over {cap}",
                      "capped")  # fmt: skip


def _from_url(url: str, options: IngestOptions, budget: _Budget) -> Iterator[Item]:
    try:
        page = fetch_url(url, options)
        kind = page_kind(page)
        if kind in ("feed", "xml"):
            yield from _from_feed(page, options, budget)
        else:
            yield page_document(page)
    except InputError as exc:
        yield _failure(exc)


# ------------------------------------------------------------------------ front door


def _count_file(path: Path, options: IngestOptions) -> int:
    if path.suffix.lower() != ".jsonl" or _is_sidecar(path):
        return 1
    try:
        if path.stat().st_size > options.max_bytes:
            return 1  # one failure: too large
        with path.open("rb") as f:
            return max(sum(1 for line in f if line.strip()), 1)
    except OSError:
        return 1


def count_items(
    inputs: Sequence[str],
    options: IngestOptions = IngestOptions(),  # noqa: B008 (frozen: safe)
) -> int | None:
    """How many items (documents and failures) :func:`iter_documents` will yield for local
    inputs, found cheaply (a directory walk, JSONL lines counted, nothing parsed); None when
    an input is a URL, whose count is known only once fetched. An estimate for a progress
    bar: a JSONL line that fails counts the same, an unreadable file as one."""
    total = 0
    budget = FileBudget.of(options)
    for raw in inputs:
        if _SCHEME.match(raw):
            if raw.lower().startswith(("http://", "https://")):
                return None
            total += 1
            continue
        path = Path(raw)
        if path.is_dir():
            files, capped = cap_files(path, walk_files(path, options), options, budget)
            total += max(sum(_count_file(p, options) for p in files) + bool(capped), 1)
        else:
            total += _count_file(path, options) if path.is_file() else 1
    return total


def iter_units(
    inputs: Sequence[str],
    options: IngestOptions = IngestOptions(),  # noqa: B008 (frozen: safe)
) -> Iterator[Item | Path]:
    """What :func:`iter_documents` yields, in its order, except that a local file holding one
    document is its Path, still unread: :func:`read_file` reads it (a worker process may).
    JSONL files, sidecars, URLs and feeds are read here, as iter_documents reads them."""
    budget = _Budget(options.max_run_entries)
    file_budget = FileBudget.of(options)
    for raw in inputs:
        if _SCHEME.match(raw):
            if raw.lower().startswith(("http://", "https://")):
                yield from _from_url(raw, options, budget)
            else:
                yield Failure(
                    raw, "only files, directories and http(s) URLs are read", "unsupported"
                )
            continue
        path = Path(raw)
        if path.is_dir():
            files = walk_files(path, options)
            taken, capped = cap_files(path, files, options, file_budget)
            for found in taken:
                yield from _file_units(found, options)
            if capped is not None:  # said, never silent, as a feed cut short is
                yield capped
            if not files:
                yield empty_walk(path, options)
        elif path.is_file():
            yield from _file_units(path, options)
        else:
            yield Failure(raw, "no such file or directory", "not_found")


def _file_units(path: Path, options: IngestOptions) -> Iterator[Item | Path]:
    if _is_sidecar(path) or path.suffix.lower() == ".jsonl":
        yield from _from_file(path, options)  # a failure, or many documents: read here
    else:
        yield path


def read_file(path: Path, options: IngestOptions) -> Item:
    """The one document of a local file :func:`iter_units` named (or its Failure)."""
    for item in _from_file(path, options):
        return item
    raise AssertionError(f"{path}: no item")  # _from_file yields one for such a file


def iter_documents(
    inputs: Sequence[str],
    options: IngestOptions = IngestOptions(),  # noqa: B008 (frozen: safe)
) -> Iterator[Item]:
    """Yield a :class:`Document` per readable input and a :class:`Failure` per bad one.

    Inputs are files, directories (walked recursively in sorted order), JSONL files (one
    document per line), http(s) URLs of pages, and URLs of RSS/Atom feeds (each entry fetched,
    up to ``max_feed_entries`` per feed and ``max_run_entries`` in all; one ``capped``
    Failure per feed says how many were skipped). Folders give at most ``max_files`` files
    in all (None: every file), the first in their sorted order; one ``capped`` Failure per
    folder cut short.
    """
    for unit in iter_units(inputs, options):
        yield read_file(unit, options) if isinstance(unit, Path) else unit
