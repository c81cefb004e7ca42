"""Each entry's verification on a letter: the roster's members, where they stand with
the letter, the emails on signers' Slack profiles and the answers of members' contacts,
put to `bot.rules.verification`.

Worked out whenever it is shown, from what is stored now: a roster imported again, a
name corrected or a duplicate merged changes it at once, with nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.rules.people import Person, emails_of
from bot.rules.roster import MemberStanding
from bot.rules.signons import Signer
from bot.rules.verification import (
    Question,
    Verified,
    confirmed_by,
    profiles_needed,
    verify_entries,
)
from bot.services.people import People
from bot.services.roster import letter_standings
from bot.storage import Store


def verified(
    entries: Sequence[Signer],
    found: Sequence[MemberStanding],
    known: Mapping[str, Person],
    questions: Sequence[Question],
) -> dict[int, Verified]:
    """Each of `entries`' verification by id, where the roster's members stand with
    their letter as `found` (`bot.services.roster.letter_standings`), `known` is what
    Slack says of their signers and `questions` what the members' contacts were asked
    about them; empty without a roster, which leaves nothing to verify by."""
    if not found:
        return {}
    return verify_entries(
        entries, found, slack_emails=emails_of(known), confirmations=confirmed_by(questions)
    )


async def verification_of(
    store: Store,
    people: People,
    letter_id: int,
    entries: Sequence[Signer],
    found: Sequence[MemberStanding],
    *,
    now: datetime,
    questions: Sequence[Question] | None = None,
) -> dict[int, Verified]:
    """`verified`, with the Slack signers whose profiles could verify an entry looked
    up, and the questions asked about them (`questions`, when the caller has read
    them; else read here). Only with a roster."""
    if not found:
        return {}
    known = await people.known(profiles_needed(entries, found), now=now)
    if questions is None:
        questions = await store.questions.of_letter(letter_id)
    return verified(entries, found, known, questions)


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
        return await verification_of(self._store, self._people, letter_id, entries, found, now=now)
