"""Letters in the database: their text and its versions, deadline, channels and posted
copies, leads, and the transitions that change their schedule (each with its plan, in
one transaction)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.language import Language
from bot.rules.letters import (
    DEFAULT_STYLE,
    Letter,
    LetterEdit,
    LetterStatus,
    LetterText,
    LetterVersion,
    ListFormat,
    ListStyle,
    NewLetter,
    Post,
    Translation,
    VerificationRule,
)
from bot.rules.limits import CLOSING_MAX
from bot.rules.schedule import Plan
from bot.storage.connect import Connect, grouped
from bot.storage.planning import (
    cancel_everything,
    cancel_plan,
    close_at_once,
    plan_announcement,
    plan_letter,
    plan_version_notice,
    verification_look,
)
from bot.storage.schema import (
    letter_drafts,
    letter_leads,
    letter_post_parts,
    letter_posts,
    letter_translations,
    letter_versions,
    letters,
    signers,
)
from bot.storage.web_signons import expire_pending

# A public page's token: 128 random bits, as 22 URL-safe characters.
PUBLIC_TOKEN_BYTES = 16


class LetterRecords:
    def __init__(self, *, writing: Connect, reading: Connect) -> None:
        self._writing = writing
        self._reading = reading

    async def create(
        self, new: NewLetter, *, plan: Plan, now: datetime, draft_id: int | None = None
    ) -> Letter:
        """Store a letter with its channels, leads and schedule; consume its draft."""
        async with self._writing() as conn:
            letter_id = (
                await conn.execute(
                    letters.insert()
                    .values(
                        title=new.title,
                        addressee=new.addressee,
                        body=new.body,
                        deadline=new.deadline,
                        goal=new.goal,
                        status=LetterStatus.OPEN.value,
                        created_by=new.created_by,
                        created_at=now,
                        reminders=_offsets_column(new.reminders),
                        shown_reminders=_shown_column(new.shown_reminders),
                        schedule_version=0,
                        public_token=secrets.token_urlsafe(PUBLIC_TOKEN_BYTES),
                        web_signons=new.web_signons,
                        verification_rule=new.verification_rule.value,
                        anyone_may_sign=new.anyone_may_sign,
                    )
                    .returning(letters.c.id)
                )
            ).scalar_one()
            await conn.execute(
                letter_posts.insert(),
                [
                    {"letter_id": letter_id, "channel_id": channel, "position": position}
                    for position, channel in enumerate(new.channels)
                ],
            )
            if new.leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": user} for user in new.leads],
                )
            if draft_id is not None:
                await conn.execute(letter_drafts.delete().where(letter_drafts.c.id == draft_id))
            await conn.execute(
                letter_versions.insert().values(
                    letter_id=letter_id,
                    version=1,
                    addressee=new.addressee,
                    body=new.body,
                    edited_at=now,
                    edited_by=new.created_by,
                )
            )
            await _keep_translations(
                conn, letter_id, new.translations, version=1, user=new.created_by, now=now
            )
            await plan_letter(conn, letter_id, version=0, plan=plan, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def get(self, letter_id: int) -> Letter | None:
        async with self._reading() as conn:
            found = await conn.run_sync(load_letters, letters.c.id == letter_id)
        return found[0] if found else None

    async def all(self, *, status: LetterStatus | None = None) -> list[Letter]:
        """All letters (or those with `status`), soonest deadline first."""
        condition = sa.true() if status is None else letters.c.status == status.value
        async with self._reading() as conn:
            return await conn.run_sync(load_letters, condition)

    async def in_channel(
        self, channel_id: str, *, status: LetterStatus | None = None
    ) -> list[Letter]:
        """The channel's letters with `status`, or all but those taken down."""
        condition: sa.ColumnElement[bool] = letters.c.id.in_(
            sa.select(letter_posts.c.letter_id).where(letter_posts.c.channel_id == channel_id)
        )
        if status is not None:
            condition = sa.and_(condition, letters.c.status == status.value)
        else:
            condition = sa.and_(condition, letters.c.status != LetterStatus.REMOVED.value)
        async with self._reading() as conn:
            return await conn.run_sync(load_letters, condition)

    async def record_post(
        self, letter_id: int, channel_id: str, ts: str, *, permalink: str | None = None
    ) -> None:
        """The letter's channel message in `channel_id` is up (at `permalink`)."""
        async with self._writing() as conn:
            await conn.execute(
                letter_posts.update()
                .where(
                    letter_posts.c.letter_id == letter_id, letter_posts.c.channel_id == channel_id
                )
                .values(ts=ts, permalink=permalink)
            )

    async def record_parts(self, letter_id: int, channel_id: str, parts: tuple[str, ...]) -> bool:
        """The thread replies that carry the rest of the letter in `channel_id`; False
        (and nothing recorded) if another process recorded the copy's thread first."""
        if not parts:
            return True
        try:
            async with self._writing() as conn:
                await conn.execute(
                    letter_post_parts.insert(),
                    [
                        {
                            "letter_id": letter_id,
                            "channel_id": channel_id,
                            "position": position,
                            "ts": part,
                        }
                        for position, part in enumerate(parts)
                    ],
                )
        except sa.exc.IntegrityError:
            return False
        return True

    async def replace_parts(self, letter_id: int, channel_id: str, parts: tuple[str, ...]) -> None:
        """The thread replies that now carry the rest of the letter in `channel_id`."""
        async with self._writing() as conn:
            await conn.execute(
                letter_post_parts.delete().where(
                    letter_post_parts.c.letter_id == letter_id,
                    letter_post_parts.c.channel_id == channel_id,
                )
            )
            if parts:
                await conn.execute(
                    letter_post_parts.insert(),
                    [
                        {
                            "letter_id": letter_id,
                            "channel_id": channel_id,
                            "position": position,
                            "ts": part,
                        }
                        for position, part in enumerate(parts)
                    ],
                )

    async def remove(self, letter_id: int, *, now: datetime) -> Letter:
        """Take the letter down: out of sign-ons, lists and tallies, nothing more sent
        for it. Its signers and history stay."""
        async with self._writing() as conn:
            await conn.execute(
                letters.update()
                .where(letters.c.id == letter_id)
                .values(status=LetterStatus.REMOVED.value)
            )
            await cancel_everything(conn, letter_id, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def reschedule(
        self,
        letter_id: int,
        *,
        reminders: tuple[timedelta, ...],
        plan: Plan,
        now: datetime,
        announce: bool,
    ) -> Letter:
        """Give the letter a new deadline or reminders, open for sign-ons.

        What was planned for the old deadline is dropped and the new plan takes its
        place, in one transaction; with `announce`, its channels hear of the move.
        """
        async with self._writing() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(
                        deadline=plan.deadline,
                        reminders=_offsets_column(reminders),
                        status=LetterStatus.OPEN.value,
                        closed_at=None,
                        schedule_version=letters.c.schedule_version + 1,
                    )
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await cancel_plan(conn, letter_id, now=now)
            await plan_letter(conn, letter_id, version=version, plan=plan, now=now)
            if announce:
                await plan_announcement(conn, letter_id, version=version, now=now)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def by_token(self, token: str) -> Letter | None:
        """The letter whose public page is at `token`."""
        async with self._reading() as conn:
            found = await conn.run_sync(load_letters, letters.c.public_token == token)
            return found[0] if found else None

    async def close_now(self, letter_id: int, *, now: datetime) -> Letter:
        """Close the letter to sign-ons at once; its closing posts follow as scheduled."""
        async with self._writing() as conn:
            version = (
                await conn.execute(
                    letters.update()
                    .where(letters.c.id == letter_id)
                    .values(status=LetterStatus.CLOSED.value, closed_at=now)
                    .returning(letters.c.schedule_version)
                )
            ).scalar_one()
            await close_at_once(conn, letter_id, version=version, now=now)
            await expire_pending(conn, letter_id)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0]

    async def edit(
        self, letter_id: int, edit: LetterEdit, *, user: str, now: datetime
    ) -> tuple[Letter, tuple[Post, ...]]:
        """Apply an edit but for the schedule (see `reschedule`); returns the letter and
        the posts of the channels it left. A new text or addressee is a new version,
        kept in full, and those who signed an earlier one are told (a job, due now)."""
        async with self._writing() as conn:
            # Locked, as sign-ons lock it to share: none is recorded against a version
            # that is being replaced.
            (before,) = await conn.run_sync(load_letters, letters.c.id == letter_id, lock=True)
            version = before.version
            if (edit.addressee, edit.body) != (before.addressee, before.body):
                version += 1
                await conn.execute(
                    letter_versions.insert().values(
                        letter_id=letter_id,
                        version=version,
                        addressee=edit.addressee,
                        body=edit.body,
                        edited_at=now,
                        edited_by=user,
                    )
                )
                await plan_version_notice(conn, letter_id, version=version, now=now)
            if edit.translations is not None:
                changed = tuple(t for t in edit.translations if t != _text_of(before, t.language))
                await _keep_translations(
                    conn, letter_id, changed, version=version, user=user, now=now
                )
                kept = [t.language.value for t in edit.translations]
                await conn.execute(
                    letter_translations.delete().where(
                        letter_translations.c.letter_id == letter_id,
                        letter_translations.c.language.not_in(kept),
                    )
                )
            await conn.execute(
                letters.update()
                .where(letters.c.id == letter_id)
                .values(
                    title=edit.title,
                    addressee=edit.addressee,
                    body=edit.body,
                    goal=edit.goal,
                    version=version,
                    shown_reminders=_shown_column(edit.shown_reminders),
                    web_signons=edit.web_signons,
                    verification_rule=edit.verification_rule.value,
                    anyone_may_sign=edit.anyone_may_sign,
                )
            )
            if edit.verification_rule is VerificationRule.FLAG:
                # Every sign-on counts now, those that waited to be verified too.
                await conn.execute(
                    signers.update()
                    .where(signers.c.letter_id == letter_id, signers.c.waiting.is_(sa.true()))
                    .values(waiting=False)
                )
            else:
                # Who may count now is the next look's to say.
                await conn.execute(verification_look(conn, letter_id, now=now, hold=True))
            await conn.execute(letter_leads.delete().where(letter_leads.c.letter_id == letter_id))
            if edit.leads:
                await conn.execute(
                    letter_leads.insert(),
                    [{"letter_id": letter_id, "user_id": lead} for lead in edit.leads],
                )
            left = tuple(post for post in before.posts if post.channel_id not in edit.channels)
            await _move(conn, letter_id, before, edit.channels)
            return (await conn.run_sync(load_letters, letters.c.id == letter_id))[0], left

    async def keep_list_style(self, letter_id: int, style: ListStyle) -> None:
        """Remember how the letter's list was exported: the close sends it so."""
        value = {
            "format": style.format.value,
            "individuals_apart": style.individuals_apart,
            "closing": style.closing,
        }
        async with self._writing() as conn:
            await conn.execute(
                letters.update()
                .where(letters.c.id == letter_id)
                .values(list_style=json.dumps(value))
            )

    async def versions(self, letter_id: int) -> list[LetterVersion]:
        """Every text the letter has had, first to latest."""
        async with self._reading() as conn:
            rows = await conn.execute(
                sa.select(letter_versions)
                .where(letter_versions.c.letter_id == letter_id)
                .order_by(letter_versions.c.version)
            )
            return [
                LetterVersion(
                    version=row.version,
                    addressee=row.addressee,
                    body=row.body,
                    edited_at=row.edited_at,
                    edited_by=row.edited_by,
                )
                for row in rows
            ]


def _text_of(letter: Letter, language: Language) -> LetterText | None:
    translation = letter.translation(language)
    return translation.text if translation is not None else None


async def _keep_translations(
    conn: AsyncConnection,
    letter_id: int,
    texts: tuple[LetterText, ...],
    *,
    version: int,
    user: str,
    now: datetime,
) -> None:
    """Keep each of `texts` as the letter's text in its language, translating
    `version` (written with it, or for it)."""
    for text in texts:
        row = {
            "title": text.title,
            "addressee": text.addressee,
            "body": text.body,
            "of_version": version,
            "edited_at": now,
            "edited_by": user,
        }
        updated = await conn.execute(
            letter_translations.update()
            .where(
                letter_translations.c.letter_id == letter_id,
                letter_translations.c.language == text.language.value,
            )
            .values(**row)
        )
        if not updated.rowcount:
            await conn.execute(
                letter_translations.insert().values(
                    letter_id=letter_id, language=text.language.value, **row
                )
            )


async def _move(
    conn: AsyncConnection, letter_id: int, before: Letter, channels: tuple[str, ...]
) -> None:
    """The letter's channels become `channels`: new ones wait to be posted in (after
    the others), and the posts of those it left are forgotten."""
    left = [post.channel_id for post in before.posts if post.channel_id not in channels]
    if left:
        await conn.execute(
            letter_posts.delete().where(
                letter_posts.c.letter_id == letter_id, letter_posts.c.channel_id.in_(left)
            )
        )
    added = [channel for channel in channels if channel not in before.channels]
    if added:
        last = len(before.posts)
        await conn.execute(
            letter_posts.insert(),
            [
                {"letter_id": letter_id, "channel_id": channel, "position": last + n}
                for n, channel in enumerate(added)
            ],
        )


def load_letters(
    conn: sa.Connection, condition: sa.ColumnElement[bool], *, lock: bool = False
) -> list[Letter]:
    query = sa.select(letters).where(condition).order_by(letters.c.deadline, letters.c.id)
    rows = conn.execute(query.with_for_update() if lock else query).all()
    ids = [row.id for row in rows]
    posts = grouped(
        conn,
        sa.select(
            letter_posts.c.letter_id,
            letter_posts.c.channel_id,
            letter_posts.c.ts,
            letter_posts.c.permalink,
        )
        .where(letter_posts.c.letter_id.in_(ids))
        .order_by(letter_posts.c.position),
    )
    parts = grouped(
        conn,
        sa.select(
            letter_post_parts.c.letter_id, letter_post_parts.c.channel_id, letter_post_parts.c.ts
        )
        .where(letter_post_parts.c.letter_id.in_(ids))
        .order_by(letter_post_parts.c.position),
    )
    leads = grouped(
        conn,
        sa.select(letter_leads.c.letter_id, letter_leads.c.user_id)
        .where(letter_leads.c.letter_id.in_(ids))
        .order_by(letter_leads.c.user_id),
    )
    translations = grouped(
        conn,
        sa.select(
            letter_translations.c.letter_id,
            letter_translations.c.language,
            letter_translations.c.title,
            letter_translations.c.addressee,
            letter_translations.c.body,
            letter_translations.c.of_version,
        )
        .where(letter_translations.c.letter_id.in_(ids))
        .order_by(letter_translations.c.language),
    )
    return [
        Letter(
            id=row.id,
            title=row.title,
            addressee=row.addressee,
            body=row.body,
            deadline=row.deadline,
            goal=row.goal,
            status=LetterStatus(row.status),
            created_by=row.created_by,
            created_at=row.created_at,
            posts=tuple(
                Post(
                    channel_id=channel,
                    ts=ts,
                    permalink=permalink,
                    parts=tuple(part for where, part in parts[row.id] if where == channel),
                )
                for channel, ts, permalink in posts[row.id]
            ),
            leads=tuple(user for (user,) in leads[row.id]),
            reminders=_offsets(row.reminders),
            schedule_version=row.schedule_version,
            version=row.version,
            shown_reminders=_offsets(row.shown_reminders)
            if row.shown_reminders is not None
            else None,
            list_style=_list_style(row.list_style),
            public_token=row.public_token,
            web_signons=row.web_signons,
            verification_rule=VerificationRule(row.verification_rule),
            anyone_may_sign=row.anyone_may_sign,
            closed_at=row.closed_at,
            translations=tuple(
                Translation(LetterText(Language(language), title, addressee, body), of_version)
                for language, title, addressee, body, of_version in translations[row.id]
            ),
        )
        for row in rows
    ]


def _offsets_column(offsets: tuple[timedelta, ...]) -> str:
    return ",".join(str(int(offset.total_seconds())) for offset in offsets)


def _shown_column(offsets: tuple[timedelta, ...] | None) -> str | None:
    """NULL for "the last two", as letters from before the setting have it."""
    return _offsets_column(offsets) if offsets is not None else None


def _list_style(column: str | None) -> ListStyle:
    """A stored list style; the default for none, or for one this version can't read."""
    if not column:
        return DEFAULT_STYLE
    try:
        value = json.loads(column)
        closing = value.get("closing")
        return ListStyle(
            format=ListFormat(value.get("format", ListFormat.NAMES.value)),
            individuals_apart=bool(value.get("individuals_apart", True)),
            closing=str(closing)[:CLOSING_MAX] if closing else None,
        )
    except (ValueError, TypeError, AttributeError):
        return DEFAULT_STYLE


def _offsets(column: str) -> tuple[timedelta, ...]:
    return tuple(timedelta(seconds=int(seconds)) for seconds in column.split(",") if seconds)
