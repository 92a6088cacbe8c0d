"""Bytes to text: refuse binary data, decode UTF-8 (with or without BOM), else CP-1252 text."""

from __future__ import annotations

import codecs
from pathlib import Path

from khorasan.errors import UnreadableInput

__all__ = ["decode_bytes", "read_text_file"]

# Share of control characters (other than tab/newline/CR/FF) above which bytes are binary.
MAX_CONTROL_RATIO = 0.02
# Share of letters, digits, spaces and common punctuation a CP-1252 reading must reach.
MIN_TEXT_RATIO = 0.85
_SNIFF = 8192  # bytes looked at when judging whether data is binary


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > MAX_CONTROL_RATIO * max(len(sample), 1)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    plain = sum(1 for ch in text if ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-–—’‘“”")
    return plain >= MIN_TEXT_RATIO * len(text)


def decode_bytes(data: bytes, subject: str) -> str:
    """Decode ``data`` as text or raise :class:`UnreadableInput` (kind binary or encoding)."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):  # UTF-16 is full of NULs: decode it before the binary check
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(
                    subject, f"bad UTF-16 text: {exc.reason}", kind="encoding"
                ) from exc
    if _looks_binary(data):
        raise UnreadableInput(subject, "binary data, not text", kind="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if _looks_like_text(text):
        return text
    raise UnreadableInput(
        subject, "not valid UTF-8 and does not read as CP-1252 text", kind="encoding"
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
