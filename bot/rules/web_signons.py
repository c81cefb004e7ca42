"""Signing on the public page: a sign-on kept until its email is confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.rules.language import Language
from bot.rules.signons import Outcome, Submission


class WebSignOnStatus(StrEnum):
    PENDING = "pending"  # waiting for its email to be confirmed: not counted
    CONFIRMED = "confirmed"  # confirmed, and signed as a Slack sign-on is
    EXPIRED = "expired"  # the letter closed before it was confirmed


@dataclass(frozen=True, slots=True)
class WebSignOn:
    """A sign-on from the public page, and what became of it."""

    id: int
    letter_id: int
    submission: Submission
    status: WebSignOnStatus
    created_at: datetime
    confirmed_at: datetime | None = None
    outcome: Outcome | None = None
    signer_id: int | None = None
    number: int | None = None  # its place in the count, when it made a new entry
    in_review: bool = False  # its entry waits for an organizer to check for a duplicate
    # The language of the page it was sent from: every email about it speaks it.
    language: Language = Language.ENGLISH

    @property
    def email(self) -> str:
        assert self.submission.email is not None
        return self.submission.email
