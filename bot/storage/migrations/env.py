"""Alembic environment: runs migrations on the connection the Store hands over."""

from __future__ import annotations

from alembic import context

from bot.storage.schema import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,
    # SQLite and PostgreSQL both roll back DDL, so a failed migration leaves no trace.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
