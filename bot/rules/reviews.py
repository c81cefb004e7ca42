"""The review queue: possible duplicates, and people whose sign-ons wait for an organizer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.rules.signons import HeldSignOn, HoldStatus, Signer


class ReviewStatus(StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    KEPT = "kept"  # both kept, for good


@dataclass(frozen=True, slots=True)
class Hold:
    """Someone whose organizations on a letter went past the few one person usually
    speaks for: those their sign-ons count for, and those waiting for an organizer."""

    id: int
    letter_id: int
    user_id: str
    status: HoldStatus
    counted: tuple[str, ...]
    waiting: tuple[HeldSignOn, ...]

    @property
    def person_name(self) -> str | None:
        """The name they signed with, as they last gave it."""
        return next(
            (h.submission.person_name for h in reversed(self.waiting) if h.submission.person_name),
            None,
        )

    @property
    def email(self) -> str | None:
        """The email they signed with, as they last gave it."""
        return next(
            (h.submission.email for h in reversed(self.waiting) if h.submission.email), None
        )

    @property
    def organizations(self) -> int:
        return len(self.counted) + len(self.waiting)


class ReviewDecision(StrEnum):
    MERGED = "merged"
    KEPT = "kept"  # both kept, for good
    APPROVED = "approved"  # a held person's sign-ons count
    WITHDRAWN_ALL = "withdrawn_all"  # every sign-on of a held person taken back
    COUNTED = "counted"  # an entry waiting to be verified counted by an organizer
    WITHDRAWN = "withdrawn"  # an entry waiting to be verified withdrawn by an organizer
    ALREADY_DECIDED = "already_decided"  # or one of the pair has withdrawn


@dataclass(frozen=True, slots=True)
class ReviewPair:
    id: int
    letter_id: int
    first: Signer
    second: Signer
