"""Spanish: a letter's text in another language, which text each sign-on was shown,
each person's Slack locale and chosen language, and the language of a web sign-on's page.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# As the schema had them when this was written.
TITLE_MAX = 150
ADDRESSEE_MAX = 300
LANGUAGES = "language IN ('en', 'es')"


def upgrade() -> None:
    op.create_table(
        "letter_translations",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("title", sa.String(TITLE_MAX), nullable=False),
        sa.Column("addressee", sa.String(ADDRESSEE_MAX), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("of_version", sa.Integer, nullable=False),
        sa.Column("edited_at", UTCDateTime, nullable=False),
        sa.Column("edited_by", sa.String(32), nullable=False),
        sa.CheckConstraint(LANGUAGES, name="language_known"),
        sa.CheckConstraint("length(trim(body)) > 0", name="body_present"),
    )
    op.create_table(
        "language_choices",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("chosen_at", UTCDateTime, nullable=False),
        sa.CheckConstraint(LANGUAGES, name="language_known"),
    )
    for table in ("signers", "signatures"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("read_in", sa.String(8), nullable=False, server_default="en")
            )
    with op.batch_alter_table("web_signons") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("locale", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("locale")
    with op.batch_alter_table("web_signons") as batch:
        batch.drop_column("language")
    for table in ("signatures", "signers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("read_in")
    op.drop_table("language_choices")
    op.drop_table("letter_translations")
