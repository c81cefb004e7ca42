"""The public page's records: sign-ons waiting for their email to be confirmed, the
page's rate limits (shared by every process on the database), and the keys the
instance signs its links with."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.language import Language
from bot.rules.signons import Outcome, Submission
from bot.rules.web_signons import WebSignOn, WebSignOnStatus
from bot.storage.connect import Connect
from bot.storage.planning import plan_confirmation_mail
from bot.storage.schema import app_keys, rate_hits, web_signons
from bot.storage.submissions import submission_from_json, submission_json

# Windows older than this are no one's limit any more, and are deleted.
RATE_HITS_KEPT = timedelta(days=2)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class TooManyUnconfirmed(Exception):
    """Sign-ons from this address still wait to be confirmed: no more for now."""


class WebSignOnRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def add(
        self,
        letter_id: int,
        submission: Submission,
        *,
        ip_hash: str,
        unconfirmed_max: int,
        since: datetime,
        now: datetime,
        language: Language = Language.ENGLISH,
    ) -> WebSignOn:
        """Keep a sign-on until it is confirmed, and plan the email that asks (in the
        same transaction: a sign-on is never kept without its email on the way), in
        `language`, its page's.

        Raises TooManyUnconfirmed, keeping nothing, when `unconfirmed_max` sign-ons from
        the same address (`ip_hash`) since `since` still wait to be confirmed: people
        confirm theirs, a flood's never are. Counted and kept in one transaction, with
        the address's lock held on PostgreSQL, so replicas let no more through."""
        assert submission.email is not None, "a web sign-on has an email address"
        async with self._writing() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(ip_hash)))
                )
            waiting = (
                await conn.execute(
                    sa.select(sa.func.count()).where(
                        web_signons.c.ip_hash == ip_hash,
                        web_signons.c.status == WebSignOnStatus.PENDING.value,
                        web_signons.c.created_at >= since,
                    )
                )
            ).scalar_one()
            if waiting >= unconfirmed_max:
                raise TooManyUnconfirmed
            web_signon_id = (
                await conn.execute(
                    web_signons.insert()
                    .values(
                        letter_id=letter_id,
                        submission=submission_json(submission),
                        email=submission.email,
                        status=WebSignOnStatus.PENDING.value,
                        created_at=now,
                        ip_hash=ip_hash,
                        language=language.value,
                    )
                    .returning(web_signons.c.id)
                )
            ).scalar_one()
            await plan_confirmation_mail(conn, letter_id, web_signon_id, now=now)
            return await _get(conn, web_signon_id)

    async def get(self, web_signon_id: int) -> WebSignOn | None:
        async with self._reading() as conn:
            try:
                return await _get(conn, web_signon_id)
            except LookupError:
                return None

    async def confirmed(
        self,
        web_signon_id: int,
        *,
        outcome: Outcome,
        signer_id: int | None,
        number: int | None,
        in_review: bool,
        now: datetime,
    ) -> WebSignOn:
        """Record what confirming did; a sign-on confirmed already keeps its first
        outcome. Returns it as it now stands."""
        async with self._writing() as conn:
            await conn.execute(
                web_signons.update()
                .where(
                    web_signons.c.id == web_signon_id,
                    web_signons.c.status == WebSignOnStatus.PENDING.value,
                )
                .values(
                    status=WebSignOnStatus.CONFIRMED.value,
                    confirmed_at=now,
                    outcome=outcome.value,
                    signer_id=signer_id,
                    number=number,
                    in_review=in_review,
                )
            )
            return await _get(conn, web_signon_id)

    async def correct(self, web_signon_id: int, submission: Submission) -> None:
        """Keep a correction its signer made, as what they now stand by."""
        async with self._writing() as conn:
            await conn.execute(
                web_signons.update()
                .where(web_signons.c.id == web_signon_id)
                .values(submission=submission_json(submission))
            )

    async def web_contacts(self, letter_ids: Sequence[int]) -> dict[int, int]:
        """How many confirmed web sign-ons each letter has."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(web_signons.c.letter_id, sa.func.count())
                .where(
                    web_signons.c.letter_id.in_(letter_ids),
                    web_signons.c.status == WebSignOnStatus.CONFIRMED.value,
                )
                .group_by(web_signons.c.letter_id)
            )
            counts = dict.fromkeys(letter_ids, 0)
            counts.update({letter_id: count for letter_id, count in rows})
            return counts

    async def hit(self, limits: Sequence[tuple[str, timedelta]], *, now: datetime) -> list[int]:
        """Count one more hit on each (key, window) and return each key's hits in its
        current window, in one transaction: every process counts on the same rows."""
        async with self._writing() as conn:
            counts = [await _hit(conn, key, window, now=now) for key, window in limits]
            if any(count == 1 for count in counts):
                # A new window began: the ones long past go.
                await conn.execute(
                    rate_hits.delete().where(rate_hits.c.window_start < now - RATE_HITS_KEPT)
                )
            return counts

    async def key(self, name: str, *, size: int = 32) -> bytes:
        """The instance's key called `name`, made on first use: every process that
        asks gets the same one."""
        async with self._writing() as conn:
            insert = _insert(conn)(app_keys).values(name=name, value=secrets.token_hex(size))
            await conn.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
            value = (
                await conn.execute(sa.select(app_keys.c.value).where(app_keys.c.name == name))
            ).scalar_one()
            return bytes.fromhex(value)


async def expire_pending(conn: AsyncConnection, letter_id: int) -> None:
    """The letter closed: what waits to be confirmed never will be, and the addresses
    its visitors came from are forgotten."""
    await conn.execute(
        web_signons.update()
        .where(
            web_signons.c.letter_id == letter_id,
            web_signons.c.status == WebSignOnStatus.PENDING.value,
        )
        .values(status=WebSignOnStatus.EXPIRED.value)
    )
    await conn.execute(
        web_signons.update()
        .where(web_signons.c.letter_id == letter_id, web_signons.c.ip_hash.is_not(None))
        .values(ip_hash=None)
    )


async def _get(conn: AsyncConnection, web_signon_id: int) -> WebSignOn:
    row = (
        await conn.execute(sa.select(web_signons).where(web_signons.c.id == web_signon_id))
    ).one_or_none()
    if row is None:
        raise LookupError(web_signon_id)
    return WebSignOn(
        id=row.id,
        letter_id=row.letter_id,
        submission=submission_from_json(row.submission),
        status=WebSignOnStatus(row.status),
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
        signer_id=row.signer_id,
        number=row.number,
        in_review=row.in_review,
        language=Language(row.language),
    )


async def _hit(conn: AsyncConnection, key: str, window: timedelta, *, now: datetime) -> int:
    start = now - (now - _EPOCH) % window
    insert = _insert(conn)(rate_hits).values(key=key, window_start=start, hits=1)
    upsert = insert.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"hits": rate_hits.c.hits + 1}
    ).returning(rate_hits.c.hits)
    hits: int = (await conn.execute(upsert)).scalar_one()
    return hits


def _insert(conn: AsyncConnection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
