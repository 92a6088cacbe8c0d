"""Bytes to text: BOMs, UTF-8, declared charsets, detected legacy code pages, and refusals."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from khorasan.errors import UnreadableInput
from khorasan.ingest import Failure, iter_documents
from khorasan.ingest.decode import declared_charset, decode_bytes
from khorasan.model import Document

RUSSIAN = (
    "В пятницу вечером вооружённые люди открыли огонь в концертном зале «Крокус Сити Холл» "
    "под Москвой. Погибли не менее 137 человек, ответственность взяло на себя «Исламское "
    "государство»."
)
RUSSIAN_KOI8 = RUSSIAN.replace("«", '"').replace("»", '"')  # KOI8-R has no guillemets
# Persian as CP-1256 pages carry it: Arabic yeh (ي) for Persian yeh, which CP-1256 lacks.
PERSIAN_1256 = (
    "روز جمعه يک انفجار در مسجدي در شهر قندوز دست‌کم 50 کشته و زخمي برجا گذاشت. گروه داعش "
    "خراسان مسئوليت اين حمله را بر عهده گرفت."
)
PERSIAN = PERSIAN_1256.replace("ي", "ی")  # as UTF-8 pages write it
ARABIC = (
    "قتل ما لا يقل عن 12 شخصا في تفجير انتحاري استهدف سوقا مزدحمة في كابل يوم الاثنين، وأعلن "
    "تنظيم الدولة الإسلامية ولاية خراسان مسؤوليته."
)
FRENCH = (
    "Un kamikaze s'est fait exploser près d'un hôpital à Kaboul; l'État islamique a revendiqué "
    "l'attentat, a déclaré le ministère."
)
GERMAN_SHORT = "Anschlag in Kabul: fünf Tote."  # short Latin text once read as Big5 Chinese
ENGLISH_1252 = "The governor\u2019s office \u2013 said \u201cno\u201d after the blast."
TURKISH = "Kabil'de bir camide düzenlenen saldırıda en az 12 kişi öldü, saldırıyı IŞİD üstlendi."


def ingest_bytes(tmp_path: Path, name: str, data: bytes) -> list[Document | Failure]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(iter_documents([str(path)]))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param(RUSSIAN, "cp1251", id="russian-cp1251"),
        pytest.param(RUSSIAN_KOI8, "koi8_r", id="russian-koi8r"),
        pytest.param(PERSIAN_1256, "cp1256", id="persian-cp1256"),
        pytest.param(ARABIC, "cp1256", id="arabic-cp1256"),
        pytest.param(FRENCH, "latin-1", id="french-latin1"),
        pytest.param(GERMAN_SHORT, "latin-1", id="german-latin1-short"),
        pytest.param(ENGLISH_1252, "cp1252", id="english-cp1252"),
        pytest.param(TURKISH, "cp1254", id="turkish-cp1254"),
        pytest.param(RUSSIAN, "utf-8", id="russian-utf8"),
        pytest.param(PERSIAN, "utf-8", id="persian-utf8"),
        pytest.param(PERSIAN, "utf-8-sig", id="persian-utf8-bom"),
        pytest.param(RUSSIAN, "utf-16", id="russian-utf16-bom"),
        pytest.param("Plain ASCII text about a blast in Kabul.", "ascii", id="ascii"),
    ],
)
def test_decode_undeclared_file_reads_back_the_text(
    tmp_path: Path, text: str, encoding: str
) -> None:
    [doc] = ingest_bytes(tmp_path, "page.txt", text.encode(encoding))
    assert isinstance(doc, Document), doc
    assert doc.text == text


def test_decode_meta_charset_of_an_html_file(tmp_path: Path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        f"<title>Kunduz</title></head><body><article><p>{ARABIC}</p><p>{ARABIC}</p>"
        "</article></body></html>"
    )
    [doc] = ingest_bytes(tmp_path, "page.html", html.encode("cp1256"))
    assert isinstance(doc, Document) and ARABIC in doc.text


def test_decode_declared_charset_rules() -> None:
    data = RUSSIAN.encode("cp1251")
    assert decode_bytes(data, "x", declared="windows-1251") == RUSSIAN
    # A header naming the wrong charset: UTF-8 fails, the Latin-1 reading is a mess.
    assert decode_bytes(data, "x", declared="utf-8") == RUSSIAN
    assert decode_bytes(data, "x", declared="iso-8859-1") == RUSSIAN
    # UTF-8 bytes under a single-byte label are UTF-8 (the label is a server default).
    assert decode_bytes(PERSIAN.encode(), "x", declared="iso-8859-1") == PERSIAN
    assert decode_bytes(b"abc", "x", declared="no-such-charset") == "abc"


def test_decode_declared_charset_sniffing() -> None:
    assert declared_charset(b'<html><head><meta charset="windows-1251">') == "cp1251"
    assert declared_charset(b"<?xml version='1.0' encoding='KOI8-R'?><rss/>") == "koi8_r"
    assert declared_charset(b"<meta charset=iso-8859-1>") == "cp1252"  # WHATWG: Latin-1 is 1252
    assert declared_charset(b"<meta charset=utf-16>") is None  # ASCII bytes cannot be UTF-16
    assert declared_charset(b"no declaration here") is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(random.Random(8).randbytes(4000), "binary", id="random-bytes"),
        pytest.param(
            bytes(random.Random(9).randrange(128, 256) for _ in range(2000)),
            "encoding",
            id="random-high-bytes",  # once read as CP-1252 "text"
        ),
        pytest.param(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40, "encoding", id="no-spaces"),
    ],
)
def test_decode_garbage_is_one_failure_naming_the_file(
    tmp_path: Path, data: bytes, kind: str
) -> None:
    items = ingest_bytes(tmp_path, "junk.txt", data)
    assert len(items) == 1 and isinstance(items[0], Failure), items
    failure = items[0]
    assert failure.kind == kind and failure.subject == str(tmp_path / "junk.txt")
    assert failure.reason and "\n" not in failure.reason
    with pytest.raises(UnreadableInput):
        decode_bytes(data, "junk")
