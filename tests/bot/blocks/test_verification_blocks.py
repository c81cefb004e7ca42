"""How verification reads to organizers in `/letter signers`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.rules.letters import Letter, LetterStatus
from bot.rules.roster import RosterMember
from bot.rules.verification import Verification, Verified
from bot.slack.blocks.entries import signers_page
from tests.bot.test_verification import contact, entry

AT = datetime(2026, 11, 30, tzinfo=UTC)
LETTER = Letter(
    1, "Letter", "To", "Text.", AT + timedelta(days=3), None, LetterStatus.OPEN, "UORG", AT, (), ()
)
CASA = RosterMember(id=1, name="CASA")


def test_organizers_see_each_entrys_level_once_there_is_a_roster() -> None:
    entries = [
        entry(1, "CASA", contact(user_id="U1")),
        entry(2, "Make the Road", contact(user_id="U2")),
        entry(3, "Puente", contact(user_id="U3")),
        entry(4, "Mijente", contact(user_id="U4")),
    ]
    verification = {
        1: Verified(Verification.CONTACT, "U1", CASA),
        2: Verified(Verification.DOMAIN, "maketheroadny.org", CASA),
        3: Verified(Verification.UNVERIFIED, None, CASA),
    }
    text = json.dumps(signers_page(LETTER, entries, verification=verification), ensure_ascii=False)
    assert "verified: a roster contact signed" in text
    assert "verified: from maketheroadny.org" in text
    assert "_not verified_ (a roster member)" in text
    assert "_not verified_ (not on the roster)" in text


def test_without_a_roster_the_list_says_nothing_of_verification() -> None:
    text = json.dumps(signers_page(LETTER, [entry(1, "CASA", contact(user_id="U1"))]))
    assert "verified" not in text
