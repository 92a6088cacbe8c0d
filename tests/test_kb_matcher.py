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


def test_matchers_sharing_keys_each_find_their_own() -> None:
    # one automaton serves every matcher: each gets the hits of its own keys only, and a
    # matcher made after the others have read a text still finds its keys in that text
    text = "Gunmen from the Kabul Front attacked a post in Kabul and in Kabul Province."
    places = AliasMatcher([("Kabul", "title", "city"), ("Kabul Province", "title", "prov")])
    assert [(m.start, m.end, m.payloads) for m in places.find(text)] == [
        (16, 21, ("city",)),
        (47, 52, ("city",)),
        (60, 74, ("prov",)),
    ]
    groups = AliasMatcher([("Kabul Front", "title", "group"), ("post", "exact", "x")])
    assert [(m.start, m.end, m.payloads) for m in groups.find(text)] == [
        (16, 27, ("group",)),
        (39, 43, ("x",)),
    ]
    assert len(places.find(text)) == 3
    assert AliasMatcher([]).find(text) == []
