"""Indexes for what recording a batch of sign-ons looks up, which none covered.

Without them three of the batch's queries read whole tables (EXPLAIN QUERY PLAN: SCAN):
a letter's entries by key including merged ones (the unique index covers only active
entries), a signer's signatures (to read back an entry signed before), and review
pairs by their second entry. Key first: led by letter_id, the planner would take it
for counting a letter's active entries, which the partial unique index answers alone.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signers_key_letter_id", "signers", ["key", "letter_id"])
    op.create_index("ix_signatures_signer_id", "signatures", ["signer_id"])
    op.create_index("ix_duplicate_reviews_second_id", "duplicate_reviews", ["second_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_reviews_second_id", "duplicate_reviews")
    op.drop_index("ix_signatures_signer_id", "signatures")
    op.drop_index("ix_signers_key_letter_id", "signers")
