"""Letter versions: every text a letter has had, the version each entry signed and the
latest its signers confirmed, and the job that tells earlier signers of a new one.

Existing letters become version 1 (their text as it stands, edited when created) and
every entry is taken to have signed it.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates')"
KINDS_AFTER = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates', 'new_version')"
)


def upgrade() -> None:
    op.create_table(
        "letter_versions",
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("addressee", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("edited_at", UTCDateTime, nullable=False),
        sa.Column("edited_by", sa.String(32), nullable=False),
    )
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("signers") as batch:
        batch.add_column(
            sa.Column("signed_version", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("confirmed_version", sa.Integer, nullable=True))
    op.execute(
        "INSERT INTO letter_versions (letter_id, version, addressee, body, edited_at, edited_by) "
        "SELECT id, 1, addressee, body, created_at, created_by FROM letters"
    )
    _replace_kinds(KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_jobs WHERE kind = 'new_version'")
    _replace_kinds(KINDS_BEFORE)
    with op.batch_alter_table("signers") as batch:
        batch.drop_column("confirmed_version")
        batch.drop_column("signed_version")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("version")
    op.drop_table("letter_versions")


def _replace_kinds(condition: str) -> None:
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", condition)
