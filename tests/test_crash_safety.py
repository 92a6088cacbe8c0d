"""Crash safety: a real ``khorasan ingest`` killed with SIGKILL at random points (while it
stores documents, and while it fuses them) and resumed each time ends with the store one clean
run gives: the same documents, appearances, mentions and events, nothing partial, nothing twice.

The corpus reaches the folder in batches, so that every other run has new documents to store.
Even runs are killed once a random number of their new documents is stored (a kill before the
first lands in start-up or migration, one after the last in the wait for fusion). Odd runs are
killed inside the fusion transaction: their fusion announces itself (a file) and lingers before
and after its writes, and the kill comes a random time after the announcement, so that kills in
fusion are certain, not luck; nothing else of the run is changed."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_store_concurrency import _snapshot

from khorasan.pipeline import ingest, open_store
from khorasan.store import Store
from khorasan.store.db import resolve_db_url
from khorasan.store.schema import documents

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KILLS = 20
SEED = 14


def _corpus(folder: Path) -> int:
    """The examples, and each pair of them as one longer report (their mentions meet the
    originals' in fusion): enough documents for a run that takes a few seconds. Returns the
    number of files."""
    folder.mkdir()
    stems = sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    texts = {s: (EXAMPLES / f"{s}.txt").read_text(encoding="utf-8") for s in stems}
    metas = {s: json.loads((EXAMPLES / f"{s}.meta.json").read_text(encoding="utf-8"))
             for s in stems}  # fmt: skip
    n = 0
    for i, first in enumerate(stems):
        (folder / f"{first}.txt").write_text(texts[first], encoding="utf-8")
        (folder / f"{first}.meta.json").write_text(json.dumps(metas[first]), encoding="utf-8")
        n += 1
        for second in stems[i + 1 : i + 4]:
            name = f"pair_{first}__{second}"
            (folder / f"{name}.txt").write_text(texts[first] + "\n\n" + texts[second],
                                                encoding="utf-8")  # fmt: skip
            meta = {**metas[first], "title": f"{metas[first]['title']} (and more)"}
            (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
            n += 1
    return n


# ``khorasan ingest`` whose fusion touches $KHORASAN_TEST_FUSING before its writes and waits
# FUSION_PAUSE before and after them, inside its transaction
FUSION_PAUSE = 0.3
_SLOW_FUSION = f"""
import os, sys, time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from khorasan.store import events
original = events.FusionTransaction.replace_events
def replace_events(self, *args, **kwargs):
    Path(os.environ["KHORASAN_TEST_FUSING"]).touch()
    time.sleep({FUSION_PAUSE})
    n = original(self, *args, **kwargs)
    time.sleep({FUSION_PAUSE})
    return n
events.FusionTransaction.replace_events = replace_events
from khorasan.cli import main
sys.argv[0] = "khorasan"
main()
"""


def _ingest(url: str, folder: Path, fusing: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}  # fmt: skip
    start = ["-m", "khorasan"]
    if fusing is not None:
        env["KHORASAN_TEST_FUSING"] = str(fusing)
        start = ["-c", _SLOW_FUSION]
    # its own process group: the kill takes its extraction workers too, as kill -9 of a job
    return subprocess.Popen([sys.executable, *start, "ingest", str(folder), "--db", url,
                             "--quiet"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def _finished(proc: subprocess.Popen[bytes]) -> None:
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output.decode(errors="replace")


def _count(engine: sa.Engine) -> int:
    try:
        with engine.connect() as conn:
            query = sa.select(sa.func.count()).select_from(documents)
            return int(conn.execute(query).scalar_one())
    except sa.exc.OperationalError:  # no table yet (the run is migrating a new database)
        return 0


def _until(ready: Callable[[], bool], proc: subprocess.Popen[bytes]) -> bool:
    """Wait until ``ready()`` (False: the run ended first)."""
    while not ready():
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    return True


def _batches(folder: Path, n: int) -> list[list[Path]]:
    """The corpus's files (each report with its sidecar) dealt into ``n`` batches."""
    reports = sorted(folder.glob("*.txt"))
    return [[p for r in reports[i::n] for p in (r, r.with_suffix(".meta.json"))]
            for i in range(n)]  # fmt: skip


@pytest.mark.slow
def test_ingest_killed_at_random_points_and_resumed_ends_as_one_clean_run(
    store_url: str, more_store_urls: Callable[[str], str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    total = _corpus(corpus)
    # the clean run: the batches arrive alike (which copy of a wire story comes first names
    # it), each ingested without a kill (in this process: a run stores the same whatever
    # runs it)
    clean = more_store_urls("clean.db")
    folder = tmp_path / "arriving"  # the same path for both runs (appearances name it)
    folder.mkdir()
    with open_store(clean) as store:
        for batch in _batches(corpus, KILLS // 2):
            for path in batch:
                shutil.copy(path, folder / path.name)
            assert not ingest([folder], store).failures
    expected = _snapshot(resolve_db_url(clean))
    assert len(expected["documents"]) == total and expected["event members"]

    rng = random.Random(SEED)
    shutil.rmtree(folder)
    folder.mkdir()
    batches = iter(_batches(corpus, KILLS // 2))
    fusing = tmp_path / "fusing"
    engine = sa.create_engine(resolve_db_url(store_url))
    landed: Counter[str] = Counter()
    try:
        for k in range(KILLS):
            fusing.unlink(missing_ok=True)
            if k % 2 == 0:
                for path in next(batches):
                    shutil.copy(path, folder / path.name)
                target = len(list(folder.glob("*.txt")))
                before = _count(engine)
                wanted = before + rng.randint(0, target - before)
                proc = _ingest(store_url, folder, fusing)
                reached = _until(lambda n=wanted: _count(engine) >= n, proc)
                where = "storing" if wanted < target else "after the last document"
            else:
                proc = _ingest(store_url, folder, fusing)
                reached = _until(fusing.exists, proc)
                time.sleep(rng.uniform(0.0, 2 * FUSION_PAUSE))
                where = "fusing"
            if not reached or proc.poll() is not None:
                landed["finished first"] += 1
                _finished(proc)
                continue
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            landed[where] += 1
        assert next(batches, None) is None
        _finished(_ingest(store_url, folder))  # resumed: it finishes what the last kill left
    finally:
        engine.dispose()
    print(f"kills: {dict(landed)}; {total} documents")
    assert landed["storing"] >= 5 and landed["fusing"] >= 8, landed
    got = _snapshot(resolve_db_url(store_url))
    for name, rows in expected.items():
        assert got[name] == rows, name
    with Store(store_url) as store:
        assert not store.needs_fusion()
