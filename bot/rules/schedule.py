"""What the bot sends on its own at a set time: jobs, and the deliveries they become."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.rules.language import N_


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"  # turned into deliveries
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process until its lease ends
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Plan:
    """What to schedule for one deadline: the reminders still ahead, then the close."""

    deadline: datetime
    reminders: tuple[tuple[timedelta, datetime], ...]  # (offset, when), soonest last


class JobKind(StrEnum):
    REMINDER = "reminder"
    CLOSE = "close"
    DEADLINE_MOVED = "deadline_moved"
    TALLY = "tally"
    DUPLICATES = "duplicates"  # new possible duplicates, told to a letter's leads
    NEW_VERSION = "new_version"  # a new text, told to those who signed an earlier one
    CHASE = "chase"  # a DM to each contact of a member organization that hasn't signed
    MAIL = "mail"  # the email that asks a web signer to confirm their sign-on
    VERIFY = "verify"  # look for unverified entries of roster members, to ask about
    QUESTION = "question"  # "Did your organization sign?", to one roster contact
    DISOWNED = "disowned"  # an organization said it didn't sign: told to leads and signer

    @property
    def label(self) -> str:
        """What its messages are, to name them in a sentence: "A reminder" (in English,
        as the logs say it; marked for translation, and translated where it is said)."""
        return _JOB_LABELS[self]


_JOB_LABELS = {
    JobKind.REMINDER: N_("A reminder"),
    JobKind.CLOSE: N_("The closing post"),
    JobKind.DEADLINE_MOVED: N_("The new-deadline announcement"),
    JobKind.TALLY: N_("The daily tally"),
    JobKind.DUPLICATES: N_("The notice of new possible duplicates"),
    JobKind.NEW_VERSION: N_("The notice of a new version"),
    JobKind.CHASE: N_("A reminder to a member that hasn't signed"),
    JobKind.MAIL: N_("The email asking a web signer to confirm"),
    JobKind.VERIFY: N_("The search for entries to verify"),
    JobKind.QUESTION: N_("The question to a member organization's contact"),
    JobKind.DISOWNED: N_("The notice that an organization didn't sign"),
}


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message a scheduled job sends: in a letter's thread in `target` (a channel),
    or by DM to `target` (a person). Claimed by this process until it is marked."""

    id: int
    kind: JobKind
    letter_id: int | None
    target: str
    offset: timedelta | None
    version: int | None  # the letter's schedule version its job was planned for
    since: datetime  # when it became due
    attempts: int
    # A daily tally whose text went out on an earlier attempt: the snapshot that text
    # reported (its charts are what is left to send).
    snapshot: Any = None
    key: str = ""  # its job's key

    @property
    def to_person(self) -> bool:
        """A Slack user (a web sign-on's email is addressed `web:<its id>`)."""
        return self.target.startswith(("U", "W"))


@dataclass(frozen=True, slots=True)
class DeliveryProblem:
    """A scheduled post that has not gone out: still retrying, or given up."""

    letter_id: int | None  # None for a daily tally
    kind: JobKind
    target: str
    error: str
    attempts: int
    gave_up: bool


@dataclass(frozen=True, slots=True)
class Skipped:
    """What became of a delivery's send: nothing to send any more; the reason is kept on
    the delivery. `failed` when the post had been failing until it no longer mattered:
    that is shown, not just skipped."""

    reason: str
    failed: bool = False


@dataclass(frozen=True, slots=True)
class Later:
    """Not yet: send it at `at`."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Sent:
    """Sent; `snapshot` is what a tally reported, `marked` when it is recorded as sent
    already."""

    snapshot: Any = None
    marked: bool = False
