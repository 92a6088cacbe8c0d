"""The Spark engine (local mode, two cores) against the local engine: the same documents,
mentions and events from the same inputs; JSONL and Parquet read through Hadoop URLs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from khorasan.ingest import IngestOptions
from khorasan.pipeline import IngestSummary, ingest, open_store
from khorasan.store import Store

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")
if shutil.which("java") is None:
    pytest.skip("no Java runtime: Spark needs one", allow_module_level=True)

from khorasan.spark import ingest_spark, spark_session  # noqa: E402 (after the skips)

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"
# every table a run writes; *_at columns are clock readings, not values
TABLES = ("documents", "appearances", "incident_mentions", "record_mentions", "events",
          "event_mentions")  # fmt: skip


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    with spark_session("local[2]") as session:
        yield session


def _dump(store: Store, drop: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            meta = sa.Table(table, sa.MetaData(), autoload_with=conn)
            cols = [c for c in meta.c if not c.name.endswith("_at") and c.name not in drop]
            out[table] = sorted(conn.execute(sa.select(*cols)).all(), key=repr)
    return out


def _counts(summary: IngestSummary) -> dict[str, object]:
    return {k: v for k, v in summary.as_dict().items() if k != "seconds"}


def _both(
    tmp_path: Path, spark: Any, inputs: list[str], options: IngestOptions | None = None
) -> tuple[Store, Store]:
    local, remote = open_store(tmp_path / "local.db"), open_store(tmp_path / "spark.db")
    expected = ingest(inputs, local, options)
    got = ingest_spark(inputs, remote, options, spark=spark, output=tmp_path / "out")
    assert _counts(got) == _counts(expected)
    assert [(f.subject, f.kind) for f in got.failures] == [
        (f.subject, f.kind) for f in expected.failures
    ]
    return local, remote


def test_examples_and_failures_as_the_local_engine(tmp_path: Path, spark: Any) -> None:
    inputs = [str(ROOT / "examples"), str(tmp_path / "missing.txt")]
    local, remote = _both(tmp_path, spark, inputs)
    assert _dump(remote) == _dump(local)
    assert len(_dump(remote)["events"]) > 5
    # the documents and their records stay behind as Parquet, and the records one per row
    assert any((tmp_path / "out" / "documents").glob("*.parquet"))
    mentions = pq.read_table(tmp_path / "out" / "mentions").to_pylist()
    incidents = [m for m in mentions if m["kind"] == "incidents"]
    assert len(incidents) == len(_dump(local)["incident_mentions"])
    assert all(m["span_end"] > m["span_start"] for m in incidents)


@pytest.mark.skipif(not DEV.is_dir(), reason=f"the shared dev pages are not at {DEV}")
def test_dev_pages_as_the_local_engine(tmp_path: Path, spark: Any) -> None:
    local, remote = _both(tmp_path, spark, [str(DEV)])
    assert len(_dump(local)["documents"]) >= 151
    assert _dump(remote) == _dump(local)


def _records() -> list[dict[str, Any]]:
    # invented reports: two of one attack, one of another, one of an unrelated council meeting
    return [
        {"text": "A suicide bomber killed 12 people at a mosque in Kunduz, Afghanistan on "
                 "Friday, officials said. Islamic State Khorasan claimed the attack.",
         "published": "2022-03-05", "title": "Mosque blast", "outlet": "Example Wire"},
        {"html": "<html><body><article><p>Twelve worshippers died when a bomber struck a "
                 "mosque in Kunduz on Friday. The Islamic State's Khorasan branch said it "
                 "carried out the bombing.</p></article></body></html>",
         "published": "2022-03-06", "url": "https://news.example/kunduz"},
        {"text": "Gunmen killed 3 guards at a checkpoint in Jalalabad, Nangarhar province on "
                 "Monday. IS-K claimed responsibility.", "published": "2022-04-11"},
        {"text": "The city council met on Tuesday to discuss road repairs.", "title": None},
    ]  # fmt: skip


def _jsonl(path: Path, records: list[dict[str, Any]], bad: bool = False) -> Path:
    lines = [json.dumps(r) for r in records] + (["{not json"] if bad else [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_urls_as_local_jsonl(tmp_path: Path, spark: Any) -> None:
    corpus = _jsonl(tmp_path / "corpus.jsonl", _records(), bad=True)
    local, remote = open_store(tmp_path / "local.db"), open_store(tmp_path / "spark.db")
    expected = ingest([str(corpus)], local)
    got = ingest_spark([corpus.as_uri()], remote, spark=spark)
    assert _counts(got) == _counts(expected)
    assert [f.kind for f in got.failures] == ["bad_jsonl"]
    assert got.failures[0].subject.endswith("corpus.jsonl:5")
    # the same documents and records; the source names the URL instead of the path
    assert _dump(remote, drop=("source",)) == _dump(local, drop=("source",))


def test_parquet_rows_as_jsonl_records(tmp_path: Path, spark: Any) -> None:
    records = _records()
    jsonl = _jsonl(tmp_path / "corpus.jsonl", records)
    rows = [{"text": r.get("text"), "html": r.get("html"), "title": r.get("title"),
             "published": r.get("published"), "url": r.get("url"), "outlet": r.get("outlet")}
            for r in records]  # fmt: skip
    folder = tmp_path / "corpus.parquet"
    spark.createDataFrame(
        rows, "text string, html string, title string, published string, url string, outlet string"
    ).coalesce(1).write.parquet(str(folder))
    local, remote = open_store(tmp_path / "local.db"), open_store(tmp_path / "spark.db")
    expected = ingest([str(jsonl)], local)
    got = ingest_spark([folder.as_uri(), (tmp_path / "nowhere.parquet").as_uri()], remote,
                       spark=spark)  # fmt: skip
    assert [f.kind for f in got.failures] == ["not_found"]
    assert got.ingested == expected.ingested == 4
    # a null cell is a field not given, as a key left out of a JSONL record
    drop = ("source", "name")
    assert _dump(remote, drop=drop) == _dump(local, drop=drop)


def test_options_travel_to_the_executors(tmp_path: Path, spark: Any) -> None:
    local, remote = _both(
        tmp_path,
        spark,
        [str(ROOT / "examples")],
        options=IngestOptions(include=("0*.txt",), max_bytes=4000),
    )
    assert _dump(remote) == _dump(local)


def test_cli_engine_spark(tmp_path: Path, spark: Any) -> None:
    from click.testing import CliRunner

    from khorasan.cli import cli

    db, out = tmp_path / "k.db", tmp_path / "out"
    args = ["ingest", str(ROOT / "examples"), "--db", str(db), "--json", "--quiet"]
    runner = CliRunner()
    refused = runner.invoke(cli, [*args, "--spark-output", str(out)])
    assert refused.exit_code == 2 and "--engine spark" in refused.output
    result = runner.invoke(cli, [*args, "--engine", "spark", "--spark-master", "local[2]",
                                  "--spark-output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ingested"] == 13
    assert any((out / "documents").glob("*.parquet"))
