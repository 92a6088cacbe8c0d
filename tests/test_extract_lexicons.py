"""The lowercased fast path of the trigger lexicons finds exactly what the case-insensitive
pattern finds, offsets and categories included."""

from __future__ import annotations

import random

import pytest

from khorasan.extract import lexicons
from khorasan.extract.lexicons import ATTACK_LEXICON, TARGET_LEXICON


def _reference(lexicon: str, text: str) -> list[tuple[str, int, int]]:
    pattern, category_of = lexicons._phrase_index(lexicon)
    out = []
    for m in pattern.finditer(text):
        category = category_of.get(lexicons._key(m.group()))
        if category is not None:
            out.append((category, m.start(), m.end()))
    return out


SENTENCES = [
    "Gunmen SHOT DEAD a police officer near the Mosque; a Car Bomb hit a school bus.",
    "A suicide bomber struck a Shi’ite shrine and militants stormed the prison at dawn.",
    "The checkpoint-attack was a non-bombing, and anti-shooting drills went on.",
    "İstanbul police said an explosion hit the market.",  # lowercasing lengthens the text
    "A bomb\u0131ng hit the market.",  # dotless i folds onto "i" only in re.IGNORECASE
    "An airſtrike hit the ſchool.",  # long s folds onto "s" only in re.IGNORECASE
    "",
]


@pytest.mark.parametrize("lexicon", [ATTACK_LEXICON, TARGET_LEXICON])
@pytest.mark.parametrize("text", SENTENCES)
def test_fast_path_matches_case_insensitive_pattern(lexicon: str, text: str) -> None:
    for variant in (text, text.upper(), text.swapcase()):
        assert lexicons._find(lexicon, variant) == _reference(lexicon, variant)


def test_triggers_found_in_any_case() -> None:
    assert lexicons.attack_triggers("A CAR BOMB exploded.") == lexicons.attack_triggers(
        "A car bomb exploded."
    )
    assert lexicons.attack_triggers("A car bomb exploded.")


@pytest.mark.parametrize("lexicon", [ATTACK_LEXICON, TARGET_LEXICON])
def test_automaton_finds_what_the_alternation_finds(lexicon: str) -> None:
    # the lexicon's own phrases run together with word parts and odd whitespace: overlaps,
    # phrases inside words, hyphens, runs of spaces, newlines and non-breaking spaces
    phrases = [p for ps in lexicons.load_lexicon(lexicon).values() for p in ps]
    parts = [*phrases, "the", "a", "anti", "non", "s", "ing", "ed", "_", "1", "’"]
    seps = [" ", "  ", "\n", "\n\n", " \t ", "-", "", ",", ".", "\u00a0", " \u2003"]
    rnd = random.Random(13)
    for _ in range(1500):
        text = "".join(rnd.choice(parts) + rnd.choice(seps) for _ in range(rnd.randint(1, 10)))
        for variant in (text, text.upper()):
            assert lexicons._find(lexicon, variant) == _reference(lexicon, variant)
