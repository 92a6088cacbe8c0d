"""The alias matcher's text folding: one length, the same folds whatever the order."""

from __future__ import annotations

from khorasan.kb.matcher import _FOLD, AliasMatcher, normalise


def test_normalise_folds_as_translate_does() -> None:
    text = "Al\u2019Qaeda\u2013linked `men`\u00a0in\tKabul\u2212north, "
    text += "\u0130DLIB\u2032s \u2010 \u02bcx\r\n"
    assert normalise(text) == "".join(
        c if len(c.lower()) != 1 else c.lower() for c in text.translate(_FOLD)
    )
    assert len(normalise(text)) == len(text)
    assert normalise("Kabul\u2014Herat") == "kabul-herat"


def test_folded_alias_matches_with_its_offsets() -> None:
    matcher = AliasMatcher([("Mazar-i-Sharif", "title", "M")])
    text = "In Mazar\u2013i\u2013Sharif, and in mazar-i-sharif."
    found = matcher.find(text)
    assert [(m.start, m.end, m.payloads) for m in found] == [(3, 17, ("M",))]
