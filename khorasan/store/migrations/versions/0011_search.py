"""full-text search over every document and every extracted sentence

Revision ID: 0011
Revises: 0010

SQLite: three FTS5 indexes that hold no text of their own (external content, so the text is
stored once): ``search_documents`` (title and clean text, through ``search_document_content``,
a view over ``documents`` keyed by ``search_document_keys``: a document's id is text and its
implicit rowid may change on VACUUM, an INTEGER PRIMARY KEY never does),
``search_incidents`` and ``search_records`` (each mention's evidence sentence, by mention id).
Triggers keep them in step with every insert, update and delete, a cascade from a removed
document included, whichever code writes. Existing rows are indexed here.

A later migration that rebuilds ``documents``, ``incident_mentions`` or ``record_mentions``
on SQLite (Alembic's batch "move and copy", for a dropped or retyped column; adding a column is
a plain ALTER and is fine) must first run ``SQLITE_DOWN`` (the view would make the rename fail,
and dropping a table drops its triggers), then ``SQLITE_UP`` and ``SQLITE_BACKFILL`` again.

PostgreSQL: GIN indexes on the same text's ``to_tsvector('english', ...)``; queries use the
identical expressions (``khorasan.store.search``), so nothing else needs keeping in step.
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"  # 'bombers' finds 'bomber'; accents folded
# prefix indexes for ``word*`` of 2 to 4 characters (searchquery.MIN_PREFIX is 2): without them
# FTS5 merges the lists of every word the prefix begins (``bomb*``: bomb, bomber, bombing...)
# on each query, several times slower than one word; longer prefixes begin fewer words
PREFIX = "2 3 4"
# covering indexes for the search filters (both databases): the joins read a document's date
# and outlet and its mentions' countries from these, never the wide rows (a page each, per match)
FILTER_INDEXES = {
    "ix_documents_search_filters": ("documents", ["id", "published", "outlet"]),
    "ix_incident_mentions_search_filters": ("incident_mentions", ["document_id", "country"]),
    "ix_record_mentions_search_filters": ("record_mentions", ["document_id", "country"]),
}  # fmt: skip

SQLITE_UP = [
    "CREATE TABLE search_document_keys (key INTEGER PRIMARY KEY, "
    "document_id VARCHAR(16) NOT NULL UNIQUE)",
    "CREATE VIEW search_document_content AS SELECT k.key AS key, d.title AS title, "
    "d.text AS text FROM search_document_keys k JOIN documents d ON d.id = k.document_id",
    "CREATE VIRTUAL TABLE search_documents USING fts5(title, text, "
    f"content='search_document_content', content_rowid='key', tokenize='{TOKENIZE}', "
    f"prefix='{PREFIX}')",
    "CREATE VIRTUAL TABLE search_incidents USING fts5(evidence, content='incident_mentions', "
    f"content_rowid='id', tokenize='{TOKENIZE}', prefix='{PREFIX}')",
    "CREATE VIRTUAL TABLE search_records USING fts5(evidence, content='record_mentions', "
    f"content_rowid='id', tokenize='{TOKENIZE}', prefix='{PREFIX}')",
    # documents
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO search_document_keys (document_id) VALUES (new.id);
        INSERT INTO search_documents (rowid, title, text)
            SELECT key, new.title, new.text FROM search_document_keys
            WHERE document_id = new.id;
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO search_documents (search_documents, rowid, title, text)
            SELECT 'delete', key, old.title, old.text FROM search_document_keys
            WHERE document_id = old.id;
        DELETE FROM search_document_keys WHERE document_id = old.id;
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE OF title, text ON documents BEGIN
        INSERT INTO search_documents (search_documents, rowid, title, text)
            SELECT 'delete', key, old.title, old.text FROM search_document_keys
            WHERE document_id = old.id;
        INSERT INTO search_documents (rowid, title, text)
            SELECT key, new.title, new.text FROM search_document_keys
            WHERE document_id = new.id;
    END""",
]
for _table, _fts in (("incident_mentions", "search_incidents"),
                     ("record_mentions", "search_records")):  # fmt: skip
    SQLITE_UP += [
        f"""CREATE TRIGGER {_fts}_ai AFTER INSERT ON {_table} BEGIN
            INSERT INTO {_fts} (rowid, evidence) VALUES (new.id, new.evidence);
        END""",
        f"""CREATE TRIGGER {_fts}_ad AFTER DELETE ON {_table} BEGIN
            INSERT INTO {_fts} ({_fts}, rowid, evidence) VALUES ('delete', old.id, old.evidence);
        END""",
        f"""CREATE TRIGGER {_fts}_au AFTER UPDATE OF evidence ON {_table} BEGIN
            INSERT INTO {_fts} ({_fts}, rowid, evidence) VALUES ('delete', old.id, old.evidence);
            INSERT INTO {_fts} (rowid, evidence) VALUES (new.id, new.evidence);
        END""",
    ]
SQLITE_BACKFILL = [
    "INSERT INTO search_document_keys (document_id) SELECT id FROM documents ORDER BY id",
    "INSERT INTO search_documents (search_documents) VALUES ('rebuild')",
    "INSERT INTO search_incidents (search_incidents) VALUES ('rebuild')",
    "INSERT INTO search_records (search_records) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    *(f"DROP TRIGGER {fts}_{op_}" for fts in ("search_documents", "search_incidents",
                                              "search_records") for op_ in ("ai", "ad", "au")),
    "DROP TABLE search_records",
    "DROP TABLE search_incidents",
    "DROP TABLE search_documents",
    "DROP VIEW search_document_content",
    "DROP TABLE search_document_keys",
]  # fmt: skip

# PostgreSQL: the expressions khorasan.store.search queries with, indexed
PG_INDEXES = {
    "ix_documents_search": ("documents",
                            "to_tsvector('english', coalesce(title, '') || ' ' || text)"),
    "ix_incident_mentions_search": ("incident_mentions", "to_tsvector('english', evidence)"),
    "ix_record_mentions_search": ("record_mentions", "to_tsvector('english', evidence)"),
}  # fmt: skip


def upgrade() -> None:
    for name, (table, columns) in FILTER_INDEXES.items():
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, expression) in PG_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING GIN (({expression}))")
        return
    for statement in SQLITE_UP + SQLITE_BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    for name, (table, _columns) in FILTER_INDEXES.items():
        op.drop_index(name, table)
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX {name}")
        return
    for statement in SQLITE_DOWN:
        op.execute(statement)
