"""The fuzz targets under atheris (libFuzzer): ``python -m khorasan.fuzz.atheris_main [libFuzzer
flags] [CORPUS]``. The first byte of an input picks the target; the rest is its input."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["khorasan"]):
    from khorasan.fuzz.targets import TARGETS, Workspace, run_one

_NAMES = sorted(TARGETS)
_WS = Workspace()


def test_one_input(data: bytes) -> None:
    if data:
        run_one(_NAMES[data[0] % len(_NAMES)], data[1:], _WS)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
