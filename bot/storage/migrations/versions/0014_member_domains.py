"""Each roster member's own email domains: a sign-on from one of them verifies its entry.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roster_members") as table:
        table.add_column(sa.Column("domains", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("roster_members") as table:
        table.drop_column("domains")
