"""Per-stage throughput and peak memory at each corpus size, and ``ingest`` end to end.

Each size runs in fresh subprocesses (``python -m khorasan.bench.stages``), so each peak is that
size's own: one process times the stages one after another over the same documents (read and
clean, annotate, extract, store, fuse; it holds every document and record in memory between
stages), another runs :func:`khorasan.pipeline.ingest` as ``khorasan ingest`` does, once with
one worker and, where ingest has a ``workers`` option, once with one per core. A child writes
its result file after each stage, so a size that runs out of time still reports what finished.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from khorasan.bench.corpus import load_source, write_corpus
from khorasan.bench.report import STAGES, peak_mb, peak_reset, rate
from khorasan.ingest import IngestOptions

PROGRESS_EVERY = 50  # documents between progress writes of an ingest child


def ingest_has_workers() -> bool:
    """Whether this version's ingest can extract in a pool (``IngestOptions.workers`` or an
    ``ingest(..., workers=)`` keyword)."""
    from khorasan.pipeline import ingest

    if dataclasses.is_dataclass(IngestOptions) and any(
        f.name == "workers" for f in dataclasses.fields(IngestOptions)
    ):
        return True
    return "workers" in inspect.signature(ingest).parameters


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _write(out: Path, result: dict[str, Any]) -> None:
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
    tmp.replace(out)


def _cpu() -> float:
    """CPU seconds of this process and its finished children: unlike wall time, barely
    moved by other work on a shared machine."""
    import resource

    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _clock() -> tuple[float, float]:
    return time.perf_counter(), _cpu()


def _stage(result: dict[str, Any], name: str, docs: int, words: int,
           since: tuple[float, float], **extra: Any) -> None:  # fmt: skip
    seconds, cpu_s = time.perf_counter() - since[0], _cpu() - since[1]
    result["stages"][name] = {
        "seconds": round(seconds, 3), "docs": docs, "docs_per_s": rate(docs, seconds),
        "words_per_s": rate(words, seconds), "peak_mb": round(peak_mb(), 1),
        "cpu_s": round(cpu_s, 3), "docs_per_cpu_s": rate(docs, cpu_s), **extra,
    }  # fmt: skip


def run_stages(corpus: Path, db: Path, out: Path) -> dict[str, Any]:
    """Time each stage over the corpus in turn; the result is rewritten after each stage."""
    from khorasan.annotate import annotate
    from khorasan.extract import EXTRACTOR_VERSION, extract_document
    from khorasan.fuse import update_events

    # one small document through every stage first: the one-off loading of lexicons and
    # patterns is not a per-document cost
    from khorasan.ingest import document_from_text, iter_documents
    from khorasan.model import Document
    from khorasan.store import Store

    extract_document(document_from_text("Warm-up. A bomb killed 3 people in Kabul on 2 May "
                                        "2020, officials said.", name="warmup",
                                        source="warmup"))  # fmt: skip
    result: dict[str, Any] = {"stages": {"unfinished": True}, "peak_reset": peak_reset()}
    t0 = _clock()
    docs = [d for d in iter_documents([str(corpus)], IngestOptions()) if isinstance(d, Document)]
    words = sum(len(d.text.split()) for d in docs)
    _stage(result, "read_clean", len(docs), words, t0)
    result["documents"], result["words"] = len(docs), words
    _write(out, result)

    peak_reset()
    t0 = _clock()
    for d in docs:
        annotate(d)
    _stage(result, "annotate", len(docs), words, t0)
    _write(out, result)

    peak_reset()
    t0 = _clock()
    extracted = [extract_document(d) for d in docs]
    _stage(result, "extract", len(docs), words, t0,
           incidents=sum(len(r["incidents"]) for r in extracted))  # fmt: skip
    _write(out, result)

    peak_reset()
    store = Store(str(db))
    t0 = _clock()
    stored: list[str] = []
    statuses: dict[str, int] = {}
    for d, records in zip(docs, extracted, strict=True):
        status = store.add_document(d, records, EXTRACTOR_VERSION).status
        statuses[status] = statuses.get(status, 0) + 1
        if status not in ("already", "duplicate"):  # as ingest: these have mentions to fuse
            stored.append(d.id)
    _stage(result, "store", len(docs), words, t0, statuses=statuses)
    _write(out, result)
    del extracted

    peak_reset()
    t0 = _clock()
    fused = update_events(store, stored)
    _stage(result, "fuse", len(docs), words, t0, events=fused.events,
           mentions=store.count("incident_mentions"))  # fmt: skip
    store.close()
    del result["stages"]["unfinished"]
    _write(out, result)
    return result


def run_ingest(corpus: Path, db: Path, out: Path, workers: int) -> dict[str, Any]:
    """``ingest`` of the corpus folder into a new store, as ``khorasan ingest`` runs it."""
    from khorasan.pipeline import ingest
    from khorasan.store import Store

    summary_file = corpus.with_name(corpus.name + ".json")
    words = json.loads(summary_file.read_text())["words"] if summary_file.is_file() else None
    result: dict[str, Any] = {"workers": workers, "unfinished": True, "docs_done": 0}
    store = Store(str(db))
    started, cpu0 = _clock()
    done = 0

    def progress(_item: object) -> None:
        nonlocal done
        done += 1
        if done % PROGRESS_EVERY == 0:
            result.update(docs_done=done, seconds=round(time.perf_counter() - started, 3),
                          cpu_s=round(_cpu() - cpu0, 3))  # fmt: skip
            _write(out, result)

    options = IngestOptions()
    kwargs: dict[str, Any] = {}
    if workers > 1 or ingest_has_workers():
        if any(f.name == "workers" for f in dataclasses.fields(IngestOptions)):
            # a field this version may lack: by name, so mypy passes with or without it
            extra: dict[str, Any] = {"workers": workers}
            options = dataclasses.replace(options, **extra)
        else:
            kwargs["workers"] = workers
    summary = ingest([str(corpus)], store, options, on_item=progress, **kwargs)
    seconds, cpu_s = time.perf_counter() - started, _cpu() - cpu0
    store.close()
    docs = summary.ingested + summary.duplicates + summary.already
    children = _children_peak_mb()
    result = {
        "workers": workers, "seconds": round(seconds, 3), "documents": docs,
        "docs_per_s": rate(docs, seconds),
        "docs_per_s_per_core": (rate(docs, seconds) or 0) / workers,
        "words_per_s": rate(words, seconds) if words else None,
        "cpu_s": round(cpu_s, 3), "docs_per_cpu_s": rate(docs, cpu_s),
        "peak_mb": round(max(peak_mb(), children), 1), "peak_main_mb": round(peak_mb(), 1),
        "peak_children_mb": round(children, 1), "summary": summary.as_dict(),
    }  # fmt: skip
    _write(out, result)
    return result


def _children_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# -- the parent: one corpus per size, children per measure ----------------------------------
def _child(args: list[str], out: Path, timeout: float) -> dict[str, Any]:
    """Run one child; its result file (partial when it ran out of ``timeout`` seconds)."""
    command = [sys.executable, "-m", "khorasan.bench.stages", *args, "--out", str(out)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(command, timeout=timeout, capture_output=True, text=True)
        failed = proc.returncode != 0
        error = proc.stderr.strip().splitlines()[-1:] if failed else []
    except subprocess.TimeoutExpired:
        failed, error = True, [f"stopped after {timeout:.0f} s"]
    result: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {}
    if failed:
        result["unfinished"] = True
        result["error"] = error[0] if error else "failed"
        result.setdefault("seconds", round(time.perf_counter() - started, 3))
        if "stages" in result:
            result["stages"]["unfinished"] = True
    return result


def measure_sizes(sizes: list[int], *, seed: int = 13, timeout: float = 3600.0,
                  ingest_runs: bool = True, log: Any = print) -> dict[str, Any]:  # fmt: skip
    """Each size: a corpus, then the stages child, then the ingest child(ren)."""
    source = load_source()
    workers = [1] + ([cores()] if ingest_has_workers() and cores() > 1 else [])
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="khorasan-bench-") as tmp:
        for n in sizes:
            corpus = Path(tmp) / f"corpus{n}"
            t0 = time.perf_counter()
            summary = write_corpus(n, corpus, seed=seed, source=source)
            made = time.perf_counter() - t0
            per_doc = summary["words"] / max(1, n)
            log(f"corpus of {n:,} documents, {summary['words']:,} words ({per_doc:.0f} per "
                f"document) written in {made:.1f} s")  # fmt: skip
            entry: dict[str, Any] = {"corpus": {**summary, "seconds": round(made, 2)}}
            res = _child(["stages", str(corpus), "--db", str(Path(tmp) / f"stages{n}.db")],
                         Path(tmp) / f"stages{n}.json", timeout)  # fmt: skip
            entry["stages"] = res.get("stages", {"unfinished": True})
            if res.get("error"):
                entry["stages_error"] = res["error"]
            log(f"  stages: {_brief(entry['stages'])}")
            entry["ingest"] = []
            for w in workers if ingest_runs else []:
                run = _child(["ingest", str(corpus), "--db", str(Path(tmp) / f"ingest{n}w{w}.db"),
                              "--workers", str(w)], Path(tmp) / f"ingest{n}w{w}.json",
                             timeout)  # fmt: skip
                run["workers"] = w
                if run.get("unfinished") and run.get("docs_done") and run.get("seconds"):
                    run["docs_per_s_so_far"] = run["docs_done"] / run["seconds"]
                entry["ingest"].append(run)
                log(f"  ingest, {w} worker(s): " + (
                    f"{run['docs_per_s']:.1f} docs/s, peak {run['peak_mb']:.0f} MiB"
                    if not run.get("unfinished") else
                    f"unfinished ({run.get('docs_done', 0)} documents in "
                    f"{run.get('seconds', 0):.0f} s: {run.get('error')})"))  # fmt: skip
            for f in Path(tmp).glob("*.db*"):
                f.unlink()  # keep the temporary folder small between sizes
            results[str(n)] = entry
    return results


def _brief(stages: dict[str, Any]) -> str:
    parts = [f"{name} {stages[name]['docs_per_s']:.1f} docs/s" for name in STAGES
             if name in stages and stages[name].get("docs_per_s")]  # fmt: skip
    return ", ".join(parts) + (" (unfinished)" if stages.get("unfinished") else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="one size's stages or ingest (a bench child)")
    parser.add_argument("what", choices=["stages", "ingest"])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.what == "stages":
        run_stages(args.corpus, args.db, args.out)
    else:
        run_ingest(args.corpus, args.db, args.out, args.workers)


if __name__ == "__main__":
    main()
