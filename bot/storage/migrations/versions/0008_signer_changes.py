"""The audit trail of signers: every change to an entry after it was made, by whom,
when and why (a signer's own correction, an organizer's edit, withdrawal, restoral or
merge).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signer_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "signer_id",
            sa.Integer,
            sa.ForeignKey("signers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("field", sa.String(32), nullable=True),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("changed_by", sa.String(32), nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.CheckConstraint(
            "action IN ('corrected', 'edited', 'withdrawn', 'restored', 'moved', 'merged')",
            name="action_known",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_signer_changes_letter_id", "signer_changes", ["letter_id"])


def downgrade() -> None:
    op.drop_index("ix_signer_changes_letter_id", "signer_changes")
    op.drop_table("signer_changes")
