"""The extractor's version: the package version and a hash of every data file extraction reads.

Stored mentions record the version that made them, so the version must change whenever the
output may: with the code (the package version) and with any cue, word list or gazetteer row
(the hash), without anyone remembering to bump a literal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["DATA_DIRS", "data_files", "extractor_version", "package_version"]

PACKAGE = "khorasan-monitor"
_ROOT = Path(__file__).resolve().parent.parent
# Where the data extraction reads lives: its cues and word lists, the annotators' word lists,
# the knowledge base (gazetteer, actors, taxonomies).
DATA_DIRS = (_ROOT / "extract" / "data", _ROOT / "annotate" / "data", _ROOT / "kb" / "data")
# Kinds of file the loaders read (kb/data/README.md is for people).
DATA_SUFFIXES = frozenset({".json", ".csv", ".txt"})


def data_files() -> list[Path]:
    """Every data file in :data:`DATA_DIRS` the extraction reads."""
    return sorted(
        p for d in DATA_DIRS for p in d.iterdir() if p.is_file() and p.suffix in DATA_SUFFIXES
    )


def package_version() -> str:
    """The installed version of the package, "0" when it is not installed."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "0"


def extractor_version(files: Iterable[Path], package: str | None = None) -> str:
    """``<package version>+<8 hex digits>`` from the package version and the name and bytes
    of each file (in name order, so the install location does not matter)."""
    package = package_version() if package is None else package
    digest = hashlib.sha256(package.encode())
    for label, path in sorted((_label(p), p) for p in files):
        digest.update(f"\0{label}\0".encode())
        digest.update(path.read_bytes())
    return f"{package}+{digest.hexdigest()[:8]}"


def _label(path: Path) -> str:
    """``kb/data/places.csv``: the file's place in the package, whatever the install path."""
    return "/".join(path.parts[-3:])
