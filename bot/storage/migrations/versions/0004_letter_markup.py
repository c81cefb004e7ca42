"""Letters kept as markup, the thread replies that carry a long letter, signers' workspaces.

Letter text was stored as plain text; it is now Slack mrkdwn with the three control
characters escaped (see bot.letter_text), so links and emphasis can be kept. Existing
texts are escaped, which leaves them reading exactly as before. Going back down
unescapes them; links added since stay in their `<url|label>` form.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("letters", "letter_drafts"):
        op.execute(
            f"UPDATE {table} SET body = "
            "REPLACE(REPLACE(REPLACE(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
        )
    op.create_table(
        "letter_post_parts",
        sa.Column("letter_id", sa.Integer, primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id", "channel_id"],
            ["letter_posts.letter_id", "letter_posts.channel_id"],
            name="fk_letter_post_parts_letter_id_letter_posts",
            ondelete="CASCADE",
        ),
    )
    with op.batch_alter_table("signatures") as batch:
        batch.add_column(sa.Column("team_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signatures") as batch:
        batch.drop_column("team_id")
    op.drop_table("letter_post_parts")
    for table in ("letters", "letter_drafts"):
        op.execute(
            f"UPDATE {table} SET body = "
            "REPLACE(REPLACE(REPLACE(body, '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"
        )
