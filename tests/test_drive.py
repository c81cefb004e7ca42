"""A whole drive that changes, as a coalition would run it, through Slack's wire format:
the text edited twice with sign-ons between, signers correcting themselves, an
organizer withdrawing spam with a reason, and a close with a pair still to review."""

from __future__ import annotations

import json

import pytest

from bot.rules.forms import Field, SignonField
from bot.rules.letters import LetterStatus
from bot.rules.signons import ChangeAction
from bot.slack.blocks.entries import ENTRY_MENU_ACTION
from bot.slack.blocks.versions import KEEP_SIGNATURE_ACTION
from bot.storage import Store
from tests.conftest import LEAD, ORGANIZER
from tests.fake_slack import FakeSlack, Message
from tests.helpers import as_submitted, ask, coalition, latest_view, post_letter, signon
from tests.slack_driver import SlackDriver

CHANNELS = ("CCOALITION", "CSTATES")
# Simple variants merge; the hard one is queued; different organizations stay apart.
SIGN_ONS = [
    ("U01", "National Council of La Raza (NCLR)"),
    ("U02", "NCLR"),
    ("U03", "Unidos US"),
    ("U04", "National Immigration Project (NIPNLG)"),
    ("U05", "Make the Road New York"),
    ("U06", "Make the Road CT"),
    ("U07", "Totally Real Org Buy Now"),
]
LATER_SIGN_ONS = [
    ("U08", "National Council of La Raza"),
    ("U09", "UnidosUS"),
    ("U10", "National Immigration Project of the National Lawyers Guild"),
    ("U11", "make the road NY"),
]


@pytest.fixture(autouse=True)
async def drive(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    await post_letter(slack, fake_slack, body="Dear Secretary,\n\nPlease act.")


def dms(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in fake.messages if m.channel == user]


async def edit_text(slack: SlackDriver, fake: FakeSlack, body: str) -> None:
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view = fake.calls_to("views.open")[-1].args["view"]
    await slack.submit_view(view, as_submitted(view, **{Field.BODY: body}), user=ORGANIZER)


async def test_a_drive_that_changes_keeps_every_count_right(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    for user, name in SIGN_ONS:
        await signon(slack, fake_slack, name, user=user)
    await edit_text(slack, fake_slack, "Dear Secretary,\n\nPlease act this month.")
    await fake_slack.wait_for(lambda: all(len(dms(fake_slack, user)) == 1 for user, _ in SIGN_ONS))
    for user, name in LATER_SIGN_ONS:
        await signon(slack, fake_slack, name, user=user)

    # A signer corrects their city; another keeps their signature on version 2.
    before = len(fake_slack.calls_to("views.open"))
    await slack.command("/signon", "", user="U05", channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > before)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    await slack.submit_view(view, as_submitted(view, **{SignonField.CITY: "Brooklyn"}), user="U05")
    await slack.press(KEEP_SIGNATURE_ACTION, "1:2", user="U03", channel="DU03")

    # The second edit, of a long text, from a message.
    long_text = "\n\n".join(f"Point {n}." + " We ask that you act." * 40 for n in range(6))
    updated = len(fake_slack.calls_to("views.update"))
    await slack.message_shortcut(
        "update_letter_text", {"text": long_text}, user=LEAD, channel="CCOALITION"
    )
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.update")) > updated)
    view = latest_view(fake_slack)
    await slack.submit_view(view, as_submitted(view), user=LEAD)

    # An organizer withdraws the spam entry, with the reason.
    spam = next(s for s in await store.signatures.signers(1) if s.name.startswith("Totally"))
    before = len(fake_slack.calls_to("views.open"))
    await slack.choose(ENTRY_MENU_ACTION, f"withdraw:{spam.id}", user=LEAD, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > before)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    await slack.submit_view(
        view, as_submitted(view, **{SignonField.REASON: "Not a member group"}), user=LEAD
    )

    closed = await ask(slack, fake_slack, "close")
    assert "closed to sign-ons" in closed["text"]
    letter = await store.letters.get(1)
    assert letter is not None and letter.status is LetterStatus.CLOSED and letter.version == 3

    entries = {s.name: s for s in await store.signatures.signers(1)}
    assert sorted(entries) == [
        "Make the Road CT",
        "Make the Road New York",
        "NCLR",
        "National Council of La Raza (NCLR)",
        "National Immigration Project (NIPNLG)",
        "National Immigration Project of the National Lawyers Guild",
        "Unidos US",
    ]
    assert [c.user_id for c in entries["National Council of La Raza (NCLR)"].contacts] == [
        "U01",
        "U08",
    ]
    assert [c.user_id for c in entries["Unidos US"].contacts] == ["U03", "U09"]
    assert entries["Make the Road New York"].city == "Brooklyn"
    pending = {frozenset((p.first.name, p.second.name)) for p in await store.reviews.pending(1)}
    assert pending == {
        frozenset(("National Council of La Raza (NCLR)", "NCLR")),
        frozenset(
            (
                "National Immigration Project (NIPNLG)",
                "National Immigration Project of the National Lawyers Guild",
            )
        ),
    }
    await fake_slack.wait_for(
        lambda: all(
            any(
                "Final count: *7*, with 2 possible duplicates still to review."
                in json.dumps(m.blocks)
                for m in fake_slack.channel_messages(channel)
            )
            for channel in CHANNELS
        )
    )
    await fake_slack.wait_for(lambda: any(f.channel == f"D{LEAD}" for f in fake_slack.shared_files))
    comment = next(f.comment for f in fake_slack.shared_files if f.channel == f"D{LEAD}")
    assert "Still to review: " in comment and "*NCLR*" in comment
    # Version 3's notice reached those still on an earlier version, once each.
    assert len(dms(fake_slack, "U01")) == 2 and len(dms(fake_slack, "U03")) == 2
    assert len(dms(fake_slack, "U08")) == 1, "signed version 2, told of version 3"
    trail = await store.entries.audit(1)
    assert (ChangeAction.WITHDRAWN, "Not a member group", LEAD) in {
        (c.action, c.reason, c.changed_by) for c in trail
    }
    assert fake_slack.rejected == []
