"""Sentence splitting: abbreviations, initials, quotes, line breaks, and span invariants."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khorasan.annotate.sentences import sentence_at, split_sentences
from khorasan.model import Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Two blasts hit the city. At least 13 people died.",
            ["Two blasts hit the city.", "At least 13 people died."],
        ),
        (
            "Marine Gen. Kenneth F. McKenzie spoke to reporters. He said more would die.",
            ["Marine Gen. Kenneth F. McKenzie spoke to reporters.", "He said more would die."],
        ),
        (
            "Lt. Col. Smith and Dr. Jones met Mr. Khan and Mrs. Khan at St. Mary's.",
            ["Lt. Col. Smith and Dr. Jones met Mr. Khan and Mrs. Khan at St. Mary's."],
        ),
        (
            "The attack began at 10 a.m. Friday and ended by 2 p.m. Saturday.",
            ["The attack began at 10 a.m. Friday and ended by 2 p.m. Saturday."],
        ),
        (
            "It happened on Jan. 3 and again on Aug. 26 near Gate No. 3 of the airport.",
            ["It happened on Jan. 3 and again on Aug. 26 near Gate No. 3 of the airport."],
        ),
        (
            "The U.S. Central Command confirmed the toll.",
            ["The U.S. Central Command confirmed the toll."],
        ),
        (
            "Troops left the U.S. The group then struck again.",
            ["Troops left the U.S.", "The group then struck again."],
        ),
        (
            "Officials from the U.N. Security Council met.",
            ["Officials from the U.N. Security Council met."],
        ),
        (
            "The toll rose to 2.5 times the first estimate. Rescuers kept digging.",
            ["The toll rose to 2.5 times the first estimate.", "Rescuers kept digging."],
        ),
        (
            '"We will not stop," he said. "They will pay."',
            ['"We will not stop," he said.', '"They will pay."'],
        ),
        (
            "“Is anyone safe?” he asked. Nobody answered!",
            ["“Is anyone safe?” he asked.", "Nobody answered!"],
        ),
        (
            "He said “the bomber was alone.” Police disagreed.",
            ["He said “the bomber was alone.”", "Police disagreed."],
        ),
        (
            "Rep. Smith, Sen. Jones and Gov. Lee (vs. Maj. Ali and Sgt. Day) spoke.",
            ["Rep. Smith, Sen. Jones and Gov. Lee (vs. Maj. Ali and Sgt. Day) spoke."],
        ),
        (
            "Suicide bombers hit the airport\nThirteen service members were killed.",
            ["Suicide bombers hit the airport", "Thirteen service members were killed."],
        ),
        (
            "Headline without stop\n\nBody text. More text",
            ["Headline without stop", "Body text.", "More text"],
        ),
        (  # a hard-wrapped paragraph: one sentence over three lines
            "A bomber struck a bank in the city of\nKunduz on Tuesday, killing five and\n"
            "wounding seven, police said. No group\nclaimed it.",
            [
                "A bomber struck a bank in the city of\nKunduz on Tuesday, killing five and\n"
                "wounding seven, police said.",
                "No group\nclaimed it.",
            ],
        ),  # fmt: skip
        (  # ... but a headline over a paragraph, a blank line, a bullet are no wraps
            "Bomb kills five in Kunduz\nA bomber struck on Tuesday,\n\nthe police said.\n"
            "Seen in the city of\n- Kabul",
            [
                "Bomb kills five in Kunduz",
                "A bomber struck on Tuesday,",
                "the police said.",
                "Seen in the city of",
                "- Kabul",
            ],
        ),  # fmt: skip
        (
            "Short Url\nhttps://example.org/x",
            ["Short Url", "https://example.org/x"],
        ),
        (
            "The death toll was 13. 90 Afghans also died.",
            ["The death toll was 13.", "90 Afghans also died."],
        ),
        (
            "Many groups, e.g. the TTP, i.e. the Pakistani Taliban, joined.",
            ["Many groups, e.g. the TTP, i.e. the Pakistani Taliban, joined."],
        ),
    ],
)
def test_split_sentences_cases(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n"])
def test_split_sentences_blank(text: str) -> None:
    assert split_sentences(text) == []


def test_sentence_at_finds_the_containing_sentence() -> None:
    text = "First one. Second one.\nThird."
    sentences = split_sentences(text)
    assert sentence_at(sentences, 0) == sentences[0]
    assert sentence_at(sentences, text.index("Second") + 3) == sentences[1]
    assert sentence_at(sentences, text.index("Third")) == sentences[2]
    assert sentence_at(sentences, text.index(" Second")) is None  # the gap between
    assert sentence_at([], 5) is None


_PIECES = ["The", "U.S.", "Gen.", "a.m.", "F.", "13", "2.5", "killed", ".", "!", "?", " ", "  ",
           "\n", "\n\n", '"', "“", "”", ",", "he said", "Kabul", "Mr.", "x"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=200))
def test_split_sentences_spans_partition_the_text(text: str) -> None:
    sentences = split_sentences(text)
    covered = [0] * len(text)
    previous_end = 0
    for s in sentences:
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk and not chunk[0].isspace() and not chunk[-1].isspace()
        for i in range(s.start, s.end):
            covered[i] += 1
        previous_end = s.end
    for i, ch in enumerate(text):
        assert covered[i] == 1 or (covered[i] == 0 and ch.isspace()), (i, ch)


def test_split_sentences_smoke_over_shared_texts() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED}")
    paths = sorted(SHARED.glob("seeds/*.txt")) + sorted(SHARED.glob("eval/dev/*.txt"))
    if not paths:
        pytest.skip(f"no .txt files under {SHARED}")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    began = time.perf_counter()
    results = [split_sentences(t) for t in texts]
    elapsed = time.perf_counter() - began
    for text, sentences in zip(texts, results, strict=True):
        assert all(isinstance(s, Sentence) and text[s.start : s.end].strip() for s in sentences)
    print(f"split_sentences: {len(texts)} docs in {elapsed * 1000:.1f} ms")
