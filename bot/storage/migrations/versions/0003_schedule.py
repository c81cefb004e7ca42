"""The schedule: reminder offsets per letter, scheduled jobs and their deliveries.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        # Letters posted before reminders existed get the default schedule.
        batch.add_column(
            sa.Column(
                "reminders",
                sa.String(200),
                nullable=False,
                server_default="604800,259200,86400,10800",
            )
        )
        batch.add_column(
            sa.Column("schedule_version", sa.Integer, nullable=False, server_default="0")
        )

    op.create_table(
        "scheduled_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column(
            "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("offset_seconds", sa.Integer, nullable=True),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=True),
        sa.CheckConstraint(
            "kind IN ('reminder', 'close', 'deadline_moved', 'tally')", name="kind_known"
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'done', 'skipped', 'cancelled')", name="state_known"
        ),
        sa.UniqueConstraint("key"),
        sa.Index("ix_scheduled_jobs_state_due_at", "state", "due_at"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "job_id",
            sa.Integer,
            sa.ForeignKey("scheduled_jobs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UTCDateTime, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'skipped', 'failed')", name="state_known"
        ),
        sa.CheckConstraint("(state = 'sending') = (claimed_until IS NOT NULL)", name="claim_held"),
        sa.UniqueConstraint("job_id", "target"),
        sa.Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        sa.Index("ix_deliveries_target_state", "target", "state"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("scheduled_jobs")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("schedule_version")
        batch.drop_column("reminders")
