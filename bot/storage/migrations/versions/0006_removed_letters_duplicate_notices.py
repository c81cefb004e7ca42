"""Letters taken down (status 'removed'), and the leads' notice of new possible
duplicates (scheduled job kind 'duplicates').

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHECKS = {
    # table: (constraint, before, after)
    "letters": (
        "status_known",
        "status IN ('open', 'closed')",
        "status IN ('open', 'closed', 'removed')",
    ),
    "scheduled_jobs": (
        "kind_known",
        "kind IN ('reminder', 'close', 'deadline_moved', 'tally')",
        "kind IN ('reminder', 'close', 'deadline_moved', 'tally', 'duplicates')",
    ),
}


def upgrade() -> None:
    for table, (name, _, after) in CHECKS.items():
        _replace_check(table, name, after)


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_jobs WHERE kind = 'duplicates'")
    op.execute("UPDATE letters SET status = 'closed' WHERE status = 'removed'")
    for table, (name, before, _) in CHECKS.items():
        _replace_check(table, name, before)


def _replace_check(table: str, name: str, condition: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(name, type_="check")
        batch.create_check_constraint(name, condition)
