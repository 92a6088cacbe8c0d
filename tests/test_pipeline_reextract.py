"""``reextract`` re-runs every extractor on every stored document, stores every record kind,
keeps mention identities and re-fuses: events, links and tallies are the same afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_snapshot import consistency_problems, event_snapshot

from khorasan.pipeline import ingest, open_store, reextract

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
KINDS_TABLES = ("documents", "incident_mentions", "record_mentions", "events", "event_mentions")


def _ids(store) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(r["id"] for r in store.incidents())


@pytest.mark.parametrize("inputs", ["examples", "seeds and dev"])
def test_reextract_keeps_events_links_and_identities(tmp_path: Path, inputs: str) -> None:
    if inputs == "examples":
        paths = [EXAMPLES]
    else:
        if not (SHARED / "eval" / "dev").is_dir():
            pytest.skip("../shared is absent: the seeds and dev pages are read from there")
        paths = [SHARED / "seeds", SHARED / "eval" / "dev"]
    with open_store(tmp_path / "k.db") as store:
        ingest(paths, store)
        before = event_snapshot(store)
        counts = {t: store.count(t) for t in KINDS_TABLES}
        ids = _ids(store)
        progress: list[tuple[int, int]] = []
        summary = reextract(store, batch_size=20, on_progress=lambda d, t: progress.append((d, t)))
        assert summary.documents == counts["documents"]
        assert summary.counts["incidents"] == counts["incident_mentions"]
        assert progress[-1] == (counts["documents"], counts["documents"])
        assert {t: store.count(t) for t in KINDS_TABLES} == counts
        assert _ids(store) == ids  # same mentions, same ids
        assert event_snapshot(store) == before
        assert not consistency_problems(store)


def test_reextract_mends_events_when_a_mention_goes(tmp_path: Path) -> None:
    with open_store(tmp_path / "k.db") as store:
        ingest([EXAMPLES], store)
        before = event_snapshot(store)
        victim = store.incidents()[0]
        # an older extractor's extra mention in the same document: re-extraction drops it
        rows = [r["record"] for r in store.incidents(document_id=victim["document_id"])]
        extra = dict(rows[0], span=[0, 1], evidence="x")
        store.replace_extracted(victim["document_id"], {"incidents": [*rows, extra]}, "old")
        reextract(store)
        assert event_snapshot(store) == before
        assert not consistency_problems(store)
