"""The orchestrator: the only place that calls the stages in order.

    sources -> ingest -> extract (annotate inside) -> store (one transaction per document)
            -> fuse (once per run; completes whatever an earlier run left unfused)

With ``workers`` > 1 extraction runs in a process pool (:mod:`khorasan.workers`) and this
process stays the one writer: it stores and fuses, taking the extracted records in input
order, so the store ends the same whatever the number of workers. Local files are read and
cleaned in the workers too (URLs, feeds and JSONL are read here).

Front doors (re-exported by ``khorasan``): :func:`open_store`, :func:`ingest`,
:func:`extract_text`, :func:`extract_file`, :func:`reextract`, :func:`fuse`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khorasan.errors import FetchError, KhorasanError, UnreadableInput
from khorasan.extract import EXTRACTOR_VERSION, extract_document
from khorasan.fuse import FuseSummary, update_events
from khorasan.fuse import fuse as _fuse_all
from khorasan.ingest import Failure, IngestOptions, document_from_text, iter_documents
from khorasan.ingest.decode import decode_bytes
from khorasan.ingest.sources import iter_units, read_file
from khorasan.model import RECORD_KINDS, Document, Event
from khorasan.store import DocumentWriter, Store
from khorasan.workers import Extracted, ExtractPool, Read, ReadTask, extract_safely

__all__ = [
    "REPORT_MAX_BYTES",
    "IngestSummary",
    "Report",
    "ReextractSummary",
    "extract_file",
    "extract_files",
    "extract_text",
    "fuse",
    "ingest",
    "add_report",
    "open_store",
    "reextract",
    "store_documents",
]

REEXTRACT_BATCH = 50  # documents read from the store at once by reextract
# ingest of local inputs commits documents in groups (a commit costs about as much as storing
# a document): at most this many, holding the write lock at most about this long
WRITE_GROUP_DOCUMENTS = 200
WRITE_GROUP_SECONDS = 0.8
REPORT_MAX_BYTES = 2_000_000  # one report added by hand (a URL's page, a file, pasted text)
_HTML_START = ("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p>")


def open_store(url: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (and migrate) a store: a SQLite file path or a SQLAlchemy URL; None reads
    ``$KHORASAN_DB``, else ``./khorasan.db``. ``create=False`` refuses a missing file."""
    return Store(str(url) if url is not None else None, create=create)


@dataclass(slots=True)
class IngestSummary:
    """Counts of one ingest run."""

    ingested: int = 0
    wire_copies: int = 0
    duplicates: int = 0
    already: int = 0
    completed: int = 0  # stored earlier without records, extracted now
    incidents: int = 0
    events: int = 0  # events written by this run's fusion
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(f.kind for f in self.failures))

    def as_dict(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "wire_copies": self.wire_copies,
            "duplicates": self.duplicates,
            "already_stored": self.already,
            "completed": self.completed,
            "incident_mentions": self.incidents,
            "events_written": self.events,
            "failed": len(self.failures),
            "skipped_by_reason": self.skipped_by_reason,
            "seconds": round(self.seconds, 3),
        }


def ingest(
    inputs: str | Path | Sequence[str | Path],
    store: Store,
    options: IngestOptions | None = None,
    *,
    extract: bool = True,
    on_item: Callable[[Document | Failure], None] | None = None,
    workers: int = 1,
) -> IngestSummary:
    """Read every input (files, folders, JSONL, URLs, feeds), extract its records and store
    each document with them in one transaction; then fuse what the run stored (and anything
    an earlier run stored but could not fuse). A bad input is a :class:`Failure` in the
    summary and the batch goes on. ``workers`` > 1 extracts in that many processes (the
    stored result is the same; a script doing so needs an ``if __name__ == "__main__":``
    guard on platforms without ``fork``)."""
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    options = options or IngestOptions()
    names = [str(i) for i in inputs]
    # read from local files only: no fetch (seconds) waits while a group holds the write lock
    local = not any(n.lower().startswith(("http://", "https://")) for n in names)
    if not extract or workers <= 1:
        items = iter_documents(names, options)
        return _store_items(items, store, extract=extract, on_item=on_item, workers=workers,
                            doc_seconds=options.doc_seconds, grouped=local)[0]  # fmt: skip
    # local files are read and cleaned in the workers too: the writer here only stores
    units = (ReadTask(u, options) if isinstance(u, Path) else u for u in iter_units(names, options))
    return _store_items(units, store, extract=True, on_item=on_item, workers=workers,
                        doc_seconds=options.doc_seconds, grouped=local)[0]  # fmt: skip


def store_documents(
    items: Iterable[Document | Failure],
    store: Store,
    *,
    extract: bool = True,
    on_item: Callable[[Document | Failure], None] | None = None,
    workers: int = 1,
    extractor: Callable[[Document], dict[str, Any]] | None = None,
    doc_seconds: float | None = IngestOptions.doc_seconds,
) -> tuple[IngestSummary, list[str]]:
    """What :func:`ingest` does with documents already read (``khorasan watch`` reads its
    own): extract and store each, then fuse. Returns the summary and the ids of the
    documents stored with new records. A document whose extraction raises is a Failure
    (kind ``extract_error``, passed to ``on_item`` in its place). ``extractor`` gives a
    document's records (the Spark engine's are extracted already). ``doc_seconds``: each
    document's extraction time budget; one over it is a Failure of kind ``timeout``."""
    return _store_items(items, store, extract=extract, on_item=on_item, workers=workers,
                        extractor=extractor, doc_seconds=doc_seconds)  # fmt: skip


def _store_items(
    items: Iterable[Document | Failure | ReadTask],
    store: Store,
    *,
    extract: bool = True,
    on_item: Callable[[Document | Failure], None] | None = None,
    workers: int = 1,
    extractor: Callable[[Document], dict[str, Any]] | None = None,
    doc_seconds: float | None = None,
    grouped: bool = False,
) -> tuple[IngestSummary, list[str]]:
    """:func:`store_documents`, where an item may be a file still to read (a ReadTask: only
    with ``workers`` > 1 and ``extract``). ``grouped``: the items are read from local
    inputs (no fetch waits with the write lock held), so documents are committed in groups
    (WRITE_GROUP_DOCUMENTS, WRITE_GROUP_SECONDS), each item reported once its group is
    committed; else each document is committed alone, as soon as stored."""
    summary = IngestSummary()
    started = time.perf_counter()
    stored: list[str] = []
    # looked up at call time, not bound as a default: tests replace extract_document
    extractor = extractor or extract_document
    writer = (store.document_writer(max_documents=WRITE_GROUP_DOCUMENTS,
                                    max_seconds=WRITE_GROUP_SECONDS)
              if grouped else store.document_writer())  # fmt: skip
    # items stored (or read) since the last commit, with what storing each did
    pending: list[tuple[Document | Failure, IngestSummary, bool]] = []

    def settle() -> None:
        try:
            writer.commit()
            lost = None
        except KhorasanError as exc:
            lost = exc
        for item, part, new in pending:
            if lost is not None and isinstance(item, Document):
                # its group was rolled back: not stored after all
                item = Failure(item.source, lost.reason, "store_error")
                part, new = IngestSummary(), False
            _add_counts(summary, part)
            if new and isinstance(item, Document):
                stored.append(item.id)
            if isinstance(item, Failure):
                summary.failures.append(item)
            if on_item is not None:
                on_item(item)
        pending.clear()

    try:
        with ExtractPool(workers, extract=extractor, doc_seconds=doc_seconds) as pool:
            for item, ready in _extracted(items, store, extract, pool):
                part = IngestSummary()
                new = False
                if isinstance(item, Document):
                    outcome = _store_one(item, writer, extract, part, ready, extractor,
                                         doc_seconds)  # fmt: skip
                    if isinstance(outcome, Failure):
                        item = outcome
                    else:
                        new = outcome
                pending.append((item, part, new))
                if writer.due():
                    settle()
        settle()  # the last group once the pool is closed (no worker left idle meanwhile)
    except BaseException:
        # an interrupt: the group's documents are whole, each in a savepoint; keep them
        try:
            writer.commit()
        except KhorasanError:
            pass
        raise
    if extract:
        _fuse_pending(store, stored, summary)
    summary.seconds = time.perf_counter() - started
    return summary, stored


def _add_counts(summary: IngestSummary, part: IngestSummary) -> None:
    """Add one item's counts (and store failures) to the run's summary."""
    summary.ingested += part.ingested
    summary.wire_copies += part.wire_copies
    summary.duplicates += part.duplicates
    summary.already += part.already
    summary.completed += part.completed
    summary.incidents += part.incidents
    summary.failures.extend(part.failures)


def _extracted(
    items: Iterable[Document | Failure | ReadTask], store: Store, extract: bool,
    pool: ExtractPool,
) -> Iterator[tuple[Document | Failure, Extracted | None]]:  # fmt: skip
    """Each item with its records extracted ahead by the pool, in input order; None where
    the pool extracted nothing (one worker, a failure, a text already extracted). A file
    (ReadTask) is read in a worker and comes back as its Document or Failure."""
    if not extract or pool.workers == 1:
        return ((_read_here(item), None) for item in items)
    ahead: set[str] = set()  # texts in flight: a copy later in the window is not extracted twice

    def jobs() -> Iterator[tuple[Document | Failure | ReadTask, Document | ReadTask | None]]:
        for item in items:
            if isinstance(item, ReadTask):
                # its text is known only once read: a file this store read before is read
                # without extraction (the writer extracts it only if its text is new)
                yield item, ReadTask(item.path, item.options, not _read_before(store, item))
            elif not isinstance(item, Document) or item.content_hash in ahead:
                yield item, None
            else:
                ahead.add(item.content_hash)
                yield item, None if _known(store, item) else item

    def release() -> Iterator[tuple[Document | Failure, Extracted | None]]:
        for item, ready in pool.read_ordered(jobs()):
            if isinstance(item, ReadTask):
                assert isinstance(ready, tuple)
                read: Read = ready
                yield read
                continue
            if isinstance(item, Document):
                ahead.discard(item.content_hash)
            assert not isinstance(ready, tuple)
            yield item, ready

    return release()


def _read_here(item: Document | Failure | ReadTask) -> Document | Failure:
    return read_file(item.path, item.options) if isinstance(item, ReadTask) else item


def _read_before(store: Store, task: ReadTask) -> bool:
    """Whether a stored document was read from this file (its text may have changed since:
    then the writer extracts it, and stores the same as if a worker had)."""
    try:
        return bool(store.known_sources([str(task.path)]))
    except KhorasanError:
        return False


def _known(store: Store, doc: Document) -> bool:
    """Whether the store holds this text extracted already (it needs no extraction)."""
    try:
        return doc.content_hash in store.extracted_hashes([doc.content_hash])
    except KhorasanError:
        return False  # the write meets the same trouble and reports it


def _store_one(
    doc: Document, store: Store | DocumentWriter, extract: bool, summary: IngestSummary,
    ready: Extracted | None = None,
    extractor: Callable[[Document], dict[str, Any]] | None = None,
    doc_seconds: float | None = None,
) -> bool | Failure:  # fmt: skip
    """Store one document with its records (``ready``: extracted ahead by a worker); True
    when it has new mentions to fuse, its Failure when extraction raised."""

    # a text stored and extracted before needs no extraction (it is at most a new
    # appearance): the store calls this only when it needs the records, in the transaction
    # that looks the text up and writes it (one per document), in input order, so that any
    # number of workers stores the same
    def records(d: Document) -> dict[str, Any]:
        outcome = ready
        if outcome is None:
            outcome = extract_safely(d, extractor or extract_document, doc_seconds)
        if isinstance(outcome, Failure):
            raise _ExtractionFailed(outcome)
        return outcome

    try:
        result = store.add_document(doc, None, EXTRACTOR_VERSION,
                                    extract=records if extract else None)  # fmt: skip
    except _ExtractionFailed as failed:
        return failed.failure
    except KhorasanError as exc:
        summary.failures.append(Failure(exc.subject, exc.reason, "store_error"))
        return False
    extracted = result.extracted
    n_incidents = len(extracted["incidents"]) if extracted is not None else 0
    if result.status == "already":
        summary.already += 1
    elif result.status == "duplicate":
        summary.duplicates += 1
    elif result.status == "completed":
        summary.completed += 1
        summary.incidents += n_incidents
        return extract
    else:
        summary.ingested += 1
        summary.wire_copies += result.status == "wire_copy"
        summary.incidents += n_incidents
        return extract
    return False


class _ExtractionFailed(Exception):
    """Carries an extraction's Failure out of the store's transaction (nothing written)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _fuse_pending(store: Store, stored: Sequence[str], summary: IngestSummary) -> None:
    try:
        if stored or store.needs_fusion():
            summary.events = update_events(store, stored).events
    except KhorasanError as exc:
        # the documents stay stored; their mentions are in no event, so the next run fuses them
        summary.failures.append(Failure(exc.subject, exc.reason, "fuse_error"))


def fuse(store: Store) -> FuseSummary:
    """Re-fuse every stored incident mention into events from scratch."""
    return _fuse_all(store)


def extract_text(
    text: str,
    *,
    published: str | None = None,
    url: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    name: str = "text",
    html: bool = False,
) -> dict[str, Any]:
    """Every record kind extracted from one text, nothing stored: ``{"doc", "published",
    "incidents", "statistics", "strength", "plots", "leaders", "relations"}`` as
    ``khorasan extract --json`` prints it (each record with evidence, span, confidence)."""
    meta = {"published": published, "url": url, "title": title, "outlet": outlet}
    doc = document_from_text(text, name=name, source=url or name, is_html=html,
                             meta={k: v for k, v in meta.items() if v is not None})  # fmt: skip
    return extract_document(doc)


def extract_file(path: str | Path) -> dict[str, Any]:
    """One document file (with its ``.meta.json`` sidecar) extracted, nothing stored; an
    unreadable file gives the same shape with ``error`` set."""
    path = Path(path)
    empty: dict[str, Any] = {"doc": path.name, "published": None, "incidents": [],
                             **{kind: [] for kind in RECORD_KINDS}}  # fmt: skip
    for result in extract_files([path]):
        return {**empty, "error": result.reason} if isinstance(result, Failure) else result
    return empty


def extract_files(
    paths: Iterable[str | Path], *, workers: int = 1
) -> Iterable[dict[str, Any] | Failure]:
    """Each document the paths name, extracted (or its :class:`Failure`), in order;
    ``workers`` > 1 extracts in that many processes."""
    items = iter_documents([str(p) for p in paths], IngestOptions())
    with ExtractPool(workers, extract=extract_document) as pool:
        jobs = ((i, i if isinstance(i, Document) else None) for i in items)
        for item, ready in pool.map_ordered(jobs):
            if isinstance(item, Failure):
                yield item
            elif ready is not None:  # always, for a document
                yield ready


@dataclass(frozen=True, slots=True)
class ReextractSummary:
    """What one re-extraction did."""

    documents: int
    counts: Mapping[str, int]  # mentions written, by record kind
    events: int
    extractor_version: str
    seconds: float


def reextract(
    store: Store,
    *,
    batch_size: int = REEXTRACT_BATCH,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReextractSummary:
    """Re-run every extractor on every stored document, replace each document's mentions in
    one transaction (the same mention, same span, keeps its id), then re-fuse every event.
    The documents themselves are untouched. ``on_progress(done, total)`` after each batch."""
    started = time.perf_counter()
    ids = store.document_ids()
    counts: Counter[str] = Counter()
    for i in range(0, len(ids), batch_size):
        for doc in store.load_documents(ids[i : i + batch_size]):
            counts.update(store.replace_extracted(doc.id, extract_document(doc),
                                                  EXTRACTOR_VERSION))  # fmt: skip
        if on_progress is not None:
            on_progress(min(i + batch_size, len(ids)), len(ids))
    fused = _fuse_all(store)
    return ReextractSummary(len(ids), dict(counts), fused.events, EXTRACTOR_VERSION,
                            time.perf_counter() - started)  # fmt: skip


@dataclass(slots=True)
class Report:
    """One report added by hand: what ingest did, the documents it stored, and the events
    that hold their mentions now (new or updated)."""

    summary: IngestSummary
    documents: list[str]
    events: list[Event]

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary.as_dict(), "documents": self.documents,
                "events": [e.as_dict() for e in self.events]}  # fmt: skip


def add_report(
    store: Store, *, url: str | None = None, text: str | None = None, data: bytes | None = None,
    name: str | None = None, title: str | None = None, published: str | None = None,
    options: IngestOptions | None = None,
) -> Report:  # fmt: skip
    """Add one report, given as exactly one of an http(s) ``url`` (fetched with ingest's
    safety rules: public addresses only, size and redirect caps), pasted ``text`` or a file's
    ``data`` (``name`` its file name), at most ``options.max_bytes`` (default
    REPORT_MAX_BYTES); extract, store and fuse it, and return the events that hold it. A
    report that cannot be taken raises its InputError."""
    options = options or IngestOptions(max_bytes=REPORT_MAX_BYTES)
    if sum(x is not None for x in (url, text, data)) != 1:
        raise UnreadableInput("report", "give one of a URL, a text or a file", kind="unsupported")
    meta = {k: v for k, v in {"title": title, "published": published}.items() if v}
    if url is not None:
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(url, "only http(s) URLs are fetched", kind="unsupported")
        docs: list[Document | Failure] = list(iter_documents([url], options))
    else:
        if data is not None:
            if len(data) > options.max_bytes:
                raise UnreadableInput(name or "file", f"over the {options.max_bytes}-byte limit",
                                      kind="too_large")  # fmt: skip
            text = decode_bytes(data, name or "file")
        assert text is not None
        if len(text.encode("utf-8")) > options.max_bytes:
            raise UnreadableInput(name or "text", f"over the {options.max_bytes}-byte limit",
                                  kind="too_large")  # fmt: skip
        if not text.strip():
            raise UnreadableInput(name or "text", "empty", kind="empty")
        label = name or "pasted text"
        start = text.lstrip()[:16].lower()
        html = label.lower().endswith((".html", ".htm")) or start.startswith(_HTML_START)
        docs = [document_from_text(text, name=label, source=f"added:{label}", meta=meta,
                                   is_html=html)]  # fmt: skip
    failures = [d for d in docs if isinstance(d, Failure)]
    if failures and len(failures) == len(docs):
        first = failures[0]
        raise FetchError(first.subject, first.reason, kind=first.kind)
    summary = IngestSummary(failures=failures)
    started = time.perf_counter()
    stored: list[str] = []
    ids: list[str] = []
    for doc in docs:
        if isinstance(doc, Document):
            ids.append(doc.id)
            outcome = _store_one(doc, store, True, summary)
            if isinstance(outcome, Failure):
                summary.failures.append(outcome)
            elif outcome:
                stored.append(doc.id)
    _fuse_pending(store, stored, summary)
    summary.seconds = time.perf_counter() - started
    event_ids = sorted({e for d in ids for e in store.events_of_document(d).values()})
    events = [e for e in (store.event(i) for i in event_ids) if e is not None]
    return Report(summary, ids, events)
