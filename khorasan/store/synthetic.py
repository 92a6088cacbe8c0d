"""A store of made-up events at scale, written by bulk SQL inserts (no extraction, no fusion):
what query latencies are measured on (``khorasan.bench``) and what scale tests read.

:func:`build_event_store` fills a store with ``n`` events shaped like fused ones: canonical
perpetrators, countries and provinces from the knowledge base's names (IS-K most often), dates
to the day, month or year or none, a share unplaced, a twentieth with a claimed toll, a detail
JSON of the usual size, and one incident mention per event (ten a document) so that one event
and ``events --json`` read mentions as they do on a real store. Every value comes from a seeded
random generator: the same ``n`` and ``seed`` give the same store.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from khorasan.model import KILLED_CATEGORIES

__all__ = ["build_event_store", "synthetic_event_rows"]

_PERPETRATORS = [("IS-K", 30), ("Islamic State", 5), ("Taliban", 15), ("TTP", 10),
                 ("Jamaat-ul-Ahrar", 3), ("Haqqani network", 2), (None, 35)]  # fmt: skip
_PLACES = [("Afghanistan", "Kabul", 34.53, 69.17), ("Afghanistan", "Nangarhar", 34.17, 70.62),
           ("Afghanistan", "Kunar", 34.85, 71.10), ("Afghanistan", "Kunduz", 36.73, 68.86),
           ("Afghanistan", "Herat", 34.35, 62.20), ("Afghanistan", "Kandahar", 31.61, 65.71),
           ("Afghanistan", "Balkh", 36.76, 66.90), ("Afghanistan", "Khost", 33.34, 69.92),
           ("Afghanistan", "Helmand", 31.58, 64.36), ("Afghanistan", "Ghazni", 33.55, 68.42),
           ("Pakistan", "Khyber Pakhtunkhwa", 34.01, 71.58),
           ("Pakistan", "Balochistan", 30.18, 66.99), ("Pakistan", "Sindh", 24.86, 67.01),
           ("Pakistan", "Punjab", 31.55, 74.34), ("Iran", "Kerman", 30.28, 57.08),
           ("Tajikistan", None, 38.56, 68.77), ("Russia", None, 55.75, 37.62)]  # fmt: skip
_PLACE_WEIGHTS = [14, 12, 6, 5, 5, 6, 4, 4, 4, 4, 12, 8, 3, 3, 2, 2, 1]
_ATTACKS = ["bombing", "armed_assault", "assassination", "suicide_bombing", "rocket",
            "kidnapping", None]  # fmt: skip
_TARGETS = ["civilians", "religious", "education", "government", "security_forces",
            "foreign", "infrastructure", None]  # fmt: skip
_ATTRIBUTIONS = ["claimed", "attributed", "suspected", "none"]
_CATEGORY_OF = {"security_forces": "security_forces", "government": "unspecified"}
_FUSED_AT = "2026-01-01T00:00:00+00:00"
CHUNK = 5000  # rows per INSERT batch


def _date(rng: random.Random) -> tuple[str | None, str | None]:
    year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.90:
        return f"{year}-{month:02d}-{day:02d}", "day"
    if roll < 0.95:
        return f"{year}-{month:02d}", "month"
    if roll < 0.97:
        return str(year), "year"
    return None, None


def synthetic_event_rows(n: int, seed: int = 13) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``n`` made-up (events row, incident_mentions row) pairs: the mention (of document
    ``d{i // 10}``) is the event's one member and gave every value."""
    rng = random.Random(seed)
    perpetrators = [p for p, _ in _PERPETRATORS]
    p_weights = [w for _, w in _PERPETRATORS]
    for i in range(n):
        event_id = f"{rng.getrandbits(48):012x}{i % 65536:04x}"
        date, precision = _date(rng)
        country, admin1, lat0, lon0 = rng.choices(_PLACES, _PLACE_WEIGHTS)[0]
        placed = rng.random() >= 0.1
        lat = round(lat0 + rng.uniform(-0.5, 0.5), 5) if placed else None
        lon = round(lon0 + rng.uniform(-0.5, 0.5), 5) if placed else None
        place = f"Town {rng.randrange(40)}" if rng.random() < 0.7 else None
        perpetrator = rng.choices(perpetrators, p_weights)[0]
        attribution = rng.choice(_ATTRIBUTIONS) if perpetrator else "none"
        target_type = rng.choice(_TARGETS)
        killed = (
            rng.choice([None, 0, 1, 2, 3, 5, 8, 13, 20, 40, 60]) if rng.random() < 0.9 else None
        )
        low = killed if killed is None else max(0, killed - rng.randrange(3))
        high = killed if killed is None else killed + rng.randrange(4)
        wounded = rng.choice([None, 0, 2, 5, 9, 30])
        claimed = (killed or 0) + rng.randrange(0, 40) if rng.random() < 0.05 else None
        categories = dict.fromkeys(KILLED_CATEGORIES, 0)
        if killed:
            categories[_CATEGORY_OF.get(target_type or "", "civilians")] = killed
        mention_id = i + 1
        review = rng.random()
        status = None if review < 0.97 else ("confirmed" if review < 0.985 else "rejected")
        event = {
            "id": event_id, "date": date, "date_precision": precision, "country": country,
            "admin1": admin1, "admin2": None, "place": place, "latitude": lat,
            "longitude": lon, "geo_precision": "exact" if placed else None,
            "perpetrator": perpetrator, "attribution": attribution,
            "attack_type": rng.choice(_ATTACKS), "suicide": rng.random() < 0.1,
            "target_type": target_type, "target": rng.choice(["a market", "a mosque",
                                                              "a checkpoint", None]),
            "killed_low": low, "killed_best": killed, "killed_high": high,
            "wounded_low": wounded, "wounded_best": wounded, "wounded_high": wounded,
            "claimed_killed": claimed, "claimed_wounded": None, "n_mentions": 1,
            "n_sources": 1, "n_flags": 0, "review_status": status,
            "detail": {
                "provenance": {k: [mention_id] for k in ("date", "place", "perpetrator",
                                                         "attack_type", "target_type",
                                                         "killed", "wounded")},
                "flags": [], "killed_by_category": categories,
                "sources": [f"d{i // 10:015x}"], "outlets": [f"Outlet {i % 12}"],
                "confidence": round(rng.random(), 3),
            },
            "fused_at": _FUSED_AT,
        }  # fmt: skip
        mention = {
            "id": mention_id, "document_id": f"d{i // 10:015x}", "seq": i % 10,
            "extractor_version": "synthetic", "date": date, "date_precision": precision,
            "country": country, "admin1": admin1, "admin2": None, "place": place,
            "latitude": lat, "longitude": lon, "geo_precision": event["geo_precision"],
            "perpetrator": perpetrator, "attribution": attribution,
            "attack_type": event["attack_type"], "suicide": event["suicide"],
            "target_type": target_type, "target": event["target"], "killed": killed,
            "killed_qualifier": None, "wounded": wounded, "wounded_qualifier": None,
            "claimed_killed": claimed, "claimed_wounded": None,
            "evidence": f"An attack in {place or admin1 or country} killed {killed} people.",
            "span_start": 100 * (i % 10), "span_end": 100 * (i % 10) + 60,
            "confidence": 0.8, "record": {"date": date, "killed": {"value": killed}},
        }  # fmt: skip
        yield event, mention


def _document(i: int) -> dict[str, Any]:
    doc_id = f"d{i:015x}"
    return {"id": doc_id, "content_hash": f"{i:064x}", "simhash": f"{i:016x}",
            "wire_story_id": doc_id, "name": f"doc{i}.txt", "source": f"synthetic/doc{i}.txt",
            "title": f"Report {i}", "published": None, "outlet": f"Outlet {i % 12}",
            "url": None, "text": "Made-up text.", "n_chars": 13,
            "ingested_at": _FUSED_AT}  # fmt: skip


def build_event_store(url: str | None, n: int, *, seed: int = 13,
                      mentions: bool = True) -> Any:  # fmt: skip
    """Fill a new (empty) store at ``url`` (a path or URL, as for ``Store``) with ``n``
    made-up events by bulk inserts, with one mention each (ten a document) unless
    ``mentions=False``; returns the open :class:`~khorasan.store.Store`. About 1M events a
    few minutes on SQLite."""
    from khorasan.store.db import Store
    from khorasan.store.events import complete_event_rows, recount
    from khorasan.store.schema import documents, event_mentions, events, incident_mentions

    store = Store(url)
    rows = synthetic_event_rows(n, seed)
    done = 0
    while done < n:
        batch = [next(rows) for _ in range(min(CHUNK, n - done))]
        with store.engine.begin() as conn:
            conn.execute(events.insert(), complete_event_rows([e for e, _ in batch]))
            if mentions:
                first, last = done // 10, (done + len(batch) - 1) // 10
                docs = [_document(d) for d in range(first, last + 1) if d * 10 >= done]
                if docs:
                    conn.execute(documents.insert(), docs)
                conn.execute(incident_mentions.insert(), [m for _, m in batch])
                conn.execute(event_mentions.insert(), [
                    {"mention_id": m["id"], "event_id": e["id"], "score": None}
                    for e, m in batch
                ])  # fmt: skip
        done += len(batch)
    with store.engine.begin() as conn:  # no ANALYZE: a real store has no statistics either
        recount(conn)
    return store
