"""Analyst review: actions logged with who, when, before, after and why, laid over the
machine's events, and kept through re-extraction, re-fusion and incremental updates."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BACKENDS, copy_store_url, new_store_url

from khorasan import fuse, ingest, open_store, reextract, review
from khorasan.cli import cli
from khorasan.errors import NotFoundError, ReviewError
from khorasan.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module", params=BACKENDS)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_store_url(request, request.param,
                        tmp_path_factory.mktemp("review") / "template.db")  # fmt: skip
    with open_store(url) as store:
        ingest([str(EXAMPLES)], store)
    return url


@pytest.fixture()
def store(request: pytest.FixtureRequest, template: str, tmp_path: Path) -> Store:
    s = open_store(copy_store_url(request, template, tmp_path / "k.db"))
    yield s
    s.close()


def _shared(store: Store) -> tuple[str, list[int]]:
    """An event two documents report, and its mention ids."""
    event = next(e for e in store.events() if len(e.mentions or []) >= 2)
    return event.id, [m["id"] for m in event.mentions or []]


def _events_holding(store: Store, mention_id: int) -> list[str]:
    return [e.id for e in store.events(review_status="any")
            if any(m["id"] == mention_id for m in e.mentions or [])]  # fmt: skip


def _snapshot(store: Store) -> list[tuple]:
    return sorted(
        (e.id, e.review_status, e.killed_best, e.date, tuple(sorted(m["id"] for m in e.mentions)))
        for e in store.events(review_status="any")
    )


def test_correction_survives_reextract_and_fuse(store: Store) -> None:
    event_id, _ = _shared(store)
    machine = store.event(event_id).killed_best
    action = review.correct(store, event_id, "killed_best", 500, user="ana", reason="ministry")
    assert action.id and action.before == machine and action.after == 500
    for rerun in (lambda: reextract(store), lambda: fuse(store)):
        rerun()
        event = store.event(event_id)
        assert event.killed_best == 500
        assert event.review_status == "corrected"
        correction = event.detail["review"]["corrections"]["killed_best"]
        assert correction == {"value": 500, "machine": machine, "action": action.id,
                              "user": "ana", "at": action.at, "reason": "ministry"}  # fmt: skip
        assert event.killed_low <= 500 <= event.killed_high  # best stays within the range


def test_incremental_update_equals_full_fuse_with_actions(store: Store) -> None:
    event_id, members = _shared(store)
    others = [e.id for e in store.events() if e.id != event_id]
    review.merge(store, event_id, others[0], user="ana", reason="one attack")
    review.split(store, store.events_of_mentions([members[0]])[members[0]], [members[0]],
                 user="ana", reason="two attacks")  # fmt: skip
    review.reject(store, others[1], user="ana", reason="not an attack")
    review.correct(store, others[2], "date", "2020-01-02", user="ana", reason="dateline")
    after_updates = _snapshot(store)
    fuse(store)
    assert _snapshot(store) == after_updates


def test_merge_and_restore_round_trip(store: Store) -> None:
    first, second = [e.id for e in store.events()][:2]
    ids = {m["id"] for e in (store.event(first), store.event(second)) for m in e.mentions}
    before = _snapshot(store)
    action = review.merge(store, first, second, user="ana", reason="one attack")
    merged = {e.id for i in ids for e in store.events() if i in {m["id"] for m in e.mentions}}
    assert len(merged) == 1
    fuse(store)
    assert len({_events_holding(store, i)[0] for i in ids}) == 1
    review.restore(store, action.id, user="ana", reason="two attacks after all")
    assert _snapshot(store) == before


def test_split_moves_the_chosen_mentions(store: Store) -> None:
    event_id, members = _shared(store)
    review.split(store, event_id, [members[-1]], user="ana", reason="different days")
    fuse(store)
    assert _events_holding(store, members[-1]) != _events_holding(store, members[0])
    with pytest.raises(ReviewError, match="not a mention"):
        review.split(store, event_id, [10**9], user="ana", reason="x")


def test_reject_leaves_lists_and_tallies_and_restore_brings_back(store: Store) -> None:
    event = max(store.events(), key=lambda e: e.killed_best or 0)
    total = sum(g["killed_best"] for g in store.event_tally_groups())
    action = review.reject(store, event.id, user="ana", reason="out of scope")
    assert event.id not in [e.id for e in store.events()]
    assert store.event(event.id).review_status == "rejected"
    assert [e.id for e in store.events(review_status="rejected")] == [event.id]
    assert sum(g["killed_best"] for g in store.event_tally_groups()) == total - event.killed_best
    review.restore(store, action.id, user="ana", reason="in scope after all")
    assert event.id in [e.id for e in store.events()]
    assert store.event(event.id).review_status is None


def test_mention_correction_and_rejection(store: Store) -> None:
    event_id, members = _shared(store)
    review.correct_mention(store, members[0], "perpetrator", "ISKP", user="ana", reason="x")
    fuse(store)
    holder = store.event(_events_holding(store, members[0])[0])
    change = holder.detail["review"]["mention_corrections"][0]
    assert change["value"] == "IS-K"  # an alias is stored under the canonical name
    review.reject_mention(store, members[-1], user="ana", reason="a misread caption")
    alone = store.event(_events_holding(store, members[-1])[0])
    assert alone.review_status == "rejected" and len(alone.mentions) == 1


def test_orphaned_actions_are_kept_and_shown(store: Store) -> None:
    event = store.events()[0]
    doc = event.mentions[0]["document_id"]
    action = review.confirm(store, event.id, user="ana")
    empty = {"incidents": [], "statistics": [], "strength": [], "plots": [], "leaders": [],
             "relations": []}  # fmt: skip
    for m in event.mentions:  # the machine no longer finds this incident in its documents
        store.replace_extracted(m["document_id"], empty, "test")
    fuse(store)
    rows = review.orphaned(store)
    assert [r["id"] for r in rows] == [action.id] and rows[0]["state"] == "orphaned"
    assert doc in json.dumps(rows[0]["anchors"])


def test_bad_actions_are_one_line_errors(store: Store) -> None:
    event_id, _ = _shared(store)
    with pytest.raises(ReviewError, match="cannot be corrected"):
        review.correct(store, event_id, "colour", "red", user="ana")
    with pytest.raises(ReviewError, match="not a whole number"):
        review.correct(store, event_id, "killed_best", "many", user="ana")
    with pytest.raises(ReviewError, match="not one of"):
        review.correct(store, event_id, "attack_type", "laser", user="ana")
    with pytest.raises(ReviewError, match="says who"):
        review.confirm(store, event_id, user=" ")
    with pytest.raises(NotFoundError):
        review.confirm(store, "ffffffffffff", user="ana")
    with pytest.raises(NotFoundError):
        review.restore(store, 999, user="ana")
    assert store.review_actions() == []  # nothing was logged


def test_queue_is_least_confident_first_and_skips_reviewed(store: Store) -> None:
    queue = review.queue(store, limit=100)
    confidences = [e.detail.get("confidence") or 0 for e in queue]
    assert confidences == sorted(confidences)
    review.confirm(store, queue[0].id, user="ana")
    assert queue[0].id not in [e.id for e in review.queue(store, limit=100)]


def test_cli_correct_then_reextract_and_fuse(
    request: pytest.FixtureRequest, template: str, tmp_path: Path
) -> None:
    db = copy_store_url(request, template, tmp_path / "cli.db")
    runner = CliRunner()
    with open_store(db) as s:
        event_id, _ = _shared(s)
    result = runner.invoke(cli, ["review", "correct", event_id, "--field", "killed_best",
                                 "--value", "77", "--reason", "=cmd|' /C calc'!A0",
                                 "--user", "ana", "--db", db])  # fmt: skip
    assert result.exit_code == 0, result.output
    for command in (["reextract", "--db", db], ["fuse", "--db", db]):
        assert runner.invoke(cli, command).exit_code == 0
    shown = json.loads(runner.invoke(cli, ["event", event_id, "--db", db, "--json"]).output)
    assert shown["killed_best"] == 77
    assert shown["detail"]["review"]["corrections"]["killed_best"]["user"] == "ana"
    history = runner.invoke(cli, ["review", "history", event_id, "--db", db, "--json"])
    assert [h["action"] for h in json.loads(history.output)["history"]] == ["correct"]
    exported = runner.invoke(cli, ["review", "export", "--db", db]).output
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["reason"].startswith("'=")  # a spreadsheet shows it as text
    bad = runner.invoke(cli, ["review", "correct", event_id, "--field", "killed_best",
                              "--value", "x", "--reason", "r", "--db", db])  # fmt: skip
    assert bad.exit_code == 1 and bad.output.strip().startswith("Error: killed_best:")
