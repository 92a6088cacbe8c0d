"""The Spark engine: read, clean, annotate and extract on a Spark cluster, then store and fuse
here, as :func:`khorasan.pipeline.ingest` does.

    inputs -> units of work (driver) -> mapPartitions: documents + records (executors)
           -> Parquet (``OUTPUT/documents``) -> read back in input order (driver)
           -> the store's add_document and update_events (the local engine's own path)

A unit is a local file or http(s) URL (read on an executor by :func:`iter_documents`, so text
and metadata are exactly the local engine's), a JSONL line or a Parquet row read through a
Hadoop filesystem URL (``file://``, ``hdfs://``, ``s3a://``...: one document per JSON object,
the local engine's JSONL format), or an input's failure. Every output row keeps its unit's order
key, and the driver stores the documents in that order: wire-copy grouping and fusion see what
a local ingest of the same inputs would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from khorasan.errors import ConfigError
from khorasan.ingest import Failure, IngestOptions, iter_documents
from khorasan.ingest.sources import (
    FileBudget,
    cap_files,
    empty_walk,
    record_document,
    walk_files,
)
from khorasan.model import Document
from khorasan.pipeline import IngestSummary, store_documents
from khorasan.store import Store

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import Row, SparkSession

__all__ = ["MENTIONS_SCHEMA", "OUTPUT_SCHEMA", "ingest_spark", "spark_session"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_KEY = ["input", "file_index", "file", "item"]  # the order documents are stored in
# One row per document (or per input that failed); ``extracted`` is extract_document's result
# as JSON (null with --no-extract).
OUTPUT_SCHEMA = (
    "input INT, file_index INT, file STRING, item LONG, "
    "failure_subject STRING, failure_reason STRING, failure_kind STRING, "
    "id STRING, name STRING, source STRING, title STRING, published STRING, outlet STRING, "
    "url STRING, content_hash STRING, simhash STRING, extra STRING, text STRING, "
    "extracted STRING"
)
# One row per extracted record, for queries on the cluster: ``kind`` is a key of
# extract_document's result ("incidents", "statistics"...), ``record`` that record as JSON.
MENTIONS_SCHEMA = (
    "document_id STRING, kind STRING, position INT, span_start INT, span_end INT, record STRING"
)
# A unit of work: (input, file_index, file, item, kind, payload, name, source); kind is
# "read" (payload: a path or URL for iter_documents), "record" (payload: one JSON object) or
# "failure" (payload: [subject, reason, kind] as JSON).
Unit = tuple[int, int, str, int, str, str, str, str]
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.submit.name = org.apache.spark.deploy.SparkSubmit
logger.submit.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
logger.context.name = org.apache.spark.SparkContext
logger.context.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError as exc:
        raise ConfigError("--engine spark", "pyspark is not installed: pip install "
                          "'khorasan-monitor[spark]'") from exc  # fmt: skip
    return pyspark


@contextmanager
def spark_session(master: str | None = None) -> Iterator[SparkSession]:
    """A SparkSession for one ingest, stopped afterwards: ``master`` (``local[4]``,
    ``spark://host:7077``, ``yarn``...), else what spark-submit set, else every local core.
    Spark's own logging is kept to errors; in local mode the executors run this Python. A
    session already active in this thread is used as it is (its master wins) and kept."""
    _pyspark()
    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        # pyspark's converters import its test helpers, which warn once about the pandas
        # version (pandas is not used here): import them now, quietly
        warnings.simplefilter("ignore", FutureWarning)
        import pyspark.testing.utils  # noqa: F401

    running = SparkSession.getActiveSession()
    if running is not None:  # a notebook's or a test's session: use it, leave it running
        yield running
        return
    with tempfile.TemporaryDirectory(prefix="khorasan-spark-log-") as folder:
        log4j = Path(folder) / "log4j2.properties"
        log4j.write_text(_LOG4J)
        builder = SparkSession.builder.appName("khorasan ingest")
        if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
            master = "local[*]"  # not under spark-submit, which gives its own master
        if master is not None:
            builder = builder.master(master)
        builder = builder.config("spark.ui.showConsoleProgress", "false")
        builder = builder.config("spark.driver.extraJavaOptions",
                                 f"-Dlog4j2.configurationFile={log4j.as_uri()}")  # fmt: skip
        if master is not None and master.startswith("local"):
            builder = builder.config("spark.ui.enabled", "false")
            # the workers run this interpreter (its packages), unless the caller chose one
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # no Java, a master that does not answer
            raise ConfigError("--spark-master", f"cannot start Spark on {master}: "
                              f"{str(exc).splitlines()[0]}") from exc  # fmt: skip
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield spark
        finally:
            spark.stop()


# ------------------------------------------------------------------------- the executors


def _items(unit: Unit, options: IngestOptions) -> Iterator[tuple[int, Document | Failure]]:
    _, _, _, item, kind, payload, name, source = unit
    if kind == "read":
        yield from enumerate(iter_documents([payload], options))
    elif kind == "record":
        yield item, record_document(payload, name=name, source=source)
    else:
        subject, reason, code = json.loads(payload)
        yield item, Failure(subject, reason, code)


def _row(unit: Unit, item: int, found: Document | Failure, extracted: str | None) -> tuple:
    key = (unit[0], unit[1], unit[2], item)
    if isinstance(found, Failure):
        return (*key, found.subject, found.reason, found.kind, *[None] * 12)
    d = found
    fields = (d.id, d.name, d.source, d.title, d.published, d.outlet, d.url, d.content_hash)
    return (*key, None, None, None, *fields, str(d.simhash), json.dumps(d.extra), d.text,
            extracted)  # fmt: skip


def _run_partition(options: IngestOptions, extract: bool, units: Iterable[Unit]) -> Iterator[tuple]:
    """One partition's documents with their records: the extractor's lexicons and patterns
    load once per partition (and stay loaded in a reused Python worker)."""
    from khorasan.extract import extract_document

    for unit in units:
        for item, found in _items(unit, options):
            records = None
            if extract and isinstance(found, Document):
                records = json.dumps(extract_document(found), ensure_ascii=False)
            yield _row(unit, item, found, records)


def _jsonl_units(index: int, path: str, content: bytes, max_bytes: int) -> Iterator[Unit]:
    """One JSONL file's lines as units, numbered as the local engine numbers them."""
    from khorasan.errors import InputError
    from khorasan.ingest.decode import decode_bytes

    name = path.rstrip("/").rsplit("/", 1)[-1]
    try:
        text = decode_bytes(content, path)
    except InputError as exc:
        yield _failure_unit(index, exc.subject, exc.reason, exc.kind, file=path)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(line.encode("utf-8")) > max_bytes:
            yield _failure_unit(index, f"{path}:{number}", f"record is over the {max_bytes}-byte "
                                "limit", "too_large", file=path, item=number)  # fmt: skip
        else:
            yield (index, 0, path, number, "record", line, f"{name}:{number}", f"{path}:{number}")


def _mention_rows(row: Row) -> Iterator[tuple[Any, ...]]:
    for kind, records in json.loads(row.extracted).items():
        if not isinstance(records, list):
            continue  # "doc", "published": the document's, not records
        for position, record in enumerate(records):
            span = record.get("span") if isinstance(record, dict) else None
            start, end = span if isinstance(span, list) and len(span) == 2 else (None, None)
            yield (row.id, kind, position, start, end, json.dumps(record, ensure_ascii=False))


def _parquet_unit(index: int, row: Row) -> Unit:
    name = row.file.rsplit("/", 1)[-1]
    number = row.row + 1
    return (index, 0, row.file, number, "record", row.record, f"{name}:{number}",
            f"{row.file}:{number}")  # fmt: skip


# ---------------------------------------------------------------------------- the driver


def _failure_unit(index: int, subject: str, reason: str, kind: str, *, file: str = "",
                  item: int = 0) -> Unit:  # fmt: skip
    return (index, 0, file, item, "failure", json.dumps([subject, reason, kind]), "", "")


def _local_units(index: int, raw: str, options: IngestOptions,
                 budget: FileBudget) -> list[Unit]:  # fmt: skip
    """A local path's (or an http(s) URL's) units, in the order the local engine reads."""
    path = Path(raw)
    if _SCHEME.match(raw) or not path.is_dir():
        return [(index, 0, "", 0, "read", raw, "", "")]  # a file, a URL or its failure
    files = walk_files(path, options)
    if not files:
        failure = empty_walk(path, options)
        return [_failure_unit(index, failure.subject, failure.reason, failure.kind)]
    taken, capped = cap_files(path, files, options, budget)
    units = [(index, n, "", 0, "read", str(f), "", "") for n, f in enumerate(taken)]
    if capped is not None:  # after the files, as the local engine reports it
        payload = json.dumps([capped.subject, capped.reason, capped.kind])
        units.append((index, len(taken), "", 0, "failure", payload, "", ""))
    return units


def _hadoop_units(spark: SparkSession, index: int, url: str, max_bytes: int) -> RDD[Unit]:
    """The units of a Hadoop filesystem URL: a Parquet dataset (a name ending .parquet), else
    JSONL files (a file, a folder searched recursively for *.jsonl, or a glob)."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    sc = spark.sparkContext
    name = url.rstrip("/").rsplit("/", 1)[-1].lower()
    try:
        if name.endswith(".parquet"):
            frame = spark.read.parquet(url)
            rows = frame.select(F.to_json(F.struct(*[F.col(c) for c in frame.columns]))
                                .alias("record"), F.col("_metadata.file_path").alias("file"),
                                F.col("_metadata.row_index").alias("row"))  # fmt: skip
            return rows.rdd.map(partial(_parquet_unit, index))
        reader = spark.read.format("binaryFile").option("recursiveFileLookup", "true")
        if not name.endswith(".jsonl"):
            reader = reader.option("pathGlobFilter", "*.jsonl")
        files = reader.load(url).select("path", "content").rdd
        lines = files.flatMap(lambda r: _jsonl_units(index, r.path, r.content, max_bytes))
        return lines.repartition(max(2, sc.defaultParallelism * 2))
    except (AnalysisException, Py4JJavaError) as exc:  # no such path, not Parquet, no such FS
        java = getattr(exc, "java_exception", None)  # Py4JJavaError's first line says nothing
        reason = str(java.toString() if java is not None else exc).strip().splitlines()[0]
        kind = "not_found" if "PATH_NOT_FOUND" in reason else "unsupported"
        return sc.parallelize([_failure_unit(index, url, reason[:300], kind)], 1)


def _units(spark: SparkSession, inputs: Sequence[str], options: IngestOptions) -> RDD[Unit]:
    sc = spark.sparkContext
    local: list[Unit] = []
    remote: list[RDD[Unit]] = []
    budget = FileBudget.of(options)
    for index, raw in enumerate(inputs):
        if _SCHEME.match(raw) and not raw.lower().startswith(("http://", "https://")):
            remote.append(_hadoop_units(spark, index, raw, options.max_bytes))
        else:
            local.extend(_local_units(index, raw, options, budget))
    slices = max(1, min(len(local), sc.defaultParallelism * 2))
    return sc.union([sc.parallelize(local, slices), *remote])


def _document(row: Row) -> Document:
    return Document(text=row.text, name=row.name, source=row.source, title=row.title,
                    published=row.published, outlet=row.outlet, url=row.url, id=row.id,
                    content_hash=row.content_hash, simhash=int(row.simhash),
                    extra=json.loads(row.extra))  # fmt: skip


def _load(
    rows: Iterable[Row], store: Store, extract: bool,
    on_item: Callable[[Document | Failure], None] | None,
) -> IngestSummary:  # fmt: skip
    """Store the documents in order with the records the executors extracted, then fuse:
    the local engine's own path, its extractor swapped for the rows' records."""
    current: dict[str, Any] = {}

    def items() -> Iterator[Document | Failure]:
        for row in rows:
            if row.failure_kind is not None:
                yield Failure(row.failure_subject, row.failure_reason, row.failure_kind)
                continue
            doc = _document(row)
            current["records"] = json.loads(row.extracted) if row.extracted else None
            yield doc

    def extractor(doc: Document) -> dict[str, Any]:
        records: dict[str, Any] = current["records"]
        return records

    return store_documents(items(), store, extract=extract, on_item=on_item,
                           extractor=extractor)[0]  # fmt: skip


def _write(frame: Any, target: str) -> None:
    """Run the job that writes ``frame`` as Parquet; its failure is one line."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        frame.write.mode("overwrite").parquet(target)
    except (PySparkException, Py4JJavaError) as exc:
        java = getattr(exc, "java_exception", None)
        reason = str(java.toString() if java is not None else exc).strip().splitlines()
        raise ConfigError("--engine spark", f"the Spark job writing {target} failed: "
                          f"{reason[-1] if reason else type(exc).__name__}") from exc  # fmt: skip


def ingest_spark(
    inputs: str | Path | Sequence[str | Path],
    store: Store,
    options: IngestOptions | None = None,
    *,
    master: str | None = None,
    output: str | Path | None = None,
    extract: bool = True,
    on_item: Callable[[Document | Failure], None] | None = None,
    spark: SparkSession | None = None,
) -> IngestSummary:
    """:func:`khorasan.pipeline.ingest` with reading, cleaning, annotation and extraction on
    Spark (``master``, or the given ``spark`` session). The documents and their records are
    written as Parquet to ``output/documents`` (a folder, or a URL the cluster shares; by
    default a temporary folder, removed afterwards), then stored here in input order and fused:
    the same documents, mentions and events as a local ingest of the same inputs."""
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    started = time.perf_counter()
    if spark is None:
        with spark_session(master) as session:
            return ingest_spark(inputs, store, options, output=output, extract=extract,
                                on_item=on_item, spark=session)  # fmt: skip
    cluster = not (spark.sparkContext.master or "local").startswith("local")
    if output is None and cluster:
        raise ConfigError("--spark-output", "a cluster's executors need an output folder they "
                          "all reach (hdfs://, s3a://, a shared mount)")  # fmt: skip
    scratch = tempfile.mkdtemp(prefix="khorasan-spark-") if output is None else None
    where = str(output if output is not None else scratch)
    if not _SCHEME.match(where):
        where = os.path.abspath(where)
    target = where.rstrip("/") + "/documents"
    try:
        work = partial(_run_partition, options or IngestOptions(), extract)
        units = _units(spark, [str(i) for i in inputs], options or IngestOptions())
        _write(spark.createDataFrame(units.mapPartitions(work), OUTPUT_SCHEMA), target)
        if extract and output is not None:  # kept: the records one per row, to query there
            found = spark.read.parquet(target).where("extracted IS NOT NULL")
            mentions = found.dropDuplicates(["id"]).rdd.flatMap(_mention_rows)
            _write(
                spark.createDataFrame(mentions, MENTIONS_SCHEMA), where.rstrip("/") + "/mentions"
            )
        rows = spark.read.parquet(target).orderBy(*_KEY).toLocalIterator()
        summary = _load(rows, store, extract, on_item)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary
