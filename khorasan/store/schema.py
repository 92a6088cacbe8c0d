"""Table definitions (SQLAlchemy Core). Alembic migrations create them; this module names them.

Nothing here is SQLite-only: types are portable (String, Text, Integer, Float, Boolean, JSON).
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "KEYED_COLUMNS",
    "KILLED_CATEGORY_NAMES",
    "TALLY_COLUMNS",
    "alert_deliveries",
    "alert_rules",
    "alert_state",
    "SEARCH_DOCUMENTS",
    "SEARCH_DOCUMENT_KEYS",
    "SEARCH_INCIDENTS",
    "SEARCH_RECORDS",
    "appearances",
    "credentials",
    "documents",
    "event_mentions",
    "events",
    "event_tallies",
    "incident_mentions",
    "tally_months",
    "tally_places",
    "metadata",
    "record_mentions",
    "review_actions",
    "users",
    "source_state",
    "wire_fingerprints",
]

metadata = sa.MetaData()

# The event columns filters compare without case: each has a lower-cased ``<name>_key`` (0013)
KEYED_COLUMNS = ("country", "admin1", "perpetrator", "attack_type", "target_type", "attribution")
KILLED_CATEGORY_NAMES = ("civilians", "security_forces", "militants", "unspecified")
# the sums of an event_tallies row besides its number of events
TALLY_COLUMNS = ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
                 "wounded_high", *KILLED_CATEGORY_NAMES, "without_killed", "unplaced",
                 "claims", "claims_events", "claimed_killed", "reported_killed")  # fmt: skip

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # content_hash[:16]
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("simhash", sa.String(16), nullable=False),  # 64-bit hex: unsigned fits no SQL int
    sa.Column("wire_story_id", sa.String(16), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("published", sa.String(10), index=True),
    sa.Column("outlet", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("n_chars", sa.Integer, nullable=False),
    sa.Column("ingested_at", sa.String(32), nullable=False),
    # the extractor version whose records this document holds; NULL: not extracted (0005)
    sa.Column("extracted_with", sa.String(32)),
    # search filters read a document's date and outlet from this, not the wide row (0011)
    sa.Index("ix_documents_search_filters", "id", "published", "outlet"),
)

# Every stored document's SimHash in the order stored, for the wire-copy check (0014): each
# writer reads only the rows appended since its last look, so processes writing one store
# group wire copies alike; the hash as a signed 64-bit integer (SQL has no unsigned one)
wire_fingerprints = sa.Table(
    "wire_fingerprints",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id",
        sa.String(16),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("simhash", sa.BigInteger, nullable=False),
    sa.Column("wire_story_id", sa.String(16), nullable=False),
)

appearances = sa.Table(
    "appearances",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id",
        sa.String(16),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published", sa.String(10)),
    sa.Column("title", sa.Text),
    # original: first sighting; duplicate: same normalised text seen again elsewhere
    sa.Column("relation", sa.String(16), nullable=False),
    sa.Column("ingested_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("document_id", "source", name="uq_appearance_document_source"),
    sa.Index("ix_appearances_source", "source"),  # (0009: a watched source's documents)
    sa.Index("ix_appearances_url", "url"),
)

incident_mentions = sa.Table(
    "incident_mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id",
        sa.String(16),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("seq", sa.Integer, nullable=False),  # order within the document
    sa.Column("extractor_version", sa.String(32), nullable=False),
    sa.Column("date", sa.String(10), index=True),
    sa.Column("date_precision", sa.String(8)),
    sa.Column("country", sa.Text, index=True),
    sa.Column("admin1", sa.Text, index=True),
    sa.Column("admin2", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("geo_precision", sa.String(16)),
    sa.Column("perpetrator", sa.Text, index=True),
    sa.Column("attribution", sa.String(16)),
    sa.Column("attack_type", sa.String(24)),
    sa.Column("suicide", sa.Boolean),
    sa.Column("target_type", sa.String(24)),
    sa.Column("target", sa.Text),
    sa.Column("killed", sa.Integer),
    sa.Column("killed_qualifier", sa.String(16)),
    sa.Column("wounded", sa.Integer),
    sa.Column("wounded_qualifier", sa.String(16)),
    sa.Column("claimed_killed", sa.Integer),
    sa.Column("claimed_wounded", sa.Integer),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("span_start", sa.Integer, nullable=False),
    sa.Column("span_end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),  # the full SCHEMA record with per-field spans
    # the document's publication date, copied here (0012) so that fusion finds the undated
    # mentions published near a day through an index (an undated mention spans the year
    # before its document's publication); fusion fills it (FusionTransaction.settle_published)
    sa.Column("doc_published", sa.String(10)),
    sa.UniqueConstraint("document_id", "seq", name="uq_incident_document_seq"),
    sa.Index("ix_incident_mentions_search_filters", "document_id", "country"),  # (0011)
    # fusion's candidate blocks (0012): a country's dated mentions by date, its undated ones
    # (date IS NULL) by publication date, the province and coordinates read from the index
    # (0015: the candidate query is answered from it); the same for mentions of no country,
    # or of any
    sa.Index(
        "ix_incident_mentions_fuse_block",
        "country",
        "date",
        "doc_published",
        "admin1",
        "latitude",
        "longitude",
    ),
    sa.Index(
        "ix_incident_mentions_fuse_time", "date", "doc_published", "admin1", "latitude", "longitude"
    ),
)

# -- events (migration 0003): incident mentions fused into one record per real event ----------
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),  # hash of the first member's key
    sa.Column("date", sa.String(10), index=True),
    sa.Column("date_precision", sa.String(8)),
    sa.Column("country", sa.Text, index=True),
    sa.Column("admin1", sa.Text, index=True),
    sa.Column("admin2", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("geo_precision", sa.String(16)),
    sa.Column("perpetrator", sa.Text, index=True),
    sa.Column("attribution", sa.String(16), index=True),  # (0007, as the next two)
    sa.Column("attack_type", sa.String(24), index=True),
    sa.Column("suicide", sa.Boolean),
    sa.Column("target_type", sa.String(24), index=True),
    sa.Column("target", sa.Text),
    sa.Column("killed_low", sa.Integer),
    sa.Column("killed_best", sa.Integer),
    sa.Column("killed_high", sa.Integer),
    sa.Column("wounded_low", sa.Integer),
    sa.Column("wounded_best", sa.Integer),
    sa.Column("wounded_high", sa.Integer),
    sa.Column("claimed_killed", sa.Integer),
    sa.Column("claimed_wounded", sa.Integer),
    sa.Column("n_mentions", sa.Integer, nullable=False),
    sa.Column("n_sources", sa.Integer, nullable=False),
    sa.Column("n_flags", sa.Integer, nullable=False),
    sa.Column("review_status", sa.String(12), index=True),  # analyst's verdict (0006)
    sa.Column("detail", sa.JSON, nullable=False),  # provenance, flags, killed by category
    sa.Column("fused_at", sa.String(32), nullable=False),
    # (0013) what the filters and tallies read, filled when the row is written
    # (``khorasan.store.events.complete_event_rows``): each filterable column lower-cased,
    # the date's month, the killed by category of ``detail``
    *(sa.Column(f"{name}_key", sa.Text) for name in KEYED_COLUMNS),
    sa.Column("month", sa.String(7)),
    *(sa.Column(f"killed_{name}", sa.Integer) for name in KILLED_CATEGORY_NAMES),
    sa.Column("tally_group", sa.Text),  # its event_tallies row (``events.tally_group``)
    # (0013) filtered pages in the list's order, and the events with a claim
    *(
        sa.Index(f"ix_events_{name}_key", f"{name}_key", sa.text("date DESC"), "id")
        for name in KEYED_COLUMNS
    ),
    sa.Index("ix_events_list", sa.text("date DESC"), "id"),
    # (0013) a tally group's events: a fusion write recounts the groups it touched
    sa.Index("ix_events_tally_group", "tally_group"),
    # (0007) the small columns the dashboard sums and filters on: its sums scan this, not
    # the rows with their detail JSON
    sa.Index(
        "ix_events_summary",
        "date",
        "target_type",
        "killed_best",
        "latitude",
        "longitude",
        "claimed_killed",
        "country",
        "admin1",
        "perpetrator",
        "attack_type",
        "attribution",
        "review_status",
        "id",
        *(f"{name}_key" for name in KEYED_COLUMNS),  # (0013)
    ),
    # (0013, partial: WHERE claimed_killed IS NOT NULL) what claims reads
    sa.Index(
        "ix_events_claims",
        sa.text("date DESC"),
        "id",
        "claimed_killed",
        "killed_best",
        "killed_high",
        "place",
        "admin1",
        "perpetrator",
        "target_type",
        "review_status",
        "country_key",
        "admin1_key",
        "perpetrator_key",
        sqlite_where=sa.text("claimed_killed IS NOT NULL"),
        postgresql_where=sa.text("claimed_killed IS NOT NULL"),
    ),
)

# (0013) the events summed by month, place, perpetrator and verdict, kept current by every
# fusion write (``khorasan.store.events.refresh_tallies``): stats and totals read these
event_tallies = sa.Table(
    "event_tallies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("tally_group", sa.Text, nullable=False, index=True),
    sa.Column("month", sa.String(7)),
    sa.Column("country", sa.Text),
    sa.Column("admin1", sa.Text),
    sa.Column("perpetrator", sa.Text),
    sa.Column("review_status", sa.String(12)),
    sa.Column("country_key", sa.Text),
    sa.Column("admin1_key", sa.Text),
    sa.Column("perpetrator_key", sa.Text),
    sa.Column("events", sa.Integer, nullable=False),
    *(sa.Column(name, sa.Integer, nullable=False) for name in TALLY_COLUMNS),
    sa.Column("first", sa.String(10)),
    sa.Column("last", sa.String(10)),
    sa.Index("ix_event_tallies_group", "month", "country", "admin1"),  # stats' order
    *(
        sa.Index(f"ix_event_tallies_{name}_key", f"{name}_key", "events")
        for name in ("country", "admin1", "perpetrator")
    ),
)


def _rollup(name: str, group: str, *columns: str) -> sa.Table:
    """``event_tallies`` summed over the place (by month) or over the month (by place): the
    two margins stats shows, a few hundred rows at any size (0016)."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(group, sa.Text, nullable=False, index=True),  # its key, for partial refresh
        *(sa.Column(c, sa.String(7) if c == "month" else sa.Text) for c in columns),
        sa.Column("perpetrator", sa.Text),
        sa.Column("review_status", sa.String(12)),
        *(sa.Column(f"{c}_key", sa.Text) for c in columns if c != "month"),
        sa.Column("perpetrator_key", sa.Text),
        sa.Column("events", sa.Integer, nullable=False),
        *(sa.Column(c, sa.Integer, nullable=False) for c in TALLY_COLUMNS),
        sa.Column("first", sa.String(10)),
        sa.Column("last", sa.String(10)),
    )


# (0016) kept current with event_tallies by every fusion write (``khorasan.store.rollups``)
tally_months = _rollup("tally_months", "month_group", "month")
tally_places = _rollup("tally_places", "place_group", "country", "admin1")


event_mentions = sa.Table(
    "event_mentions",
    metadata,
    sa.Column(
        "mention_id",
        sa.Integer,
        sa.ForeignKey("incident_mentions.id", ondelete="CASCADE"),
        primary_key=True,  # one mention joins one event
    ),
    sa.Column(
        "event_id",
        sa.String(16),
        sa.ForeignKey("events.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("score", sa.Float),  # mean link score to the other members (None: alone)
)

# Non-incident records (statistics, strength, plots, leaders, relations), one row per mention;
# key fields in columns for filtering, the full record in JSON. Migration 0004.
record_mentions = sa.Table(
    "record_mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "document_id",
        sa.String(16),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),  # order within the document and kind
    sa.Column("extractor_version", sa.String(32), nullable=False),
    sa.Column("group_name", sa.Text, index=True),  # group / relation party a
    sa.Column("other_group", sa.Text, index=True),  # relation party b
    sa.Column("person", sa.Text, index=True),
    sa.Column("date", sa.String(10), index=True),  # date, window start, or period start
    sa.Column("date_to", sa.String(10)),  # window or period end
    sa.Column("country", sa.Text, index=True),
    sa.Column("relation", sa.String(16)),  # relation kind
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("span_start", sa.Integer, nullable=False),
    sa.Column("span_end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.UniqueConstraint("document_id", "kind", "seq", name="uq_record_document_kind_seq"),
    sa.Index("ix_record_mentions_search_filters", "document_id", "country"),  # (0011)
)


# -- analyst review (migration 0006): every action, in order, never rewritten ------------------
review_actions = sa.Table(
    "review_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("user", sa.Text, nullable=False),
    sa.Column("action", sa.String(12), nullable=False),
    sa.Column("target", sa.String(8), nullable=False),  # event or mention
    sa.Column("event_id", sa.String(16), index=True),  # the event acted on, as it was then
    sa.Column("anchors", sa.JSON, nullable=False),  # groups of [document id, start, end]
    sa.Column("field", sa.String(32)),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("undone_by", sa.Integer),  # the restore that undid this action
)


# -- access control (migration 0008): users and their hashed credentials -----------------------
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(12), nullable=False),  # viewer, analyst or admin
    sa.Column("password_hash", sa.Text),  # argon2; NULL: tokens only
    sa.Column("created_at", sa.String(32), nullable=False),
)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),  # fmt: skip
    sa.Column("kind", sa.String(8), nullable=False),  # token (API) or session (browser)
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex
    sa.Column("csrf", sa.String(64)),  # a session's CSRF token (forms carry it back)
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.String(32)),  # NULL: until revoked
    sa.Column("revoked_at", sa.String(32)),
)


# -- watch (migration 0009): each watched source's polling state, so a restart resumes --------
source_state = sa.Table(
    "source_state",
    metadata,
    sa.Column("source", sa.Text, primary_key=True),  # the source's key: its name, else its URL
    sa.Column("last_poll", sa.String(32)),  # ISO time, UTC
    sa.Column("next_due", sa.String(32)),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("errors", sa.Integer, nullable=False, default=0),  # consecutive failed polls
    sa.Column("last_error", sa.Text),
    sa.Column("stamps", sa.JSON),  # entry URL -> the updated stamp its feed or sitemap gave
)


# -- alerts (migration 0010): saved rules, what each sent of each event, every delivery --------
alert_rules = sa.Table(
    "alert_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("filters", sa.JSON, nullable=False),  # as for Store.events
    sa.Column("channel", sa.String(16), nullable=False),  # webhook, email or file
    sa.Column("target", sa.JSON, nullable=False),  # the channel's settings (never a password)
    sa.Column("digest", sa.String(8)),  # None (at once), daily or weekly
    sa.Column("created_at", sa.String(32), nullable=False),
    # events fused before this were all looked at (a delivery that failed holds it back)
    sa.Column("checked_through", sa.String(32)),
    sa.Column("last_digest_at", sa.String(32)),
    # a run that holds the rule (until then): two runs at once never send the same alert twice
    sa.Column("running_until", sa.String(32)),
)

alert_state = sa.Table(
    "alert_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "rule_id", sa.Integer, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False
    ),  # fmt: skip
    sa.Column("event_id", sa.String(16), nullable=False),
    sa.Column("members", sa.JSON, nullable=False),  # the event's mention uids (doc:start-end)
    sa.Column("figures", sa.JSON, nullable=False),  # the watched figures last sent
    sa.Column("first_at", sa.String(32), nullable=False),
    sa.Column("last_at", sa.String(32), nullable=False),
    sa.Index("ix_alert_state_rule_event", "rule_id", "event_id"),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(32), nullable=False),  # sent along: receivers dedupe
    sa.Column("rule_id", sa.Integer),  # kept when the rule is removed: the log stays
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("event_id", sa.String(16)),
    sa.Column("kind", sa.String(8), nullable=False),  # new, update, digest, test
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # sent, failed, queued (for a digest)
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("summary", sa.Text),  # "new: ...", "killed 13 -> 60"
    sa.Column("payload", sa.JSON),  # a queued alert's document, until its digest is sent
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Index("ix_alert_deliveries_rule_status", "rule_id", "status"),
)


# -- full-text search (migration 0011) ----------------------------------------------------------
# SQLite: FTS5 indexes over the text above, kept in step by triggers (see the migration); they
# hold no text of their own. PostgreSQL: GIN indexes on to_tsvector expressions instead. A
# migration that rebuilds documents or a mentions table on SQLite must drop and recreate them
# (see 0011's docstring).
SEARCH_DOCUMENTS = "search_documents"  # title, text; rowid = search_document_keys.key
SEARCH_DOCUMENT_KEYS = "search_document_keys"  # key INTEGER PRIMARY KEY, document_id
SEARCH_INCIDENTS = "search_incidents"  # evidence; rowid = incident_mentions.id
SEARCH_RECORDS = "search_records"  # evidence; rowid = record_mentions.id
