"""Files, directories, sidecars, JSONL and every kind of bad file input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khorasan.ingest import (
    Failure,
    IngestOptions,
    count_items,
    document_from_text,
    iter_documents,
)
from khorasan.model import Document

BODY = (
    "KABUL: A suicide bomber struck a crowded market on Monday, killing at least 12 people, "
    "officials said.\n\nThe Islamic State's Khorasan branch later claimed the attack."
)


def run(*inputs: Path | str, **options: object) -> list[Document | Failure]:
    return list(iter_documents([str(i) for i in inputs], IngestOptions(**options)))  # type: ignore[arg-type]


def only_failure(items: list[Document | Failure]) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


def test_ingest_text_file_with_sidecar(tmp_path: Path) -> None:
    (tmp_path / "100.txt").write_text("Market bombing kills 12 in Kabul\n\n" + BODY)
    meta = {"url": "https://www.example-news.com/a/1", "published": "2023-05-02", "outlet": None}
    (tmp_path / "100.meta.json").write_text(json.dumps(meta))
    [doc] = run(tmp_path / "100.txt")
    assert isinstance(doc, Document)
    assert doc.name == "100.txt" and doc.source == str(tmp_path / "100.txt")
    assert doc.published == "2023-05-02" and doc.url == meta["url"]
    assert doc.outlet == "example-news.com"  # null outlet: taken from the URL host
    assert doc.title == "Market bombing kills 12 in Kabul"
    assert len(doc.id) == 16 and doc.content_hash.startswith(doc.id) and doc.simhash


def test_ingest_sidecar_with_full_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"outlet": "Example Outlet"}))
    [doc] = run(tmp_path / "a.txt")
    assert isinstance(doc, Document) and doc.outlet == "Example Outlet"


def test_ingest_sidecar_null_date_falls_back_to_text(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("2 April 2024\n\n" + BODY)
    (tmp_path / "b.meta.json").write_text(json.dumps({"published": None}))
    [doc] = run(tmp_path / "b.txt")
    assert isinstance(doc, Document) and doc.published == "2024-04-02"


@pytest.mark.parametrize(
    "sidecar",
    ["{not json", "[1, 2]", json.dumps({"published": 20230502}), json.dumps({"published": "soon"})],
)
def test_ingest_bad_sidecar_is_bad_metadata(tmp_path: Path, sidecar: str) -> None:
    (tmp_path / "c.txt").write_text(BODY)
    (tmp_path / "c.meta.json").write_text(sidecar)
    failure = only_failure(run(tmp_path / "c.txt"))
    assert failure.kind == "bad_metadata" and failure.subject == str(tmp_path / "c.txt")
    assert "c.meta.json" in failure.reason and "\n" not in failure.reason


def test_ingest_directory_walk_sorted_recursive_with_globs(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(BODY + " B")
    (tmp_path / "a.md").write_text(BODY + " A")
    (tmp_path / "sub" / "c.txt").write_text(BODY + " C")
    (tmp_path / "skip.txt").write_text(BODY + " skipped")
    (tmp_path / "notes.csv").write_text("a,b")
    (tmp_path / "b.meta.json").write_text("{}")
    (tmp_path / "b.gold.json").write_text("{}")
    names = [d.name for d in run(tmp_path, exclude=("skip.*",))]
    assert names == ["a.md", "b.txt", "c.txt"]
    assert [d.name for d in run(tmp_path, include=("*.md",))] == ["a.md"]


def test_ingest_directory_without_documents(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b")
    assert only_failure(run(tmp_path)).kind == "empty"


def test_ingest_html_file_uses_main_text(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Blast at shrine</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
        + "".join(
            f"<p>{BODY} Paragraph {i} adds more detail about the attack.</p>" for i in range(4)
        )
        + "</article><footer>Copyright 2024 Example Media</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html)
    [doc] = run(tmp_path / "page.html")
    assert isinstance(doc, Document)
    assert "Paragraph 3 adds more detail" in doc.text and "<p>" not in doc.text
    assert doc.title == "Blast at shrine"


def test_ingest_jsonl_lines_and_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": BODY, "url": "https://www.trtworld.com/x", "published": "2023-06-06"}),
        "{broken",
        "",
        json.dumps({"title": "no text"}),
        json.dumps({"html": "<html><body><article><p>" + BODY + "</p></article></body></html>"}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines))
    items = run(path)
    assert [type(i).__name__ for i in items] == ["Document", "Failure", "Failure", "Document"]
    first, bad, missing, html_doc = items
    assert isinstance(first, Document) and first.name == "feed.jsonl:1"
    assert first.outlet == "trtworld.com" and first.published == "2023-06-06"
    assert isinstance(bad, Failure) and bad.subject == f"{path}:2" and bad.kind == "bad_jsonl"
    assert isinstance(missing, Failure) and missing.subject == f"{path}:4"
    assert isinstance(html_doc, Document) and html_doc.name == "feed.jsonl:5"


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n ", "empty"),
        ("nul.txt", b"abc\x00def" * 20, "binary"),
        ("controls.txt", bytes(range(1, 9)) * 50, "binary"),
        ("latin.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40, "encoding"),
        ("furniture.txt", b"Leave a Reply\nShare this\n", "empty"),
    ],
)
def test_ingest_bad_file_kinds(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    path = write_bytes(tmp_path, name, data)
    failure = only_failure(run(path))
    assert failure.kind == kind and failure.subject == str(path)
    assert failure.reason and "\n" not in failure.reason


def test_ingest_cp1252_text_is_read(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path,
        "win.txt",
        "The governor\u2019s office \u2013 said \u201cno\u201d.".encode("cp1252"),
    )
    [doc] = run(path)
    assert isinstance(doc, Document) and "governor\u2019s" in doc.text


def test_ingest_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "bom.txt", b"\xef\xbb\xbf" + BODY.encode())
    [doc] = run(path)
    assert isinstance(doc, Document) and doc.text.startswith("KABUL")


def test_ingest_size_limit(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "big.txt", BODY.encode() * 10)
    failure = only_failure(run(path, max_bytes=100))
    assert failure.kind == "too_large" and "100" in failure.reason


def test_ingest_missing_path_and_unsupported_scheme(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert only_failure(run(missing)).kind == "not_found"
    assert only_failure(run("ftp://example.com/a.txt")).kind == "unsupported"
    (tmp_path / "x.meta.json").write_text("{}")
    assert only_failure(run(tmp_path / "x.meta.json")).kind == "unsupported"


def test_ingest_one_bad_input_does_not_stop_the_batch(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY)
    items = run(tmp_path / "missing.txt", write_bytes(tmp_path, "bin.txt", b"\x00" * 10), good)
    assert [type(i).__name__ for i in items] == ["Failure", "Failure", "Document"]


def test_document_from_text_date_marker_is_stripped() -> None:
    doc = document_from_text(" date 2021-08-27 " + BODY, name="m.txt", source="m.txt")
    assert doc.published == "2021-08-27" and doc.text.startswith("KABUL")
    assert doc.extra["published_from"] == "marker"


def test_document_from_text_meta_wins_over_text() -> None:
    doc = document_from_text(
        "Published: June 6, 2023\n" + BODY, name="n", source="n",
        meta={"published": "2023-06-07", "title": "Given title"},
    )  # fmt: skip
    assert doc.published == "2023-06-07" and doc.title == "Given title"
    assert "Published:" not in doc.text


# ------------------------------------------------------------------ the cap on folder files
def _folder(root: Path, name: str, n: int) -> Path:
    folder = root / name
    folder.mkdir()
    for i in range(n):
        (folder / f"r{i:02d}.txt").write_text(f"Report {name} {i}: a bomb killed {i + 2} people "
                                              "in a market on Monday.\n")  # fmt: skip
    return folder


def test_folder_files_have_no_cap_by_default(tmp_path: Path) -> None:
    assert IngestOptions().max_files is None
    items = run(_folder(tmp_path, "big", 30))
    assert len(items) == 30 and all(isinstance(i, Document) for i in items)


def test_folder_files_are_capped_per_run_and_the_rest_reported(tmp_path: Path) -> None:
    a, b, c = (_folder(tmp_path, name, 4) for name in ("a", "b", "c"))
    items = run(a, b, c, max_files=6)
    docs = [i for i in items if isinstance(i, Document)]
    # the first files in sorted order, all folders together; one line per folder cut short
    assert [Path(d.source).relative_to(tmp_path).as_posix() for d in docs] == [
        "a/r00.txt",
        "a/r01.txt",
        "a/r02.txt",
        "a/r03.txt",
        "b/r00.txt",
        "b/r01.txt",
    ]
    assert [(f.subject, f.reason, f.kind) for f in items if isinstance(f, Failure)] == [
        (str(b), "2 of 4 files skipped: over the cap of 6 folder files per run", "capped"),
        (str(c), "4 of 4 files skipped: over the cap of 6 folder files per run", "capped"),
    ]  # fmt: skip
    assert count_items([str(a), str(b), str(c)], IngestOptions(max_files=6)) == len(items)
