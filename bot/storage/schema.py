"""The current shape of the database, used to build queries.

Migrations in `migrations/versions/` create this shape step by step; a test checks
that the migrated database and this module agree.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.types import UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TITLE_MAX = 150
ADDRESSEE_MAX = 300

letters = sa.Table(
    "letters",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("addressee", sa.String(ADDRESSEE_MAX), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("deadline", UTCDateTime, nullable=False),
    sa.Column("goal", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name="status_known"),
    sa.CheckConstraint("goal IS NULL OR goal > 0", name="goal_positive"),
    sa.CheckConstraint("length(trim(title)) > 0", name="title_present"),
    sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
    # Ids are what people type (`/letter close 3`) and what stale modals carry: never reuse one.
    sqlite_autoincrement=True,
)

letter_posts = sa.Table(
    "letter_posts",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("channel_id", sa.String(32), primary_key=True),
    sa.Column("ts", sa.String(32), nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
)

letter_leads = sa.Table(
    "letter_leads",
    metadata,
    sa.Column(
        "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.String(32), primary_key=True),
)

letter_drafts = sa.Table(
    "letter_drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
    # Ids are what people type (`/letter close 3`) and what stale modals carry: never reuse one.
    sqlite_autoincrement=True,
)
