"""Who a due job goes to, worked out as it falls due in the transaction that expands it:
a letter's channels and leads, the signers of an earlier version, the roster's contacts
still to chase, and the leads who get a tally in each timezone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.letters import LetterStatus
from bot.rules.schedule import JobKind
from bot.rules.signons import ContactSource, SignerStatus
from bot.rules.web_signons import WebSignOnStatus
from bot.storage.planning import (
    tally_recipients_query,
)
from bot.storage.schema import (
    chase_optouts,
    letter_leads,
    letter_posts,
    people,
    roster_contacts,
    signatures,
    signers,
    web_signons,
)

# Before a web sign-on's id: the email it confirmed is written to.
MAIL_PREFIX = "mail:"


def mail_target(web_signon_id: int) -> str:
    """The delivery target of an email to a web sign-on (asking it to confirm)."""
    return f"{MAIL_PREFIX}{web_signon_id}"


# The delivery target of a look at a letter's entries for verification.
ENTRIES_TARGET = "entries"
# Before the Slack account of an entry's signer told that its organization didn't sign
# (the leads are told too, addressed by their account alone).
SIGNER_PREFIX = "signer:"


async def letter_targets(
    conn: AsyncConnection, job: Any, letter: Any, *, now: datetime
) -> list[str] | None:
    """Who a letter's due job goes to, or None when it no longer matters."""
    is_open = letter is not None and letter.status == LetterStatus.OPEN.value
    if job.kind == JobKind.DUPLICATES:
        # Once closed, the final list tells the leads what is still to review.
        return await _leads_or_creator(conn, letter) if is_open else None
    if job.kind == JobKind.MAIL:
        # A sign-on waiting for its email; once the letter closes it can't be confirmed.
        return [mail_target(int(job.key.removeprefix("mail:")))] if is_open else None
    if job.kind == JobKind.VERIFY:
        return [ENTRIES_TARGET] if is_open else None
    if job.kind == JobKind.QUESTION:
        # Asked while the letter is open; once it closes its list has gone out.
        return [job.key] if is_open else None
    if job.kind == JobKind.DISOWNED:
        # Told even once closed: the list that went out named it.
        if letter is None or letter.status == LetterStatus.REMOVED.value:
            return None
        entry_id = int(job.key.split(":")[1])
        signed = [f"{SIGNER_PREFIX}{user}" for user in await _slack_signers(conn, entry_id)]
        mailed = [f"{SIGNER_PREFIX}{mail_target(n)}" for n in await _web_signers(conn, entry_id)]
        return await _leads_or_creator(conn, letter) + signed + mailed
    if job.kind == JobKind.NEW_VERSION:
        # A later edit's notice tells of this one's change too.
        current = letter is not None and job.version == letter.version
        return await _signers_of_earlier_versions(conn, letter) if current and is_open else None
    if letter is None or job.version != letter.schedule_version:
        return None
    if job.kind in (JobKind.REMINDER, JobKind.CHASE) and (not is_open or letter.deadline <= now):
        return None
    if job.kind == JobKind.CHASE:
        return await _unsigned_contacts(conn, letter.id)
    channels = list(
        (
            await conn.execute(
                sa.select(letter_posts.c.channel_id)
                .where(letter_posts.c.letter_id == job.letter_id, letter_posts.c.ts.is_not(None))
                .order_by(letter_posts.c.position)
            )
        ).scalars()
    )
    if job.kind != JobKind.CLOSE:
        return channels
    return channels + await _leads_or_creator(conn, letter)


async def _signers_of_earlier_versions(conn: AsyncConnection, letter: Any) -> list[str]:
    """The Slack accounts still signed for an entry who haven't themselves agreed to
    the letter's current version: each is asked once, whatever the number of their
    entries."""
    return list(
        (
            await conn.execute(
                sa.select(signatures.c.user_id)
                .join(signers, signers.c.id == signatures.c.signer_id)
                .where(
                    signers.c.letter_id == letter.id,
                    signers.c.status == SignerStatus.ACTIVE.value,
                    signatures.c.signed_version < letter.version,
                    sa.func.coalesce(signatures.c.confirmed_version, 0) < letter.version,
                    signatures.c.withdrawn_at.is_(None),
                    signatures.c.source == ContactSource.SLACK.value,
                )
                .distinct()
                .order_by(signatures.c.user_id)
            )
        ).scalars()
    )


async def _unsigned_contacts(conn: AsyncConnection, letter_id: int) -> list[str]:
    """Roster contacts with a Slack account who haven't signed the letter themselves or
    asked not to be chased about it. Whether their organization signed under another's
    hand is judged as each is sent, by the dedupe rules."""
    signed = (
        sa.select(signatures.c.user_id)
        .join(signers, signers.c.id == signatures.c.signer_id)
        .where(
            signers.c.letter_id == letter_id,
            signers.c.status == SignerStatus.ACTIVE.value,
            signatures.c.withdrawn_at.is_(None),
            signatures.c.user_id.is_not(None),
        )
    )
    opted_out = sa.select(chase_optouts.c.user_id).where(chase_optouts.c.letter_id == letter_id)
    return list(
        (
            await conn.execute(
                sa.select(roster_contacts.c.user_id)
                .where(
                    roster_contacts.c.user_id.is_not(None),
                    roster_contacts.c.user_id.not_in(signed),
                    roster_contacts.c.user_id.not_in(opted_out),
                )
                .distinct()
                .order_by(roster_contacts.c.user_id)
            )
        ).scalars()
    )


async def _slack_signers(conn: AsyncConnection, entry_id: int) -> list[str]:
    """The Slack accounts that signed an entry, withdrawn or not."""
    return list(
        (
            await conn.execute(
                sa.select(signatures.c.user_id)
                .where(
                    signatures.c.signer_id == entry_id,
                    signatures.c.source == ContactSource.SLACK.value,
                    signatures.c.user_id.is_not(None),
                )
                .distinct()
                .order_by(signatures.c.user_id)
            )
        ).scalars()
    )


async def _web_signers(conn: AsyncConnection, entry_id: int) -> list[int]:
    """The confirmed web sign-ons that signed an entry."""
    return list(
        (
            await conn.execute(
                sa.select(web_signons.c.id)
                .where(
                    web_signons.c.signer_id == entry_id,
                    web_signons.c.status == WebSignOnStatus.CONFIRMED.value,
                )
                .order_by(web_signons.c.id)
            )
        ).scalars()
    )


async def _leads_or_creator(conn: AsyncConnection, letter: Any) -> list[str]:
    """Who hears of a letter's results: its leads, or without any its creator."""
    leads = list(
        (
            await conn.execute(
                sa.select(letter_leads.c.user_id)
                .where(letter_leads.c.letter_id == letter.id)
                .order_by(letter_leads.c.user_id)
            )
        ).scalars()
    )
    return leads or [letter.created_by]


async def tally_targets(conn: AsyncConnection, zone: str, *, default: str) -> list[str]:
    """Everyone who gets a tally and lives in `zone` (by their Slack; `default` for
    those Slack gives no timezone)."""
    recipients = tally_recipients_query()
    their_zone = sa.func.coalesce(people.c.tz, default)
    return list(
        (
            await conn.execute(
                sa.select(recipients.c.user_id)
                .outerjoin(people, people.c.user_id == recipients.c.user_id)
                .where(their_zone == zone)
                .distinct()
                .order_by(recipients.c.user_id)
            )
        ).scalars()
    )
