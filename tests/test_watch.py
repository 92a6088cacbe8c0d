"""khorasan watch against a real HTTP server on 127.0.0.1: feeds, pages and a sitemap that
change between polls, conditional requests (304), failures, robots.txt, a restart mid-poll."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from watch_helpers import Site, article, atom, rss, serve, sitemap

from khorasan.ingest import IngestOptions
from khorasan.pipeline import open_store
from khorasan.store import AddResult, Store
from khorasan.watch import PollReport, Source, WatchOptions, poll, source_from_entry

# Invented reports, written for these tests.
MOSQUE = article(
    "Blast at Kabul mosque kills nine",
    "Kabul, 3 March 2026 - A suicide bomber struck a Shia mosque in the west of Kabul during "
    "Friday prayers, killing at least nine worshippers and wounding 21 others, officials said.",
    "The Islamic State Khorasan Province (IS-K) claimed responsibility for the bombing in a "
    "statement released by its Amaq news agency on Friday evening.",
)
CHECKPOINT = article(
    "Gunmen kill four police in Nangarhar",
    "Jalalabad, 5 March 2026 - Gunmen attacked a police checkpoint on the outskirts of "
    "Jalalabad, the capital of Nangarhar province, overnight, killing four policemen.",
    "No group claimed the attack, but provincial officials blamed the Islamic State's "
    "Khorasan branch, which has carried out similar raids in the area this year.",
)
BUS = article(
    "Bus station explosion in Kunduz",
    "Kunduz, 8 March 2026 - An explosion at a crowded bus station in Kunduz city killed six "
    "civilians and injured 14, the provincial police spokesman said on Sunday.",
    "IS-K said in a statement that its fighters had planted the bomb.",
)
ARRESTS = article(
    "Peshawar police arrest three IS-K suspects",
    "Peshawar, 1 March 2026 - Police in Peshawar said on Sunday they had arrested three "
    "suspected members of the Islamic State Khorasan Province who were planning an attack on "
    "a Sikh temple in the city.",
)
HERAT = "Herat, 2 March 2026 - A roadside bomb hit a minibus carrying workers in Herat province on Monday, killing {n} people, the governor's office said. The Islamic State Khorasan Province claimed the attack."  # noqa: E501

FAST = WatchOptions(ingest=IngestOptions(allow_private=True, timeout=2.0), delay=0.0,
                    backoff=0.01, retries=1)  # fmt: skip


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as s:
        s.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        s.set("/feed.rss", rss(s, [("/a/mosque", "Blast at Kabul mosque kills nine",
                                    "Tue, 03 Mar 2026 10:00:00 GMT"),
                                   ("/a/checkpoint", "Gunmen kill four police",
                                    "Thu, 05 Mar 2026 08:00:00 GMT")]),
              "application/rss+xml")  # fmt: skip
        s.set("/a/mosque", MOSQUE)
        s.set("/a/checkpoint", CHECKPOINT)
        s.set("/a/bus", BUS)
        s.set("/a/arrests", ARRESTS)
        s.set("/herat.txt", HERAT.format(n="five"), "text/plain; charset=utf-8")
        s.set("/sitemap.xml", sitemap(s, [("/a/arrests", "2026-03-01")]), "application/xml")
        yield s


def _source(site: Site, name: str, path: str, kind: str, **kw: object) -> Source:
    entry = {"name": name, "url": site.url(path), "kind": kind, "interval": "15m",
             "outlet": "Test Wire", **kw}  # fmt: skip
    return source_from_entry(entry, name)


def _sources(site: Site) -> list[Source]:
    return [_source(site, "wire", "/feed.rss", "feed"),
            _source(site, "herat", "/herat.txt", "page"),
            _source(site, "map", "/sitemap.xml", "sitemap")]  # fmt: skip


def _run(store: Store, sources: list[Source], options: WatchOptions = FAST,
         **kw: object) -> dict[str, PollReport]:  # fmt: skip
    return {r.source: r for r in poll(store, sources, options, **kw)}  # type: ignore[arg-type]


def test_watch_stores_new_entries_then_an_unchanged_poll_is_conditional(
    site: Site, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "k.db")
    stored: list[list[str]] = []
    first = _run(store, _sources(site), on_stored=lambda _s, ids: stored.append(ids))
    assert {k: (r.status, r.new) for k, r in first.items()} == {
        "wire": ("ok", 2), "herat": ("ok", 1), "map": ("ok", 1)}  # fmt: skip
    assert store.count("documents") == 4 and store.count("events") > 0
    assert [len(ids) for ids in stored] == [2, 1, 1]
    assert {d["outlet"] for d in store.documents()} == {"Test Wire"}
    site.take_hits()

    second = _run(store, _sources(site), on_stored=lambda _s, ids: stored.append(ids))
    hits = site.take_hits()
    assert all(r.status == "not_modified" and r.new == 0 for r in second.values())
    listings = [h for h in hits if h.path != "/robots.txt"]
    assert sorted(h.path for h in listings) == ["/feed.rss", "/herat.txt", "/sitemap.xml"]
    assert all(h.status == 304 and "If-None-Match" in h.headers for h in listings)
    assert [h.path for h in hits if h.path == "/robots.txt"] == ["/robots.txt"]  # one host
    assert len(stored) == 3 and store.count("documents") == 4


def test_watch_new_feed_entry_and_updated_page(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    _run(store, _sources(site))
    site.set("/feed.rss", rss(site, [("/a/bus", "Bus station explosion in Kunduz",
                                      "Sun, 08 Mar 2026 09:00:00 GMT"),
                                     ("/a/mosque", "Blast at Kabul mosque kills nine",
                                      "Tue, 03 Mar 2026 10:00:00 GMT"),
                                     ("/a/checkpoint", "Gunmen kill four police",
                                      "Thu, 05 Mar 2026 08:00:00 GMT")]),
             "application/rss+xml")  # fmt: skip
    site.set("/herat.txt", HERAT.format(n="12"), "text/plain; charset=utf-8")
    site.take_hits()
    again = _run(store, _sources(site))
    fetched = [h.path for h in site.take_hits() if h.path.startswith("/a/")]
    assert fetched == ["/a/bus"]  # the known entries are not fetched again
    assert (again["wire"].new, again["wire"].skipped) == (1, 2)
    assert again["herat"].new == 1 and again["map"].status == "not_modified"
    assert store.count("documents") == 6
    texts = [d["text"] for d in store.iter_documents() if d["source"].endswith("herat.txt")]
    assert any("killing 12 people" in t for t in texts)


def test_watch_atom_entry_updated_is_read_again(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/atom", atom(site, [("/a/bus", "Kunduz", "2026-03-08T09:00:00Z")]),
             "application/atom+xml")  # fmt: skip
    source = [_source(site, "atom", "/atom", "feed")]
    assert _run(store, source)["atom"].new == 1
    site.set("/a/bus", BUS.replace("killed six civilians", "killed 11 civilians"))
    site.set("/atom", atom(site, [("/a/bus", "Kunduz", "2026-03-08T15:00:00Z")]),
             "application/atom+xml")  # fmt: skip
    report = _run(store, source)["atom"]
    assert report.new == 1 and store.count("documents") == 2


def test_watch_server_error_then_recovery(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/down.rss", rss(site, [("/a/bus", "Kunduz", "Sun, 08 Mar 2026 09:00:00 GMT")]),
             "application/rss+xml", failures=2)  # fmt: skip
    source = [_source(site, "down", "/down.rss", "feed")]
    failed = _run(store, source)["down"]  # two tries (retries=1), both 500
    assert failed.status == "error" and "HTTP 500" in (failed.error or "")
    state = store.source_states()["down"]
    assert state["errors"] == 1 and "HTTP 500" in state["last_error"]
    assert not state["etag"]
    recovered = _run(store, source)["down"]
    assert recovered.status == "ok" and recovered.new == 1
    assert store.source_states()["down"]["errors"] == 0


def test_watch_retry_inside_one_poll(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/flaky.rss", rss(site, [("/a/bus", "Kunduz", "Sun, 08 Mar 2026 09:00:00 GMT")]),
             "application/rss+xml", failures=1)  # fmt: skip
    report = _run(store, [_source(site, "flaky", "/flaky.rss", "feed")])["flaky"]
    assert report.status == "ok" and report.new == 1


def test_watch_slow_and_malformed_sources_do_not_stop_the_others(
    site: Site, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/slow.rss", rss(site, []), "application/rss+xml", delay=3.0)
    site.set("/bad.rss", "<rss><channel><item><title>broken", "application/rss+xml")
    site.set("/junk.xml", "\x00\x01 not xml at all <<<", "application/xml")
    options = WatchOptions(ingest=IngestOptions(allow_private=True, timeout=0.5), delay=0.0,
                           backoff=0.01, retries=0)  # fmt: skip
    sources = [_source(site, "slow", "/slow.rss", "feed"),
               _source(site, "bad", "/bad.rss", "feed"),
               _source(site, "junk", "/junk.xml", "sitemap"),
               _source(site, "wire", "/feed.rss", "feed")]  # fmt: skip
    reports = _run(store, sources, options)
    assert reports["slow"].status == "error" and "timed out" in (reports["slow"].error or "")
    assert reports["bad"].status == "error" and "feed" in (reports["bad"].error or "")
    assert reports["junk"].status == "error" and "sitemap" in (reports["junk"].error or "")
    assert reports["wire"].status == "ok" and reports["wire"].new == 2
    assert store.source_states()["slow"]["errors"] == 1


def test_watch_honours_robots_txt(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/private/secret", BUS)
    site.set("/mixed.rss", rss(site, [("/private/secret", "No", "Sun, 08 Mar 2026 09:00:00 GMT"),
                                      ("/a/mosque", "Yes", "Tue, 03 Mar 2026 10:00:00 GMT")]),
             "application/rss+xml")  # fmt: skip
    site.take_hits()
    report = _run(store, [_source(site, "mixed", "/mixed.rss", "feed")])["mixed"]
    assert (report.new, report.failed) == (1, 1)
    assert "/private/secret" not in [h.path for h in site.take_hits()]
    # an entry that failed is asked for again: the validators were not kept
    assert not store.source_states()["mixed"]["etag"]


def test_watch_refuses_loopback_without_allow_private(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    report = _run(store, _sources(site)[:1], WatchOptions(delay=0.0))["wire"]
    assert report.status == "error" and "non-public address" in (report.error or "")
    assert store.count("documents") == 0


def test_watch_include_exclude_patterns(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    source = [_source(site, "wire", "/feed.rss", "feed", exclude=["re:/checkpoint$"])]
    report = _run(store, source)["wire"]
    assert (report.new, report.skipped) == (1, 1)


class _Crashing(Store):
    """A store whose process dies (KeyboardInterrupt) at its n-th document write."""

    def __init__(self, url: str, at: int) -> None:
        super().__init__(url)
        self.left = at

    def add_document(self, *args: object, **kw: object) -> AddResult:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt
        return super().add_document(*args, **kw)  # type: ignore[arg-type]


def test_watch_restart_in_the_middle_loses_and_duplicates_nothing(
    site: Site, tmp_path: Path
) -> None:
    db = str(tmp_path / "k.db")
    crashing = _Crashing(db, at=2)
    with pytest.raises(KeyboardInterrupt):
        _run(crashing, _sources(site))
    crashing.close()
    store = open_store(db)
    assert store.count("documents") == 1  # the first entry made it, the second did not
    site.take_hits()
    resumed = _run(store, _sources(site))
    assert resumed["wire"].new == 1 and resumed["wire"].skipped == 1
    assert "/a/mosque" not in [h.path for h in site.take_hits()]  # stored: not fetched again
    assert store.count("documents") == 4 and store.count("appearances") == 4
    again = _run(store, _sources(site))
    assert all(r.status == "not_modified" for r in again.values())


def test_watch_folder_source(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "one.txt").write_text(HERAT.format(n="seven"), encoding="utf-8")
    (folder / "skip.md").write_text("Nothing to see.", encoding="utf-8")
    store = open_store(tmp_path / "k.db")
    source = source_from_entry({"url": str(folder), "kind": "folder", "interval": "1h",
                                "outlet": "Drop Box", "include": ["*.txt"]}, "drop")  # fmt: skip
    assert _run(store, [source])[str(folder)].new == 1
    assert store.documents()[0]["outlet"] == "Drop Box"
    (folder / "two.txt").write_text(HERAT.format(n="nine"), encoding="utf-8")
    again = _run(store, [source])[str(folder)]
    assert (again.new, again.skipped) == (1, 1)


def test_watch_loop_polls_when_due_and_stops(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    stop = threading.Event()
    seen: list[PollReport] = []

    def on_report(report: PollReport) -> None:
        seen.append(report)
        if len(seen) == 3:
            stop.set()

    poll(store, _sources(site), FAST, once=False, stop=stop, on_report=on_report)
    assert len(seen) == 3 and all(r.status == "ok" for r in seen)
    due = store.source_states()["wire"]
    assert due["next_due"] > due["last_poll"]


def test_watch_hostile_listing_is_capped(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/huge.rss", "<rss>" + "x" * 20_000 + "</rss>", "application/rss+xml")
    options = WatchOptions(ingest=IngestOptions(allow_private=True, max_bytes=10_000),
                           delay=0.0, retries=0)  # fmt: skip
    report = _run(store, [_source(site, "huge", "/huge.rss", "feed")], options)["huge"]
    assert report.status == "error" and "10000-byte limit" in (report.error or "")


def test_watch_takes_at_most_max_entries_then_the_rest(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    options = WatchOptions(ingest=IngestOptions(allow_private=True), delay=0.0, max_entries=1)
    sources = [_source(site, "wire", "/feed.rss", "feed")]
    assert _run(store, sources, options)["wire"].new == 1
    assert not store.source_states()["wire"]["etag"]  # not all read: ask for everything again
    rest = _run(store, sources, options)["wire"]
    assert (rest.status, rest.new, rest.skipped) == ("ok", 1, 1)
    assert _run(store, sources, options)["wire"].status == "not_modified"


def test_watch_sitemap_index(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    site.set("/index.xml",
             '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             f'sitemap/0.9"><sitemap><loc>{site.url("/sitemap.xml")}</loc></sitemap>'
             "</sitemapindex>", "application/xml")  # fmt: skip
    report = _run(store, [_source(site, "index", "/index.xml", "sitemap")])["index"]
    assert (report.status, report.new) == ("ok", 1)


def test_watch_politeness_per_host(site: Site, tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    items = []
    for i in range(5):
        site.set(f"/s/{i}", BUS.replace("six civilians", f"{i + 2} civilians"), delay=0.3)
        items.append((f"/s/{i}", f"Story {i}", "Sun, 08 Mar 2026 09:00:00 GMT"))
    site.set("/many.rss", rss(site, items), "application/rss+xml")
    sources = [_source(site, "many", "/many.rss", "feed")]
    options = WatchOptions(ingest=IngestOptions(allow_private=True), delay=0.0, per_host=2,
                           workers=8)  # fmt: skip
    assert _run(store, sources, options)["many"].new == 5
    assert site.most_active == 2  # concurrent, but never more than per_host at once

    site.starts.clear()
    site.set("/many.rss", rss(site, items[:1]), "application/rss+xml")  # a changed listing
    spaced = WatchOptions(ingest=IngestOptions(allow_private=True), delay=0.25)
    _run(store, sources, spaced)
    times = [t for _, t in site.starts]
    assert len(times) == 2  # robots.txt, then the feed (its one entry is stored)
    assert times[1] - times[0] >= 0.2  # the 0.25 s delay between two requests to one host
