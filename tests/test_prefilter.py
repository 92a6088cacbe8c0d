"""The literal prefilter in front of the cue patterns: same answers as the bare pattern."""

from __future__ import annotations

import re
import sys

import pytest

from khorasan.extract.cues import INCIDENT_CUES, cue_pattern
from khorasan.extract.prefilter import (
    TROUBLE,
    CharFiltered,
    Prefiltered,
    may_match,
    prefiltered,
    required_characters,
    required_literals,
)


def test_trouble_lists_every_character_ignorecase_folds_onto_ascii_unlike_lower() -> None:
    every = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    folds_onto_ascii = {m.group() for m in re.finditer("[a-z]", every, re.IGNORECASE)}
    assert folds_onto_ascii <= set(TROUBLE)
    assert "\u0131" in folds_onto_ascii and "\u017f" in folds_onto_ascii


@pytest.mark.parametrize(
    ("source", "flags", "expected"),
    [
        # the parser factors the shared "b" out of the branch: "omb" or "last" is left
        (r"(?<!\w)(?:bomb(?:ing|er)?|blast)", re.I, {"omb", "last"}),
        (r"no (?:\w+\s+)?Group", re.I, {"group"}),
        (r"Amaq", 0, {"Amaq"}),
        (r"(?:a|the)?\s*(?:x+)", re.I, None),  # nothing of length three is required
        (r"(?=attack)\w+", re.I, None),  # a lookahead's words are not part of the match
        (r"(?:foo)?bar\d", re.I, {"bar"}),
    ],
)
def test_required_literals(source: str, flags: int, expected: set[str] | None) -> None:
    assert required_literals(re.compile(source, flags)) == expected


SENTENCES = [
    "A SUICIDE BOMBER struck a mosque, killing 12.",
    "The blast in the market wounded dozens.",
    "No group has yet claimed the attack.",
    "The \u0130slamic State \u017fuicide cell was blamed.",  # characters that fold oddly
    "Police said nothing happened on Tuesday.",
    "KABUL, June 6 (Reuters) - A bomb went off near a school.",
    "QUETTA: Gunmen shot dead two guards — police said.",
    "",
]


@pytest.mark.parametrize("name", sorted(k for k, v in INCIDENT_CUES.items() if isinstance(v, list)))
def test_filtered_cues_answer_as_the_bare_pattern(name: str) -> None:
    fast = cue_pattern(name)
    bare = getattr(fast, "regex", fast)
    for text in SENTENCES:
        assert fast.search(text) == bare.search(text) or (
            fast.search(text).span() == bare.search(text).span()  # type: ignore[union-attr]
        )
        for pos, endpos in ((0, 10), (5, 30), (12, len(text)), (3, 4)):
            got, want = fast.search(text, pos, endpos), bare.search(text, pos, endpos)
            assert (got and got.span()) == (want and want.span())
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in bare.finditer(text)]
        assert fast.sub(" ", text) == bare.sub(" ", text)
        for i in range(len(text) + 1):  # match: at every start, in the text and in its tail
            for got, want in ((fast.match(text, i), bare.match(text, i)),
                              (fast.match(text[i:]), bare.match(text[i:]))):  # fmt: skip
                assert (got and got.span()) == (want and want.span())


def test_a_pattern_without_long_literals_is_filtered_by_its_caseless_characters() -> None:
    dateline = cue_pattern("dateline")
    assert isinstance(dateline, CharFiltered)
    assert set(dateline._chars) >= {":", "-"}
    assert required_characters(re.compile(r"[a-z]+:\s", re.I)) == {":"}
    # a cased letter is no such character: under IGNORECASE "k" matches the Kelvin sign
    assert required_characters(re.compile(r"k", re.I)) is None
    assert isinstance(prefiltered(re.compile(r"\w+,\s")), re.Pattern)  # a comma: left as is


def test_odd_folds_go_unfiltered() -> None:
    pattern = prefiltered(re.compile(r"suicide", re.I))
    assert isinstance(pattern, Prefiltered)
    assert pattern.search("\u017fuicide") is not None  # long s: re.IGNORECASE matches it
    assert pattern.search("Suicide")
    assert pattern.search("homicide") is None


def test_may_match_is_false_only_without_the_literals() -> None:
    pattern = prefiltered(re.compile(r"(?<!\w)(?:blamed|accused)\s+\w+", re.I))
    assert not may_match(pattern, "The market reopened on Sunday.")
    assert may_match(pattern, "Police BLAMED rebels.")
    # only the words are asked: "accused" is there, though no match is
    assert may_match(pattern, "the accused.")
    assert may_match(re.compile(r"\w+"), "")  # a pattern without the filter: always maybe


@pytest.mark.parametrize("name", sorted(k for k, v in INCIDENT_CUES.items() if isinstance(v, list)))
def test_finditer_over_a_long_text_answers_as_the_bare_pattern(name: str) -> None:
    # a long text is searched only from where a match of bounded width can start
    fast = cue_pattern(name)
    bare = getattr(fast, "regex", fast)
    clean = " ".join(s for s in SENTENCES if s.isascii())
    for text in (clean * 6, " ".join(SENTENCES) * 4, "x" * 500 + clean):
        assert len(text) > 400
        for pos, endpos in ((0, sys.maxsize), (7, len(text) - 5), (-3, 900), (450, 10**6)):
            got = [m.span() for m in fast.finditer(text, pos, endpos)]
            assert got == [m.span() for m in bare.finditer(text, pos, endpos)], (pos, endpos)


def test_finditer_over_a_long_text_finds_matches_of_the_full_width() -> None:
    # the match starts a full width before the end of its literal ("very big bombing")
    pattern = prefiltered(re.compile(r"(?:very\s)?big\s(?:bombing)", re.I))
    assert isinstance(pattern, Prefiltered)
    text = ("A VERY big bombing, a big bomb. " + "The town was quiet. " * 8) * 6
    want = [m.span() for m in pattern.regex.finditer(text)]  # type: ignore[attr-defined]
    assert [m.span() for m in pattern.finditer(text)] == want
    assert want[0] == (2, 18)
