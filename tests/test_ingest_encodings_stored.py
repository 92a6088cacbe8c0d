"""Arabic, Persian and Russian pages in legacy encodings, read from files and from HTTP, come
out of the store as the text that was written (sentences invented for these tests)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from khorasan.cli import cli
from khorasan.store import Store

ARABIC = ("أفادت الشرطة بأن انفجارا وقع صباح الثلاثاء قرب سوق الخضار في مدينة جلال آباد، "
          "وأسفر عن مقتل سبعة أشخاص وإصابة عشرين آخرين.")  # fmt: skip
# CP-1256 has no Persian yeh or keheh: pages in it write the Arabic letters
PERSIAN = ("به گفته مقام‌هاي محلي، روز دوشنبه يک بمب کنار جاده در ولايت هرات منفجر شد و "
           "چهار غيرنظامي کشته شدند.")  # fmt: skip
RUSSIAN = ("Во вторник утром у здания администрации района произошёл взрыв, погибли "
           "шесть человек, сообщили в местной полиции.")  # fmt: skip

CASES = [
    pytest.param(ARABIC, "cp1256", id="arabic-windows-1256"),
    pytest.param(ARABIC, "iso8859_6", id="arabic-iso-8859-6"),
    pytest.param(ARABIC, "utf-16", id="arabic-utf16-bom"),
    pytest.param(PERSIAN, "cp1256", id="persian-windows-1256"),
    pytest.param(PERSIAN, "utf-16-le", id="persian-utf16le-bom"),
    pytest.param(RUSSIAN, "cp1251", id="russian-cp1251"),
    pytest.param(RUSSIAN, "koi8_r", id="russian-koi8-r"),
    pytest.param(RUSSIAN, "utf-16-be", id="russian-utf16be-bom"),
]
_BOM = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def _encode(text: str, codec: str) -> bytes:
    return _BOM.get(codec, b"") + text.encode(codec)


def _stored_texts(db: str) -> list[str]:
    with Store(db, create=False) as store:
        return [row["text"] for row in store.iter_documents()]


@pytest.mark.parametrize(("text", "codec"), CASES)
def test_undeclared_file_is_stored_as_written(tmp_path: Path, text: str, codec: str) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(_encode(text, codec))
    db = str(tmp_path / "k.db")
    result = CliRunner().invoke(cli, ["ingest", str(page), "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output
    assert _stored_texts(db) == [text]


class _Pages(BaseHTTPRequestHandler):
    pages: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        content_type, body = self.pages[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _html(text: str, meta: str = "") -> str:
    return (f"<html><head>{meta}<title>Report</title></head><body><article>"
            f"<p>{text}</p><p>{text}</p><p>{text}</p></article></body></html>")  # fmt: skip


def test_http_charset_header_and_meta_charset_are_respected(tmp_path: Path, server: str) -> None:
    _Pages.pages = {
        "/header-1256": ("text/html; charset=windows-1256", _html(ARABIC).encode("cp1256")),
        "/header-koi8": ("text/html; charset=KOI8-R", _html(RUSSIAN).encode("koi8_r")),
        "/meta-8859-6": (
            "text/html",
            _html(ARABIC, '<meta charset="iso-8859-6">').encode("iso8859_6"),
        ),
        "/meta-1251": (
            "text/html",
            _html(
                RUSSIAN,
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
            ).encode("cp1251"),  # fmt: skip
        ),
        "/bom-utf16": ("text/html", _encode(_html(PERSIAN), "utf-16")),
    }
    db = str(tmp_path / "k.db")
    urls = [server + path for path in _Pages.pages]
    result = CliRunner().invoke(
        cli, ["ingest", *urls, "--db", db, "--allow-private", "--quiet", "--no-extract"]
    )
    assert result.exit_code == 0, result.output
    texts = _stored_texts(db)  # the same article under two charsets is one document
    assert len(texts) == 3, texts
    for text in (ARABIC, RUSSIAN, PERSIAN):  # ZWNJ included (HTML extraction once dropped it)
        assert sum(text in stored for stored in texts) == 1, texts


def test_html_keeps_zero_width_joiners_written_or_as_entities() -> None:
    from khorasan.ingest.html import html_to_text

    page = _html(PERSIAN.replace("مقام\u200cهاي", "مقام&zwnj;هاي"))
    assert PERSIAN in html_to_text(page, "x").text
    assert PERSIAN in html_to_text(_html(PERSIAN), "x").text


def test_undetectable_bytes_are_one_error_line_not_mojibake(tmp_path: Path) -> None:
    rng = random.Random(14)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    good = tmp_path / "good.txt"
    good.write_bytes(_encode(RUSSIAN, "cp1251"))
    db = str(tmp_path / "k.db")
    result = CliRunner().invoke(cli, ["ingest", str(junk), str(good), "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and str(junk) in errors[0], result.output
    assert _stored_texts(db) == [RUSSIAN]
