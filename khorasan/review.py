"""Analyst review: corrections that outlive every re-extraction, re-fusion and upgrade.

Each action is logged (who, when, the value before and after, why) and laid over the
machine's output by fusion (``khorasan.fuse.overlay``): nothing the machine made is
overwritten, so re-running the machine keeps every correction. Actions name mentions by their
stable identity (document and span), never by row or event id, which fusion may change.

    confirm, correct, correct_mention, merge, split, reject, reject_mention, restore
    history (one event's actions), changes (every action of a period), orphaned, queue
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from khorasan.errors import NotFoundError, ReviewError
from khorasan.export import spreadsheet_safe
from khorasan.fuse import update_events
from khorasan.kb.actors import actors_named
from khorasan.kb.lexicons import LEXICON_CATEGORIES
from khorasan.model import Anchor, Event, ReviewAction
from khorasan.store import Store

__all__ = [
    "EVENT_FIELDS",
    "MENTION_FIELDS",
    "CHANGE_COLUMNS",
    "changes",
    "changes_csv",
    "check_mention_of",
    "confirm",
    "correct",
    "correct_mention",
    "events_of",
    "history",
    "merge",
    "orphaned",
    "queue",
    "reject",
    "reject_mention",
    "restore",
    "split",
]

_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_ATTRIBUTIONS = frozenset({"claimed", "attributed", "suspected", "none"})


def _text(field: str, value: Any) -> str:
    return str(value).strip()


def _actor(field: str, value: Any) -> str:
    """An actor by any alias, stored under its canonical name (ISKP -> IS-K)."""
    found = actors_named(str(value))
    return found[0].canonical if found else str(value).strip()


def _date(field: str, value: Any) -> str:
    text = str(value).strip()
    if not _DATE.match(text):
        raise ReviewError(field, f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _count(field: str, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ReviewError(field, f"{value!r} is not a whole number") from None
    if number < 0 or number > 10_000_000:
        raise ReviewError(field, f"{number} is out of range (0 to 10,000,000)")
    return number


def _degrees(field: str, value: Any) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ReviewError(field, f"{value!r} is not a number") from None
    limit = 90 if field == "latitude" else 180
    if not -limit <= number <= limit:
        raise ReviewError(field, f"{number} is outside -{limit} to {limit}")
    return number


def _flag(field: str, value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ReviewError(field, f"{value!r} is not true or false")


def _one_of(choices: frozenset[str]) -> Callable[[str, Any], str]:
    def parse(field: str, value: Any) -> str:
        text = str(value).strip()
        if text not in choices:
            raise ReviewError(field, f"{text!r} is not one of {', '.join(sorted(choices))}")
        return text

    return parse


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "date": _date,
    **dict.fromkeys(("country", "admin1", "admin2", "place", "target"), _text),
    "latitude": _degrees,
    "longitude": _degrees,
    "perpetrator": _actor,
    "attribution": _one_of(_ATTRIBUTIONS),
    "attack_type": _one_of(LEXICON_CATEGORIES["attack_types"]),
    "target_type": _one_of(LEXICON_CATEGORIES["target_types"]),
    "suicide": _flag,
    **dict.fromkeys(("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                     "wounded_high", "killed", "wounded", "claimed_killed", "claimed_wounded"),
                    _count),
}  # fmt: skip

EVENT_FIELDS = ("date", "country", "admin1", "admin2", "place", "latitude", "longitude",
                "perpetrator", "attribution", "attack_type", "suicide", "target_type", "target",
                "killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                "wounded_high", "claimed_killed", "claimed_wounded")  # fmt: skip
MENTION_FIELDS = ("date", "country", "admin1", "admin2", "place", "perpetrator", "attribution",
                  "attack_type", "suicide", "target_type", "target", "killed", "wounded",
                  "claimed_killed", "claimed_wounded")  # fmt: skip


def parse_value(field: str, value: Any, allowed: Sequence[str]) -> Any:
    """``value`` as ``field`` holds it (None or "" clears the field); ReviewError when the
    field cannot be corrected or the value is not of its kind."""
    if field not in allowed:
        raise ReviewError(field, f"cannot be corrected; fields: {', '.join(allowed)}")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _PARSERS[field](field, value)


# ------------------------------------------------------------------------------- helpers
def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _who(user: str, reason: str) -> tuple[str, str]:
    user, reason = (user or "").strip(), (reason or "").strip()
    if not user:
        raise ReviewError("user", "every review action says who took it")
    return user, reason


def _event(store: Store, event_id: str) -> Event:
    event = store.event(event_id)
    if event is None:
        ids = store.event_ids(event_id, limit=3)
        raise NotFoundError(event_id, "ambiguous event id prefix" if ids else "no such event")
    return event


def _members(event: Event) -> list[int]:
    return [int(m["id"]) for m in event.mentions or []]


def _anchors(store: Store, mention_ids: Sequence[int]) -> list[Anchor]:
    found = store.mention_anchors(list(mention_ids))
    return [found[i] for i in mention_ids if i in found]


def _log(store: Store, action: ReviewAction, undoes: int | None = None) -> ReviewAction:
    """Log the action, then re-fuse what it touches so the events show it at once."""
    store.add_review_action(action, undoes)
    documents = sorted({a[0] for group in action.anchors for a in group})
    update_events(store, documents)
    return action


def _event_action(
    store: Store, name: str, event_id: str, user: str, reason: str, **values: Any
) -> ReviewAction:
    user, reason = _who(user, reason)
    event = _event(store, event_id)
    action = ReviewAction(at=_now(), user=user, action=name, target="event", event_id=event.id,
                          anchors=[_anchors(store, _members(event))], reason=reason,
                          **values)  # fmt: skip
    return _log(store, action)


# ------------------------------------------------------------------------------- actions
def confirm(store: Store, event_id: str, *, user: str, reason: str = "") -> ReviewAction:
    """Mark an event checked and right as it stands."""
    return _event_action(store, "confirm", event_id, user, reason)


def correct(
    store: Store, event_id: str, field: str, value: Any, *, user: str, reason: str = ""
) -> ReviewAction:
    """Set one field of an event (killed_best, date, perpetrator, ...); the machine's value
    stays beside it in ``detail["review"]["corrections"]``."""
    after = parse_value(field, value, EVENT_FIELDS)
    before = getattr(_event(store, event_id), field)
    return _event_action(store, "correct", event_id, user, reason, field=field,
                         before=before, after=after)  # fmt: skip


def reject(store: Store, event_id: str, *, user: str, reason: str = "") -> ReviewAction:
    """Mark an event false (not a real incident, or not in scope): lists and tallies leave it
    out; ``restore`` brings it back."""
    return _event_action(store, "reject", event_id, user, reason)


def merge(
    store: Store, event_id: str, other_id: str, *, user: str, reason: str = ""
) -> ReviewAction:
    """Join two events that are one real incident."""
    user, reason = _who(user, reason)
    first, second = _event(store, event_id), _event(store, other_id)
    if first.id == second.id:
        raise ReviewError(other_id, "is the same event")
    action = ReviewAction(at=_now(), user=user, action="merge", target="event",
                          event_id=first.id, anchors=[_anchors(store, _members(first)),
                                                      _anchors(store, _members(second))],
                          after=second.id, reason=reason)  # fmt: skip
    return _log(store, action)


def split(
    store: Store, event_id: str, mention_ids: Sequence[int], *, user: str, reason: str = ""
) -> ReviewAction:
    """Move the chosen mentions out of an event into a new event of their own."""
    user, reason = _who(user, reason)
    event = _event(store, event_id)
    members = _members(event)
    moving = [int(m) for m in mention_ids]
    strangers = [m for m in moving if m not in members]
    if strangers:
        raise ReviewError("mentions", f"{strangers[0]} is not a mention of event {event.id}")
    if not moving or len(set(moving)) >= len(members):
        raise ReviewError("mentions", "choose some of the event's mentions, not none or all")
    staying = [m for m in members if m not in moving]
    action = ReviewAction(at=_now(), user=user, action="split", target="event",
                          event_id=event.id, anchors=[_anchors(store, moving),
                                                      _anchors(store, staying)],
                          reason=reason)  # fmt: skip
    return _log(store, action)


def check_mention_of(store: Store, event_id: str, mention_id: int) -> None:
    """ReviewError unless ``mention_id`` is a mention of the event ``event_id``."""
    event = _event(store, event_id)
    if int(mention_id) not in _members(event):
        raise ReviewError("mention", f"{mention_id} is not a mention of event {event.id}")


def _mention_action(
    store: Store, name: str, mention_id: int, user: str, reason: str, **values: Any
) -> ReviewAction:
    user, reason = _who(user, reason)
    anchors = _anchors(store, [int(mention_id)])
    if not anchors:
        raise NotFoundError(str(mention_id), "no such mention")
    event_id = store.events_of_mentions([int(mention_id)]).get(int(mention_id))
    action = ReviewAction(at=_now(), user=user, action=name, target="mention",
                          event_id=event_id, anchors=[anchors], reason=reason,
                          **values)  # fmt: skip
    return _log(store, action)


def correct_mention(
    store: Store, mention_id: int, field: str, value: Any, *, user: str, reason: str = ""
) -> ReviewAction:
    """Set one field of one mention (what one document said), before its event reconciles."""
    after = parse_value(field, value, MENTION_FIELDS)
    return _mention_action(store, "correct", mention_id, user, reason, field=field,
                           before=_mention_value(store, int(mention_id), field),
                           after=after)  # fmt: skip


def _mention_value(store: Store, mention_id: int, field: str) -> Any:
    event_id = store.events_of_mentions([mention_id]).get(mention_id)
    event = store.event(event_id) if event_id else None
    for m in (event.mentions or []) if event else []:
        if int(m["id"]) == mention_id:
            value = m.get(field)
            return value.get("value") if isinstance(value, dict) else value
    return None


def reject_mention(store: Store, mention_id: int, *, user: str, reason: str = "") -> ReviewAction:
    """Take a false mention (a misread sentence) out of its event."""
    return _mention_action(store, "reject", mention_id, user, reason)


def restore(store: Store, action_id: int, *, user: str, reason: str = "") -> ReviewAction:
    """Undo an earlier action (a rejection, a merge, a correction...): a new action in the
    log, which marks the old one undone."""
    user, reason = _who(user, reason)
    found = store.review_actions(ids=[int(action_id)])
    if not found:
        raise NotFoundError(str(action_id), "no such review action")
    old = found[0]
    if old.action == "restore":
        raise ReviewError("action", f"{action_id} is a restore: undo the action it undid")
    if old.undone_by is not None:
        raise ReviewError("action", f"{action_id} was undone already by {old.undone_by}")
    action = ReviewAction(at=_now(), user=user, action="restore", target=old.target,
                          event_id=old.event_id, anchors=old.anchors, field=old.field,
                          before=old.after, after=old.before, reason=reason)  # fmt: skip
    return _log(store, action, undoes=old.id)


# ------------------------------------------------------------------------------- reading
def _state(action: ReviewAction, bound: dict[Anchor, int]) -> str:
    if action.action == "restore":
        return "restore"
    if action.undone_by is not None:
        return "undone"
    named = [a for group in action.anchors for a in group]
    return "active" if any(a in bound for a in named) else "orphaned"


def _rows(store: Store, actions: Sequence[ReviewAction]) -> list[dict[str, Any]]:
    bound = store.anchored_mentions([a for act in actions for g in act.anchors for a in g])
    out = []
    for act in actions:
        row = act.as_dict()
        row["state"] = _state(act, bound)
        out.append(row)
    return out


def history(store: Store, event_id: str) -> list[dict[str, Any]]:
    """Every action on this event or on one of its mentions, oldest first, each with its
    state (active, undone, orphaned, restore)."""
    event = _event(store, event_id)
    mine = set(_anchors(store, _members(event)))
    every = store.review_actions()
    bound = store.anchored_mentions([a for act in every for g in act.anchors for a in g])
    members = set(_members(event))

    def touches(act: ReviewAction) -> bool:
        named = [a for g in act.anchors for a in g]
        return act.event_id == event.id or any(bound.get(a) in members or a in mine
                                               for a in named)  # fmt: skip

    picked = [act for act in every if touches(act)]
    return _rows(store, picked)


def changes(
    store: Store, since: str | None = None, until: str | None = None
) -> list[dict[str, Any]]:
    """Every action taken in a period (ISO dates), oldest first: what a published dataset
    says changed."""
    return _rows(store, store.review_actions(since=since, until=until))


CHANGE_COLUMNS = ("id", "at", "user", "action", "target", "event_id", "field", "before",
                  "after", "reason", "state", "undone_by", "anchors")  # fmt: skip


def changes_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of :func:`changes` as CSV (anchors as JSON; cells a spreadsheet would run as a
    formula are defused)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANGE_COLUMNS)
    for r in rows:
        cells = {**r, "anchors": json.dumps(r["anchors"])}
        writer.writerow([spreadsheet_safe(cells[c]) for c in CHANGE_COLUMNS])
    return out.getvalue()


def events_of(store: Store, action: ReviewAction) -> list[Event]:
    """The events that hold the mentions ``action`` names, as they are now (after a merge,
    the one event; after a split, both)."""
    named = [a for group in action.anchors for a in group]
    mentions = list(store.anchored_mentions(named).values())
    ids = sorted(set(store.events_of_mentions(mentions).values()))
    return [e for e in (store.event(i) for i in ids) if e is not None]


def orphaned(store: Store) -> list[dict[str, Any]]:
    """Active actions none of whose mentions exist any more (kept, never dropped)."""
    return [r for r in changes(store) if r["state"] == "orphaned"]


def queue(store: Store, *, limit: int = 50, **filters: Any) -> list[Event]:
    """Events to check, least confident first, then the deadliest: those no analyst has
    confirmed, corrected or rejected. Filters as for :meth:`Store.events`."""
    return store.review_queue(limit=limit, **filters)
