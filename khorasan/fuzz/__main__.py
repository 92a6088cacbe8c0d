"""``python -m khorasan.fuzz``: run the fuzzers for a set time and number of inputs.

The mutation runner always; atheris (coverage-guided) as well when it is installed, each for
half the time. Exit 1 when anything crashed or hung: the inputs are saved under ``--crashes``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from khorasan.fuzz.inputs import seed_pages
from khorasan.fuzz.runner import run
from khorasan.fuzz.targets import TARGETS


def _atheris_available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def _run_atheris(seconds: int, runs: int, hang: int, crash_dir: Path) -> dict[str, object]:
    names = sorted(TARGETS)
    with tempfile.TemporaryDirectory(prefix="khorasan-atheris-") as corpus:
        for i, page in enumerate(seed_pages()):
            for t in range(len(names)):
                (Path(corpus) / f"{i}-{t}").write_bytes(bytes([t]) + page[:20000])
        crash_dir.mkdir(parents=True, exist_ok=True)
        args = [sys.executable, "-m", "khorasan.fuzz.atheris_main", f"-max_total_time={seconds}",
                f"-runs={runs}", f"-timeout={hang}", "-rss_limit_mb=6144", "-max_len=200000",
                f"-artifact_prefix={crash_dir}/atheris-", corpus]  # fmt: skip
        done = subprocess.run(args, capture_output=True, text=True, check=False,
                              timeout=seconds + 600)  # fmt: skip
    log = done.stderr
    counts = re.findall(r"#(\d+)\s", log)
    found = re.findall(r"(?:Test unit written to|artifact_prefix.*?)\s*(\S+atheris-\S+)", log)
    return {"inputs": int(counts[-1]) if counts else 0, "exit": done.returncode,
            "findings": found, "tail": log.strip().splitlines()[-3:]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m khorasan.fuzz", description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 600)))
    parser.add_argument("--inputs", type=int, default=int(os.environ.get("FUZZ_INPUTS", 100000)))
    parser.add_argument("--hang-seconds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--engine", choices=["all", "mutate", "atheris"], default="all")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    args = parser.parse_args(argv)

    use_atheris = args.engine in ("all", "atheris") and _atheris_available()
    if args.engine == "atheris" and not use_atheris:
        print("atheris is not installed (pip install atheris)", file=sys.stderr)
        return 2
    share = 2 if use_atheris and args.engine == "all" else 1
    failed = False
    if args.engine in ("all", "mutate"):
        report = run(seconds=args.seconds / share, max_inputs=args.inputs // share,
                     crash_dir=args.crashes, seed=args.seed, hang_seconds=args.hang_seconds,
                     targets=args.target)  # fmt: skip
        print(json.dumps({"mutate": report.as_dict()}, indent=2))
        failed = bool(report.crashes or report.hangs or report.died)
    if use_atheris:
        result = _run_atheris(args.seconds // share, args.inputs // share, args.hang_seconds,
                              args.crashes)  # fmt: skip
        print(json.dumps({"atheris": result}, indent=2))
        failed = failed or result["exit"] != 0
    elif args.engine == "all":
        print("atheris is not installed: the mutation runner only", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
