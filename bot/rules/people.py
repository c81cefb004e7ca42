"""People as Slack describes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """What Slack says of someone (users.info): the name to show, their timezone, and
    their Slack language ("es-LA")."""

    user_id: str
    name: str | None
    tz: str | None = None
    email: str | None = None
    locale: str | None = None


def names_of(people: Mapping[str, Person]) -> dict[str, str]:
    """The name to show for each of `people` (by Slack ID) that has one."""
    return {user: person.name for user, person in people.items() if person.name}


def emails_of(people: Mapping[str, Person]) -> dict[str, str]:
    """The email on each of `people`'s Slack profile (by Slack ID), where there is one."""
    return {user: person.email for user, person in people.items() if person.email}
