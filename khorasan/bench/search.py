"""Full-text search latency over invented documents."""

from __future__ import annotations

import itertools
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from khorasan.bench.report import percentiles
from khorasan.model import Document
from khorasan.store import Store

_PLACES = ["Kabul", "Kunduz", "Nangarhar", "Jalalabad", "Kandahar", "Herat", "Mazar-i-Sharif",
           "Peshawar", "Quetta", "Bajaur", "Khost", "Kunar", "Ghazni", "Helmand", "Balkh",
           "Badakhshan", "Logar", "Paktia", "Zabul", "Takhar", "Karachi", "Lahore", "Dushanbe",
           "Tehran", "Kerman", "Moscow", "Islamabad", "Swat", "Orakzai", "Kurram"]  # fmt: skip
_COUNTRIES = {"Peshawar": "Pakistan", "Quetta": "Pakistan", "Bajaur": "Pakistan",
              "Karachi": "Pakistan", "Lahore": "Pakistan", "Islamabad": "Pakistan",
              "Swat": "Pakistan", "Orakzai": "Pakistan", "Kurram": "Pakistan",
              "Dushanbe": "Tajikistan", "Tehran": "Iran", "Kerman": "Iran",
              "Moscow": "Russia"}  # fmt: skip
_ATTACKS = ["A suicide bomber struck a {site} in {place}", "Gunmen attacked a {site} in {place}",
            "A rocket hit a {site} near {place}", "A roadside bomb exploded by a {site} in {place}",
            "Militants stormed a {site} in {place}", "A car bomb went off outside a {site} in "
            "{place}"]  # fmt: skip
_SITES = ["mosque", "school", "market", "checkpoint", "police station", "wedding hall",
          "shrine", "hospital", "bus", "convoy", "airport gate", "girls school", "ministry",
          "bank", "hotel", "prison", "university", "stadium"]  # fmt: skip
_ACTORS = ["ISKP", "the Islamic State", "the Taliban", "TTP", "no group", "Jamaat-ul-Ahrar"]
OUTLETS = ["Frontier Wire", "Valley Herald", "Dawn Daily", "Kabul Courier", "Border Post",
           "Gandhara News", "Central Asia Monitor", "Wire Service"]  # fmt: skip


def _search_corpus(n: int, seed: int = 41) -> tuple[list[Document], list[list[dict[str, Any]]]]:
    """``n`` invented news reports of about 250 words: one or two attack sentences (each an
    incident record with its country and date) amid filler drawn from a Zipf-like vocabulary
    of 20k made-up words, so the index has a long tail as real text does."""
    import hashlib
    from datetime import date, timedelta

    rng = random.Random(seed)
    syllables = ["ka", "ri", "to", "man", "sel", "bu", "dor", "ghi", "an", "que", "lo", "zar",
                 "pe", "shi", "tan", "vo", "ru", "mel", "ob", "ist"]  # fmt: skip
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                    for _ in range(26_000)})[:20_000]  # fmt: skip
    common = ["the", "said", "officials", "killed", "wounded", "people", "attack", "police",
              "province", "district", "local", "security", "forces", "on", "in", "of", "and",
              "a", "were", "was", "after", "before", "group", "claimed",
              "responsibility"]  # fmt: skip
    words = common + vocab
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** 1.05
                                           for rank in range(len(words))))  # fmt: skip
    docs, incidents = [], []
    for i in range(n):
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        records, sentences = [], []
        for _ in range(rng.randint(1, 2)):
            place = rng.choice(_PLACES)
            killed = rng.randrange(0, 90)
            sentences.append(rng.choice(_ATTACKS).format(site=rng.choice(_SITES), place=place)
                             + f" on {day.strftime('%d %B %Y')}, killing {killed} people; "
                             f"{rng.choice(_ACTORS)} claimed it.")  # fmt: skip
            records.append({"country": _COUNTRIES.get(place, "Afghanistan"),
                            "date": day.isoformat(), "killed": killed,
                            "confidence": 0.7})  # fmt: skip
        filler = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(180, 320)))
        parts = [sentences[0], filler[: len(filler) // 2] + ".", *sentences[1:],
                 filler[len(filler) // 2 :] + "."]  # fmt: skip
        text = " ".join(parts)
        for rec, sentence in zip(records, sentences, strict=True):
            start = text.index(sentence)
            rec.update(evidence=sentence, span=[start, start + len(sentence)])
        digest = hashlib.sha256(f"{i}:{text}".encode()).hexdigest()
        published = (day + timedelta(days=rng.randrange(3))).isoformat()
        docs.append(Document(text=text, name=f"s{i:06d}.txt", source=f"bench:{i}",
                             title=sentences[0].split(" on ")[0], published=published,
                             outlet=rng.choice(OUTLETS), id=digest[:16], content_hash=digest,
                             simhash=rng.getrandbits(63)))  # fmt: skip
        incidents.append(records)
    return docs, incidents


SEARCH_QUERIES: dict[str, dict[str, Any]] = {
    "suicide bomber mosque Kunduz": {},
    "rocket airport Kabul": {},
    '"girls school" Peshawar': {},
    "ISKP OR TTP checkpoint": {},
    "bomb* convoy": {},
    "killed (one common word)": {"query": "killed"},
    "mosque, Pakistan since 2020": {"query": "mosque", "country": "Pakistan",
                                    "since": "2020"},
    "market, one outlet, sentences": {"query": "market", "outlet": "Dawn Daily",
                                      "kind": "sentences"},
}  # fmt: skip


def bench_search(n: int = 100_000, repeats: int = 30) -> None:
    """Full-text search over ``n`` invented documents (and their incident sentences) in a
    real SQLite store, loaded in bulk (the FTS5 triggers index each row as it goes in): p50
    and p99 of :meth:`Store.search` (first page of 20, snippets and highlights included)."""
    from datetime import UTC, datetime

    from khorasan.store.records import bulk_insert_documents

    started = time.perf_counter()
    docs, incidents = _search_corpus(n)
    made_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "search.db"))
        started = time.perf_counter()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for at in range(0, n, 5000):
            with store.engine.begin() as conn:
                bulk_insert_documents(conn, docs[at : at + 5000], incidents[at : at + 5000],
                                      "bench", now)  # fmt: skip
        load_s = time.perf_counter() - started
        size_mb = (Path(tmp) / "search.db").stat().st_size / 2**20
        n_sentences = store.count("incident_mentions")
        print(f"search: {n} documents, {n_sentences} sentences made in {made_s:.1f} s, stored "
              f"and indexed in {load_s:.1f} s ({size_mb:.0f} MiB)")  # fmt: skip
        for label, options in SEARCH_QUERIES.items():
            options = dict(options)
            query = options.pop("query", label)
            store.search(query, **options)  # warm the page cache once
            seconds, found = [], 0
            for _ in range(repeats):
                t0 = time.perf_counter()
                found = len(store.search(query, **options)["results"])
                seconds.append(time.perf_counter() - t0)
            print(f"  {label:<36} {percentiles(seconds)}  ({found} results)")
        store.close()
