"""Signing on a letter's public page: each letter's unguessable page token and its
organizer's word on web sign-ons, where each contact came from, sign-ons waiting for
their email to be confirmed (and the emails that ask), the page's rate limits, and
the keys that sign its links.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates', 'new_version', 'chase')"
)
KINDS_AFTER = (
    "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates',"
    " 'new_version', 'chase', 'mail')"
)
# The length of a token from `secrets.token_urlsafe(16)`.
TOKEN_BYTES = 16


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("public_token", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("web_signons", sa.Boolean, nullable=False, server_default=sa.true())
        )
    conn = op.get_bind()
    for (letter_id,) in conn.execute(sa.text("SELECT id FROM letters")).all():
        conn.execute(
            sa.text("UPDATE letters SET public_token = :token WHERE id = :id"),
            {"token": secrets.token_urlsafe(TOKEN_BYTES), "id": letter_id},
        )
    with op.batch_alter_table("letters") as batch:
        batch.alter_column("public_token", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint("uq_letters_public_token", ["public_token"])
    with op.batch_alter_table("signatures") as batch:
        batch.add_column(sa.Column("source", sa.String(8), nullable=False, server_default="slack"))
        batch.add_column(sa.Column("may_contact", sa.Boolean, nullable=True))
        batch.create_check_constraint("source_known", "source IN ('slack', 'web', 'import')")
    # Every sign-on until now came from Slack or from an imported file.
    op.execute("UPDATE signatures SET source = 'import' WHERE user_id IS NULL")
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", KINDS_AFTER)
    op.create_table(
        "web_signons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "letter_id",
            sa.Integer,
            sa.ForeignKey("letters.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("submission", sa.Text, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("confirmed_at", UTCDateTime, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("signer_id", sa.Integer, sa.ForeignKey("signers.id"), nullable=True),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("in_review", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("ip_hash", sa.String(64), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'expired')", name="status_known"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_web_signons_letter_id_status", "web_signons", ["letter_id", "status"])
    op.create_index("ix_web_signons_ip_hash_status", "web_signons", ["ip_hash", "status"])
    op.create_table(
        "rate_hits",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("window_start", UTCDateTime, primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
    )
    op.create_index("ix_rate_hits_window_start", "rate_hits", ["window_start"])
    op.create_table(
        "app_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_keys")
    op.drop_table("rate_hits")
    op.drop_table("web_signons")
    op.execute("DELETE FROM scheduled_jobs WHERE kind = 'mail'")
    with op.batch_alter_table("scheduled_jobs") as batch:
        batch.drop_constraint("kind_known", type_="check")
        batch.create_check_constraint("kind_known", KINDS_BEFORE)
    with op.batch_alter_table("signatures") as batch:
        batch.drop_constraint("source_known", type_="check")
        batch.drop_column("may_contact")
        batch.drop_column("source")
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("uq_letters_public_token", type_="unique")
        batch.drop_column("web_signons")
        batch.drop_column("public_token")
