"""The fake Slack refuses what real Slack refuses, so a passing test means something."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
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
    """Exactly 50 blocks of 3,000 characters is fine."""
    await client.chat_postMessage(channel="C1", text="t", blocks=[section("x" * 3000)] * 50)
    assert len(fake_slack.messages) == 1


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
