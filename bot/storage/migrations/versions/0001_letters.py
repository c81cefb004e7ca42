"""Letters, the channels they are posted to, their leads, and drafts from the shortcut.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("addressee", sa.String(300), nullable=False),
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
        sqlite_autoincrement=True,
    )
    op.create_table(
        "letter_posts",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "letter_leads",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.String(32), primary_key=True),
    )
    op.create_table(
        "letter_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("letter_drafts")
    op.drop_table("letter_leads")
    op.drop_table("letter_posts")
    op.drop_table("letters")
