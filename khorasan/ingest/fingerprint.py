"""Fingerprints: an exact content hash and a 64-bit SimHash for near duplicates (wire copies)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache, partial
from operator import methodcaller

import numpy as np

__all__ = [
    "WIRE_COPY_MAX_DISTANCE",
    "content_hash",
    "hamming",
    "is_wire_copy",
    "normalise",
    "simhash",
]

from khorasan.model import WIRE_COPY_MAX_DISTANCE  # the store groups wire copies by it too

SHINGLE_WORDS = 3  # word trigrams: robust to a changed word, specific enough to tell stories apart

# Typographic variants that differ between copies of one text but carry no meaning.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+")
# the same folds as (character, replacement) pairs: str.replace of the few that occur scans in
# C, where translate with a dict looks up every character; no replacement is itself folded
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())


def _fold(text: str) -> str:
    """``text.translate(_FOLD)``."""
    for c, replacement in _FOLD_PAIRS:
        if c in text:
            text = text.replace(c, replacement)
    return text


def _normalise_once(text: str) -> str:
    text = _fold(unicodedata.normalize("NFKC", text)).casefold()
    text = _fold(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


@lru_cache(maxsize=4)  # content_hash and simhash read the same cleaned text in turn
def normalise(text: str) -> str:
    """NFKC, unified quotes and dashes, casefolded, whitespace collapsed: what hashes read."""
    result = _normalise_once(text)
    # NFKC and casefold can each undo the other on rare characters: settle to a fixed point.
    for _ in range(4):
        again = _normalise_once(result)
        if again == result:
            break
        result = again
    return result


def content_hash(text: str) -> str:
    """SHA-256 hex of the normalised text; equal for exact duplicates."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def _features(text: str) -> list[str]:
    words = _WORD.findall(normalise(text))
    if len(words) < SHINGLE_WORDS:
        return words
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]


def _encoded_features(text: str) -> Iterable[bytes]:
    """:func:`_features` UTF-8 encoded: each word encoded once, its trigrams joined as bytes
    (the same bytes as encoding each joined trigram)."""
    words = [w.encode("utf-8") for w in _WORD.findall(normalise(text))]
    if len(words) < SHINGLE_WORDS:
        return words
    return map(b" ".join, zip(words, words[1:], words[2:], strict=False))


_DIGEST8 = partial(hashlib.blake2b, digest_size=8)
_DIGEST = methodcaller("digest")


def simhash(text: str) -> int:
    """64-bit SimHash over word trigrams of the normalised text."""
    # the features' 8-byte hashes end to end (hashed by maps in C, no Python frame per
    # feature), as rows of a bit matrix: a bit is set where most rows have it
    digests = b"".join(map(_DIGEST, map(_DIGEST8, _encoded_features(text))))
    n = len(digests) // 8
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(n, 8), axis=1)
    # column k is bit 0x80 >> (k % 8) of byte k // 8: the value's bit 63 - k
    value = 0
    for k in np.flatnonzero(2 * bits.sum(axis=0, dtype=np.int64) > n).tolist():
        value |= 1 << (63 - k)
    return value


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def is_wire_copy(a: int, b: int) -> bool:
    """True when two SimHashes are close enough to be copies of one story."""
    return hamming(a, b) <= WIRE_COPY_MAX_DISTANCE
