"""People as Slack describes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """What Slack says of someone (users.info): the name to show, and their timezone."""

    user_id: str
    name: str | None
    tz: str | None = None
    email: str | None = None
