"""Posting a letter end to end: signed requests in, the fake Slack's record out."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.rules.cleaning import paragraphs
from bot.rules.forms import Field
from bot.slack.blocks.text import escape
from bot.storage import Store
from tests.conftest import FIXTURES, LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack, block_text_length
from tests.helpers import (
    all_text,
    form_values,
    has_sign_on_button,
    head_messages,
    in_days,
    latest_view,
    posted_letter_markup,
    posted_letter_text,
    start_letter,
    told,
)
from tests.slack_driver import SlackDriver

LETTERS = sorted((FIXTURES / "letters").glob("*.txt"))


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("CORGANIZING", bot_member=True)
    fake_slack.add_channel("CCOALITION")  # public, the bot not yet a member
    fake_slack.add_channel("CSTATES", bot_member=True)
    fake_slack.add_channel("GPRIVATE", private=True)


def long_letter(length: int) -> str:
    """A letter of `length` characters in paragraphs of a few hundred, with the
    characters Slack escapes in it."""
    paragraph = "We, the undersigned organizations & allies, urge the Secretary to act. "
    paragraphs = []
    total = 0
    for n in range(length):
        text = f"{n + 1}. " + paragraph * (3 + n % 4)
        paragraphs.append(text.strip())
        total += len(text) + 2
        if total >= length:
            break
    return "\n\n".join(paragraphs)[:length].strip()


TEXTS = {path.stem: path.read_text(encoding="utf-8") for path in LETTERS} | {
    "60000-characters": long_letter(60_000)
}


@pytest.mark.parametrize("name", sorted(TEXTS))
async def test_a_long_letter_from_a_message_is_posted_verbatim_in_two_channels(
    slack: SlackDriver, fake_slack: FakeSlack, name: str
) -> None:
    """A letter pasted as a message goes out whole and in order in both channels: the
    channel message holds its opening, the thread the rest, and no message carries more
    than 10,000 characters of block text. A burst of 100 sign-ons then brings both
    count lines to 100."""
    letter = TEXTS[name]
    # A pasted message reaches the app in Slack's encoding.
    reply = await slack.message_shortcut(
        "start_drive", {"text": escape(letter)}, user=ORGANIZER, channel="CORGANIZING"
    )
    assert reply.status == 200
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.update"))
    view = latest_view(fake_slack)
    assert f"{len(paragraphs(letter)):,} characters" in json.dumps(view)

    reply = await slack.submit_view(
        view,
        form_values(channels=["CCOALITION", "CSTATES"], leads=[LEAD], goal="100"),
        user=ORGANIZER,
    )
    assert reply.status == 200 and reply.body == ""
    await fake_slack.wait_for(lambda: fake_slack.ephemeral_to(ORGANIZER))

    assert fake_slack.rejected == []
    for channel in ("CCOALITION", "CSTATES"):
        (head,) = head_messages(fake_slack, channel)
        assert posted_letter_text(fake_slack, channel) == paragraphs(letter)
        assert posted_letter_markup(fake_slack, channel) == escape(paragraphs(letter))
        assert "*Sign by* " in all_text(head) and " ET  ·  letter #" in all_text(head)
        assert has_sign_on_button(head)
        assert "*0 of 100* signed so far" in all_text(head)
        for message in fake_slack.channel_messages(channel):
            assert block_text_length(message.blocks) <= 10_000
        if len(letter) > 3000:
            assert "continues in the thread" in all_text(head)
            assert block_text_length(head.blocks) < 2_500  # the channel message stays light
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert (
        "Posted" in report.text and "<#CCOALITION>" in report.text and "<#CSTATES>" in report.text
    )

    await asyncio.gather(
        *(
            slack.command("/signon", f"Organization {n}", user=f"U{n:03d}", channel="CCOALITION")
            for n in range(100)
        )
    )
    await fake_slack.wait_for(
        lambda: all(
            "*100 of 100* signed" in all_text(head_messages(fake_slack, channel)[0])
            for channel in ("CCOALITION", "CSTATES")
        ),
        within=20,
    )
    for call in fake_slack.calls_to("chat.update"):
        assert call.ok and block_text_length(call.args["blocks"]) < 2_500  # never the letter
    assert fake_slack.rejected == []


async def test_a_letter_typed_into_the_form_is_posted(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/letter new opens the form on the current channel; submitting posts the letter."""
    body = "Dear Governor,\n\nWe write to urge you to sign the bill.\n\nSincerely,"
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        body=body,
        channels=["CORGANIZING", "CCOALITION"],
    )
    view = fake_slack.calls_to("views.open")[0].args["view"]
    (channels_block,) = [b for b in view["blocks"] if b.get("block_id") == Field.CHANNELS]
    assert channels_block["element"]["initial_conversations"] == ["CORGANIZING"]
    for channel in ("CORGANIZING", "CCOALITION"):
        assert posted_letter_text(fake_slack, channel) == body
    (letter,) = await store.letters.all()
    assert letter.created_by == ORGANIZER
    assert [post.ts is not None for post in letter.posts] == [True, True]


async def test_the_bot_joins_only_public_channels_it_is_not_in(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Posting joins a public channel the bot isn't in; a channel it is in, and a private
    one it was invited to, are posted in without joining."""
    fake_slack.invite_bot("GPRIVATE")
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        body="Text.",
        channels=["CCOALITION", "CSTATES", "GPRIVATE"],
    )
    assert [c.args["channel"] for c in fake_slack.calls_to("conversations.join")] == ["CCOALITION"]
    for channel in ("CCOALITION", "CSTATES", "GPRIVATE"):
        assert head_messages(fake_slack, channel)


async def test_a_join_slack_refuses_for_now_is_reported_and_can_be_tried_again(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """conversations.join failing past its retries is not the end: the organizer hears
    to try /letter post, which then joins and posts."""
    fake_slack.fail("conversations.join", status=503, retry_after=None, times=3)
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        body="Text.",
        channels=["CCOALITION"],
    )
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Not posted in <#CCOALITION>" in report.text and "`/letter post 1`" in report.text
    assert head_messages(fake_slack, "CCOALITION") == []
    await slack.command("/letter", "post 1", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: head_messages(fake_slack, "CCOALITION"))


async def test_a_private_channel_the_bot_is_not_in_is_reported_and_can_be_posted_later(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The organizer learns to invite the bot, then /letter post fills in the channel."""
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        body="Text.",
        channels=["CSTATES", "GPRIVATE"],
    )
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Not posted in <#GPRIVATE>" in report.text and "/invite" in report.text
    assert "/letter post 1" in report.text

    fake_slack.invite_bot("GPRIVATE")
    await slack.command("/letter", "post 1", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert "Posted" in fake_slack.responses[-1]["text"]
    assert len(head_messages(fake_slack, "GPRIVATE")) == 1
    assert len(head_messages(fake_slack, "CSTATES")) == 1  # not posted twice
    (letter,) = await store.letters.all()
    assert letter.unposted_channels == ()


async def test_a_letter_attached_as_a_text_file_is_used(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The shortcut on a message with a .txt letter takes the file's text."""
    letter = (FIXTURES / "letters" / "2021-enforcement-reform-100-days.txt").read_text()
    url = fake_slack.add_file("letter.txt", letter.encode())
    message = {
        "text": "Here is the draft",
        "files": [
            {
                "id": "F1",
                "name": "letter.txt",
                "mimetype": "text/plain",
                "filetype": "text",
                "size": len(letter),
                "url_private_download": url,
            }
        ],
    }
    await slack.message_shortcut("start_drive", message, user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.update"))
    view = latest_view(fake_slack)
    await slack.submit_view(view, form_values(channels=["CSTATES"]), user=ORGANIZER)
    await told(fake_slack, ORGANIZER, since=0)
    assert posted_letter_text(fake_slack, "CSTATES") == paragraphs(letter)


async def test_someone_who_is_not_an_organizer_cannot_start_a_letter(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """/letter new and the shortcut refuse a member privately and open nothing."""
    await slack.command("/letter", "new", user=MEMBER, channel="CORGANIZING")
    await slack.message_shortcut(
        "start_drive", {"text": "A letter"}, user=MEMBER, channel="CORGANIZING"
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2)
    for response in fake_slack.responses:
        assert "Only organizers can start" in response["text"]
        assert response.get("response_type", "ephemeral") == "ephemeral"
    assert fake_slack.calls_to("views.open") == []
    assert await store.letters.all() == []


async def test_a_replayed_form_from_a_non_organizer_creates_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The form's submission checks the submitter again, on the server."""
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[0].args["view"]
    reply = await slack.submit_view(
        view, form_values(body="Text.", channels=["CSTATES"]), user=MEMBER
    )
    assert reply.json()["response_action"] == "update"
    assert "Only organizers" in json.dumps(reply.json()["view"])
    assert await store.letters.all() == []
    assert fake_slack.channel_messages("CSTATES") == []


async def test_form_mistakes_are_shown_against_their_fields(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A past deadline, a blank title and no channels come back as field errors."""
    await slack.command("/letter", "new", user=ORGANIZER, channel="DDIRECT")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[0].args["view"]
    reply = await slack.submit_view(
        view,
        form_values(title="   ", body="Text.", deadline=in_days(-1), channels=[]),
        user=ORGANIZER,
    )
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {Field.TITLE, Field.DEADLINE, Field.CHANNELS}
    assert "future" in answer["errors"][Field.DEADLINE]
    assert await store.letters.all() == []


async def test_a_rate_limited_post_is_retried_and_lands_once(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A 429 with Retry-After on chat.postMessage delays the post; it appears once."""
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        body="Text.",
        channels=["CSTATES"],
    )
    assert [c.error for c in fake_slack.calls_to("chat.postMessage")][:1] == ["http_429"]
    assert len(head_messages(fake_slack, "CSTATES")) == 1


async def test_what_an_organizer_types_cannot_ping_the_channel(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Title, addressee and text holding mentions and links are posted inert: escaped in
    mrkdwn, and in plain_text shown as typed but with an invisible word joiner after each
    `<`, so that even a copy pasted into a message can't ping."""
    hostile = "<!channel> <@U123> <https://evil.example|click> <!subteam^S1>"
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        title=hostile,
        addressee=hostile,
        body=hostile,
        channels=["CSTATES"],
    )
    (head,) = head_messages(fake_slack, "CSTATES")
    assert "<!channel>" not in head.text and "&lt;!channel&gt;" in head.text
    for block in head.blocks:
        for text in _mrkdwn_texts(block):
            assert "<!channel>" not in text and "<https://evil" not in text
    assert "<!channel>" not in all_text(head) and "<@U123>" not in all_text(head)
    shown = posted_letter_text(fake_slack, "CSTATES")
    assert shown.replace("\u2060", "") == hostile  # what a reader sees


def _mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" else []
        return own + [t for value in node.values() for t in _mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in _mrkdwn_texts(value)]
    return []


async def test_a_letter_whose_thread_fails_is_taken_down_and_can_be_posted_again(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """No channel is left with part of a letter: it is removed, reported, and reposted whole."""
    body = "\n\n".join(f"Paragraph {n}." + " word" * 500 for n in range(56))  # > 1 message
    fake_slack.fail("chat.postMessage", status=200, error="fatal_error", after=1)
    await start_letter(
        slack, fake_slack, user=ORGANIZER, channel="CORGANIZING", body=body, channels=["CSTATES"]
    )
    assert fake_slack.channel_messages("CSTATES") == []
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Not posted in <#CSTATES>" in report.text
    (letter,) = await store.letters.all()
    assert letter.unposted_channels == ("CSTATES",)

    await slack.command("/letter", "post", user=ORGANIZER, channel="CSTATES")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert posted_letter_text(fake_slack, "CSTATES") == body


async def test_a_failure_after_the_ack_is_still_answered(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """When Slack keeps refusing the form, the organizer is told so, not left waiting."""
    fake_slack.fail("views.open", status=500, retry_after=None, times=3)
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.responses)
    assert "Slack didn't open the letter form just now" in fake_slack.responses[-1]["text"]


async def test_an_attachment_that_cannot_be_read_is_explained(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A failed download replaces the form with a clear message."""
    message = {
        "text": "Draft attached",
        "files": [
            {
                "id": "F1",
                "mimetype": "text/plain",
                "size": 10,
                "url_private_download": fake_slack.url + "files/missing.txt",
            }
        ],
    }
    await slack.message_shortcut("start_drive", message, user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.update"))
    assert "couldn't read the attached file: Slack answered HTTP 404" in json.dumps(
        latest_view(fake_slack)
    )


async def test_a_file_hosted_outside_slack_is_never_fetched_with_the_token(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """The bot token only goes to Slack's hosts; another host's file is refused."""
    message = {
        "text": "Our letter: please sign.",
        "files": [
            {
                "id": "F1",
                "mimetype": "text/plain",
                "size": 10,
                "url_private_download": "http://127.0.0.2:9/steal-token.txt",
            }
        ],
    }
    await slack.message_shortcut("start_drive", message, user=ORGANIZER, channel="CORGANIZING")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("views.update"))
    shown = json.dumps(latest_view(fake_slack))
    assert "isn't offered from Slack's own servers over https" in shown
    assert await store.letters.all() == []


async def test_titles_in_private_reports_are_escaped(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The launch report, the list and the close report show a hostile title inert."""
    await start_letter(
        slack,
        fake_slack,
        user=ORGANIZER,
        channel="CORGANIZING",
        title="<!channel> alert",
        body="Text.",
        channels=["CSTATES"],
    )
    await slack.command("/letter", "list", user=ORGANIZER, channel="CSTATES")
    await slack.command("/letter", "close 1", user=ORGANIZER, channel="CSTATES")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2)
    shown = [m.text for m in fake_slack.ephemeral_to(ORGANIZER)] + [
        json.dumps(r) for r in fake_slack.responses
    ]
    for text in shown:
        assert "<!channel>" not in text
        assert "&lt;!channel&gt; alert" in text
