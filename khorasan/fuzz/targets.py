"""What is fuzzed: one function per stage, each taking bytes. An expected refusal is a
:class:`KhorasanError` (the input is bad and says so); any other exception is a crash."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from khorasan.annotate import annotate
from khorasan.errors import KhorasanError
from khorasan.extract import EXTRACTOR_VERSION, extract_document
from khorasan.ingest import Failure, document_from_text, iter_documents
from khorasan.ingest.decode import decode_bytes
from khorasan.model import Document
from khorasan.store import Store

__all__ = ["TARGETS", "Workspace", "run_one"]

_CHARSETS = (None, "windows-1256", "koi8-r", "utf-8", "iso-8859-6", "utf-16", "x-unknown")
STORE_RESET_EVERY = 300  # a fresh database now and then: the store stays small and fast


class Workspace:
    """A temporary folder for files and a SQLite store, reused across inputs."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="khorasan-fuzz-")
        self.root = Path(self._tmp.name)
        self._store: Store | None = None
        self._stores = 0
        self._adds = 0

    def store(self) -> Store:
        if self._store is None or self._adds >= STORE_RESET_EVERY:
            if self._store is not None:
                self._store.close()
            self._stores += 1
            self._store = Store(str(self.root / f"fuzz{self._stores}.db"))
            self._adds = 0
        self._adds += 1
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._tmp.cleanup()


def _text(data: bytes) -> str:
    """Bytes as a caller's str: lone surrogates kept (a careless caller, JSON "\\ud800"); bytes
    that are not UTF-8 as Latin-1, control characters and all."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _document(data: bytes) -> Document:
    is_html = data[:1] == b"<"
    return document_from_text(_text(data), name="fuzz.txt", source="fuzz", is_html=is_html)


def t_decode(data: bytes, ws: Workspace) -> None:
    declared = _CHARSETS[data[0] % len(_CHARSETS)] if data else None
    decode_bytes(data[1:], "fuzz", declared=declared)


def _ingest_files(ws: Workspace, files: dict[str, bytes]) -> None:
    folder = ws.root / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    for item in iter_documents([str(folder)]):
        assert isinstance(item, Document | Failure), item


def t_file(data: bytes, ws: Workspace) -> None:
    suffix = (".txt", ".html", ".htm", ".md")[data[0] % 4] if data else ".txt"
    _ingest_files(ws, {"page" + suffix: data[1:]})


def t_jsonl(data: bytes, ws: Workspace) -> None:
    _ingest_files(ws, {"batch.jsonl": data})


def t_sidecar(data: bytes, ws: Workspace) -> None:
    page = b"A bomb killed 5 people in Kabul on 3 May 2021, police said.\n"
    _ingest_files(ws, {"page.txt": page, "page.meta.json": data})


def t_document(data: bytes, ws: Workspace) -> None:
    _document(data)


def t_jsonl_record(data: bytes, ws: Workspace) -> None:
    """A JSON value as a record's text and metadata (through the real JSONL reader)."""
    try:
        value = json.loads(_text(data))
    except (ValueError, RecursionError):
        return  # not JSON: t_jsonl covers bad lines
    record = {"text": value if isinstance(value, str) else json.dumps(value)[:10000],
              "title": value, "published": value, "url": value}  # fmt: skip
    try:
        line = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (ValueError, RecursionError):
        return
    _ingest_files(ws, {"one.jsonl": line})


def t_annotate(data: bytes, ws: Workspace) -> None:
    annotate(_document(data))


def t_extract(data: bytes, ws: Workspace) -> None:
    extract_document(_document(data))


def t_store(data: bytes, ws: Workspace) -> None:
    doc = _document(data)
    ws.store().add_document(doc, extract_document(doc), EXTRACTOR_VERSION)


TARGETS: dict[str, Callable[[bytes, Workspace], None]] = {
    "decode": t_decode,
    "file": t_file,
    "jsonl": t_jsonl,
    "sidecar": t_sidecar,
    "document": t_document,
    "jsonl_record": t_jsonl_record,
    "annotate": t_annotate,
    "extract": t_extract,
    "store": t_store,
}


def run_one(target: str, data: bytes, ws: Workspace) -> None:
    """Run one input; expected refusals pass, anything else propagates as a crash."""
    try:
        TARGETS[target](data, ws)
    except KhorasanError:
        pass
