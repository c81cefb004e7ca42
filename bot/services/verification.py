"""Each entry's verification on a letter: the roster's members, where they stand with
the letter, and the emails on signers' Slack profiles, put to `bot.rules.verification`.

Worked out whenever it is shown, from what is stored now: a roster imported again, a
name corrected or a duplicate merged changes it at once, with nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.rules.roster import MemberStanding
from bot.rules.signons import Signer
from bot.rules.verification import Verified, verify_entries
from bot.services.people import People
from bot.services.roster import letter_standings
from bot.storage import Store


async def verification_of(
    people: People,
    entries: Sequence[Signer],
    found: Sequence[MemberStanding],
    *,
    now: datetime,
) -> dict[int, Verified]:
    """Each of `entries`' verification by id, where the roster's members stand with
    their letter as `found` (`bot.services.roster.letter_standings`); empty without a
    roster, which leaves nothing to verify by."""
    if not found:
        return {}
    users = {c.slack_user for entry in entries for c in entry.contacts if c.slack_user}
    known = await people.known(users, now=now)
    emails = {user: person.email for user, person in known.items() if person.email}
    return verify_entries(entries, found, slack_emails=emails)


class Verifications:
    """Entries' verification for organizers' views of a letter's list."""

    def __init__(self, *, store: Store, people: People) -> None:
        self._store = store
        self._people = people

    async def of(
        self, letter_id: int, entries: Sequence[Signer], *, now: datetime
    ) -> dict[int, Verified]:
        """Each of `entries`' verification by id (entries of letter `letter_id`)."""
        found = await letter_standings(self._store, letter_id)
        return await verification_of(self._people, entries, found, now=now)
