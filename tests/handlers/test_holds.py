"""One person can't inflate the count: the fourth and later organizations one person
signs on a letter wait for an organizer, who approves them or withdraws every sign-on
of theirs. Imports, organizers and the letter's leads are exempt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.rules.signons import ChangeAction
from bot.services.imports import import_rows
from bot.slack.blocks.reviews import APPROVE_HOLD_ACTION, WITHDRAW_HOLD_ACTION
from bot.storage import Store
from bot.texts.imports import read_signons
from tests.conftest import LEAD, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import ask, coalition, post_letter, signon
from tests.slack_driver import SlackDriver


@pytest.fixture(autouse=True)
async def letter_posted(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION")
    await post_letter(slack, fake_slack, channels=("CCOALITION",))


def button(message: dict[str, Any], action: str) -> str:
    return next(
        str(element["value"])
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == action
    )


async def press(slack: SlackDriver, fake: FakeSlack, action: str, value: str) -> dict[str, Any]:
    before = len(fake.responses)
    await slack.press(action, value, user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.responses) > before)
    return fake.responses[-1]


async def sign_many(slack: SlackDriver, fake: FakeSlack, user: str, *names: str) -> list[str]:
    return [await signon(slack, fake, name, user=user) for name in names]


async def test_a_fourth_organization_waits_until_an_organizer_approves(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Three organizations count at once; the fourth is kept, told it waits, left out
    of the count; Approve counts it, and the person's later sign-ons count at once."""
    answers = await sign_many(
        slack, fake_slack, "UBULK", "Casa Alpha", "Beta Network", "Gamma Fund", "Delta Union"
    )
    assert "waits for an organizer to check it before it counts" in answers[-1]
    assert "*Delta Union*" in answers[-1] and "*3* signed so far" in answers[-1]
    assert await store.signatures.count(1) == 3
    status = await signon(slack, fake_slack, "status", user="UBULK")
    assert "*Delta Union* · waiting for an organizer" in status
    queue = await ask(slack, fake_slack, "review")
    shown = json.dumps(queue, ensure_ascii=False)
    assert "signed for *4 organizations*" in shown and "Waiting for you, not counted" in shown
    assert "“Delta Union”" in shown
    approved = await press(
        slack, fake_slack, APPROVE_HOLD_ACTION, button(queue, APPROVE_HOLD_ACTION)
    )
    assert "Approved" in approved["text"]
    names = {s.name: s for s in await store.signatures.signers(1)}
    assert set(names) == {"Casa Alpha", "Beta Network", "Gamma Fund", "Delta Union"}
    assert names["Delta Union"].made_by == "UBULK"
    (fifth,) = await sign_many(slack, fake_slack, "UBULK", "Epsilon Coalition")
    assert "You signed" in fifth and await store.signatures.count(1) == 5
    assert await store.holds.waiting(1) == []


async def test_withdraw_all_takes_back_every_sign_on_of_the_person(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Every counted and waiting sign-on of theirs is withdrawn, with the audit trail;
    an organization someone else signed too stays, with that person; what they sign
    afterwards waits again."""
    await signon(slack, fake_slack, "Shared Alliance", user="UOTHER")
    await sign_many(
        slack, fake_slack, "UBULK", "Shared Alliance", "Casa Alpha", "Beta Network", "Zeta Org"
    )
    assert await store.signatures.count(1) == 3  # Shared Alliance, Casa Alpha, Beta Network
    (hold,) = await store.holds.waiting(1)
    assert hold.counted == ("Beta Network", "Casa Alpha", "Shared Alliance")
    queue = await ask(slack, fake_slack, "review")
    done = await press(slack, fake_slack, WITHDRAW_HOLD_ACTION, button(queue, WITHDRAW_HOLD_ACTION))
    assert "Withdrawn: every sign-on of theirs" in done["text"]
    (left,) = await store.signatures.signers(1)
    assert left.name == "Shared Alliance" and [c.user_id for c in left.contacts] == ["UOTHER"]
    trail = await store.entries.audit(1)
    assert {(c.signer_name, c.action) for c in trail} >= {
        ("Casa Alpha", ChangeAction.WITHDRAWN),
        ("Shared Alliance", ChangeAction.WITHDRAWN),
    }
    assert all("withdrawn by an organizer" in (c.reason or "") for c in trail)
    again = await signon(slack, fake_slack, "Eta Network", user="UBULK")
    assert "waits for an organizer" in again and await store.signatures.count(1) == 1


async def test_joining_signed_organizations_and_the_exempt_are_never_held(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Joining an entry adds nothing to the count, so it is never held; a lead, an
    organizer and an import sign for as many organizations as they bring."""
    await signon(slack, fake_slack, "Shared Alliance", user="UOTHER")
    answers = await sign_many(
        slack, fake_slack, "UJOIN", "Casa Alpha", "Beta Network", "Gamma Fund", "Shared Alliance"
    )
    assert "another contact" in answers[-1]
    await sign_many(slack, fake_slack, LEAD, *(f"Lead Org {n}" for n in range(5)))
    await sign_many(slack, fake_slack, ORGANIZER, *(f"Organizer Org {n}" for n in range(5)))
    rows = "".join(f"2021-03-01 10:00:0{n},Imported Org {n},Ana\n" for n in range(6))
    found = read_signons(("Timestamp,Organization Name,Your Name\n" + rows).encode(), zone=ZONE)
    letter = await store.letters.get(1)
    assert letter is not None
    await import_rows(store, letter, found.rows, now=datetime.now(UTC))
    assert await store.signatures.count(1) == 4 + 5 + 5 + 6
    assert await store.holds.waiting(1) == []
