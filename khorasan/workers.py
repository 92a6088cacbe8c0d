"""A process pool for extraction, the one stage that is a pure function of a document.

:class:`ExtractPool` maps :func:`~khorasan.extract.extract_document` over a stream of
documents in worker processes and hands the results back **in input order**, so the single
writer (the parent, see :func:`khorasan.pipeline.store_documents`) stores exactly what one
process would, in the same order. At most ``window`` documents are in flight: a corpus is
never read into memory whole. An exception on one document is that document's
:class:`~khorasan.ingest.Failure` and the batch goes on; a worker that dies (killed, out of
memory) breaks the pool, which is started again, and the documents it held are retried one at
a time, so that only the one that kills a worker again fails. A job may also be a local file
(:class:`ReadTask`): the worker reads and cleans it as well, so the writer only stores.

Start method: ``fork`` where the parent runs a single thread (Linux): workers inherit the
loaded knowledge base and start in milliseconds, where ``forkserver`` / ``spawn`` take a second
or two per run to import and load it again. Forking a process that runs other threads can
copy a lock some thread holds, so then ``forkserver`` (or ``spawn``) is used instead.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from khorasan.extract import extract_document
from khorasan.ingest import Failure, IngestOptions
from khorasan.ingest.sources import read_file
from khorasan.model import Document

__all__ = ["EXTRACT_ERROR", "EXTRACT_TIMEOUT", "ExtractPool", "Extracted", "ReadTask", "Read",
           "cpu_count",
           "extract_safely"]  # fmt: skip

T = TypeVar("T")
Extracted = dict[str, Any] | Failure  # a document's records, or why it has none
Extractor = Callable[[Document], dict[str, Any]]
Read = tuple[Document | Failure, Extracted | None]  # a file read, with its records if asked
EXTRACT_ERROR = "extract_error"  # the Failure kind of a document extraction raised on
EXTRACT_TIMEOUT = "timeout"  # the Failure kind of a document over its time budget
WINDOW_PER_WORKER = 4  # documents in flight per worker: enough to keep each one busy
_WARM_TEXT = "A bomb killed 3 people in Kabul, Afghanistan, on Monday, police said."


def cpu_count() -> int:
    """The cores this process may run on (its affinity where the platform tells it)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return int(counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _failure(doc: Document, reason: str) -> Failure:
    return Failure(doc.source or doc.name, f"extraction failed: {reason}", EXTRACT_ERROR)


class _OverBudget(BaseException):
    """Raised by the alarm in the extracting thread; a BaseException, so that no ``except
    Exception`` inside extraction swallows it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _OverBudget


def _budget_possible() -> bool:
    # an interval timer signals the main thread only, and one already armed is someone else's
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


def extract_safely(
    doc: Document, extract: Extractor = extract_document, seconds: float | None = None
) -> Extracted:
    """``extract(doc)``, or the document's Failure when it raises (one line) or, with
    ``seconds``, runs longer than that (kind ``timeout``). The budget is a SIGALRM timer, so
    it holds in the main thread of the process extracting (this one, or a pool worker);
    elsewhere the document runs without one. A single regex search is not interrupted until
    it returns: the patterns themselves are kept linear (tests/test_backtracking.py)."""
    budget = seconds if seconds and seconds > 0 and _budget_possible() else None
    previous: Any = None
    try:
        if budget is not None:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, budget)
        return extract(doc)
    except _OverBudget:
        reason = f"extraction took over {budget:g} s"
        return Failure(doc.source or doc.name, reason, EXTRACT_TIMEOUT)
    except Exception as exc:  # a bug on one document must not end the batch
        return _failure(doc, f"{type(exc).__name__}: {exc}".splitlines()[0])
    finally:
        if budget is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _warm(extract: Extractor) -> None:
    """Load what extraction loads lazily (knowledge base, lexicons) once per process."""
    extract_safely(Document(text=_WARM_TEXT, name="warm-up", source="warm-up"), extract)


def _init_worker(extract: Extractor, warm: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if warm:
        _warm(extract)


@dataclass(frozen=True, slots=True)
class ReadTask:
    """A local file to read and clean in a worker (the parent's writer then only stores),
    and extract too unless ``extract`` is False (the parent extracts if it turns out needed)."""

    path: Path
    options: IngestOptions
    extract: bool = True


Task = Document | ReadTask


def _read(task: ReadTask, extract: Extractor, seconds: float | None = None) -> Read:
    item = read_file(task.path, task.options)
    if task.extract and isinstance(item, Document):
        return item, extract_safely(item, extract, seconds)
    return item, None


def _run(extract: Extractor, task: Task, seconds: float | None = None) -> Any:
    if isinstance(task, ReadTask):
        return _read(task, extract, seconds)
    return extract_safely(task, extract, seconds)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # the server imports extraction once; each worker forked from it then only loads data
    context.set_forkserver_preload([__name__])
    return context


@dataclass(slots=True)
class _Job(Generic[T]):
    item: T
    doc: Task | None  # None: nothing to extract
    future: Future[Any] | None = None
    result: Any = None  # Extracted for a Document, Read for a ReadTask


class ExtractPool:
    """Worker processes extracting documents; use as a context manager. The processes start
    once a window's worth of documents waits to be extracted: a run with fewer is extracted
    in this process, and starts none."""

    def __init__(self, workers: int, *, extract: Extractor = extract_document,
                 window: int | None = None, doc_seconds: float | None = None) -> None:  # fmt: skip
        self.workers = max(1, workers)
        self.doc_seconds = doc_seconds  # each document's time budget (None: no budget)
        self.window = window or self.workers * WINDOW_PER_WORKER
        self._extract = extract
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0  # pools started again after a worker died

    def __enter__(self) -> ExtractPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = _context()
            forked = context.get_start_method() == "fork"
            if forked:
                _warm(self._extract)  # loaded once here, inherited by every worker
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=_init_worker,
                                             initargs=(self._extract, not forked))  # fmt: skip
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self.restarts += 1

    def _submit(self, doc: Task) -> Future[Any]:
        try:
            return self._start().submit(_run, self._extract, doc, self.doc_seconds)
        except BrokenProcessPool:
            self._restart()
            return self._start().submit(_run, self._extract, doc, self.doc_seconds)

    def _alone(self, doc: Task) -> Any:
        """``doc`` extracted with nothing else in flight: if the worker dies now, this
        document killed it."""
        try:
            return self._submit(doc).result()
        except BrokenProcessPool:
            self._restart()
            if not isinstance(doc, ReadTask):
                return _failure(doc, "the worker process extracting it died")
            # read here again (reading killed no worker so far): the writer gets the document
            # with the failure of its extraction, as if a Document had been sent
            item = read_file(doc.path, doc.options)
            if isinstance(item, Document) and doc.extract:
                return item, _failure(item, "the worker process extracting it died")
            return item, None

    def _recover(self, jobs: deque[_Job[T]]) -> None:
        """The pool broke: every job it held is retried alone in a new pool."""
        self._restart()
        for job in jobs:
            if job.future is None:
                continue
            future, job.future = job.future, None
            if future.cancelled() or isinstance(future.exception(), BrokenProcessPool):
                assert job.doc is not None
                job.result = self._alone(job.doc)
            else:
                job.result = future.result()

    @staticmethod
    def _ready(job: _Job[T]) -> bool:
        return job.doc is None or job.result is not None or bool(job.future and job.future.done())

    def _finish(self, jobs: deque[_Job[T]]) -> tuple[T, Any]:
        job = jobs[0]
        if job.doc is not None and job.future is None and job.result is None:
            # too few to start a pool for
            job.result = _run(self._extract, job.doc, self.doc_seconds)
        elif job.future is not None:
            try:
                job.result = job.future.result()
                job.future = None
            except BrokenProcessPool:
                self._recover(jobs)
        jobs.popleft()
        return job.item, job.result

    def map_ordered(
        self, jobs: Iterable[tuple[T, Document | None]]
    ) -> Iterator[tuple[T, Extracted | None]]:
        """For each ``(item, doc)`` in order, ``(item, result)``: ``doc``'s records or its
        Failure, None where ``doc`` is None (nothing to extract: the item passes through)."""
        return self._map(jobs)

    def read_ordered(
        self, jobs: Iterable[tuple[T, Task | None]]
    ) -> Iterator[tuple[T, Extracted | Read | None]]:
        """:meth:`map_ordered` where a job may also be a :class:`ReadTask`, whose result is
        a :data:`Read`: the file's Document (or Failure) with its records (or None)."""
        return self._map(jobs)

    def _map(self, jobs: Iterable[tuple[T, Task | None]]) -> Iterator[tuple[T, Any]]:
        pending: deque[_Job[T]] = deque()
        started = False  # one worker is this process: no pool ever starts
        for item, doc in jobs:
            job: _Job[T] = _Job(item, doc)
            pending.append(job)
            if started and doc is not None:
                job.future = self._submit(doc)
            elif not started and self.workers > 1 and len(pending) > self.window:
                started = True
                for waiting in pending:
                    if waiting.doc is not None and waiting.result is None:
                        waiting.future = self._submit(waiting.doc)
            # hand on what is ready at the head; wait only when the window is full
            while pending and (self._ready(pending[0]) or len(pending) > self.window):
                yield self._finish(pending)
        while pending:
            yield self._finish(pending)
