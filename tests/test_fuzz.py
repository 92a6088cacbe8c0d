"""The fuzz harnesses' short profile (a few hundred inputs, seconds), and the crashes fuzzing
found, kept as regression tests. ``make fuzz`` runs the long profile (``FUZZ_EXAMPLES`` scales
the Hypothesis tests here; ``python -m khorasan.fuzz`` runs the mutation runner and atheris)."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khorasan.annotate import annotate
from khorasan.annotate.numbers import MAX_NUMBER
from khorasan.extract import extract_document
from khorasan.fuzz.inputs import SIZE_SMALL, generate, seed_pages
from khorasan.fuzz.runner import run
from khorasan.fuzz.targets import TARGETS, Workspace, run_one
from khorasan.ingest import Failure, document_from_text, iter_documents
from khorasan.model import Document
from khorasan.store import Store

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))  # per target; `make fuzz` raises it
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,  # CI: the same inputs every run
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],  # fmt: skip
)
# every code point, lone surrogates included (Hypothesis leaves them out by default)
ANY_CHAR = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))
ANY_TEXT = st.text(ANY_CHAR, max_size=SIZE_SMALL)


@pytest.fixture(scope="module")
def ws() -> Iterator[Workspace]:
    space = Workspace()
    yield space
    space.close()


@pytest.fixture(scope="module")
def seeds() -> list[bytes]:
    return seed_pages(limit=60)


@pytest.mark.parametrize("target", sorted(TARGETS))
@FUZZ
@given(data=st.binary(max_size=SIZE_SMALL))
def test_fuzz_random_bytes(ws: Workspace, target: str, data: bytes) -> None:
    run_one(target, data, ws)


@pytest.mark.parametrize("target", ["document", "annotate", "extract", "store", "jsonl_record"])
@FUZZ
@given(text=ANY_TEXT)
def test_fuzz_random_unicode(ws: Workspace, target: str, text: str) -> None:
    run_one(target, text.encode("utf-8", "surrogatepass"), ws)


@pytest.mark.parametrize("target", sorted(TARGETS))
@FUZZ
@given(seed=st.integers(0, 2**32))
def test_fuzz_hostile_inputs(ws: Workspace, seeds: list[bytes], target: str, seed: int) -> None:
    """Mutated real pages, deep HTML and JSON, huge numbers, long lines (kept small here)."""
    _target, data = generate(random.Random(seed), seeds, [target], size=SIZE_SMALL)
    run_one(target, data, ws)


def test_fuzz_runner_reports_inputs_and_no_crash(tmp_path: Path) -> None:
    report = run(seconds=120, max_inputs=30, crash_dir=tmp_path, seed=14, size=SIZE_SMALL)
    assert report.inputs >= 30 and sum(report.per_target.values()) >= 30
    assert not report.crashes and not report.hangs and report.died is None, report.as_dict()


# ----------------------------------------------------------------- crashes fuzzing found
def _ingest(tmp_path: Path, files: dict[str, str | bytes]) -> list[Document | Failure]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in files.items():
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return list(iter_documents([str(folder)]))


def test_regression_lone_surrogates_are_taken_out_and_stored(tmp_path: Path) -> None:
    # once UnicodeEncodeError in the fingerprint and in SQLite
    text = "Gunmen killed 3\ud800 guards in Herat on Sunday, police said.\udfff"
    doc = document_from_text(text, name="x", source="x")
    assert "\ud800" not in doc.text and "killed 3 guards" in doc.text
    record = json.dumps({"text": text, "title": "Herat \udc00attack"})
    [from_jsonl] = _ingest(tmp_path, {"a.jsonl": record, "b.txt": "x"})[:1]
    assert isinstance(from_jsonl, Document) and from_jsonl.title == "Herat attack"
    with Store(str(tmp_path / "k.db")) as store:
        assert store.add_document(doc, extract_document(doc), "v").status == "new"


def test_regression_deep_json_is_one_failure(tmp_path: Path) -> None:
    # once RecursionError out of json.loads, ending the batch
    deep = "[" * 100_000 + "]" * 100_000
    items = _ingest(tmp_path, {
        "batch.jsonl": '{"text": "A bomb killed 5 in Kabul."}\n' + deep + "\n",
        "page.txt": "A bomb killed 5 people in Kabul on Monday.",
        "page.meta.json": '{"title": ' + deep + "}",
    })  # fmt: skip
    failures = sorted((i.subject, i.kind) for i in items if isinstance(i, Failure))
    assert failures == [(str(tmp_path / "in" / "batch.jsonl:2"), "bad_jsonl"),
                        (str(tmp_path / "in" / "page.txt"), "bad_metadata")]  # fmt: skip
    assert sum(isinstance(i, Document) for i in items) == 1


@pytest.mark.parametrize("number", ["9" * 400, "1e400", "99999999999999999999",
                                    "1" + ",000" * 30])  # fmt: skip
def test_regression_huge_numbers_are_no_figure(tmp_path: Path, number: str) -> None:
    # once OverflowError: round(inf), and a figure above 2^63 into SQLite
    text = f"At least {number} people were killed in a blast in Kabul on 12 May 2022."
    doc = document_from_text(text, name="x", source="x")
    assert all(n.value <= MAX_NUMBER for n in annotate(doc).numbers)
    with Store(str(tmp_path / "k.db")) as store:
        store.add_document(doc, extract_document(doc), "v")


def test_regression_a_page_of_repeated_dates_is_not_quadratic() -> None:
    # once an overlap check of every number against every date: 20,000 dates never ended
    doc = document_from_text("3 May 2022 " * 20_000, name="x", source="x")
    assert annotate(doc).numbers == []


@pytest.mark.parametrize("line", ["By 1234567 " * 15_000, "12 killed; " * 8_000, "12 " * 40_000])
def test_regression_a_line_of_numbers_is_not_quadratic(line: str) -> None:
    doc = document_from_text(line, name="x", source="x")
    extract_document(doc)
