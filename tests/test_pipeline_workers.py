"""Extraction in worker processes (``ingest --workers N``): real processes, real SQLite files.
Any number of workers stores exactly what one does; a document that raises is its own Failure;
a worker that dies fails only the document that killed it, and the run ends."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from workers_helpers import DIE_MARKER, RAISE_MARKER, die_on_marker, raise_on_marker, store_rows

import khorasan.cli.ingest as cli_ingest
import khorasan.pipeline
from khorasan.cli import cli
from khorasan.extract import extract_document
from khorasan.ingest import Failure, count_items, iter_documents
from khorasan.model import Document
from khorasan.pipeline import IngestSummary, ingest, open_store
from khorasan.workers import EXTRACT_ERROR, ExtractPool, _context

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MISSING = ROOT / "no-such-input.txt"
SHARED = ROOT.parent / "shared"  # the project's dev pages and seeds, where a checkout has them
REPORT = ("Gunmen killed four guards at a checkpoint near Herat, Afghanistan, on 3 March 2023, "
          "police said. No group claimed the attack. {}\n")  # fmt: skip


def _refuse(doc: Document) -> dict[str, Any]:
    raise AssertionError(f"{doc.name} extracted again")


def _run(inputs: list[Path], db: Path, workers: int) -> tuple[IngestSummary, dict[str, Any]]:
    with open_store(db) as store:
        summary = ingest(inputs, store, workers=workers)
        return summary, store_rows(store)


def _same_summary(a: IngestSummary, b: IngestSummary) -> None:
    assert {**a.as_dict(), "seconds": 0} == {**b.as_dict(), "seconds": 0}
    assert a.failures == b.failures


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestSummary, dict[str, Any]]:
    return _run([EXAMPLES, MISSING], tmp_path_factory.mktemp("one") / "k.db", 1)


def test_workers_store_what_one_worker_stores(
    tmp_path: Path, one_worker: tuple[IngestSummary, dict[str, Any]]
) -> None:
    one, rows_one = one_worker
    two, rows_two = _run([EXAMPLES, MISSING], tmp_path / "two.db", 2)
    _same_summary(one, two)
    assert one.ingested > 8 and one.wire_copies and one.events and len(one.failures) == 1
    # documents, wire stories, mentions, events with their figures, search indexes: all equal
    assert rows_one["events"] and rows_one == rows_two


def test_a_killed_worker_is_replaced_and_nothing_is_lost(
    tmp_path: Path, one_worker: tuple[IngestSummary, dict[str, Any]], monkeypatch: Any
) -> None:
    # each document committed (and reported) alone: the kill comes while the pool works
    monkeypatch.setattr(khorasan.pipeline, "WRITE_GROUP_DOCUMENTS", 1)
    killed: list[int] = []

    def kill_one(item: object) -> None:
        if not killed and multiprocessing.active_children():
            killed.append(multiprocessing.active_children()[0].pid or 0)
            os.kill(killed[0], signal.SIGKILL)

    with open_store(tmp_path / "k.db") as store:
        two = ingest([EXAMPLES, MISSING], store, workers=2, on_item=kill_one)
        rows_two = store_rows(store)
    assert killed  # a worker died mid-run; its documents were extracted again
    _same_summary(one_worker[0], two)
    assert rows_two == one_worker[1]


def test_workers_extract_nothing_already_extracted(tmp_path: Path, monkeypatch: Any) -> None:
    db = tmp_path / "k.db"
    _run([EXAMPLES], db, 2)
    # a second run must not extract: an extraction would raise (in a worker too) and fail
    monkeypatch.setattr(khorasan.pipeline, "extract_document", _refuse)
    shutil.copytree(EXAMPLES, tmp_path / "copy")  # the same texts from other files
    again, _ = _run([EXAMPLES, tmp_path / "copy"], db, 2)
    assert again.already > 8 and again.duplicates > 8
    assert not again.failures and again.ingested == 0


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(), reason="no ../shared dev pages here")
def test_workers_store_what_one_worker_stores_on_the_dev_pages(tmp_path: Path) -> None:
    inputs = [SHARED / "eval" / "dev", SHARED / "seeds"]
    one, rows_one = _run(inputs, tmp_path / "one.db", 1)
    two, rows_two = _run(inputs, tmp_path / "two.db", 2)
    _same_summary(one, two)
    assert one.ingested > 100 and rows_one == rows_two


def test_a_document_that_raises_is_its_own_failure(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(khorasan.pipeline, "extract_document", raise_on_marker)
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES, src)
    (src / "05b_bad.txt").write_text(REPORT.format(RAISE_MARKER), encoding="utf-8")
    (src / "05c_binary.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    results = {}
    for workers in (1, 2):
        seen: list[Document | Failure] = []
        with open_store(tmp_path / f"k{workers}.db") as store:
            summary = ingest([src], store, workers=workers, on_item=seen.append)
            results[workers] = (summary, store_rows(store), seen)
    (one, rows_one, seen_one), (two, rows_two, seen_two) = results[1], results[2]
    _same_summary(one, two)
    assert rows_one == rows_two and seen_one == seen_two
    bad = [f for f in two.failures if f.kind == EXTRACT_ERROR]
    assert [f.subject for f in bad] == [str(src / "05b_bad.txt")]
    assert bad[0].reason == "extraction failed: ValueError: cannot read this one"
    assert bad[0] in seen_two and two.ingested == one.ingested > 8  # the batch went on
    assert len(two.failures) == 2  # and the binary file failed as it always does


def _docs() -> list[Document]:
    docs = [d for d in iter_documents([str(EXAMPLES)]) if isinstance(d, Document)]
    return docs[:6]


def test_a_worker_that_dies_fails_only_its_document() -> None:
    docs = _docs()
    dying = Document(text=REPORT.format(DIE_MARKER), name="dies.txt", source="dies.txt")
    jobs = [(d.name, d) for d in docs[:3]] + [("dies", dying), ("skip", None)]
    jobs += [(d.name, d) for d in docs[3:]]
    with ExtractPool(2, extract=die_on_marker, window=2) as pool:
        out = list(pool.map_ordered(jobs))
        assert pool.restarts >= 1
    assert [name for name, _ in out] == [name for name, _ in jobs]  # input order, all of them
    results = dict(out)
    died = results.pop("dies")
    assert isinstance(died, Failure) and died.kind == EXTRACT_ERROR and "died" in died.reason
    assert results.pop("skip") is None
    assert results == {d.name: extract_document(d) for d in docs}


def test_a_pool_forks_only_a_single_threaded_process() -> None:
    if threading.active_count() == 1:  # (a session-wide test server may run a thread)
        assert _context().get_start_method() == "fork"
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _context().get_start_method() in ("forkserver", "spawn")
        docs = _docs()[:3]
        with ExtractPool(2, window=1) as pool:  # workers load the knowledge base themselves
            out = list(pool.map_ordered((d.name, d) for d in docs))
    finally:
        stop.set()
        thread.join()
    assert out == [(d.name, extract_document(d)) for d in docs]


def test_cli_ingest_workers(tmp_path: Path) -> None:
    runner = CliRunner()
    rows = {}
    for workers in ("1", "2"):
        db = tmp_path / f"k{workers}.db"
        result = runner.invoke(cli, ["ingest", str(EXAMPLES), "--db", str(db), "--workers",
                                     workers, "--json"])  # fmt: skip
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output)
        assert summary["ingested"] > 8
        with open_store(db) as store:
            rows[workers] = ({**summary, "seconds": 0}, store_rows(store))
    assert rows["1"] == rows["2"]
    bad = runner.invoke(cli, ["ingest", str(EXAMPLES), "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output


def test_cli_ingest_progress_is_escape_safe(tmp_path: Path, monkeypatch: Any) -> None:
    from rich.console import Console

    terminal = io.StringIO()
    monkeypatch.setattr(cli_ingest, "_progress_wanted", lambda quiet: True)
    monkeypatch.setattr(cli_ingest, "_stderr", lambda: Console(file=terminal, force_terminal=True,
                                                               width=100))  # fmt: skip
    src = tmp_path / "in"
    src.mkdir()
    (src / "report.txt").write_text(REPORT.format(""), encoding="utf-8")
    (src / "bad\x1b[31mname.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    result = CliRunner().invoke(cli, ["ingest", str(src), "--db", str(tmp_path / "k.db")])
    assert result.exit_code == 1 and "ingested 1" in result.output
    shown = terminal.getvalue()
    assert "bad\\x1b[31mname.txt" in shown and "bad\x1b" not in shown


def test_count_items_counts_what_iter_documents_yields(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "one"}\n\n{"text": "two"}\nnot json\n')
    (tmp_path / "empty").mkdir()
    inputs = [str(EXAMPLES), str(tmp_path / "a.jsonl"), str(tmp_path / "nope.txt"),
              str(tmp_path / "empty")]  # fmt: skip
    assert count_items(inputs) == len(list(iter_documents(inputs)))
    assert count_items([str(EXAMPLES), "https://example.org/feed.xml"]) is None


def test_cli_extract_workers_print_the_same_lines(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["extract", str(EXAMPLES), str(tmp_path / "nope.txt"), "--json", "--workers"]
    (tmp_path / "nope.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    one, two = (runner.invoke(cli, [*args, n]) for n in ("1", "2"))
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output and one.output.count("\n") > 9


def test_files_read_in_workers_store_what_one_worker_stores(tmp_path: Path) -> None:
    # files are read and cleaned in the workers; JSONL, sidecars and missing inputs in the
    # writer: the same items in the same order, and a file changed since a first run is
    # extracted again (by the writer) exactly as one worker does it
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES, src)
    (src / "batch.jsonl").write_text(json.dumps({"text": REPORT.format("First line.")})
                                     + "\nnot json\n", encoding="utf-8")  # fmt: skip
    (src / "06_binary.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    (src / "07_empty").mkdir()
    inputs = [src, src / "07_empty", tmp_path / "missing.txt", src / "01.meta.json"]
    results = {}
    for workers in (1, 2):
        seen: list[Document | Failure] = []
        work = tmp_path / f"w{workers}"
        shutil.copytree(src, work)
        mapped = [work / p.relative_to(src) if p.is_relative_to(src) else p for p in inputs]
        with open_store(tmp_path / f"k{workers}.db") as store:
            first = ingest(mapped, store, workers=workers, on_item=seen.append)
            changed = sorted(work.glob("*.txt"))[0]
            changed.write_text(REPORT.format("A second attack was reported."), encoding="utf-8")
            again = ingest(mapped, store, workers=workers, on_item=seen.append)
            rows = store_rows(store)
        named = [str(i.source if isinstance(i, Document) else i.subject).replace(str(work), "")
                 for i in seen]  # fmt: skip
        rows = {t: [r.replace(str(work), "") for r in rs] for t, rs in rows.items()}
        results[workers] = (first.as_dict(), again.as_dict(), named, rows)
    for summary in (0, 1):
        results[1][summary]["seconds"] = results[2][summary]["seconds"] = 0
    assert results[1] == results[2]
    assert results[2][1]["ingested"] == 1 and results[2][1]["already_stored"] > 8
