"""APScheduler as the dispatcher's alarm clock, and nothing more.

The schedule itself is in the database. APScheduler only wakes the dispatcher: at the
next time something falls due (a date trigger, moved whenever the schedule changes), at
the daily tally time (a cron trigger in TIMEZONE), and every half minute in case another
process changed the schedule. On start the dispatcher catches up on whatever fell due
while the bot was down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.dispatch import Dispatcher

logger = logging.getLogger(__name__)

POLL_SECONDS = 30.0
# After a failed pass (the database away, say), try again this soon.
RETRY_AFTER_ERROR = timedelta(seconds=30)
# Never wake sooner than this after a pass, so a stuck item can't spin the loop.
MIN_GAP = timedelta(seconds=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        zone: ZoneInfo,
        tally_time: time,
        poll_seconds: float = POLL_SECONDS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._dispatcher = dispatcher
        self._zone = zone
        self._tally_time = tally_time
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._scheduler = AsyncIOScheduler(
            timezone=zone,
            # An alarm that comes late is still wanted, once.
            job_defaults={"misfire_grace_time": None, "coalesce": True},
        )
        self._wanted = asyncio.Event()
        self._stopping = False
        self._passes: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Plan what is missing, catch up on what fell due while stopped, then keep time."""
        await self._dispatcher.plan_unscheduled(self._clock())
        self._scheduler.start()
        self._scheduler.add_job(
            self._alarm,
            CronTrigger(
                hour=self._tally_time.hour, minute=self._tally_time.minute, timezone=self._zone
            ),
            id="tally",
        )
        self._scheduler.add_job(self._alarm, IntervalTrigger(seconds=self._poll_seconds), id="poll")
        self._set_alarm(await self._pass())
        self._passes = asyncio.create_task(self._keep_time())

    async def stop(self) -> None:
        """Stop after the pass under way, if any, has finished its sends and marks."""
        self._stopping = True
        self._scheduler.shutdown(wait=False)
        self._wanted.set()
        if self._passes is not None:
            await self._passes

    def poke(self) -> None:
        """The schedule changed here: look at it again now."""
        self._wanted.set()

    async def _alarm(self) -> None:
        # APScheduler's jobs only ring; passes run in `_keep_time`, which a shutdown
        # never cancels halfway through a send.
        self._wanted.set()

    async def _keep_time(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            self._set_alarm(await self._pass())

    async def _pass(self) -> datetime:
        """Run everything due; returns when to look again."""
        now = self._clock()
        try:
            next_due = await self._dispatcher.run_due(now)
        except Exception:
            logger.exception("Sending scheduled posts failed; trying again shortly")
            return now + RETRY_AFTER_ERROR
        return next_due or now + timedelta(seconds=self._poll_seconds)

    def _set_alarm(self, at: datetime) -> None:
        if self._stopping:
            return
        at = max(at, self._clock() + MIN_GAP)
        self._scheduler.add_job(
            self._alarm, DateTrigger(run_date=at, timezone=UTC), id="next", replace_existing=True
        )
