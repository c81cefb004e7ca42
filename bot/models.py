"""Domain objects the rest of the bot passes around; storage returns these, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LetterStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Post:
    """One channel a letter goes to; `ts` is the posted head message, None until posted."""

    channel_id: str
    ts: str | None = None


@dataclass(frozen=True, slots=True)
class NewLetter:
    """A letter as an organizer submitted it, checked but not yet stored."""

    title: str
    addressee: str
    body: str
    deadline: datetime
    channels: tuple[str, ...]
    leads: tuple[str, ...]
    goal: int | None
    created_by: str


@dataclass(frozen=True, slots=True)
class Letter:
    id: int
    title: str
    addressee: str
    body: str
    deadline: datetime
    goal: int | None
    status: LetterStatus
    created_by: str
    created_at: datetime
    posts: tuple[Post, ...]
    leads: tuple[str, ...]

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts)

    @property
    def is_open(self) -> bool:
        return self.status is LetterStatus.OPEN

    @property
    def unposted_channels(self) -> tuple[str, ...]:
        return tuple(post.channel_id for post in self.posts if post.ts is None)


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """How posting or updating a letter went in one channel; `error` is Slack's code."""

    channel_id: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
