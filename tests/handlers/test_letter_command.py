"""/letter list, close, reopen, post and help, through signed slash commands."""

from __future__ import annotations

import json

import pytest

from bot.rules.letters import Letter, LetterStatus
from bot.storage import Store
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack, Message
from tests.helpers import (
    all_text,
    ask,
    coalition,
    export_with_form,
    has_sign_on_button,
    head_messages,
    post_letter,
    signon,
    start_letter,
)
from tests.slack_driver import SlackDriver


async def stored(store: Store) -> Letter:
    """Letter #1 as the database holds it."""
    letter = await store.letters.get(1)
    assert letter is not None
    return letter


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
async def letter_in_two_channels(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    await post_letter(slack, fake_slack, body="Dear Secretary,\n\nPlease act.")


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_list_shows_open_letters_with_channels_deadline_and_count(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """An organizer's /letter list names each open letter, where it is and when it closes."""
    answer = await ask(slack, fake_slack, "list")
    (entry,) = answer["blocks"]
    text = entry["text"]["text"]
    assert "#1 · Protect our communities" in text
    assert "<#CCOALITION>, <#CSTATES>" in text
    assert "Sign by " in text and " ET · " in text and "*0* signed" in text


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_exporting_a_letter_nobody_signed_sends_no_empty_file(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Slack refuses an empty upload: with no signers there is no list file, the CSV and
    JSON still come, and the organizer is told why the list is missing."""
    answer = await export_with_form(slack, fake_slack, "1")
    assert "Signed by 0 organizations. I've sent you the CSV and JSON" in answer
    assert sorted(file.filename for file in fake_slack.shared_files) == [
        "letter-1-signers.csv",
        "letter-1-signers.json",
    ]
    assert all(file.content for file in fake_slack.shared_files)
    assert "no list to paste yet" in fake_slack.shared_files[0].comment
    assert fake_slack.rejected == []


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_close_then_reopen_updates_every_posted_copy(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Closing removes the Sign on button everywhere, posts the final count under each
    copy and sends the lead the files (with nobody signed, no empty list: Slack refuses
    an empty file); reopening brings the button back."""
    answer = await ask(slack, fake_slack, "close")
    assert "closed to sign-ons" in answer["text"]
    assert (await stored(store)).status is LetterStatus.CLOSED
    await fake_slack.wait_for(lambda: len(fake_slack.shared_files) == 2)
    assert [file.filename for file in fake_slack.shared_files] == [
        "letter-1-signers.csv",
        "letter-1-signers.json",
    ]
    assert "Nobody has signed, so there's no list to paste yet" in (
        fake_slack.shared_files[0].comment
    )
    for channel in ("CCOALITION", "CSTATES"):
        (head,) = head_messages(fake_slack, channel)

        def notices(channel: str = channel, head_ts: str = head.ts) -> list[Message]:
            return [m for m in fake_slack.channel_messages(channel) if m.thread_ts == head_ts]

        # The lead's files and each channel's final count go out side by side.
        await fake_slack.wait_for(notices)
        (head,) = head_messages(fake_slack, channel)
        assert not has_sign_on_button(head)
        assert "sign-ons are closed" in all_text(head)
        (notice,) = notices()
        assert "Final count: *0*" in all_text(notice)
    assert {file.channel for file in fake_slack.shared_files} == {f"D{LEAD}"}

    answer = await ask(slack, fake_slack, "reopen #1", channel="CORGANIZING")
    assert "open for sign-ons again" in answer["text"]
    assert (await stored(store)).status is LetterStatus.OPEN
    for channel in ("CCOALITION", "CSTATES"):
        (head,) = head_messages(fake_slack, channel)
        assert has_sign_on_button(head)
    assert fake_slack.rejected == []


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_closed_letters_leave_the_default_list(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """/letter list shows open letters; /letter list all shows closed ones too."""
    await ask(slack, fake_slack, "close 1")
    assert "no letters to show" in (await ask(slack, fake_slack, "list"))["text"]
    assert "_closed_" in (await ask(slack, fake_slack, "list all"))["blocks"][0]["text"]["text"]


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_a_lead_may_close_their_letter_and_a_member_may_not(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Management is for organizers and the letter's leads; others are told privately."""
    refused = await ask(slack, fake_slack, "close", user=MEMBER)
    assert "Only organizers and the leads of letter #1" in refused["text"]
    assert (await stored(store)).status is LetterStatus.OPEN
    assert "can list letters" in (await ask(slack, fake_slack, "list", user=MEMBER))["text"]

    assert "closed to sign-ons" in (await ask(slack, fake_slack, "close", user=LEAD))["text"]
    assert (await stored(store)).status is LetterStatus.CLOSED


@pytest.mark.usefixtures("letter_in_two_channels")
async def test_reopen_refuses_a_member_and_an_open_letter(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Reopening checks who asks and whether there is anything to reopen."""
    assert "already open" in (await ask(slack, fake_slack, "reopen 1"))["text"]
    await ask(slack, fake_slack, "close 1")
    refused = await ask(slack, fake_slack, "reopen 1", user=MEMBER)
    assert "Only organizers" in refused["text"]


async def test_a_letter_must_be_named_when_the_channel_does_not_say(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Leaving out the letter works with exactly one open letter in the channel."""
    assert "no open letter in this channel" in (await ask(slack, fake_slack, "close"))["text"]
    for title in ("First", "Second"):
        await start_letter(
            slack,
            fake_slack,
            user=ORGANIZER,
            channel="CORGANIZING",
            title=title,
            body="Text.",
            channels=["CCOALITION"],
        )
    answer = await ask(slack, fake_slack, "close")
    assert "2 open letters" in answer["text"] and "`#1` First" in answer["text"]
    assert "There's no letter #9" in (await ask(slack, fake_slack, "close 9"))["text"]
    assert "isn't a letter number" in (await ask(slack, fake_slack, "close <!here>"))["text"]
    assert "<!here>" not in (await ask(slack, fake_slack, "close <!here>"))["text"]


async def test_help_and_unknown_subcommands_answer_with_usage(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """/letter, /letter help and /letter frobnicate all show how to use the command."""
    for text in ("", "help", "frobnicate"):
        answer = await ask(slack, fake_slack, text, user=MEMBER)
        assert "`/letter new`" in answer["text"]
    assert "I don't know `/letter frobnicate`" in fake_slack.responses[-1]["text"]


async def test_command_text_is_read_as_typed(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Slack encodes `<` and `&` in command text; answers show them once, not doubly encoded."""
    answer = await ask(slack, fake_slack, "close &lt;!here&gt; &amp; more")
    assert "“&lt;!here&gt; &amp; more” isn't a letter number" in answer["text"]


async def test_remove_asks_first_then_takes_the_letter_down_everywhere(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/letter remove opens a confirmation; confirmed, every post (and the thread that
    carries a long letter) becomes a short notice, nothing more is scheduled, sign-ons
    stop, and the letter leaves /letter list but stays in the database."""
    body = "\n\n".join(f"Paragraph {n}. " + "We ask you to act. " * 40 for n in range(12))
    await post_letter(slack, fake_slack, body=body)
    await signon(slack, fake_slack, "Make the Road New York")
    assert (await stored(store)).posts[0].parts, "a long letter has a thread"

    refused = await ask(slack, fake_slack, "remove", user=MEMBER)
    assert "Only organizers and the leads of letter #1 can remove it." in refused["text"]
    opened = len(fake_slack.calls_to("views.open"))
    await slack.command("/letter", "remove", user=LEAD, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    assert "Take down *Protect our communities*?" in json.dumps(view)
    assert (await stored(store)).status is LetterStatus.OPEN, "nothing before confirming"

    reply = await slack.submit_view(view, {}, user=LEAD)
    assert "is taken down" in json.dumps(reply.json())
    assert (await stored(store)).status is LetterStatus.REMOVED
    await fake_slack.wait_for(
        lambda: all(
            "taken down" in all_text(head_messages(fake_slack, c)[0])
            for c in ("CCOALITION", "CSTATES")
        )
    )
    for channel in ("CCOALITION", "CSTATES"):
        (head,) = head_messages(fake_slack, channel)
        assert not has_sign_on_button(head) and "Paragraph" not in all_text(head)
        assert [m for m in fake_slack.channel_messages(channel) if m.thread_ts == head.ts] == []
    assert all(not post.parts for post in (await stored(store)).posts)
    assert len(await store.signatures.signers(1)) == 1

    assert "There are no letters to show" in (await ask(slack, fake_slack, "list"))["text"]
    listed = await ask(slack, fake_slack, "list all")
    assert "_taken down_" in json.dumps(listed)
    refused_sign_on = await signon(slack, fake_slack, "Mijente")
    assert "was taken down" in refused_sign_on or "There's no letter to sign" in refused_sign_on
    assert "was taken down" in (await ask(slack, fake_slack, "extend #1 friday"))["text"]
    async with store.engine.connect() as conn:
        pending = (
            await conn.exec_driver_sql(
                "SELECT count(*) FROM scheduled_jobs WHERE letter_id = 1 AND state = 'pending'"
            )
        ).scalar()
    assert pending == 0
    assert fake_slack.rejected == []
