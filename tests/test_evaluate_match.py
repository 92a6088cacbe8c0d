"""Evidence location and one-to-one incident matching on hand-built cases."""

from __future__ import annotations

from typing import Any

from khorasan.evaluate.match import match_incidents, place_compatible
from khorasan.evaluate.spans import (
    evidence_pieces,
    locate_evidence,
    overlap_chars,
    token_containment,
)

TEXT = (
    "A suicide bomber struck a mosque in Kunduz on Friday, killing 46 people.\n"
    "Officials said the death toll could rise.  Separately, gunmen attacked a checkpoint "
    "in Jalalabad, killing three police officers. The group later claimed both attacks."
)
S1 = "A suicide bomber struck a mosque in Kunduz on Friday, killing 46 people."
S2 = "Separately, gunmen attacked a checkpoint in Jalalabad, killing three police officers."
S3 = "The group later claimed both attacks."


def inc(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": "2021-10-08",
        "country": "Afghanistan",
        "admin1": None,
        "place": None,
        "killed": None,
    }
    base.update(kw)
    return base


def span_of(sub: str) -> list[int]:
    start = TEXT.index(sub)
    return [start, start + len(sub)]


def test_pieces_split_on_ellipsis_joiner() -> None:
    assert evidence_pieces(f"{S1} ... {S3}") == [S1, S3]
    assert evidence_pieces(None) == []


def test_locate_exact_and_joined_pieces() -> None:
    spans = locate_evidence(TEXT, f"{S1} ... {S3}")
    assert [TEXT[s:e] for s, e in spans] == [S1, S3]


def test_locate_whitespace_normalised() -> None:
    # the document has a newline and a double space where the evidence has single spaces
    ev = "killing 46 people. Officials said the death toll could rise. Separately, gunmen"
    (span,) = locate_evidence(TEXT, ev)
    assert TEXT[span[0] : span[1]].startswith("killing 46")
    assert TEXT[span[0] : span[1]].endswith("gunmen")


def test_locate_sentences_joined_without_marker() -> None:
    # annotators sometimes skip a sentence without writing " ... "
    spans = locate_evidence(TEXT, f"{S1} {S2}")
    assert [TEXT[s:e] for s, e in spans] == [S1, S2]


def test_locate_curly_quotes_folded() -> None:
    text = "He said “we did it” on Monday."
    (span,) = locate_evidence(text, 'He said "we did it" on Monday.')
    assert span == (0, len(text))


def test_locate_not_found() -> None:
    assert locate_evidence(TEXT, "Nothing of this sort appears anywhere here.") == []


def test_overlap_and_containment() -> None:
    assert overlap_chars([(0, 10)], [(5, 20), (30, 40)]) == 5
    assert token_containment("a b c d", "b c d e f g") == 0.75
    assert token_containment("", "x") == 0.0


def test_match_by_span_overlap() -> None:
    gold = [inc(admin1="Kunduz", evidence=S1), inc(admin1="Nangarhar", evidence=S2)]
    # wrong dates and places: only the spans can tie them
    pred = [
        inc(date="2020", admin1="X", span=span_of(S2)),
        inc(date="2020", admin1="Y", span=span_of(S1)),
    ]
    result = match_incidents(gold, pred, TEXT)
    assert [(p.gold, p.pred, p.basis) for p in result.pairs] == [
        (0, 1, "overlap"),
        (1, 0, "overlap"),
    ]
    assert result.unmatched_gold == [] and result.unmatched_pred == []


def test_match_pred_evidence_located_when_no_span() -> None:
    gold = [inc(evidence=S1)]
    pred = [inc(date=None, evidence="struck a mosque in Kunduz on Friday")]
    result = match_incidents(gold, pred, TEXT)
    assert [(p.gold, p.pred, p.basis) for p in result.pairs] == [(0, 0, "overlap")]


def test_match_by_token_containment_when_unlocatable() -> None:
    gold = [inc(evidence="Bombers hit the shrine in Sehwan, killing 72 devotees.")]
    pred = [inc(date=None, evidence="the bombers hit a shrine in Sehwan and killed 72 devotees")]
    result = match_incidents(gold, pred, "unrelated text")
    assert [p.basis for p in result.pairs] == ["containment"]


def test_match_date_place_fallback() -> None:
    gold = [inc(date="2021-10", admin1="Kunduz", evidence="not in the text at all")]
    pred = [inc(date="2021-10-08", admin1="kunduz ")]
    result = match_incidents(gold, pred, TEXT)
    assert [p.basis for p in result.pairs] == ["date_place"]


def test_fallback_needs_both_date_and_place() -> None:
    gold = [inc(date="2021-10", admin1="Kunduz")]
    assert match_incidents(gold, [inc(date="2021-11", admin1="Kunduz")], TEXT).pairs == []
    assert match_incidents(gold, [inc(date="2021-10", admin1="Kabul")], TEXT).pairs == []
    assert match_incidents(gold, [inc(date=None, admin1="Kunduz")], TEXT).pairs == []


def test_place_compatible_rules() -> None:
    assert place_compatible(inc(admin1="Kabul"), inc(admin1="KABUL"))
    assert place_compatible(inc(admin1="Kabul", place="Airport"), inc(admin1=None, place="airport"))
    assert place_compatible(inc(), inc())  # both admin1 null, same country
    assert not place_compatible(inc(admin1="Kabul"), inc(admin1=None))
    assert not place_compatible(inc(), inc(country="Pakistan"))


def test_one_to_one_and_false_alarm() -> None:
    gold = [inc(admin1="Kunduz", evidence=S1)]
    pred = [inc(admin1="Kunduz", span=span_of(S1)), inc(admin1="Kunduz", span=span_of(S1))]
    result = match_incidents(gold, pred, TEXT)
    assert len(result.pairs) == 1
    assert result.unmatched_pred == [1]


def test_greater_overlap_wins() -> None:
    gold = [inc(evidence=S1)]
    pred = [inc(span=[TEXT.index(S1), TEXT.index(S1) + 10]), inc(span=span_of(S1))]
    result = match_incidents(gold, pred, TEXT)
    assert [(p.gold, p.pred) for p in result.pairs] == [(0, 1)]


def test_shared_evidence_tie_broken_by_place_then_killed() -> None:
    shared = S3
    gold = [
        inc(admin1="Kunduz", evidence=shared, killed={"value": 46, "qualifier": "exact"}),
        inc(admin1="Nangarhar", evidence=shared, killed={"value": 3, "qualifier": "exact"}),
    ]
    pred = [
        inc(admin1="Nangarhar", span=span_of(shared)),
        inc(admin1="Kunduz", span=span_of(shared)),
    ]
    result = match_incidents(gold, pred, TEXT)
    assert [(p.gold, p.pred) for p in result.pairs] == [(0, 1), (1, 0)]
    # same place for both: the killed figure decides
    pred = [
        inc(admin1="Kunduz", span=span_of(shared), killed={"value": 3}),
        inc(admin1="Kunduz", span=span_of(shared), killed={"value": 46}),
    ]
    gold[1]["admin1"] = "Kunduz"
    result = match_incidents(gold, pred, TEXT)
    assert [(p.gold, p.pred) for p in result.pairs] == [(0, 1), (1, 0)]


def test_invalid_span_falls_back_to_evidence() -> None:
    gold = [inc(evidence=S1)]
    pred = [inc(date=None, span=[5, 99999], evidence=S1)]
    assert [p.basis for p in match_incidents(gold, pred, TEXT).pairs] == ["overlap"]


def test_no_candidates() -> None:
    result = match_incidents([inc(date=None)], [], TEXT)
    assert result.pairs == [] and result.unmatched_gold == [0]
