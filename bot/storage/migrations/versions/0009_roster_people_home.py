"""The coalition's roster (member organizations and their contacts), organizers'
answers to "is this member that entry?", chases of the members that haven't signed
(scheduled job kind 'chase') and their opt-outs, which
reminders are shown in the channel too, people's names and timezones read from Slack,
and who has opened the App Home.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates', 'new_version')"
)
KINDS_AFTER = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates', 'new_version', 'chase')"
)


def upgrade() -> None:
    op.create_table(
        "roster_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("key", sa.String(1000), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),
        sa.Column("state", sa.String(100), nullable=True),
        sa.Column("kind", sa.String(100), nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "roster_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("roster_members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="reachable"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_roster_contacts_member_id", "roster_contacts", ["member_id"])
    op.create_table(
        "roster_matches",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("roster_members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "signer_id",
            sa.Integer,
            sa.ForeignKey("signers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("same", sa.Boolean, nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=False),
        sa.Column("decided_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "chase_optouts",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("opted_out_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("tz", sa.String(64), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "home_views",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("opened_at", UTCDateTime, nullable=False),
    )
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("shown_reminders", sa.String(200), nullable=True))
    _replace_kinds(KINDS_AFTER)
    # Reminders already planned chase too, as those planned from now on do.
    op.execute(
        "INSERT INTO scheduled_jobs "
        "(kind, letter_id, version, offset_seconds, due_at, state, key, created_at) "
        "SELECT 'chase', letter_id, version, offset_seconds, due_at, state, "
        "'chase' || substr(key, 9), created_at "
        "FROM scheduled_jobs WHERE kind = 'reminder' AND state = 'pending'"
    )


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_jobs WHERE kind = 'chase'")
    _replace_kinds(KINDS_BEFORE)
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("shown_reminders")
    for table in (
        "home_views",
        "people",
        "chase_optouts",
        "roster_matches",
        "roster_contacts",
        "roster_members",
    ):
        op.drop_table(table)


def _replace_kinds(condition: str) -> None:
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", condition)
