"""A letter's text edited after sign-ons: a new version, every copy rewritten in place,
one DM to each earlier signer with what changed, and their Keep / Withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.rules.forms import Field
from bot.rules.timing import parse_offsets
from bot.slack.blocks.versions import KEEP_SIGNATURE_ACTION, WITHDRAW_SIGNATURE_ACTION
from bot.storage import Store
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack, Message
from tests.helpers import (
    all_text,
    as_edit,
    as_submitted,
    ask,
    coalition,
    head_messages,
    latest_view,
    letter_text_of,
    post_letter,
    signon,
)
from tests.slack_driver import SlackDriver

CHANNELS = ("CCOALITION", "CSTATES")
# Long enough that the letter goes on in each post's thread.
PARAGRAPHS = [f"Paragraph {n}." + " We ask you to act now." * 30 for n in range(8)]
BODY = "\n\n".join(PARAGRAPHS)


@pytest.fixture(autouse=True)
async def signed_letter(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    await post_letter(slack, fake_slack, body="Dear Secretary,\n\nAct.")
    for user, name in (
        (MEMBER, "Make the Road New York"),
        ("USECOND", "Make the Road NY"),
        ("UOTHER", "Detention Watch Network"),
    ):
        await signon(slack, fake_slack, name, user=user)


def dms(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in fake.messages if m.channel == user]


def buttons(message: Message) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def posted_text(fake: FakeSlack, channel: str) -> str:
    """The letter's text as one copy shows it now: its message, then its thread."""
    (head,) = head_messages(fake, channel)
    thread = [m for m in fake.channel_messages(channel) if m.thread_ts == head.ts]
    pieces = [letter_text_of(m.blocks) for m in [head, *thread]]
    return "".join(piece for piece in pieces if piece)


async def edit_text(slack: SlackDriver, fake: FakeSlack, body: str) -> None:
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    view = fake.calls_to("views.open")[-1].args["view"]
    reply = await slack.submit_view(view, as_submitted(view, **{Field.BODY: body}), user=ORGANIZER)
    assert reply.json()["response_action"] == "update"


async def update_by_shortcut(slack: SlackDriver, fake: FakeSlack, text: str) -> dict[str, Any]:
    """Run "Update a letter's text" on a message holding `text` in the letter's channel
    (which chooses the letter) and submit; the view that answers."""
    updated = len(fake.calls_to("views.update"))
    await slack.message_shortcut(
        "update_letter_text", {"text": text}, user=LEAD, channel="CCOALITION"
    )
    await fake.wait_for(lambda: len(fake.calls_to("views.update")) > updated)
    view = latest_view(fake)
    reply = await slack.submit_view(view, as_submitted(view), user=LEAD)
    answer: dict[str, Any] = reply.json()
    return answer


async def test_a_text_edit_after_sign_ons_is_a_new_version_every_signer_hears_of_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Each edit of the text is a version kept in full; every copy shows the new text in
    place (its thread growing to carry a long one); each contact still on an earlier
    version gets one DM per edit with what changed; Keep my signature records the new
    version, Withdraw takes the sign-on back."""
    short = "Dear Secretary,\n\nAct now.\n\nWe also ask you to meet us."
    await edit_text(slack, fake_slack, short)
    letter = await store.letters.get(1)
    assert letter is not None and letter.version == 2
    await fake_slack.wait_for(lambda: all(posted_text(fake_slack, c) == short for c in CHANNELS))
    await fake_slack.wait_for(
        lambda: all(dms(fake_slack, user) for user in (MEMBER, "USECOND", "UOTHER"))
    )
    notice = dms(fake_slack, MEMBER)[0]
    text = all_text(notice)
    assert "*Protect our communities* (letter #1) changed after you signed it" in text
    assert "(version 1) to version 2" in text
    assert "*Changed from:*\n> Act.\n*to:*\n> Act now." in text
    assert "*Added:*\n> We also ask you to meet us." in text
    assert "Dear Secretary" not in text, "an unchanged paragraph is not shown"
    (member_entry,) = await store.signatures.signed_by(MEMBER, 1)
    assert buttons(notice) == {
        KEEP_SIGNATURE_ACTION: "1:2",
        WITHDRAW_SIGNATURE_ACTION: f"1:{member_entry.id}",
    }

    listed = await ask(slack, fake_slack, "list")
    assert "*2* signed an earlier version of the text" in str(listed)

    before = len(fake_slack.responses)
    await slack.press(KEEP_SIGNATURE_ACTION, "1:2", user=MEMBER, channel=f"D{MEMBER}")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    kept = fake_slack.responses[-1]
    assert "You still sign *Protect our communities* (version 2)" in kept["text"]
    assert kept["replace_original"] is True
    # Withdraw takes back what its DM was about, not a sign-on made since.
    await signon(slack, fake_slack, "Mijente", user="UOTHER")
    withdraw = buttons(dms(fake_slack, "UOTHER")[0])[WITHDRAW_SIGNATURE_ACTION]
    await slack.press(WITHDRAW_SIGNATURE_ACTION, withdraw, user="UOTHER", channel="DUOTHER")
    await fake_slack.wait_for(lambda: "is withdrawn" in fake_slack.responses[-1].get("text", ""))
    entries = {s.name: s for s in await store.signatures.signers(1)}
    assert set(entries) == {"Make the Road New York", "Mijente"}
    assert entries["Make the Road New York"].confirmed_version == 2
    contacts = {c.user_id: c for c in entries["Make the Road New York"].contacts}
    assert (contacts[MEMBER].confirmed_version, contacts["USECOND"].confirmed_version) == (2, None)
    assert "signed an earlier version" not in str(await ask(slack, fake_slack, "list"))

    # A long text from a message: version 3, each copy's thread grows to carry it.
    await signon(slack, fake_slack, "Mijente", user="ULATE")
    answer = await update_by_shortcut(slack, fake_slack, BODY)
    assert "Its text is now version 3" in str(answer["view"])
    await fake_slack.wait_for(lambda: all(posted_text(fake_slack, c) == BODY for c in CHANNELS))
    letter = await store.letters.get(1)
    assert letter is not None and all(post.parts for post in letter.posts)
    assert [v.body for v in await store.letters.versions(1)][1:] == [short, BODY]
    await fake_slack.wait_for(
        lambda: all(
            len(dms(fake_slack, user)) == 1 + (user != "ULATE")
            for user in (MEMBER, "USECOND", "ULATE")
        )
    )
    assert "(version 2) to version 3" in all_text(dms(fake_slack, "ULATE")[0])
    # Keep my signature was MEMBER's word, not the other contact's: USECOND is asked
    # from the version they signed.
    assert "(version 2) to version 3" in all_text(dms(fake_slack, MEMBER)[-1])
    assert "(version 1) to version 3" in all_text(dms(fake_slack, "USECOND")[-1])
    # Who withdrew Detention Watch Network is asked about Mijente alone.
    await fake_slack.wait_for(lambda: len(dms(fake_slack, "UOTHER")) == 2)
    about = all_text(dms(fake_slack, "UOTHER")[-1])
    assert "*Mijente*" in about and "Detention Watch" not in about
    assert fake_slack.rejected == []


async def test_channels_changed_in_the_edit_form_post_there_and_note_the_move(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A channel added gets the letter; a channel taken out gets a note in the channel
    and its post says where the letter moved; sign-ons there are refused."""
    fake_slack.add_channel("CNEW", bot_member=True)
    before = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > before)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    answers = as_submitted(view, **{Field.CHANNELS: ["CCOALITION", "CNEW"]})
    await slack.submit_view(view, answers, user=ORGANIZER)
    await fake_slack.wait_for(lambda: head_messages(fake_slack, "CNEW"))
    letter = await store.letters.get(1)
    assert letter is not None and letter.channels == ("CCOALITION", "CNEW")
    await fake_slack.wait_for(lambda: "moved" in all_text(head_messages(fake_slack, "CSTATES")[0]))
    (moved,) = head_messages(fake_slack, "CSTATES")
    assert "takes sign-ons in <#CCOALITION>, <#CNEW>" in all_text(moved)
    note = [m for m in fake_slack.channel_messages("CSTATES") if m.thread_ts == moved.ts]
    assert len(note) == 1 and note[0].broadcast
    refused = await signon(slack, fake_slack, "Mijente", user="UNEW", channel="CSTATES")
    assert "There's no letter to sign in this channel" in refused
    assert fake_slack.rejected == []


async def test_a_new_text_from_a_message_keeps_the_reminders_shown_in_the_channel(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """An organizer chose which reminders show in the channel (7d! and 1d!); a new text
    taken from a message leaves that choice as it was."""
    letter = await store.letters.get(1)
    assert letter is not None
    shown = parse_offsets("7d,1d")
    await store.letters.edit(
        1, as_edit(letter, shown_reminders=shown), user=ORGANIZER, now=datetime.now(UTC)
    )
    answer = await update_by_shortcut(slack, fake_slack, "Dear Secretary,\n\nAct today.")
    assert answer["response_action"] == "update"
    updated = await store.letters.get(1)
    assert updated is not None and updated.version == 2
    assert updated.shown_reminders == shown
