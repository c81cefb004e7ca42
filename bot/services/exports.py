"""A letter's list for an organizer: what its text to paste, its CSV and JSON, its
document and its chart are made of, with people named as Slack names them and the
roster's members that haven't signed. The Slack side sends it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.rules.files import Chart
from bot.rules.letters import Letter, ListStyle
from bot.rules.people import names_of
from bot.rules.problems import LetterGone, Surface
from bot.rules.public_page import PublicPages
from bot.rules.signons import Signer
from bot.rules.timing import reminder_time
from bot.services.people import People
from bot.services.refs import find_letter, numbered
from bot.services.roster import letter_standings
from bot.services.verification import verified
from bot.services.workspace import Workspace
from bot.storage import Store
from bot.texts.chart import drive_chart
from bot.texts.exports import Export, Extras

logger = logging.getLogger(__name__)


async def export_of(
    store: Store,
    people: People,
    letter: Letter,
    *,
    now: datetime,
    zone: ZoneInfo,
    roster_contacts: bool,
    style: ListStyle,
    pages: PublicPages,
) -> Export:
    """What a letter's list and its files are made of, as they stand at `now`: for an
    organizer who asks, and for the leads when it closes (the roster's contacts in it
    only with `roster_contacts`; its public page's address among `pages`)."""
    signers = await store.signatures.signers(letter.id)
    return Export(
        letter,
        signers,
        versions=await store.letters.versions(letter.id),
        extras=await gather_extras(
            store,
            people,
            letter,
            signers,
            now=now,
            roster_contacts=roster_contacts,
            pages=pages,
            zone=zone,
        ),
        chart=await chart_of(
            letter,
            signers,
            now=now,
            zone=zone,
            sent=await store.history.reminders_sent(letter.id),
        ),
        style=style,
    )


async def gather_extras(
    store: Store,
    people: People,
    letter: Letter,
    signers: list[Signer],
    *,
    now: datetime,
    roster_contacts: bool,
    pages: PublicPages,
    zone: ZoneInfo,
) -> Extras:
    """The roster's members that haven't signed `letter`, the names of the people its
    exports mention (Slack's, for those who signed in Slack), each entry's verification,
    and its public page among `pages`. The roster's contacts (their names, emails and
    Slack IDs) are in it only with `roster_contacts`: for organizers, not for a
    letter's leads."""
    standings = await letter_standings(store, letter.id)
    # Signers first: their profiles' emails verify entries, and Slack is asked about
    # only so many people while an export waits.
    known = await people.known(
        [c.slack_user for s in signers for c in s.contacts if c.slack_user], now=now
    )
    names = names_of(known)
    if roster_contacts:
        missing = [u for s in standings if s.missing for u in s.member.user_ids]
        names |= await people.names(missing, now=now)
    return Extras(
        standings=standings,
        names=names,
        roster_contacts=roster_contacts,
        public_url=pages.letter_url(letter),
        verification=verified(
            signers, standings, known, await store.questions.of_letter(letter.id)
        ),
        waiting=(await store.signatures.waiting_counts([letter.id]))[letter.id],
        zone=zone,
    )


async def chart_of(
    letter: Letter,
    signers: list[Signer],
    *,
    now: datetime,
    zone: ZoneInfo,
    sent: Sequence[datetime] | None = None,
) -> Chart:
    """The drive's chart, drawn in a worker thread (a tenth of a second or more of CPU
    that would otherwise hold up every request); none before anyone has signed. A chart
    that can't be drawn never holds up the files it goes with: it is logged, and the
    answer says it failed, for the message to tell."""
    if not signers:
        return Chart()
    reminders = [
        moment
        for offset in letter.reminders
        # Those past before the letter was posted were never planned.
        if (moment := reminder_time(letter.deadline, offset, zone=zone)) > letter.created_at
    ]
    try:
        image = await asyncio.to_thread(
            drive_chart,
            letter,
            [signer.signed_at for signer in signers],
            reminders=reminders,
            now=now,
            zone=zone,
            sent=sent,
        )
    except Exception:
        logger.exception("Drawing letter %s's chart failed", letter.id)
        return Chart(failed=True)
    return Chart(image)


class Exports:
    def __init__(
        self,
        *,
        store: Store,
        people: People,
        pages: PublicPages | None = None,
    ) -> None:
        self._store = store
        self._people = people
        self._pages = pages or PublicPages(None)

    async def letter_for(
        self, workspace: Workspace, ref: str, *, user: str, channel: str
    ) -> tuple[Letter, int]:
        """`/letter export [#n]`: the letter, if `user` manages it, and its count."""
        letter = await find_letter(
            self._store, ref, channel=channel, status=None, surface=Surface.LETTER
        )
        await workspace.organizers.require_manager(user, letter)
        return letter, await self._store.signatures.count(letter.id)

    async def export(
        self,
        workspace: Workspace,
        letter_id: int | None,
        *,
        user: str,
        style: ListStyle | None = None,
    ) -> Export:
        """The letter's list in `style` (kept for the close), or as last exported, with
        what its files are made of, for the organizer who asks."""
        if letter_id is None:
            raise LetterGone()
        letter = await numbered(self._store, letter_id, surface=Surface.BUTTON)
        await workspace.organizers.require_manager(user, letter)
        if style is None:
            style = letter.list_style
        elif style != letter.list_style:
            await self._store.letters.keep_list_style(letter.id, style)
        return await export_of(
            self._store,
            self._people,
            letter,
            now=datetime.now(UTC),
            zone=workspace.zone,
            roster_contacts=await workspace.organizers.includes(user),
            style=style,
            pages=self._pages,
        )
