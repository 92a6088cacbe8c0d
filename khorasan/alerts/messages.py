"""What an alert says: one JSON document (webhook body, file line, email attachment) and the
plain-text email made from it.

Article text is untrusted data: it travels JSON-encoded (ASCII, every control character
escaped) or as plain text with control characters removed, never as HTML or markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from khorasan.escape import one_line
from khorasan.model import Event

__all__ = ["FIGURE_LABELS", "Change", "alert_document", "change_text", "digest_document",
           "email_text", "plain",
           "encode", "event_document", "headline", "relation_document"]  # fmt: skip

# The watched figures and how a message names them: a change of any fires an update
FIGURE_LABELS = {"killed_best": "killed", "wounded_best": "wounded",
                 "claimed_killed": "claimed killed", "perpetrator": "perpetrator"}  # fmt: skip
_EVENT_FIELDS = ("id", "date", "date_precision", "country", "admin1", "admin2", "place",
                 "latitude", "longitude", "perpetrator", "attribution", "attack_type",
                 "suicide", "target_type", "target", "killed_low", "killed_best", "killed_high",
                 "wounded_low", "wounded_best", "wounded_high", "claimed_killed",
                 "claimed_wounded", "n_sources", "review_status")  # fmt: skip
_SEPARATORS = re.compile(r"[\u2028\u2029]")  # line breaks to a mail reader
_SPACE = re.compile(r"\s+")
_MAX_EVIDENCE = 600  # characters of each source's sentence a message carries

Change = tuple[str, Any, Any]  # (figure, before, after)


def plain(value: Any, limit: int | None = None) -> str:
    """``value`` as one line of plain text: control characters and bidi overrides shown as
    escapes (:func:`khorasan.escape.one_line`, as the CLI does), spaces collapsed."""
    text = _SPACE.sub(" ", one_line(_SEPARATORS.sub(" ", "" if value is None else str(value))))
    text = text.strip()
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _figure(value: Any) -> str:
    return "unknown" if value is None else str(value)


def change_text(changes: Sequence[Change]) -> str:
    """``killed 13 -> 60; wounded unknown -> 40``."""
    return "; ".join(f"{FIGURE_LABELS.get(f, f)} {_figure(a)} -> {_figure(b)}"
                     for f, a, b in changes)  # fmt: skip


def _where(event: Event) -> str:
    parts: list[str] = []
    for p in (event.place, event.admin2, event.admin1, event.country):
        if p and p not in parts:
            parts.append(p)
    return ", ".join(parts) or "place unknown"


def headline(event: Event) -> str:
    """``suicide bombing in Jalalabad, Nangarhar, Afghanistan on 2022-05-12: 13 killed``."""
    what = (event.attack_type or "attack").replace("_", " ")
    killed = f"{event.killed_best} killed" if event.killed_best is not None else "toll unknown"
    return plain(f"{what} in {_where(event)} on {event.date or 'an unknown date'}: {killed}")


def event_document(event: Event) -> dict[str, Any]:
    """The event's reconciled fields and its sources (outlet, url, date, sentence)."""
    out: dict[str, Any] = {name: getattr(event, name) for name in _EVENT_FIELDS}
    sources = []
    for m in event.mentions or []:
        sources.append({"document_id": m.get("document_id"), "outlet": m.get("outlet"),
                        "url": m.get("url"), "published": m.get("published"),
                        "evidence": plain(m.get("evidence"), _MAX_EVIDENCE),
                        "span": m.get("span")})  # fmt: skip
    out["sources"] = sources
    return out


def alert_document(
    rule: str, kind: str, event: Event, changes: Sequence[Change], delivery_id: str, at: str
) -> dict[str, Any]:
    """One alert: ``kind`` new or update (``changes`` says what changed)."""
    summary = change_text(changes) if kind == "update" else "new: " + headline(event)
    return {"rule": rule, "kind": kind, "delivery_id": delivery_id, "sent_at": at,
            "summary": summary, "headline": headline(event),
            "changes": [{"field": f, "before": a, "after": b} for f, a, b in changes],
            "event": event_document(event)}  # fmt: skip


def relation_document(
    rule: str, relation: dict[str, Any], sources: Sequence[dict[str, Any]], delivery_id: str,
    at: str,
) -> dict[str, Any]:  # fmt: skip
    """A new actor relation (``a``, ``b``, ``kind``, ``date``) and the sentences telling it."""
    said = plain(f"{relation['a']} {relation['kind']} {relation['b']}"
                 + (f" ({relation['date']})" if relation.get("date") else ""))  # fmt: skip
    rows = [{"document_id": r.get("document_id"), "outlet": r.get("outlet"),
             "published": r.get("published"), "evidence": plain(r.get("evidence"), _MAX_EVIDENCE),
             "span": [r.get("span_start"), r.get("span_end")]} for r in sources]  # fmt: skip
    return {"rule": rule, "kind": "new", "delivery_id": delivery_id, "sent_at": at,
            "summary": "new relation: " + said, "headline": said, "changes": [],
            "relation": {**relation, "sources": rows}}  # fmt: skip


def digest_document(rule: str, period: str, alerts: Sequence[dict[str, Any]],
                    delivery_id: str, at: str) -> dict[str, Any]:  # fmt: skip
    """The alerts a digest rule gathered since its last digest, in one document."""
    return {
        "rule": rule,
        "kind": "digest",
        "period": period,
        "delivery_id": delivery_id,
        "sent_at": at,
        "summary": f"{len(alerts)} alerts",
        "alerts": list(alerts),
    }


def encode(document: dict[str, Any]) -> bytes:
    """The document as sent: ASCII JSON (every control character escaped), one line."""
    return json.dumps(document, ensure_ascii=True, sort_keys=True).encode("ascii")


def _relation_lines(doc: dict[str, Any]) -> list[str]:
    lines = [f"New relation: {plain(doc['headline'])}", "Sources:"]
    for s in doc["relation"]["sources"]:
        lines.append(f"  - {plain(s['outlet']) or plain(s['document_id'])}, "
                     f"{plain(s['published']) or 'undated'}")  # fmt: skip
        lines.append(f'    "{plain(s["evidence"])}"')
    return lines


def _event_lines(doc: dict[str, Any]) -> list[str]:
    if "relation" in doc:
        return _relation_lines(doc)
    e = doc["event"]
    lines = [f"{'Change' if doc['kind'] == 'update' else 'New event'}: {plain(doc['summary'])}",
             f"Event: {plain(e['id'])}", f"What: {plain(doc['headline'])}",
             f"Perpetrator: {plain(e['perpetrator']) or 'unknown'}"
             + (f" ({plain(e['attribution'])})" if e.get("attribution") else ""),
             f"Killed: {_figure(e['killed_best'])} (low {_figure(e['killed_low'])}, high "
             f"{_figure(e['killed_high'])}); wounded {_figure(e['wounded_best'])}; claimed "
             f"killed {_figure(e['claimed_killed'])}",
             "Sources:"]  # fmt: skip
    for s in e["sources"]:
        lines.append(f"  - {plain(s['outlet']) or plain(s['document_id'])}, "
                     f"{plain(s['published']) or 'undated'}: {plain(s['url'])}")  # fmt: skip
        lines.append(f'    "{plain(s["evidence"])}"')
    return lines


def email_text(document: dict[str, Any]) -> tuple[str, str]:
    """(subject, plain-text body) of an alert or digest document."""
    rule = plain(document["rule"], 80)
    lines = [f"Khorasan Monitor alert rule {rule!r}", ""]
    if document["kind"] == "digest":
        subject = f"[Khorasan] {rule}: {document['period']} digest, {document['summary']}"
        for item in document["alerts"]:
            lines += [*_event_lines(item), ""]
    else:
        subject = f"[Khorasan] {rule}: {plain(document['summary'])}"
        lines += _event_lines(document)
    lines += ["", "The JSON document is attached. Article text is quoted as reported."]
    return plain(subject, 200), "\n".join(lines) + "\n"
