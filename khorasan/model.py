"""The record model shared by every stage: documents, spans and annotations.

A :class:`Document`'s ``text`` is fixed once ingested; every later record points into it
by character offsets (``text[start:end]``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = [
    "EVENT_COLUMNS",
    "INCIDENT_COLUMNS",
    "KILLED_CATEGORIES",
    "IncidentFields",
    "RECORD_KINDS",
    "REVIEW_ACTIONS",
    "REVIEW_STATUSES",
    "Anchor",
    "ReviewAction",
    "WIRE_COPY_MAX_DISTANCE",
    "ActorMention",
    "DateMention",
    "Document",
    "Event",
    "IncidentMention",
    "RecordMention",
    "NumberMention",
    "PlaceMention",
    "Sentence",
    "ROLES",
    "User",
]


# Bits two documents' SimHashes may differ by and still be copies of one wire story. Tuned on
# ../shared/eval/dev: one story under other headline/byline/furniture with its end cut 10% lands
# at 2-13 bits (median 7; 13 only for a 114-word page); different stories, even of one event,
# never came closer than 18 (median 31). 13 keeps every copy, 5 bits from a merge.
WIRE_COPY_MAX_DISTANCE = 13


@dataclass(slots=True)
class Document:
    """One cleaned document with its metadata and fingerprints."""

    text: str
    name: str  # file name or URL tail; the "doc" of the extract contract
    source: str  # path or URL it was read from
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD (or YYYY-MM / YYYY)
    outlet: str | None = None
    url: str | None = None
    id: str = ""  # content id, set by fingerprinting
    content_hash: str = ""  # hash of the normalised text (exact duplicates)
    simhash: int = 0  # 64-bit SimHash (near duplicates, wire copies)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number in the text. ``value`` is the point value; ranges keep ``low``/``high``."""

    start: int
    end: int
    value: int
    qualifier: str = "exact"  # exact, at_least, about, over, up_to
    low: int | None = None
    high: int | None = None
    vague: bool = False  # "dozens", "scores": an order of magnitude, not a count


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date. ``value`` is ISO at ``precision`` (day: YYYY-MM-DD, month: YYYY-MM, year: YYYY)."""

    start: int
    end: int
    value: str
    precision: str  # day, month, year
    relative: bool = False  # resolved against the publication date
    end_value: str | None = None  # for ranges ("between 2015 and 2023")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    place_id: str
    name: str  # canonical name
    kind: str  # country, admin1, admin2 (district), city, neighbourhood, site
    country: str | None
    admin1: str | None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "exact"  # exact, admin2, admin1, country: what the coordinate stands for


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    actor_id: str
    canonical: str  # the name SCHEMA.md uses ("IS-K", "Taliban", "US")
    type: str  # jihadist_group, state, force, party, other


# ------------------------------------------------------------------------------ records
# The records extraction makes and the store keeps. Each class names its fields once: the
# storage row (``row``), the fusion input (``khorasan.fuse.Mention`` extends
# :class:`IncidentMention`) and the JSON output (``as_json``) are all derived from them.

RECORD_KINDS = ("statistics", "strength", "plots", "leaders", "relations")
KILLED_CATEGORIES = ("civilians", "security_forces", "militants", "unspecified")
"""Whom an event's dead were (``Event.detail["killed_by_category"]``), summing to its best."""
"""The record kinds besides incidents, in the order ``khorasan extract --json`` prints them."""


def _figure(value: Any) -> tuple[int | None, str | None]:
    """``{"value": 12, "qualifier": "at_least"}`` (the SCHEMA shape) as (12, "at_least")."""
    if isinstance(value, dict) and value.get("value") is not None:
        return int(value["value"]), value.get("qualifier")
    return None, None


@dataclass(slots=True, kw_only=True, eq=False)
class IncidentFields:
    """What a mention and an event both say of one incident: when, where, who, how, whom."""

    date: str | None = None
    date_precision: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str | None = None
    perpetrator: str | None = None
    attribution: str | None = None
    attack_type: str | None = None
    suicide: bool | None = None
    target_type: str | None = None
    target: str | None = None
    claimed_killed: int | None = None
    claimed_wounded: int | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class IncidentMention(IncidentFields):
    """One incident as one document reports it, with provenance.

    ``record`` is the full SCHEMA record the extractor made (figures with their parts and
    qualifiers, per-field ``spans``); the typed fields are its filterable, comparable core.
    ``id`` is the store's row id (None until stored); the stable identity of a mention is its
    document and span (:attr:`uid`), kept across re-extraction when the mention is the same.
    """

    document_id: str = ""
    seq: int = 0
    id: int | None = None
    extractor_version: str = ""
    killed: int | None = None
    killed_qualifier: str | None = None
    wounded: int | None = None
    wounded_qualifier: str | None = None
    evidence: str = ""
    span_start: int = 0
    span_end: int = 0
    confidence: float = 0.0
    record: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def span(self) -> tuple[int, int]:
        return self.span_start, self.span_end

    @property
    def uid(self) -> str:
        """Stable identity: document and character span (``doc:start-end``)."""
        return f"{self.document_id}:{self.span_start}-{self.span_end}"

    @classmethod
    def from_record(
        cls, rec: dict[str, Any], *, document_id: str = "", seq: int = 0, version: str = ""
    ) -> IncidentMention:
        """From the extractor's SCHEMA record (``extract_document(...)["incidents"][i]``)."""
        killed, killed_q = _figure(rec.get("killed"))
        wounded, wounded_q = _figure(rec.get("wounded"))
        span = rec.get("span") or [0, 0]
        coords = rec.get("coordinates") or {}
        plain = {k: rec.get(k) for k in _SCHEMA_PLAIN}
        return cls(
            document_id=document_id, seq=seq, extractor_version=version, **plain,
            latitude=coords.get("lat"), longitude=coords.get("lon"),
            geo_precision=rec.get("place_precision"),
            killed=killed, killed_qualifier=killed_q, wounded=wounded, wounded_qualifier=wounded_q,
            claimed_killed=_figure(rec.get("claimed_killed"))[0],
            claimed_wounded=_figure(rec.get("claimed_wounded"))[0],
            evidence=rec.get("evidence") or "", span_start=int(span[0]), span_end=int(span[1]),
            confidence=float(rec.get("confidence") or 0.0), record=dict(rec),
        )  # fmt: skip

    @classmethod
    def from_row(cls, row: Any) -> IncidentMention:
        """From a stored ``incident_mentions`` row (any mapping with its columns)."""
        return cls(**cls.row_fields(row))

    @classmethod
    def row_fields(cls, row: Any) -> dict[str, Any]:
        """This class's fields read from a stored row (subclasses add their own)."""
        out = {name: row.get(name) for name in INCIDENT_COLUMNS}
        out.update(id=row.get("id"), document_id=row["document_id"], seq=int(row["seq"]),
                   extractor_version=row.get("extractor_version") or "",
                   evidence=row.get("evidence") or "",
                   span_start=int(row.get("span_start") or 0),
                   span_end=int(row.get("span_end") or 0),
                   confidence=float(row.get("confidence") or 0.0),
                   record=dict(row.get("record") or {}))  # fmt: skip
        return out

    def row(self) -> dict[str, Any]:
        """The ``incident_mentions`` row (``id`` only when the mention keeps a stored one)."""
        out = {name: getattr(self, name) for name in _INCIDENT_ROW}
        if self.id is not None:
            out["id"] = self.id
        return out

    def as_json(self) -> dict[str, Any]:
        """The mention as ``events --json`` shows it: SCHEMA figures, per-field spans."""
        out: dict[str, Any] = {
            "id": self.id,
            "uid": self.uid,
            "document_id": self.document_id,
            "seq": self.seq,
        }
        out.update({name: getattr(self, name) for name in _MENTION_JSON})
        out["span"] = [self.span_start, self.span_end]
        for name in ("killed", "wounded", "claimed_killed", "claimed_wounded"):
            out[name] = self.record.get(name)  # the SCHEMA shape {"value", "qualifier"}
        out["spans"] = self.record.get("spans") or {}
        return out


_SCHEMA_PLAIN = ("date", "date_precision", "country", "admin1", "admin2", "place",
                 "perpetrator", "attribution", "attack_type", "suicide", "target_type",
                 "target")  # fmt: skip
INCIDENT_COLUMNS = (*(f.name for f in fields(IncidentFields)), "killed", "killed_qualifier",
                    "wounded", "wounded_qualifier")  # fmt: skip
"""The incident fields copied into their own columns (filtering, fusion); the full record
stays in the ``record`` JSON."""
_INCIDENT_ROW = tuple(f.name for f in fields(IncidentMention) if f.name != "id")
_MENTION_JSON = ("evidence", "date", "date_precision", "country", "admin1", "admin2", "place",
                 "perpetrator", "attribution", "attack_type", "target_type")  # fmt: skip


@dataclass(slots=True, kw_only=True)
class RecordMention:
    """One statistic, strength estimate, plot count, leader or relation as one document
    states it. ``record`` is the SCHEMA record; the typed fields are its filterable keys."""

    kind: str
    document_id: str = ""
    seq: int = 0
    id: int | None = None
    extractor_version: str = ""
    group_name: str | None = None  # group, or relation party a
    other_group: str | None = None  # relation party b
    person: str | None = None
    date: str | None = None  # date, window start or period start
    date_to: str | None = None  # window or period end
    country: str | None = None
    relation: str | None = None  # relation kind
    evidence: str = ""
    span_start: int = 0
    span_end: int = 0
    confidence: float = 0.0
    record: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_record(
        cls, kind: str, rec: dict[str, Any], *, document_id: str = "", seq: int = 0,
        version: str = "",
    ) -> RecordMention:  # fmt: skip
        if kind not in RECORD_KINDS:
            from khorasan.errors import ConfigError

            raise ConfigError(kind, f"unknown record kind; known: {', '.join(RECORD_KINDS)}")
        span = rec.get("span") or [0, 0]
        keys: dict[str, Any] = {
            k: (str(v)[:10] if k in ("date", "date_to") and v is not None else v)
            for k, v in _record_keys(kind, rec).items()
        }
        return cls(kind=kind, document_id=document_id, seq=seq, extractor_version=version,
                   evidence=rec.get("evidence") or "", span_start=int(span[0]),
                   span_end=int(span[1]), confidence=float(rec.get("confidence") or 0.0),
                   record=dict(rec), **keys)  # fmt: skip

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "id"}


def subject_group(rec: dict[str, Any]) -> str | None:
    """The group a statistic's subject names ("IS-K: attacks in Pakistan" -> "IS-K")."""
    subject = str(rec.get("subject") or "")
    return subject.split(":", 1)[0] if ":" in subject else None


def _record_keys(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    """The key fields of one record, by kind."""
    if kind == "relations":
        return {"group_name": rec.get("a"), "other_group": rec.get("b"), "date": rec.get("date"),
                "date_to": rec.get("to"), "relation": rec.get("kind")}  # fmt: skip
    if kind == "statistics":
        return {"group_name": subject_group(rec), "date": rec.get("from"),
                "date_to": rec.get("to")}  # fmt: skip
    if kind == "plots":
        start, _, end = str(rec.get("period") or "").partition("-")
        return {"group_name": rec.get("group"), "country": rec.get("country"),
                "date": start or None, "date_to": end or start or None}  # fmt: skip
    return {"group_name": rec.get("group"), "person": rec.get("person"), "date": rec.get("date")}


@dataclass(slots=True, kw_only=True)
class Event(IncidentFields):
    """One real event fused from every mention of it, each value linked to its mentions.

    Figures follow UCDP: low / best / high of the independent sources; the perpetrator's own
    claims apart. ``detail`` holds ``provenance`` (mention ids behind each value), ``flags``
    (disagreements), ``killed_by_category``, ``sources`` and ``outlets``.
    """

    id: str
    killed_low: int | None = None
    killed_best: int | None = None
    killed_high: int | None = None
    wounded_low: int | None = None
    wounded_best: int | None = None
    wounded_high: int | None = None
    n_mentions: int = 0
    n_sources: int = 0
    n_flags: int = 0
    # an analyst's verdict: None (machine output), "confirmed", "corrected" or "rejected";
    # the corrections themselves, with who, when and why, are in ``detail["review"]``
    review_status: str | None = None
    detail: dict[str, Any] = field(default_factory=dict, repr=False)
    fused_at: str = ""
    mentions: list[dict[str, Any]] | None = field(default=None, repr=False)

    @classmethod
    def from_row(cls, row: Any) -> Event:
        return cls(**{name: row[name] for name in EVENT_COLUMNS if name in row})

    def row(self) -> dict[str, Any]:
        """The ``events`` row."""
        return {name: getattr(self, name) for name in EVENT_COLUMNS}

    def as_dict(self) -> dict[str, Any]:
        """The event as ``events --json`` prints it (``mentions`` only when they were read)."""
        out = self.row()
        if self.mentions is not None:
            out["mentions"] = self.mentions
        return out


EVENT_COLUMNS = ("id", *(f.name for f in fields(Event) if f.name not in ("id", "mentions")))

REVIEW_ACTIONS = ("confirm", "correct", "merge", "split", "reject", "restore")
# An event's review_status filter: the stored verdicts, "machine" (no analyst acted) or "any"
REVIEW_STATUSES = ("machine", "confirmed", "corrected", "rejected", "any")

# A mention's stable identity across re-extraction: its document and character span.
Anchor = tuple[str, int, int]


@dataclass(slots=True, kw_only=True)
class ReviewAction:
    """One analyst action, kept beside the machine's output (an overlay, never an overwrite).

    ``anchors`` say what it acts on through stable mention identities (document, span), so it
    outlives re-extraction and re-fusion: for an event, the groups of its members at the time
    (``merge``: two groups, one per event; ``split``: the members that leave, then those that
    stay); for a mention, one group of one. ``undone_by`` is the ``restore`` that undid it.
    """

    id: int | None = None
    at: str = ""
    user: str = ""
    action: str = ""
    target: str = "event"  # "event" or "mention"
    event_id: str | None = None  # the event acted on, as it was then
    anchors: list[list[Anchor]] = field(default_factory=list)
    field: str | None = None
    before: Any = None
    after: Any = None
    reason: str = ""
    undone_by: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(ReviewAction)}
        out["anchors"] = [[list(a) for a in group] for group in self.anchors]
        return out


# Roles, least first: each may do what the ones before it may (viewer reads, analyst also
# reviews and adds reports, admin also manages users).
ROLES = ("viewer", "analyst", "admin")


@dataclass(frozen=True, slots=True)
class User:
    """A person or script that may use the server; the password hash never leaves the store."""

    id: int
    name: str
    role: str
    created_at: str = ""
    has_password: bool = False
    tokens: int = 0  # live API tokens

    def may(self, role: str) -> bool:
        """Whether this user's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "created_at": self.created_at,
                "has_password": self.has_password, "tokens": self.tokens}  # fmt: skip
