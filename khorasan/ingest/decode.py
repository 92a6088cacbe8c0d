"""Bytes to text: refuse binary data; BOM, then UTF-8, then a declared charset, then detection.

Order and why:
1. A byte-order mark names its encoding outright.
2. Valid UTF-8 with non-ASCII bytes is almost never an accident, and sites that declare
   ISO-8859-1 or windows-1251 while serving UTF-8 are common, so UTF-8 goes before any label.
3. A declared charset (the HTTP header, else ``<meta charset>`` or the XML declaration) is used
   when it decodes cleanly: without errors and without the mess of a wrong single-byte table
   (every byte "decodes" in CP-1252, so no error alone proves nothing).
4. Undeclared legacy bytes: charset-normalizer picks among the single-byte code pages of the
   languages this monitor reads (Western, Central European, Cyrillic, Arabic script, Turkish,
   Greek, Baltic); CP-1252 wins ties, as browsers default to it. East Asian multi-byte pages
   must declare their charset: guessed on short Latin text they read as Chinese.
5. Last, CP-1252 when it reads as text (the behaviour before detection existed).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

from khorasan.errors import UnreadableInput

__all__ = ["declared_charset", "decode_bytes", "read_text_file"]

# Share of control characters (other than tab/newline/CR/FF) above which bytes are binary.
MAX_CONTROL_RATIO = 0.02
# Share of letters, marks, digits, spaces and punctuation a guessed decoding must reach.
MIN_TEXT_RATIO = 0.85
# Prose has spaces between words; a long guessed decoding with fewer is a wrong code page.
MIN_SPACE_RATIO = 0.04
# charset-normalizer's mess threshold on a second try, when its default (0.2) kept nothing: it
# rejects a page when any one chunk is messy; the whole-text checks above still apply.
RELAXED_CHAOS = 0.5
_SPACE_CHECK_CHARS = 80  # shorter texts (a headline) are not held to the space ratio
_SNIFF = 8192  # bytes looked at when judging whether data is binary or finding a <meta charset>

# Code pages tried on undeclared non-UTF-8 bytes (Python codec names).
LEGACY_CODEPAGES = (
    "cp1252", "cp1250", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp1256", "iso8859_6",
    "cp1254", "iso8859_9", "cp1253", "iso8859_7", "cp1257",
)  # fmt: skip
_DEFAULT = "cp1252"
# WHATWG: these labels mean windows-1252 (pages labelled Latin-1 use its 0x80-0x9F letters).
_AS_CP1252 = {"latin_1", "iso8859_1", "ascii"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > MAX_CONTROL_RATIO * max(len(sample), 1)


def _is_plain(ch: str) -> bool:
    # letters, combining marks (Arabic vowel signs), digits, punctuation, spaces, ZWNJ/ZWJ
    return unicodedata.category(ch)[0] in "LMNPZ" or ch in "\t\n\r\f\u200c\u200d"


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    if sum(1 for ch in text if _is_plain(ch)) < MIN_TEXT_RATIO * len(text):
        return False
    spaces = sum(1 for ch in text if ch.isspace())
    return len(text) < _SPACE_CHECK_CHARS or spaces >= MIN_SPACE_RATIO * len(text)


def _codec(label: str | bytes | None) -> str | None:
    """Python's name for a charset label, Latin-1 read as CP-1252; None when unknown."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    return _DEFAULT if name in _AS_CP1252 else name


def declared_charset(data: bytes) -> str | None:
    """The charset a page names for itself (``<meta charset>``, XML ``encoding``), if any."""
    match = _META_CHARSET.search(data[:_SNIFF])
    if match is None:
        return None
    codec = _codec(match.group(1) or match.group(2))
    # A page cannot truly declare UTF-16 in ASCII bytes (WHATWG reads that as UTF-8).
    return None if codec is None or codec.startswith("utf_16") else codec


def _clean(data: bytes, codec: str) -> str | None:
    """``data`` in ``codec`` when it decodes without errors and without mojibake."""
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    if not codec.startswith("utf") and not from_bytes(data, cp_isolation=[codec]):
        return None  # decodes, but charset-normalizer finds it a mess
    return text


def _detected(data: bytes) -> str | None:
    matches = list(from_bytes(data, cp_isolation=list(LEGACY_CODEPAGES)))
    if not matches:  # one noisy chunk (a ZWNJ in short Persian) can sink a clean page: retry
        matches = list(
            from_bytes(data, cp_isolation=list(LEGACY_CODEPAGES), threshold=RELAXED_CHAOS)
        )
    if not matches:
        return None

    def rank(m: CharsetMatch) -> tuple[float, float, bool]:
        # least mess, then best language fit, then CP-1252 on a tie (French read as CP-1250
        # turns "à" into "ŕ" with the same scores)
        return (round(m.chaos, 3), -m.coherence, _DEFAULT not in m.could_be_from_charset)

    best = min(matches, key=rank)
    codec = _DEFAULT if _DEFAULT in best.could_be_from_charset else best.encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _looks_like_text(text) else None


def decode_bytes(data: bytes, subject: str, declared: str | None = None) -> str:
    """Decode ``data`` as text or raise :class:`UnreadableInput` (kind binary or encoding).

    ``declared`` is a charset label from outside the bytes (an HTTP Content-Type header); it
    beats one the page declares in itself.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):  # UTF-16/32 are full of NULs: decode before the binary check
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(
                    subject, f"bad {codec.upper()} text: {exc.reason}", kind="encoding"
                ) from exc
    if _looks_binary(data):
        raise UnreadableInput(subject, "binary data, not text", kind="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for label in (_codec(declared), declared_charset(data)):
        if label and (text := _clean(data, label)) is not None:
            return text
    text = _detected(data)
    if text is not None:
        return text
    try:
        text = data.decode(_DEFAULT)
    except UnicodeDecodeError:
        text = ""
    if _looks_like_text(text):
        return text
    raise UnreadableInput(
        subject,
        "not valid UTF-8, and no declared or detected charset reads as text",
        kind="encoding",
    )


def read_text_file(path: Path, max_bytes: int) -> str:
    """Read a file as text with size, binary, encoding and emptiness checks."""
    subject = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableInput(
                subject, f"file is {size} bytes, over the {max_bytes}-byte limit", kind="too_large"
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableInput(subject, "no such file or directory", kind="not_found") from exc
    except OSError as exc:
        raise UnreadableInput(
            subject, f"cannot read: {exc.strerror or exc}", kind="not_found"
        ) from exc
    text = decode_bytes(data, subject)
    if not text.strip():
        raise UnreadableInput(subject, "empty or whitespace-only file", kind="empty")
    return text
