"""The bench's parts that are not timing: the corpus generator (from the bundled examples, so
these always run), the query stores' events and calls, and the report's arithmetic on
made-up numbers. No wall-clock assertion anywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from khorasan.bench import report
from khorasan.bench.__main__ import parse_args, render
from khorasan.bench.corpus import (
    MAX_YEAR,
    MIN_YEAR,
    Source,
    generate,
    load_source,
    write_corpus,
)
from khorasan.bench.queries import query_cases, synthetic_events

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def source() -> Source:
    return load_source([EXAMPLES])


def test_corpus_is_deterministic_in_its_seed(source: Source) -> None:
    first = [d.text for d in generate(15, seed=5, source=source)]
    assert first == [d.text for d in generate(15, seed=5, source=source)]
    assert first != [d.text for d in generate(15, seed=6, source=source)]
    # document i is the same whatever the corpus size
    assert first[:5] == [d.text for d in generate(5, seed=5, source=source)]


def test_corpus_documents_are_distinct(source: Source) -> None:
    docs = list(generate(80, seed=1, source=source))
    hashes = {hashlib.sha256(d.text.encode()).hexdigest() for d in docs}
    assert len(hashes) == len(docs)


def test_corpus_average_length_near_630_words(source: Source) -> None:
    docs = list(generate(120, seed=2, source=source))
    mean = sum(d.words for d in docs) / len(docs)
    assert 500 <= mean <= 760
    assert min(d.words for d in docs) >= 150


def test_corpus_redraws_figures_places_and_dates(source: Source) -> None:
    drawn = {"figure": 0, "place": 0}
    for doc in generate(40, seed=3, source=source):
        for page, k in doc.parts:
            pieces = source.pages[page][k]
            kinds = {kind.split(":")[0] for kind, _ in pieces}
            original = "".join(text for _, text in pieces)
            if kinds & {"figure", "place", "person"}:
                # a paragraph with a figure or a name never comes through unchanged
                assert original not in doc.text
            for kind, text in pieces:
                kind = kind.split(":")[0]
                if kind in drawn and len(text) >= 2:
                    drawn[kind] += 1
    assert drawn["figure"] > 0 and drawn["place"] > 0  # the examples hold both


def test_corpus_figures_always_change(source: Source) -> None:
    from khorasan.bench.corpus import template

    pieces = template("On 3 March 2019 a blast in Kabul killed 12 people and hurt 1,250.",
                      source.vocab)  # fmt: skip
    kinds = [kind for kind, _ in pieces if kind != "text"]
    assert kinds == ["daymonth", "year", "place:city", "figure", "figure"]
    import random

    from khorasan.bench.corpus import _Draw

    for seed in range(30):
        draw = _Draw(random.Random(seed), source)
        text = "".join(draw.fill(kind, original) for kind, original in pieces)
        assert " 12 people" not in text and "1,250." not in text and "Kabul" not in text
        year = int(text.split()[3])
        assert MIN_YEAR <= year <= MAX_YEAR


def test_write_corpus_writes_documents_and_sidecars(tmp_path: Path, source: Source) -> None:
    summary = write_corpus(6, tmp_path / "c", seed=9, source=source)
    assert summary["documents"] == 6
    texts = sorted((tmp_path / "c").glob("*.txt"))
    assert len(texts) == 6
    for path in texts:
        meta = json.loads(path.with_suffix(".meta.json").read_text())
        assert MIN_YEAR <= int(meta["published"][:4]) <= MAX_YEAR and meta["outlet"]
    assert json.loads((tmp_path / "c.json").read_text()) == summary


def test_synthetic_events_and_the_timed_calls_work(tmp_path: Path) -> None:
    from khorasan.store import Store

    events = [e for chunk in synthetic_events(300) for e in chunk]
    assert len(events) == 300 and len({e.id for e in events}) == 300
    assert all(2014 <= int(e.date[:4]) <= 2025 for e in events if e.date)
    store = Store(str(tmp_path / "q.db"))
    with store.fusion() as tx:
        tx.replace_events(events, [])
    for label, call in query_cases(store, 300).items():
        assert call(0) is not None, label
    store.close()


def test_growth_exponent() -> None:
    assert report.growth_exponent([1000, 5000, 20000], [10, 50, 200]) == pytest.approx(1.0)
    assert report.growth_exponent([1000, 5000, 20000], [1, 25, 400]) == pytest.approx(2.0)
    assert report.growth_exponent([1000], [3.0]) is None
    assert report.growth_exponent([1000, 1000], [3.0, 4.0]) is None


def test_percentile_nearest_rank() -> None:
    samples = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert report.percentile(samples, 0.5) == pytest.approx(0.050)
    assert report.percentile(samples, 0.99) == pytest.approx(0.099)
    assert report.percentile([0.2], 0.99) == 0.2
    assert "p50" in report.percentiles(samples)


def _made_up() -> dict[str, Any]:
    def stages(scale: float) -> dict[str, Any]:
        return {name: {"seconds": 10 * scale, "docs_per_s": 100 / scale,
                       "words_per_s": 63000 / scale, "peak_mb": 100 * scale}
                for name in report.STAGES}  # fmt: skip

    return {
        "1000": {"stages": stages(1), "ingest": [
            {"workers": 1, "seconds": 12.0, "docs_per_s": 83.0, "docs_per_s_per_core": 83.0,
             "words_per_s": 52000.0, "peak_mb": 170.0},
            {"workers": 2, "seconds": 4.0, "docs_per_s": 250.0, "docs_per_s_per_core": 125.0,
             "words_per_s": 157000.0, "peak_mb": 210.0}]},
        "20000": {"stages": stages(20), "ingest": [
            {"workers": 1, "seconds": 240.0, "docs_per_s": 83.0, "docs_per_s_per_core": 83.0,
             "words_per_s": 52000.0, "peak_mb": 600.0},
            {"workers": 2, "unfinished": True, "seconds": 600.0, "docs_done": 9000}]},
    }  # fmt: skip


def test_targets_and_exponents_on_made_up_numbers() -> None:
    sizes = _made_up()
    exps = report.exponents(sizes)
    assert exps["fuse"] == pytest.approx(1.0)
    assert report.fuse_share(sizes["1000"]["stages"]) == pytest.approx(0.25)
    assert exps["ingest_1_workers"] == pytest.approx(1.0)
    assert exps["ingest_2_workers"] is None  # one finished size only
    targets = {t["target"]: t for t in report.stage_targets(sizes)}
    at_1k = targets["ingest end to end at 1k: >= 100 docs/s per core"]
    assert at_1k["measured"] == 125.0 and at_1k["met"] is True  # judged on the most workers
    at_20k = targets["ingest end to end at 20k: >= 90 docs/s per core"]
    assert at_20k["measured"] == 83.0 and at_20k["met"] is False
    assert targets["ingest peak memory at 20k: < 500 MB"]["met"] is False
    assert targets["extraction at 1,000 docs: >= 150 docs/s per core"]["met"] is False
    queries = {"1000000": {"queries": {"stats": {"p50_ms": 40.0, "p99_ms": 90.0, "samples": 30},
                                       "claims": {"p50_ms": 900.0, "p99_ms": 990.0,
                                                  "samples": 3}}}}  # fmt: skip
    q = {t["target"]: t["met"] for t in report.query_targets(queries)}
    assert q == {"stats over 1,000,000 events: p50 < 100 ms": True,
                 "claims over 1,000,000 events: p50 < 100 ms": False}  # fmt: skip
    text = render({"stages": sizes, "exponents": exps, "queries": queries,
                   "targets": [*targets.values()]})  # fmt: skip
    assert "ingest end to end, 2 worker(s)" in text and "not met" in text and "unfinished" in text


def test_bench_arguments() -> None:
    args = parse_args(["--sizes", "5k,1000", "--only", "stages", "--json", "out.json"])
    assert args.sizes == [1000, 5000] and args.only == ["stages"]
    assert parse_args([]).sizes is None  # the full run's 1000, 5000, 20000
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "many"])


def test_timed_calls_give_wall_and_cpu_seconds() -> None:
    from khorasan.bench.queries import _timed

    seconds, cpu = _timed(lambda i: sum(range(10_000)), 5, 60.0)
    assert len(seconds) == len(cpu) == 5
    assert all(s >= 0 for s in seconds) and all(c >= 0 for c in cpu)
