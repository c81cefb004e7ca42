"""Who keeps an entry's details (the person who made it), the version each contact
signed and confirmed, sign-ons held for an organizer (a person's organizations past
the few one person usually speaks for wait to be approved), and the notice at the top
of someone's App Home.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signers") as batch:
        batch.add_column(sa.Column("made_by", sa.String(32), nullable=True))
    with op.batch_alter_table("signatures") as batch:
        batch.add_column(
            sa.Column("signed_version", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("confirmed_version", sa.Integer, nullable=True))
    # The entry's maker: the account of its first sign-on (an imported one has none).
    # Contacts merged in later came from entries made after it, so their rows follow.
    op.execute(
        "UPDATE signers SET made_by = (SELECT s.user_id FROM signatures s"
        " WHERE s.signer_id = signers.id ORDER BY s.id LIMIT 1)"
    )
    # Until now a confirmation was the entry's: each of its contacts carries it.
    op.execute(
        "UPDATE signatures SET"
        " signed_version = (SELECT e.signed_version FROM signers e"
        " WHERE e.id = signatures.signer_id),"
        " confirmed_version = (SELECT e.confirmed_version FROM signers e"
        " WHERE e.id = signatures.signer_id)"
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'approved', 'withdrawn')", name="status_known"),
        sa.UniqueConstraint("letter_id", "user_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "held_signons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "hold_id",
            sa.Integer,
            sa.ForeignKey("holds.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("submission", sa.Text, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("settled_at", UTCDateTime, nullable=True),
        sa.CheckConstraint("status IN ('held', 'counted', 'withdrawn')", name="status_known"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_held_signons_hold_id", "held_signons", ["hold_id"])
    with op.batch_alter_table("home_views") as batch:
        batch.add_column(sa.Column("notice", sa.Text, nullable=True))
        batch.add_column(sa.Column("notice_until", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("home_views") as batch:
        batch.drop_column("notice_until")
        batch.drop_column("notice")
    op.drop_index("ix_held_signons_hold_id", "held_signons")
    op.drop_table("held_signons")
    op.drop_table("holds")
    with op.batch_alter_table("signatures") as batch:
        batch.drop_column("confirmed_version")
        batch.drop_column("signed_version")
    with op.batch_alter_table("signers") as batch:
        batch.drop_column("made_by")
