"""Sign-ons: signers, each sign-on as a contact, and possible duplicates under review.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One entry in the list of signers: an organization, or an individual.
    op.create_table(
        "signers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("key", sa.String(1000), nullable=False),
        sa.Column("affiliation", sa.String(300), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("state", sa.String(100), nullable=True),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("signers.id"), nullable=True),
        sa.Column("signed_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("kind IN ('organization', 'individual')", name="kind_known"),
        sa.CheckConstraint("status IN ('active', 'withdrawn', 'merged')", name="status_known"),
        sa.CheckConstraint(
            "(status = 'merged') = (merged_into IS NOT NULL)", name="merged_has_target"
        ),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_present"),
        # The rule that keeps the count right: one active entry per organization per letter.
        sa.Index(
            "uq_signers_one_active_per_key",
            "letter_id",
            "kind",
            "key",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
        sqlite_autoincrement=True,
    )

    # Each sign-on: the person who submitted it, and the spelling they used.
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "signer_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("submitted_as", sa.String(300), nullable=False),
        sa.Column("person_name", sa.String(200), nullable=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("import_ref", sa.String(64), nullable=True),
        sa.Column("signed_at", UTCDateTime, nullable=False),
        sa.Column("withdrawn_at", UTCDateTime, nullable=True),
        sa.Index("ix_signatures_letter_id_user_id", "letter_id", "user_id"),
        # Importing the same file twice adds nothing.
        sa.Index("uq_signatures_letter_id_import_ref", "letter_id", "import_ref", unique=True),
        # A person is one contact of an entry, however often they sign it.
        sa.Index(
            "uq_signatures_one_active_per_person",
            "signer_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("user_id IS NOT NULL AND withdrawn_at IS NULL"),
            postgresql_where=sa.text("user_id IS NOT NULL AND withdrawn_at IS NULL"),
        ),
        sqlite_autoincrement=True,
    )

    # A pair of entries that may be one organization, until an organizer decides.
    op.create_table(
        "duplicate_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id", sa.Integer, sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "first_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "second_id", sa.Integer, sa.ForeignKey("signers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.CheckConstraint("first_id < second_id", name="ordered_pair"),
        sa.CheckConstraint("status IN ('pending', 'merged', 'kept')", name="status_known"),
        sa.UniqueConstraint("first_id", "second_id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("duplicate_reviews")
    op.drop_table("signatures")
    op.drop_table("signers")
