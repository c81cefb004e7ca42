"""Letter text taken from a message, kept until its form is submitted."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.storage.connect import Connect
from bot.storage.schema import letter_drafts

# A draft left behind (the form was closed) is of no use after a day.
DRAFT_LIFETIME = timedelta(days=1)


class DraftRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def save(self, body: str, *, source: str, created_by: str, now: datetime) -> int:
        """Keep letter text taken from a message until its modal is submitted."""
        async with self._writing() as conn:
            await conn.execute(
                letter_drafts.delete().where(letter_drafts.c.created_at < now - DRAFT_LIFETIME)
            )
            draft_id: int = (
                await conn.execute(
                    letter_drafts.insert()
                    .values(body=body, source=source, created_by=created_by, created_at=now)
                    .returning(letter_drafts.c.id)
                )
            ).scalar_one()
            return draft_id

    async def get(self, draft_id: int, *, created_by: str) -> str | None:
        """The draft's text, if it exists and belongs to `created_by`."""
        async with self._reading() as conn:
            return (
                await conn.execute(
                    sa.select(letter_drafts.c.body).where(
                        letter_drafts.c.id == draft_id, letter_drafts.c.created_by == created_by
                    )
                )
            ).scalar_one_or_none()
