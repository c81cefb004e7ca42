"""The daily tally: planned at TALLY_TIME in each lead's own timezone, and sent as a DM
covering the open letters they lead, then each letter's chart. The text is recorded as
sent with what it reported before the charts go: a retry after Slack took the text
sends only the charts, and the next tally compares against what the lead received."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.rules.files import Attachment, Chart
from bot.rules.language import speaking
from bot.rules.letters import LetterStatus
from bot.rules.roster import MemberStanding
from bot.rules.schedule import Delivery, Sent, Skipped
from bot.rules.tally import snapshot, tally_letter
from bot.rules.timing import GIVE_UP_AFTER, next_tally_time
from bot.services.exports import chart_of
from bot.services.people import People
from bot.services.verification import verification_of
from bot.services.workspace import Workspace
from bot.slack.app_home import app_home_link
from bot.slack.errors import UPLOAD_FAILED, is_refused, slack_error
from bot.slack.tally import send_tally, send_tally_charts
from bot.storage import Store

logger = logging.getLogger(__name__)

# Where a letter's roster members stand, as the dispatcher works it out once a pass.
Standings = Callable[[int], Awaitable[list[MemberStanding]]]


class Tallies:
    def __init__(
        self,
        *,
        store: Store,
        people: People,
        tally_time: time,
    ) -> None:
        self._store = store
        self._people = people
        self._tally_time = tally_time
        # The app's Home, as a link, read from Slack once (None: Slack wouldn't say).
        self._home_link: asyncio.Future[str | None] | None = None

    async def _link(self, workspace: Workspace) -> str | None:
        """The app's Home link, asked of Slack by the first tally of this process (and
        again by the next, if Slack didn't say)."""
        unknown = self._home_link is not None and self._home_link.done()
        if self._home_link is None or (unknown and self._home_link.result() is None):
            self._home_link = asyncio.ensure_future(app_home_link(workspace.slack))
        return await asyncio.shield(self._home_link)

    async def plan(self, workspace: Workspace, now: datetime) -> None:
        """The next daily tally at TALLY_TIME in TIMEZONE, and in each other timezone a
        lead lives in (as their Slack gives it)."""
        recipients = await self._store.planning.tally_recipients()
        zones = set(
            (await self._people.zones(recipients, now=now, default=workspace.zone)).values()
        ) - {workspace.zone}
        dues: dict[str | None, datetime] = {
            None: next_tally_time(now, at=self._tally_time, zone=workspace.zone)
        }
        for zone in zones:
            dues[zone.key] = next_tally_time(now, at=self._tally_time, zone=zone)
        await self._store.planning.plan_tallies(dues, now=now)

    async def send(
        self,
        workspace: Workspace,
        delivery: Delivery,
        now: datetime,
        *,
        owner: str,
        standings: Standings,
    ) -> Sent | Skipped:
        """The tally's text, recorded as sent with what it reported, then the charts of
        its letters: a retry after Slack took the text sends only the charts."""
        user = delivery.target
        zone = (await self._people.zones([user], now=now, default=workspace.zone))[user]
        if delivery.snapshot is not None:
            drawn = await self._charts_of(map(int, delivery.snapshot), now=now, zone=zone)
            await self._send_tally_charts(workspace, delivery, now, charts=_images(drawn))
            return Sent(delivery.snapshot)
        led = [
            letter
            for letter in await self._store.letters.all(status=LetterStatus.OPEN)
            if user in letter.leads or (not letter.leads and user == letter.created_by)
        ]
        if not led:
            return Skipped("no open letters to report")
        previous = await self._store.history.last_tally(user)
        reviews = await self._store.reviews.counts([letter.id for letter in led])
        held = await self._store.holds.counts([letter.id for letter in led])
        web = await self._store.web_signons.web_contacts([letter.id for letter in led])
        waiting = await self._store.signatures.waiting_counts([letter.id for letter in led])
        signers = {letter.id: await self._store.signatures.signers(letter.id) for letter in led}
        tallies = []
        for letter in led:
            found = await standings(letter.id)
            verification = await verification_of(
                self._store, self._people, letter.id, signers[letter.id], found, now=now
            )
            tallies.append(
                tally_letter(
                    letter,
                    signers[letter.id],
                    previous=previous,
                    pending_reviews=reviews[letter.id],
                    standings=found,
                    held=held[letter.id],
                    web=web[letter.id],
                    verification=verification,
                    waiting=waiting[letter.id],
                )
            )
        charts = {
            letter.id: await chart_of(
                letter,
                signers[letter.id],
                now=now,
                zone=zone,
                sent=await self._store.history.reminders_sent(letter.id),
            )
            for letter in led
        }
        with speaking(await self._people.language(user, now=now)):
            await send_tally(
                workspace.slack,
                user=user,
                tallies=tallies,
                now=now,
                zone=zone,
                charts_failed={letter_id for letter_id, chart in charts.items() if chart.failed},
                home_link=await self._link(workspace),
            )
        sent = snapshot(tallies, signers)
        queue = self._store.deliveries
        if not await queue.mark_text_sent(delivery, owner=owner, now=now, snapshot=sent):
            logger.warning("The daily tally to %s was sent after its claim lapsed", user)
        await self._send_tally_charts(workspace, delivery, now, charts=_images(charts.values()))
        return Sent(sent)

    async def _charts_of(
        self, letter_ids: Iterable[int], *, now: datetime, zone: ZoneInfo
    ) -> list[Chart]:
        """The charts of the letters a tally reported, drawn again for a retry."""
        charts = []
        for letter_id in letter_ids:
            letter = await self._store.letters.get(letter_id)
            if letter is not None and letter.status is not LetterStatus.REMOVED:
                signers = await self._store.signatures.signers(letter_id)
                sent = await self._store.history.reminders_sent(letter.id)
                charts.append(await chart_of(letter, signers, now=now, zone=zone, sent=sent))
        return charts

    async def _send_tally_charts(
        self, workspace: Workspace, delivery: Delivery, now: datetime, *, charts: list[Attachment]
    ) -> None:
        """The charts, after the tally's text. Failures that may pass are retried;
        once they won't (Slack refuses the files, or a day has gone by), the tally
        counts as sent without them: the text, which the lead has, is what matters."""
        try:
            await send_tally_charts(workspace.slack, user=delivery.target, charts=charts)
        except UPLOAD_FAILED as error:
            if not is_refused(slack_error(error)) and now - delivery.since < GIVE_UP_AFTER:
                raise
            logger.exception("The daily tally went to %s without its charts", delivery.target)


def _images(charts: Iterable[Chart]) -> list[Attachment]:
    return [image for chart in charts for image in chart.files]
