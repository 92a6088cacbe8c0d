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

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

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
