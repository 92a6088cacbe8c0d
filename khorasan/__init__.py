"""Khorasan Monitor: a sourced, queryable record of IS-K violence from open reporting.

The public Python API; the ``khorasan`` command is a thin skin over it::

    import khorasan
    store = khorasan.open_store("k.db")                  # a path or a SQLAlchemy URL
    report = khorasan.ingest(["articles/"], store=store)  # read, extract, store, fuse
    doc = khorasan.extract_text(text, published="2024-05-17")   # records, nothing stored
    events = store.events(country="Afghanistan", since="2022")
    frame = store.events_frame(perpetrator="IS-K")        # pandas (the [pandas] extra)

Everything not listed in ``__all__`` is private, whatever its name.
"""

import sys as _sys
from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from khorasan.errors import (
    BadMetadata,
    ConfigError,
    FetchError,
    FilterError,
    InputError,
    KhorasanError,
    KnowledgeBaseError,
    StoreError,
    UnreadableInput,
)

if _TYPE_CHECKING:
    from khorasan.ingest import Failure, IngestOptions
    from khorasan.model import Document, Event, IncidentMention, RecordMention
    from khorasan.pipeline import (
        IngestSummary,
        ReextractSummary,
        extract_file,
        extract_text,
        fuse,
        ingest,
        open_store,
        reextract,
    )
    from khorasan.store import Store

# Imported when first used (PEP 562): ``import khorasan.extract`` in a worker process, a
# Spark partition or the command line's start needs no database or HTTP library
_LAZY = {
    "Failure": "khorasan.ingest",
    "IngestOptions": "khorasan.ingest",
    "Document": "khorasan.model",
    "Event": "khorasan.model",
    "IncidentMention": "khorasan.model",
    "RecordMention": "khorasan.model",
    "IngestSummary": "khorasan.pipeline",
    "ReextractSummary": "khorasan.pipeline",
    "extract_file": "khorasan.pipeline",
    "extract_text": "khorasan.pipeline",
    "fuse": "khorasan.pipeline",
    "ingest": "khorasan.pipeline",
    "open_store": "khorasan.pipeline",
    "reextract": "khorasan.pipeline",
    "Store": "khorasan.store",
}


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'khorasan' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value  # once: later lookups are plain
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(_ModuleType):
    """``khorasan.fuse`` and ``khorasan.ingest`` are both subpackages and the functions
    exported here. Importing a subpackage binds it on its parent, which would hide the
    function once the subpackage is first imported; the functions keep the names (the
    subpackages stay in ``sys.modules``, where ``from khorasan.fuse import ...`` finds them)."""

    def __setattr__(self, name: str, value: _Any) -> None:
        if name in ("fuse", "ingest") and isinstance(value, _ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


try:
    __version__ = _version("khorasan-monitor")
except _PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "BadMetadata",
    "ConfigError",
    "Document",
    "Event",
    "Failure",
    "FetchError",
    "FilterError",
    "IncidentMention",
    "IngestOptions",
    "IngestSummary",
    "InputError",
    "KhorasanError",
    "KnowledgeBaseError",
    "RecordMention",
    "ReextractSummary",
    "Store",
    "StoreError",
    "UnreadableInput",
    "__version__",
    "extract_file",
    "extract_text",
    "fuse",
    "ingest",
    "open_store",
    "reextract",
]
