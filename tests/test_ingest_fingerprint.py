"""Fingerprints: normalisation, content hash, SimHash and the wire-copy threshold."""

from __future__ import annotations

import itertools
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khorasan.ingest import (
    WIRE_COPY_MAX_DISTANCE,
    content_hash,
    document_from_text,
    hamming,
    is_wire_copy,
    normalise,
    simhash,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NO_SHARED = "../shared is absent: the dev pages are read from there, never copied"
ASCII = st.text(alphabet=string.ascii_letters + string.digits + " .,;'-\n\t", max_size=200)
WORDS = st.lists(st.sampled_from(string.ascii_letters + string.digits).map(lambda c: c * 3),
                 min_size=1, max_size=40)  # fmt: skip


@given(st.text(max_size=300))
def test_fingerprint_normalise_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(ASCII)
def test_fingerprint_hash_ignores_case(text: str) -> None:
    assert content_hash(text.swapcase()) == content_hash(text)


@given(WORDS, st.lists(st.sampled_from([" ", "  ", "\n", "\t", "\n\n", " \u00a0"]), min_size=40))
def test_fingerprint_hash_ignores_whitespace(words: list[str], gaps: list[str]) -> None:
    spaced = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert content_hash(spaced) == content_hash(" ".join(words))


def test_fingerprint_hash_unifies_quotes_and_dashes() -> None:
    assert content_hash("The “group” said – it’s over") == content_hash(
        'the "group" said - it\'s over'
    )


@given(st.text(max_size=300))
def test_fingerprint_simhash_equal_for_equal_text(text: str) -> None:
    assert simhash(text) == simhash(str(text))
    assert 0 <= simhash(text) < 2**64


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_fingerprint_hamming_symmetric_and_zero_on_self(a: int, b: int) -> None:
    assert hamming(a, b) == hamming(b, a)
    assert hamming(a, a) == 0 and is_wire_copy(a, a)
    assert 0 <= hamming(a, b) <= 64


def _dev_docs() -> dict[str, object]:
    dev = SHARED / "eval" / "dev"
    if not dev.is_dir():
        pytest.skip(NO_SHARED)
    return {
        p.name: document_from_text(p.read_text("utf-8"), name=p.name, source=p.name)
        for p in sorted(dev.glob("*.txt"))
    }


def test_fingerprint_dev_different_stories_are_not_wire_copies() -> None:
    # The dev set holds no verbatim copies: its closest pairs are different reports of one
    # event (100/101 Kabul airport at 18 bits). None may be merged as a wire copy.
    docs = _dev_docs()
    for (a, da), (b, db) in itertools.combinations(docs.items(), 2):
        distance = hamming(da.simhash, db.simhash)  # type: ignore[attr-defined]
        assert distance > WIRE_COPY_MAX_DISTANCE, f"{a} and {b} at {distance} bits"


def test_fingerprint_dev_wire_copy_under_other_furniture_matches() -> None:
    # One story as two outlets print it: other headline, byline and comment box, the end cut.
    docs = _dev_docs()
    for name, doc in docs.items():
        body = doc.text  # type: ignore[attr-defined]
        a = f"Outlet A headline for the story\nBy Jane Doe\n{body}\nLeave a Reply"
        cut = body[: int(len(body) * 0.9)]
        b = f"Another headline at outlet B\n{cut}\nShare this\nRelated Articles"
        da = document_from_text(a, name="a", source="a")
        db = document_from_text(b, name="b", source="b")
        assert is_wire_copy(da.simhash, db.simhash), f"{name}: {hamming(da.simhash, db.simhash)}"


def _simhash_by_columns(text: str) -> int:
    """The SimHash as its definition reads: each hash's 64 bits, a majority vote per bit."""
    import hashlib

    from khorasan.ingest.fingerprint import _features

    rows = [
        format(int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "big"), "064b")
        for f in _features(text)
    ]
    ones = [sum(r[i] == "1" for r in rows) for i in range(64)]
    return sum(1 << (63 - i) for i, c in enumerate(ones) if 2 * c > len(rows))


def test_simhash_counts_bits_as_the_definition_does() -> None:
    from khorasan.ingest.fingerprint import simhash

    for text in ("", "one two", "A car bomb \u2014 \u201cthe third\u201d \u2014 hit the market.",
                 " ".join(f"word{i % 37} w{i % 11}" for i in range(500))):  # fmt: skip
        assert simhash(text) == _simhash_by_columns(text)
