"""Review, alert and user writes from several writers at once (threads, each with its own
store and connection, on one SQLite file or one PostgreSQL database): no error, nothing lost.
On SQLite these transactions take the write lock up front (BEGIN IMMEDIATE), as document
writes and fusion do, so what one reads cannot change under it before it writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from khorasan.model import ReviewAction
from khorasan.store import Store

WRITERS = 3
ROUNDS = 12


def _action(writer: int, n: int, **values: Any) -> ReviewAction:
    return ReviewAction(at=f"2024-01-01T00:{writer:02d}:{n:02d}", user=f"analyst{writer}",
                        action=values.pop("action", "confirm"), event_id=f"e{writer}-{n}",
                        reason="checked", **values)  # fmt: skip


def _delivery(writer: int, n: int) -> dict[str, Any]:
    return {"delivery_id": f"d{writer}-{n}", "rule_id": None, "rule": f"rule{writer}",
            "event_id": None, "kind": "test", "channel": "file", "status": "sent",
            "attempts": 1, "error": None, "summary": "s", "payload": None,
            "at": "2024-01-01T00:00:00"}  # fmt: skip


def _rule(name: str) -> dict[str, Any]:
    return {"name": name, "filters": {}, "channel": "file", "target": {"path": "-"},
            "digest": None, "created_at": "2024-01-01T00:00:00"}  # fmt: skip


def _run_writers(work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def run(writer: int) -> None:
        try:
            start.wait()
            work(writer)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_review_alert_and_user_writes_lose_nothing(store_url: str) -> None:
    Store(store_url).close()  # migrated once, before the writers

    def work(writer: int) -> None:
        with Store(store_url) as store:  # its own engine: its own connections
            user = store.add_user(f"analyst{writer}", "analyst", None)
            for n in range(ROUNDS):
                done = store.add_review_action(_action(writer, n))
                assert done.id is not None
                if n % 3 == 0:  # a restore marks the action it undoes, in the same write
                    store.add_review_action(_action(writer, n, action="restore"), done.id)
                with store.alerting() as tx:
                    tx.add_delivery(_delivery(writer, n))
                store.add_credential(user.id, "token", f"h{writer}-{n}")

    assert not _run_writers(work)
    with Store(store_url) as store:
        actions = store.review_actions()
        assert len(actions) == WRITERS * (ROUNDS + (ROUNDS + 2) // 3)
        assert len({a.id for a in actions}) == len(actions)
        undone = [a for a in actions if a.undone_by is not None]
        assert len(undone) == WRITERS * ((ROUNDS + 2) // 3)
        assert all(store.review_actions(ids=[a.undone_by])[0].action == "restore"
                   for a in undone if a.undone_by is not None)  # fmt: skip
        with store.alerting(write=False) as tx:
            log = tx.deliveries()
        assert sorted(d["delivery_id"] for d in log) == sorted(
            f"d{w}-{n}" for w in range(WRITERS) for n in range(ROUNDS)
        )
        assert {u.name: u.tokens for u in store.users()} == {
            f"analyst{w}": ROUNDS for w in range(WRITERS)}  # fmt: skip


def test_an_alert_write_holds_the_lock_from_its_first_read(tmp_path: Any) -> None:
    """Two writers each add the rule if it is missing: the second waits for the first's
    transaction, then finds the rule (one rule, no error; a deferred transaction read
    "missing" in both and the second failed on the unique name)."""
    path = str(tmp_path / "k.db")
    first, second = Store(path), Store(path)
    errors: list[BaseException] = []
    added: list[bool] = []

    def add_if_missing(store: Store) -> None:
        try:
            with store.alerting() as tx:
                if not tx.rules("wanted"):
                    tx.add_rule(_rule("wanted"))
                    added.append(True)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)

    try:
        with first.alerting() as tx:
            assert tx.rules("wanted") == []  # read: the write lock is held from here
            other = threading.Thread(target=add_if_missing, args=(second,))
            other.start()
            other.join(timeout=1.0)  # it cannot finish while this transaction is open
            assert other.is_alive()
            tx.add_rule(_rule("wanted"))
        other.join()
        assert not errors and added == []
        with first.alerting(write=False) as tx:
            assert [r["name"] for r in tx.rules()] == ["wanted"]
    finally:
        first.close()
        second.close()


def test_alert_reads_need_no_write_access(tmp_path: Any) -> None:
    path = tmp_path / "k.db"
    with Store(str(path)) as store, store.alerting() as tx:
        tx.add_rule(_rule("kept"))
    with Store(f"sqlite:///file:{path}?mode=ro&uri=true", create=False) as store:
        with store.alerting(write=False) as tx:
            assert [r["name"] for r in tx.rules()] == ["kept"]
