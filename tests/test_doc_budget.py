"""The per-document time budget (issue 14 item 2): a document whose extraction runs past it
fails with kind ``timeout``, the batch goes on, and no alarm is left armed."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import khorasan.pipeline
from khorasan.ingest import Failure, IngestOptions
from khorasan.model import Document
from khorasan.pipeline import ingest, open_store
from khorasan.workers import EXTRACT_TIMEOUT, extract_safely


def _slow(doc: Document) -> dict[str, Any]:
    while True:  # pure Python: the alarm interrupts it between bytecodes
        time.sleep(0.01)


def _quick(doc: Document) -> dict[str, Any]:
    return {"incidents": []}


def test_over_budget_is_a_timeout_failure_and_the_alarm_is_cleared() -> None:
    before = signal.getsignal(signal.SIGALRM)
    doc = Document(text="A bomb killed 3 people.", name="slow.txt", source="slow.txt")
    result = extract_safely(doc, _slow, seconds=0.05)
    assert isinstance(result, Failure)
    assert result.kind == EXTRACT_TIMEOUT
    assert result.subject == "slow.txt"
    assert result.reason == "extraction took over 0.05 s"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_within_budget_returns_the_records() -> None:
    doc = Document(text="x", name="x", source="x")
    assert extract_safely(doc, _quick, seconds=5) == {"incidents": []}
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_there_is_no_budget() -> None:
    results: list[object] = []
    doc = Document(text="x", name="x", source="x")
    worker = threading.Thread(target=lambda: results.append(extract_safely(doc, _quick, 0.01)))
    worker.start()
    worker.join()
    assert results == [{"incidents": []}]


def test_a_slow_document_fails_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = khorasan.pipeline.extract_document

    def extract(doc: Document) -> dict[str, Any]:
        if "stalls" in doc.text:
            _slow(doc)
        return real(doc)

    real(Document(text="A bomb killed 3 people.", name="warm", source="warm"))  # loads the KB
    monkeypatch.setattr(khorasan.pipeline, "extract_document", extract)
    (tmp_path / "a.txt").write_text("This page stalls the extractor.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "A roadside bomb killed three soldiers in Kunar province on Monday.", encoding="utf-8"
    )
    with open_store(tmp_path / "k.db") as store:
        summary = ingest(tmp_path, store, IngestOptions(doc_seconds=2))
        failures = [f for f in summary.failures if f.kind == EXTRACT_TIMEOUT]
        assert [Path(f.subject).name for f in failures] == ["a.txt"]
        assert summary.ingested == 1
