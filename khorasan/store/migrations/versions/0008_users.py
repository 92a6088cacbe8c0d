"""access control: users with roles, and their credentials (API tokens, browser sessions)

Revision ID: 0008
Revises: 0007

Passwords are stored as argon2 hashes and credentials as SHA-256 hashes of their secrets:
the database never holds anything a reader could log in with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),  # fmt: skip
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf", sa.String(64)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32)),
        sa.Column("revoked_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("credentials")
    op.drop_table("users")
