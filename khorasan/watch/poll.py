"""Polling: each due source fetched (conditionally), its new entries read, stored and fused.

One poll of one source: ask for the listing (feed, sitemap or page) with the validators of the
last answer (``If-None-Match`` / ``If-Modified-Since``), so an unchanged source costs one
request and stores nothing; take the entries the store does not hold yet (by URL; a feed or
sitemap entry whose own updated stamp changed is read again); fetch them concurrently; store
and fuse them as ``ingest`` does (:func:`khorasan.pipeline.store_documents`); save the
source's state. Validators are saved only when every entry was read, so an entry that failed
(or a poll cut short by a restart) is asked for again next time; entries stored before the
cut are skipped by their URL, so nothing is lost or stored twice.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from khorasan.errors import FetchError, InputError, KhorasanError
from khorasan.ingest import (
    Failure,
    FeedEntry,
    FetchedPage,
    IngestOptions,
    feed_entries,
    iter_documents,
    page_document,
    page_kind,
)
from khorasan.model import Document
from khorasan.pipeline import store_documents
from khorasan.store import Store
from khorasan.watch.polite import Counter, PoliteClient, WatchOptions
from khorasan.watch.sources import Source, matches

__all__ = ["PollReport", "poll", "poll_source"]

log = logging.getLogger("khorasan.watch")
MAX_BACKOFF = 8  # a failing source is polled at most this many intervals apart
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OnStored = Callable[[Store, list[str]], None]


@dataclass(slots=True)
class PollReport:
    """One poll of one source: the structured log line."""

    source: str
    kind: str
    status: str = "ok"  # ok, not_modified, error
    new: int = 0  # documents stored with new records
    skipped: int = 0  # entries already stored (or filtered out)
    failed: int = 0  # entries that could not be read
    requests: int = 0
    events: int = 0  # events written by this poll's fusion
    seconds: float = 0.0
    error: str | None = None
    document_ids: list[str] = field(default_factory=list)

    def line(self) -> dict[str, Any]:
        out = asdict(self)
        del out["document_ids"]
        out["seconds"] = round(self.seconds, 3)
        return out


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# ------------------------------------------------------------------------- listings
def _conditional(state: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def _xml_root(page: FetchedPage) -> Any:
    # no entities, no DTD, no network: a hostile sitemap cannot expand or reach out
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)  # fmt: skip
    try:
        return etree.fromstring(page.body, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(page.url, f"not a sitemap: {exc}", kind="not_a_sitemap") from exc


def _sitemap(page: FetchedPage) -> tuple[list[FeedEntry], list[str]]:
    """A sitemap's page entries, and the child sitemaps of a sitemap index."""
    root = _xml_root(page)
    if root is None or not isinstance(root.tag, str):
        raise InputError(page.url, "not a sitemap: empty document", kind="not_a_sitemap")
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise InputError(page.url, f"not a sitemap: root element <{tag}>", kind="not_a_sitemap")
    entries, children = [], []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = node.findtext(f"{_SITEMAP_NS}loc") or node.findtext("loc")
        if not loc or not loc.strip():
            continue
        stamp = node.findtext(f"{_SITEMAP_NS}lastmod") or node.findtext("lastmod")
        if tag == "sitemapindex":
            children.append(loc.strip())
        else:
            entries.append(FeedEntry(loc.strip(), {"url": loc.strip()},
                                     stamp.strip() if stamp else None))  # fmt: skip
    return entries, children


# ------------------------------------------------------------------------------ poll
class _Poll:
    """The work of one source's poll."""

    def __init__(self, source: Source, state: dict[str, Any], store: Store,
                 client: PoliteClient, pool: ThreadPoolExecutor) -> None:  # fmt: skip
        self.source, self.state, self.store = source, state, store
        self.client, self.pool = client, pool
        self.counter = Counter()
        self.report = PollReport(source.key, source.kind)
        self.validators: dict[str, Any] = {}  # to save when the poll read everything
        self.complete = True
        self.stamps: dict[str, str] = {}

    def _get(self, url: str, conditional: bool = False) -> FetchedPage:
        page = self.client.get(url, self.counter, _conditional(self.state) if conditional
                               else None)  # fmt: skip
        if page.status >= 400:
            raise FetchError(url, f"HTTP {page.status}", kind="http_error")
        return page

    def _listing(self) -> FetchedPage | None:
        """The source's own URL, asked conditionally; None when not modified."""
        page = self._get(self.source.url, conditional=True)
        if page.status == 304:
            self.report.status = "not_modified"
            return None
        self.validators = {"etag": page.headers.get("etag"),
                           "last_modified": page.headers.get("last-modified")}  # fmt: skip
        return page

    def _fallback(self, entry: FeedEntry) -> dict[str, Any]:
        return {**entry.fallback, "outlet": self.source.outlet}

    def _read_entry(self, entry: FeedEntry) -> Document | Failure:
        try:
            doc = page_document(self._get(entry.link), self._fallback(entry))
        except InputError as exc:
            return Failure(exc.subject, exc.reason, exc.kind)
        if self.source.language:
            doc.extra["language"] = self.source.language
        return doc

    def _todo(self, entries: Sequence[FeedEntry]) -> list[FeedEntry]:
        """The entries to read: new URLs, and known ones whose stamp changed."""
        wanted = [e for e in entries if matches(e.link, self.source)]
        self.report.skipped += len(entries) - len(wanted)
        known = self.store.known_urls(e.link for e in wanted)
        old = self.state.get("stamps") or {}
        todo, seen = [], set()
        for entry in wanted:
            if entry.link in seen:
                continue
            seen.add(entry.link)
            if entry.updated:
                self.stamps[entry.link] = entry.updated
            before = old.get(entry.link)
            changed = entry.updated is not None and before not in (None, entry.updated)
            if entry.link in known and not changed:
                self.report.skipped += 1
            else:
                todo.append(entry)
        if len(todo) > self.client.options.max_entries:
            todo, self.complete = todo[: self.client.options.max_entries], False
        return todo

    def _entries(self, page: FetchedPage) -> list[FeedEntry]:
        if self.source.kind == "sitemap":
            entries, children = _sitemap(page)
            for child in children[: self.client.options.max_sitemaps]:
                try:
                    entries += _sitemap(self._get(child))[0]
                except InputError as exc:
                    self._fail(Failure(exc.subject, exc.reason, exc.kind))
            return entries
        if page_kind(page) not in ("feed", "xml"):
            raise InputError(page.url, f"not a feed ({page.content_type or 'unknown type'})",
                             kind="not_a_feed")  # fmt: skip
        entries = []
        for item in feed_entries(page):
            if isinstance(item, Failure):
                if item.kind == "not_a_feed":
                    raise InputError(item.subject, item.reason, kind=item.kind)
                self._fail(item)
            else:
                entries.append(item)
        if not entries and self.report.failed:
            raise InputError(page.url, "malformed feed: no entry with a link", kind="not_a_feed")
        return entries

    def _fail(self, failure: Failure) -> None:
        self.report.failed += 1
        self.complete = False
        log.warning("%s", json.dumps({"source": self.source.key, "entry": failure.subject,
                                      "error": failure.reason}))  # fmt: skip

    def _documents(self) -> Iterable[Document | Failure]:
        if self.source.kind == "folder":
            globs = tuple(p for p in self.source.include if not p.startswith("re:"))
            skip = tuple(p for p in self.source.exclude if not p.startswith("re:"))
            options = IngestOptions(include=globs, exclude=skip)
            regexes = Source(self.source.url, "folder", 0, "",
                             include=tuple(p for p in self.source.include if p.startswith("re:")),
                             exclude=tuple(p for p in self.source.exclude
                                           if p.startswith("re:")))  # fmt: skip
            for item in iter_documents([self.source.url], options):
                if isinstance(item, Document) and not matches(item.source, regexes):
                    continue
                if isinstance(item, Document) and item.outlet is None:
                    item.outlet = self.source.outlet
                yield item
            return
        page = self._listing()
        if page is None:
            return
        if self.source.kind == "page":
            yield page_document(page, {"url": page.final_url, "outlet": self.source.outlet})
            return
        todo = self._todo(self._entries(page))
        # fetched concurrently, stored in feed order as each arrives (one writer)
        yield from self.pool.map(self._read_entry, todo)

    def run(self, on_item: Callable[[Document | Failure], None] | None = None) -> None:
        def count(item: Document | Failure) -> None:
            if isinstance(item, Failure):
                self._fail(item)
            if on_item is not None:
                on_item(item)

        summary, stored = store_documents(self._documents(), self.store, on_item=count)
        summary_failures = [f for f in summary.failures if f.kind in ("store_error",
                                                                      "fuse_error")]  # fmt: skip
        if summary_failures:
            raise KhorasanError(summary_failures[0].subject, summary_failures[0].reason)
        self.report.new = summary.ingested + summary.completed
        self.report.skipped += summary.already + summary.duplicates
        self.report.events = summary.events
        self.report.document_ids = stored


def _next_due(source: Source, errors: int, now: datetime) -> datetime:
    return now + timedelta(seconds=source.interval * min(2**errors, MAX_BACKOFF))


def poll_source(
    source: Source,
    store: Store,
    client: PoliteClient,
    pool: ThreadPoolExecutor,
    *,
    on_item: Callable[[Document | Failure], None] | None = None,
) -> PollReport:
    """Poll one source now and save its state; any trouble is the report's ``error`` (the
    next poll comes later the more polls in a row failed)."""
    started = time.perf_counter()
    state = store.source_states().get(source.key, {})
    work = _Poll(source, state, store, client, pool)
    now = _now()
    try:
        work.run(on_item)
    except KhorasanError as exc:
        work.report.status, work.report.error = "error", f"{exc.subject}: {exc.reason}"
    except Exception as exc:  # a hostile source must not stop the watch: log and go on
        log.exception("unexpected error polling %s", source.key)
        work.report.status = "error"
        work.report.error = f"{source.key}: {exc.__class__.__name__}: {exc}"
    report = work.report
    report.requests = work.counter.value
    errors = (int(state.get("errors") or 0) + 1) if report.status == "error" else 0
    values: dict[str, Any] = {"last_poll": _iso(now), "errors": errors,
                              "next_due": _iso(_next_due(source, errors, now)),
                              "last_error": report.error}  # fmt: skip
    if report.status == "ok":
        if work.complete:  # else the next poll asks for everything again
            values.update(work.validators)
        else:
            values.update(etag=None, last_modified=None)
        if source.kind in ("feed", "sitemap"):
            values["stamps"] = work.stamps
    store.save_source_state(source.key, **values)
    report.seconds = time.perf_counter() - started
    return report


def _due(sources: Sequence[Source], store: Store, now: datetime) -> list[Source]:
    states = store.source_states()
    due = []
    for source in sources:
        next_due = (states.get(source.key) or {}).get("next_due")
        if not next_due or datetime.fromisoformat(next_due) <= now:
            due.append(source)
    return due


def _seconds_to_next(sources: Sequence[Source], store: Store, now: datetime) -> float:
    states = store.source_states()
    dues = [(states.get(src.key) or {}).get("next_due") for src in sources]
    waits = [(datetime.fromisoformat(d) - now).total_seconds() for d in dues if d]
    return max(0.0, min(waits, default=0.0))


def poll(
    store: Store,
    sources: Sequence[Source],
    options: WatchOptions | None = None,
    *,
    once: bool = True,
    on_stored: OnStored | None = None,
    on_report: Callable[[PollReport], None] | None = None,
    stop: threading.Event | None = None,
    max_sleep: float = 60.0,
) -> list[PollReport]:
    """Poll the sources: ``once`` polls every source one time and returns; otherwise each
    source is polled whenever it is due (per its interval, its state in the store) until
    ``stop`` is set. After each poll that stored something, ``on_stored(store, ids)`` is
    called with the new documents' ids (alerts hook on here); ``on_report`` gets each poll's
    report (else it is logged as one JSON line on the ``khorasan.watch`` logger)."""
    options = options or WatchOptions()
    stop = stop or threading.Event()
    reports: list[PollReport] = []

    def one(source: Source) -> None:
        report = poll_source(source, store, client, pool)
        reports.append(report)
        if on_report is not None:
            on_report(report)
        else:
            log.info("%s", json.dumps(report.line()))
        if report.document_ids and on_stored is not None:
            on_stored(store, list(report.document_ids))

    with PoliteClient(options) as client, ThreadPoolExecutor(max(1, options.workers)) as pool:
        if once:
            for source in sources:
                one(source)
            return reports
        while not stop.is_set():
            for source in _due(sources, store, _now()):
                if stop.is_set():
                    break
                one(source)
            stop.wait(min(max_sleep, max(1.0, _seconds_to_next(sources, store, _now()))))
    return reports
