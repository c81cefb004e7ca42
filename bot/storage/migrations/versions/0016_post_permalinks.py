"""Each posted copy of a letter keeps its permalink, for the Home's View post; and a
letter keeps when it closed, for whoever comes late.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_posts") as batch:
        batch.add_column(sa.Column("permalink", sa.String(500), nullable=True))
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("closed_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("closed_at")
    with op.batch_alter_table("letter_posts") as batch:
        batch.drop_column("permalink")
