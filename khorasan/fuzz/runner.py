"""Drive the targets for a set time or number of inputs in a watched child process.

The child makes its inputs from a seeded random generator and counts them in shared memory; the
parent stops it when the time or the inputs are spent, and kills it when one input runs longer
than ``hang_seconds`` (re-making that input from the seed to save it), then starts it again
past that input. A crash (any exception but a KhorasanError) is saved with its traceback and the
run goes on; each distinct crash (exception type and place) is reported once.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import random
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from khorasan.fuzz.inputs import SIZE_FULL, generate, seed_pages
from khorasan.fuzz.targets import TARGETS, Workspace, run_one

__all__ = ["FuzzReport", "crash_key", "run"]


@dataclass
class FuzzReport:
    inputs: int = 0
    per_target: dict[str, int] = field(default_factory=dict)
    crashes: dict[str, str] = field(default_factory=dict)  # key -> saved file
    hangs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    died: str | None = None  # the harness's child exited by itself (out of memory?)

    def as_dict(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "per_target": self.per_target, "crashes": self.crashes,
                "hangs": self.hangs, "died": self.died,
                "seconds": round(self.seconds, 1)}  # fmt: skip


def crash_key(target: str, exc: BaseException) -> str:
    """Exception type and the innermost khorasan frame: one key per distinct bug."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "khorasan" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{target}:{type(exc).__name__}:{where}"


def _save(folder: Path, target: str, data: bytes, note: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{target}-{hashlib.sha1(data).hexdigest()[:12]}"
    (folder / f"{stem}.bin").write_bytes(data)
    (folder / f"{stem}.txt").write_text(note, encoding="utf-8")
    return str(folder / f"{stem}.bin")


def _inputs(seed: int, targets: list[str], size: int, seeds: list[bytes]) -> Any:
    rng = random.Random(seed)
    while True:
        yield generate(rng, seeds, targets, size)


def _child(seed: int, skip: int, targets: list[str], size: int, crash_dir: str,
           started: Synchronized, done: Synchronized, counts: Any,
           queue: Any) -> None:  # fmt: skip
    seeds = seed_pages()
    ws = Workspace()
    seen: set[str] = set()
    try:
        for index, (target, data) in enumerate(_inputs(seed, targets, size, seeds)):
            if index < skip:
                continue
            started.value = index
            try:
                run_one(target, data, ws)
            except Exception as exc:  # noqa: BLE001 - every other exception is a finding
                key = crash_key(target, exc)
                if key not in seen:
                    seen.add(key)
                    note = f"{key}\n\n{traceback.format_exc()}"
                    queue.put(("crash", key, _save(Path(crash_dir), target, data, note)))
            counts[targets.index(target)] += 1
            done.value = index + 1
    finally:
        ws.close()


def run(*, seconds: float, max_inputs: int, crash_dir: Path, seed: int = 0,
        hang_seconds: float = 30.0, size: int = SIZE_FULL,
        targets: list[str] | None = None) -> FuzzReport:  # fmt: skip
    """Fuzz until ``seconds`` pass or ``max_inputs`` inputs ran; see the module's docstring."""
    names = targets or sorted(TARGETS)
    ctx = mp.get_context("fork")
    report = FuzzReport()
    begin = time.monotonic()
    skip = 0
    counts = ctx.Array("q", len(names))
    while report.inputs < max_inputs and time.monotonic() - begin < seconds:
        started: Synchronized = ctx.Value("q", -1)
        done: Synchronized = ctx.Value("q", skip)
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(seed, skip, names, size, str(crash_dir),
                                                started, done, counts, queue),
                           daemon=True)  # fmt: skip
        proc.start()
        last, last_change = done.value, time.monotonic()
        hung = None
        while proc.is_alive():
            time.sleep(0.2)
            now = time.monotonic()
            count = done.value
            if count != last:
                last, last_change = count, now
            if count >= max_inputs or now - begin >= seconds:
                break
            if now - last_change > hang_seconds and started.value >= count:
                hung = started.value
                break
        proc.kill()
        proc.join()
        while not queue.empty():
            kind, key, path = queue.get()
            if kind == "crash":
                report.crashes.setdefault(key, path)
        if hung is not None:
            target, data = _replay(seed, hung, names, size)
            report.hangs.append(_save(crash_dir, target, data, f"hang: over {hang_seconds} s"))
            skip = hung + 1
        else:
            skip = done.value
        report.inputs = skip
        if hung is None and proc.exitcode not in (0, -9, None):
            report.died = f"exit status {proc.exitcode} after input {done.value}"
            break
    report.per_target = dict(zip(names, counts[:], strict=True))
    report.seconds = time.monotonic() - begin
    return report


def _replay(seed: int, index: int, targets: list[str], size: int) -> tuple[str, bytes]:
    for i, pair in enumerate(_inputs(seed, targets, size, seed_pages())):
        if i == index:
            return pair
    raise AssertionError("unreachable")  # pragma: no cover
