"""The fake Slack refuses what real Slack refuses, so a passing test means something."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fake_slack import TOKEN, FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    fake_slack.add_channel("C1", bot_member=True)
    return AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=[])


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "plain_text", "text": text}}


@pytest.mark.parametrize(
    ("blocks", "why"),
    [
        ([section("x")] * 51, "51 blocks in a message"),
        ([section("x" * 3001)], "a section over 3,000 characters"),
        ([section("")], "an empty text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], "a long header"),
        ([{"type": "no_such_block"}], "an unknown block"),
    ],
)
async def test_messages_over_block_kit_limits_are_rejected(
    client: AsyncWebClient, fake_slack: FakeSlack, blocks: list, why: str
) -> None:
    """chat.postMessage answers invalid_blocks, as Slack does."""
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks", why
    assert fake_slack.messages == []


async def test_a_message_at_the_limits_is_accepted(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """50 blocks holding 11,000 characters of text in all is fine."""
    await client.chat_postMessage(channel="C1", text="t", blocks=[section("x" * 220)] * 50)
    await client.chat_postMessage(channel="C1", text="t", blocks=[section("x" * 2750)] * 4)
    assert len(fake_slack.messages) == 2


@pytest.mark.parametrize(
    ("method", "error"),
    [("chat.postMessage", "msg_blocks_too_long"), ("chat.update", "msg_too_long")],
)
async def test_blocks_over_the_cumulative_text_limit_are_refused(
    client: AsyncWebClient, fake_slack: FakeSlack, method: str, error: str
) -> None:
    """Four sections of 2,750 and one character more is over 11,000 in all: refused,
    though every block is within its own limit (slackapi/bolt-js#2509, #2867)."""
    posted = await client.chat_postMessage(channel="C1", text="t")
    blocks = [section("x" * 2750)] * 4 + [section("y")]
    with pytest.raises(SlackApiError) as raised:
        if method == "chat.postMessage":
            await client.chat_postMessage(channel="C1", text="t", blocks=blocks)
        else:
            await client.chat_update(channel="C1", ts=posted["ts"], text="t", blocks=blocks)
    assert raised.value.response["error"] == error
    assert fake_slack.messages[0].blocks == [] and len(fake_slack.messages) == 1


async def test_an_empty_file_is_refused(client: AsyncWebClient, fake_slack: FakeSlack) -> None:
    """files.getUploadURLExternal with a length of 0 answers missing_argument."""
    with pytest.raises(SlackApiError) as raised:
        await client.files_upload_v2(channel="C1", filename="list.txt", content="")
    assert raised.value.response["error"] == "missing_argument"
    assert fake_slack.shared_files == []


async def test_a_failed_upload_of_the_bytes_is_an_error(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """fail("upload") makes the upload of the file's bytes answer 500."""
    fake_slack.fail("upload", status=500, retry_after=None)
    with pytest.raises(SlackRequestError):
        await client.files_upload_v2(channel="C1", filename="list.txt", content="x")
    assert fake_slack.shared_files == []


async def test_a_download_the_token_may_not_make_gets_the_sign_in_page(
    fake_slack: FakeSlack,
) -> None:
    """Slack answers status 200 with its HTML sign-in page, not the file, when the token
    can't see it or is missing."""
    hidden = fake_slack.share_file("letter.txt", b"Dear all", filetype="text", visible=False)
    shown = fake_slack.share_file("other.txt", b"Dear all", filetype="text")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession() as session:
        for url, sent in (
            (hidden["url_private_download"], headers),
            (shown["url_private_download"], {}),
        ):
            async with session.get(url, headers=sent) as response:
                assert response.status == 200
                assert response.content_type == "text/html"
                assert "Sign in" in await response.text()
        async with session.get(shown["url_private_download"], headers=headers) as response:
            assert await response.read() == b"Dear all"


async def test_a_menu_of_more_than_100_options_is_refused(client: AsyncWebClient) -> None:
    """A static select holds at most 100 options."""
    options = [
        {"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(101)
    ]
    menu = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Letter"},
        "element": {"type": "static_select", "action_id": "letter", "options": options},
    }
    title = {"type": "plain_text", "text": "Sign on"}
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(
            trigger_id="t", view={"type": "modal", "title": title, "blocks": [menu]}
        )
    assert raised.value.response["error"] == "invalid_arguments"
    menu["element"]["options"] = options[:100]
    await client.views_open(
        trigger_id="t", view={"type": "modal", "title": title, "blocks": [menu]}
    )


async def test_an_overflow_menu_holds_two_to_five_options(client: AsyncWebClient) -> None:
    """One option alone, or six, is refused."""

    def section(count: int) -> dict:
        options = [
            {"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(count)
        ]
        return {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "An entry"},
            "accessory": {"type": "overflow", "action_id": "menu", "options": options},
        }

    for count in (1, 6):
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="x", blocks=[section(count)])
    for count in (2, 5):
        await client.chat_postMessage(channel="C1", text="x", blocks=[section(count)])


async def test_chat_update_is_held_to_its_rate_tier(fake_slack: FakeSlack) -> None:
    """Tier 3: past 50 calls in the window, chat.update answers 429 with Retry-After."""
    fake_slack.add_channel("C1", bot_member=True)
    fake_slack.rate_window = 2.0
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=[])
    posted = await client.chat_postMessage(channel="C1", text="t")
    for n in range(50):
        await client.chat_update(channel="C1", ts=posted["ts"], text=f"update {n}")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts=posted["ts"], text="one too many")
    assert raised.value.response.status_code == 429
    await asyncio.sleep(2.0)
    await client.chat_update(channel="C1", ts=posted["ts"], text="after the window")


async def test_modals_over_the_limits_are_rejected(client: AsyncWebClient) -> None:
    """A modal title over 24 characters, or 101 blocks, is refused."""
    title = {"type": "plain_text", "text": "x" * 25}
    with pytest.raises(SlackApiError):
        await client.views_open(
            trigger_id="t", view={"type": "modal", "title": title, "blocks": []}
        )
    title = {"type": "plain_text", "text": "ok"}
    with pytest.raises(SlackApiError):
        await client.views_open(
            trigger_id="t", view={"type": "modal", "title": title, "blocks": [section("x")] * 101}
        )


async def test_unknown_methods_and_wrong_tokens_are_rejected(fake_slack: FakeSlack) -> None:
    """An unknown method and a bad token fail as they would against Slack."""
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as raised:
        await client.api_call("chat.postMessageX", json={"channel": "C1", "text": "t"})
    assert raised.value.response["error"] == "unknown_method"
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as raised:
        await wrong.auth_test()
    assert raised.value.response["error"] == "invalid_auth"


async def test_posting_where_the_bot_is_not_a_member_fails(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """not_in_channel for a public channel, channel_not_found for a private one."""
    fake_slack.add_channel("C2")
    fake_slack.add_channel("G1", private=True)
    for channel, error in (("C2", "not_in_channel"), ("G1", "channel_not_found")):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="t")
        assert raised.value.response["error"] == error


async def test_an_injected_rate_limit_answers_429_with_retry_after(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """fail() makes the next call answer 429 with the Retry-After header."""
    fake_slack.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t")
    assert raised.value.response.status_code == 429
    assert (
        raised.value.response.headers["retry-after"] == ["7"]
        or raised.value.response.headers["retry-after"] == "7"
    )
    await client.chat_postMessage(channel="C1", text="t")
    assert len(fake_slack.messages) == 1
