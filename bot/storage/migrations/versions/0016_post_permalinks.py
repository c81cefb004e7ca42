"""Each posted copy of a letter keeps its permalink, for the Home's View post.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_posts") as batch:
        batch.add_column(sa.Column("permalink", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_posts") as batch:
        batch.drop_column("permalink")
