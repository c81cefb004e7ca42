"""An index of each letter's active entries by kind, in id order.

The dedupe index catches up on the organizations added since the id it last saw, before
every batch of sign-ons. The unique index on active keys sorts a letter's entries by
key, so that read walked and sorted all of them, more with every signer; this one
reads only the new ones. Kind first: led by letter_id, the planner would take it for
reading a letter's entries known by id, and walk all of them.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_signers_kind_letter_id",
        "signers",
        ["kind", "letter_id"],
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("ix_signers_kind_letter_id", "signers")
