"""Asking a roster member's contacts whether their organization signed an unverified
entry, and their answers; the jobs that look for such entries, ask, and tell the
letter's leads of a No; each letter's rule for unverified sign-ons, and the entries
waiting to be verified under it.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates',"
    " 'new_version', 'chase', 'mail')"
)
KINDS_AFTER = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates',"
    " 'new_version', 'chase', 'mail', 'verify', 'question', 'disowned')"
)


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(
            sa.Column("verification_rule", sa.String(8), nullable=False, server_default="flag")
        )
        batch.add_column(
            sa.Column("anyone_may_sign", sa.Boolean, nullable=False, server_default=sa.true())
        )
        batch.create_check_constraint("rule_known", "verification_rule IN ('flag', 'hold')")
    with op.batch_alter_table("signers") as batch:
        batch.add_column(
            sa.Column("waiting", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", KINDS_AFTER)
    op.create_table(
        "verification_questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("signer_id", sa.Integer, sa.ForeignKey("signers.id"), nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("asked", sa.String(254), nullable=False),
        sa.Column("asked_at", UTCDateTime, nullable=False),
        sa.Column("answer", sa.String(8), nullable=True),
        sa.Column("answered_at", UTCDateTime, nullable=True),
        sa.CheckConstraint("answer IS NULL OR answer IN ('yes', 'no')", name="answer_known"),
        sa.UniqueConstraint("signer_id", "asked"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_verification_questions_letter_id", "verification_questions", ["letter_id"])


def downgrade() -> None:
    with op.batch_alter_table("signers") as batch:
        batch.drop_column("waiting")
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("rule_known", type_="check")
        batch.drop_column("anyone_may_sign")
        batch.drop_column("verification_rule")
    op.drop_table("verification_questions")
    op.execute("DELETE FROM scheduled_jobs WHERE kind IN ('verify', 'question', 'disowned')")
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", KINDS_BEFORE)
