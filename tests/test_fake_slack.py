"""The fake Slack refuses what real Slack refuses, so a passing test means something."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fake_slack import TIER_3_PER_WINDOW, TOKEN, FakeSlack
from tests.slack_driver import SIGNING_SECRET, SlackDriver


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    fake_slack.add_channel("C1", bot_member=True)
    return AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=[])


def section(text: str) -> dict[str, Any]:
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
    client: AsyncWebClient, fake_slack: FakeSlack, blocks: list[dict[str, Any]], why: str
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


async def test_a_menu_of_more_than_100_options_is_refused(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """A static select holds at most 100 options."""
    options = [
        {"text": {"type": "plain_text", "text": str(n)}, "value": str(n)} for n in range(101)
    ]
    menu: dict[str, Any] = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Letter"},
        "element": {"type": "static_select", "action_id": "letter", "options": options},
    }
    title = {"type": "plain_text", "text": "Sign on"}
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(
            trigger_id=fake_slack.trigger(),
            view={"type": "modal", "title": title, "blocks": [menu]},
        )
    assert raised.value.response["error"] == "invalid_arguments"
    menu["element"]["options"] = options[:100]
    await client.views_open(
        trigger_id=fake_slack.trigger(), view={"type": "modal", "title": title, "blocks": [menu]}
    )


async def test_an_overflow_menu_holds_two_to_five_options(client: AsyncWebClient) -> None:
    """One option alone, or six, is refused."""

    def section(count: int) -> dict[str, Any]:
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
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=[])
    posted = await client.chat_postMessage(channel="C1", text="t")
    for n in range(50):
        await client.chat_update(channel="C1", ts=posted["ts"], text=f"update {n}")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts=posted["ts"], text="one too many")
    assert raised.value.response.status_code == 429
    fake_slack.clock.advance(fake_slack.rate_window)
    await client.chat_update(channel="C1", ts=posted["ts"], text="after the window")


async def test_modals_over_the_limits_are_rejected(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """A modal title over 24 characters, or 101 blocks, is refused."""
    title = {"type": "plain_text", "text": "x" * 25}
    with pytest.raises(SlackApiError):
        await client.views_open(
            trigger_id=fake_slack.trigger(), view={"type": "modal", "title": title, "blocks": []}
        )
    title = {"type": "plain_text", "text": "ok"}
    with pytest.raises(SlackApiError):
        await client.views_open(
            trigger_id=fake_slack.trigger(),
            view={"type": "modal", "title": title, "blocks": [section("x")] * 101},
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


async def test_no_message_goes_to_an_id_that_is_no_channel_or_user(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """A channel Slack doesn't know, or a web signer's account where a Slack ID should
    be, is channel_not_found; users.info and a Home for such an account fail too."""
    for channel in ("C404", "web:5e1f0c2a9b7d"):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="t")
        assert raised.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="web:5e1f0c2a9b7d")
    assert raised.value.response["error"] == "user_not_found"
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="web:5e1f0c2a9b7d", view={"type": "home", "blocks": []})
    assert raised.value.response["error"] == "invalid_arguments"
    assert fake_slack.messages == []


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


# People


async def test_users_info_describes_a_person_and_refuses_an_unknown_one(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """users.info gives Slack's user object, its offset worked out for the zone now;
    an ID no one has, or one that isn't a user's, is user_not_found."""
    fake_slack.add_user(
        "U1", name="ada", real_name="Ada Lovelace", tz="America/Chicago", email="ada@x.org"
    )
    user = (await client.users_info(user="U1"))["user"]
    offset = datetime.now(ZoneInfo("America/Chicago")).utcoffset()
    assert offset is not None
    assert user["id"] == "U1" and user["team_id"] == "T1" and user["name"] == "ada"
    assert user["real_name"] == "Ada Lovelace" and user["deleted"] is False
    assert user["is_bot"] is False and user["tz"] == "America/Chicago"
    assert user["tz_offset"] == offset.total_seconds()
    assert user["tz_label"] in {"Central Standard Time", "Central Daylight Time"}
    assert user["profile"]["email"] == "ada@x.org"
    assert user["profile"]["display_name"] == "ada"
    for unknown in ("U404", "C1"):
        with pytest.raises(SlackApiError) as raised:
            await client.users_info(user=unknown)
        assert raised.value.response["error"] == "user_not_found"


async def test_someone_from_another_workspace_is_described_as_from_there(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.add_external_user("UEXT", team="T2", channels=("C1",))
    fake_slack.add_user("UEXT", name="grace")
    user = (await client.users_info(user="UEXT"))["user"]
    assert user["team_id"] == "T2" and "email" not in user["profile"]


async def test_lookup_by_email_ignores_case_and_misses_with_users_not_found(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """An unknown address, or a deactivated person's, is users_not_found."""
    fake_slack.add_user("U1", name="ada", email="Ada@Example.org")
    fake_slack.add_user("U2", name="gone", email="gone@example.org", deleted=True)
    found = await client.users_lookupByEmail(email="ada@EXAMPLE.org")
    assert found["user"]["id"] == "U1"
    for email in ("nobody@example.org", "gone@example.org"):
        with pytest.raises(SlackApiError) as raised:
            await client.users_lookupByEmail(email=email)
        assert raised.value.response["error"] == "users_not_found"
    assert (await client.users_info(user="U2"))["user"]["deleted"] is True


# App Home


def home(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "home", "blocks": list(blocks) or [section("Welcome")]}


async def test_a_home_tab_is_published_and_kept_per_user(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    first = await client.views_publish(user_id="U1", view=home())
    assert first["view"]["type"] == "home" and first["view"]["id"].startswith("V")
    assert fake_slack.home_of("U1") == first["view"]
    assert fake_slack.home_of("U2") is None
    again = await client.views_publish(
        user_id="U1", view=home(section("Again")), hash=first["view"]["hash"]
    )
    assert fake_slack.home_of("U1") == again["view"]
    assert again["view"]["blocks"] == [section("Again")]
    assert len(fake_slack.calls_to("views.publish")) == 2


@pytest.mark.parametrize(
    ("view", "user", "why"),
    [
        (
            {**home(), "type": "modal", "title": {"type": "plain_text", "text": "x"}},
            "U1",
            "a modal",
        ),
        (home(), "C1", "a channel, not a user"),
        ({**home(), "submit": {"type": "plain_text", "text": "Save"}}, "U1", "a submit button"),
        ({**home(), "close": {"type": "plain_text", "text": "Close"}}, "U1", "a close button"),
        (home(*[section("x")] * 101), "U1", "101 blocks"),
        (home(section("x" * 3001)), "U1", "a section over 3,000 characters"),
    ],
)
async def test_a_home_tab_slack_would_refuse_is_refused(
    client: AsyncWebClient, fake_slack: FakeSlack, view: dict[str, Any], user: str, why: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id=user, view=view)
    assert raised.value.response["error"] == "invalid_arguments", why
    assert fake_slack.home_of(user) is None


async def test_a_stale_hash_is_a_conflict(client: AsyncWebClient, fake_slack: FakeSlack) -> None:
    await client.views_publish(user_id="U1", view=home())
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="U1", view=home(section("Late")), hash="1.2")
    assert raised.value.response["error"] == "hash_conflict"


async def test_a_home_view_is_not_a_modal(client: AsyncWebClient, fake_slack: FakeSlack) -> None:
    """views.open, views.update and views.push take modals only."""
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=fake_slack.trigger(), view=home())
    assert raised.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError):
        await client.views_update(view_id="V1", view=home())
    with pytest.raises(SlackApiError):
        await client.views_push(trigger_id=fake_slack.trigger(), view=home())


# File input


def file_input_block(**element: object) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "list",
        "label": {"type": "plain_text", "text": "Signers"},
        "element": {"type": "file_input", "action_id": "list", **element},
    }


def modal(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Import"},
        "submit": {"type": "plain_text", "text": "Import"},
        "blocks": list(blocks),
    }


async def test_a_file_input_in_a_modal_is_accepted(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    for element in ({}, {"filetypes": ["csv", "xlsx"], "max_files": 1}, {"max_files": 10}):
        await client.views_open(
            trigger_id=fake_slack.trigger(), view=modal(file_input_block(**element))
        )


@pytest.mark.parametrize(
    ("element", "why"),
    [
        ({"max_files": 0}, "max_files under 1"),
        ({"max_files": 11}, "max_files over 10"),
        ({"max_files": "2"}, "max_files not an integer"),
        ({"filetypes": "csv"}, "filetypes not a list"),
        ({"filetypes": [1]}, "filetypes not strings"),
    ],
)
async def test_a_file_input_out_of_its_limits_is_refused(
    client: AsyncWebClient, element: dict[str, Any], why: str, fake_slack: FakeSlack
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(
            trigger_id=fake_slack.trigger(), view=modal(file_input_block(**element))
        )
    assert raised.value.response["error"] == "invalid_arguments", why
    assert "invalid_blocks" in raised.value.response["response_metadata"]["messages"], why


async def test_a_file_input_belongs_in_a_modal_input_block_only(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """Not in a message, not in a Home tab, not outside an input block."""
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t", blocks=[file_input_block()])
    assert raised.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="U1", view=home(file_input_block()))
    assert raised.value.response["error"] == "invalid_arguments"
    loose = {"type": "actions", "elements": [{"type": "file_input", "action_id": "f"}]}
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=fake_slack.trigger(), view=modal(section("x"), loose))
    assert raised.value.response["error"] == "invalid_arguments"
    assert fake_slack.messages == [] and fake_slack.home_of("U1") is None


async def test_a_file_uploaded_through_a_modal_is_known_and_downloadable(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """files.info knows it and the bot's token downloads it; without the token, Slack's
    sign-in page."""
    uploaded = fake_slack.upload_for_input("signers.csv", b"name\nAda\n", user="U1")
    for key in ("id", "name", "title", "filetype", "mimetype", "url_private", "size"):
        assert key in uploaded
    assert uploaded["filetype"] == "csv" and uploaded["mimetype"] == "text/csv"
    assert uploaded["user"] == "U1" and uploaded["size"] == len(b"name\nAda\n")
    info = await client.files_info(file=uploaded["id"])
    assert info["file"]["url_private_download"] == uploaded["url_private_download"]
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with session.get(uploaded["url_private_download"], headers=headers) as response:
            assert await response.read() == b"name\nAda\n"
        async with session.get(uploaded["url_private_download"]) as response:
            assert "Sign in" in await response.text()


# The driver


@pytest.fixture
async def recorded(fake_slack: FakeSlack) -> AsyncIterator[tuple[SlackDriver, list[Any]]]:
    """A driver aimed at an endpoint that checks each request's signature and keeps
    what it received."""
    received: list[Any] = []
    verifier = SignatureVerifier(SIGNING_SECRET)

    async def endpoint(request: web.Request) -> web.Response:
        body = await request.text()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        received.append((request.content_type, body))
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", endpoint)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield SlackDriver(session, str(server.make_url("/slack/events")), fake_slack), received
    await server.close()


async def test_an_event_is_a_signed_event_callback(
    recorded: tuple[SlackDriver, list[Any]],
) -> None:
    slack, received = recorded
    first = await slack.event({"type": "member_joined_channel", "user": "U1", "channel": "C1"})
    await slack.event({"type": "member_joined_channel", "user": "U2", "channel": "C1"})
    assert first.status == 200
    (kind, body), (_, second) = received
    envelope = json.loads(body)
    assert kind == "application/json"
    assert envelope["type"] == "event_callback" and envelope["api_app_id"] == "A1"
    assert envelope["team_id"] == "T1" and envelope["event"]["user"] == "U1"
    assert envelope["authorizations"][0]["user_id"] == "UBOT"
    assert envelope["authorizations"][0]["is_bot"] is True
    assert isinstance(envelope["event_time"], int)
    assert envelope["event_id"] != json.loads(second)["event_id"]


async def test_a_bad_signature_is_still_refused_by_the_endpoint(
    recorded: tuple[SlackDriver, list[Any]],
) -> None:
    """The recording endpoint does check: a forged signature gets 401."""
    slack, received = recorded
    reply = await slack.send("{}", signature="v0=forged", content_type="application/json")
    assert reply.status == 401 and received == []


async def test_opening_home_carries_the_view_once_one_is_published(
    recorded: tuple[SlackDriver, list[Any]], client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    slack, received = recorded
    await slack.open_home("U1")
    published = await client.views_publish(user_id="U1", view=home())
    await slack.open_home("U1")
    first, second = (json.loads(body)["event"] for _, body in received)
    assert first["type"] == "app_home_opened" and first["tab"] == "home"
    assert first["user"] == "U1" and first["channel"] == "DU1"
    assert "view" not in first
    assert second["view"] == published["view"]


async def test_a_file_inputs_answer_reaches_the_app_as_given(
    recorded: tuple[SlackDriver, list[Any]], fake_slack: FakeSlack
) -> None:
    slack, received = recorded
    uploaded = fake_slack.upload_for_input("signers.csv", b"name\n", user="U1")
    values = {"list": {"list": {"type": "file_input", "files": [uploaded]}}}
    view = {**modal(file_input_block()), "callback_id": "import"}
    await slack.submit_view(view, values, user="U1")
    ((kind, body),) = received
    payload = json.loads(parse_qs(body)["payload"][0])
    assert kind == "application/x-www-form-urlencoded"
    assert payload["view"]["state"]["values"] == values


async def test_conversations_members_pages_and_hides_private_channels_the_bot_is_not_in(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.add_channel("CPUBLIC", bot_member=True)
    fake_slack.add_channel("GSECRET", private=True)
    fake_slack.join("U1", "CPUBLIC", "GSECRET")
    fake_slack.join("U2", "CPUBLIC")
    first = await client.conversations_members(channel="CPUBLIC", limit=2)
    assert first["members"] == ["U1", "U2"] and first["response_metadata"]["next_cursor"]
    last = await client.conversations_members(
        channel="CPUBLIC", limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert last["members"] == ["UBOT"] and last["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_members(channel="GSECRET")
    assert raised.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_members(channel="CPUBLIC", limit=1000)
    assert raised.value.response["error"] == "invalid_limit"


# Triggers, response_urls, view sizes, ephemeral messages, Tier 3 methods


async def test_a_trigger_opens_one_view_within_three_seconds(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """Used twice, made up, or used late, a trigger is refused with Slack's codes."""
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [section("x")]}
    trigger = fake_slack.trigger()
    await client.views_open(trigger_id=trigger, view=view)
    for bad, code in ((trigger, "exchanged_trigger_id"), ("1.2.x", "invalid_trigger_id")):
        with pytest.raises(SlackApiError) as raised:
            await client.views_open(trigger_id=bad, view=view)
        assert raised.value.response["error"] == code
    late = fake_slack.trigger()
    fake_slack.clock.advance(3.01)
    with pytest.raises(SlackApiError) as raised:
        await client.views_push(trigger_id=late, view=view)
    assert raised.value.response["error"] == "expired_trigger_id"


async def test_a_response_url_takes_five_posts(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("r1")
    async with aiohttp.ClientSession() as session:
        for n in range(6):
            async with session.post(url, json={"text": f"answer {n}"}) as response:
                assert response.status == (200 if n < 5 else 404), n
    assert len(fake_slack.responses) == 5


async def test_a_view_over_250_kb_is_refused(client: AsyncWebClient) -> None:
    blocks = [section("x" * 2900)] * 95
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="U1", view=home(*blocks))
    assert raised.value.response["error"] == "view_too_large"


async def test_an_ephemeral_message_goes_only_to_a_member_of_the_channel(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postEphemeral(channel="C1", user="UNOTHERE", text="hi")
    assert raised.value.response["error"] == "user_not_in_channel"
    fake_slack.join("UHERE", "C1")
    await client.chat_postEphemeral(channel="C1", user="UHERE", text="hi")


@pytest.mark.parametrize("method", ["users.lookupByEmail", "conversations.open", "chat.delete"])
async def test_tier_3_methods_answer_429_past_fifty_a_window(
    fake_slack: FakeSlack, method: str
) -> None:
    fake_slack.rate_window = 30.0
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url, retry_handlers=[])
    args = {
        "users.lookupByEmail": {"email": "nobody@example.org"},
        "conversations.open": {"users": "U1"},
        "chat.delete": {"channel": "C1", "ts": "1.0"},
    }[method]
    for _ in range(TIER_3_PER_WINDOW):
        with contextlib.suppress(SlackApiError):
            await client.api_call(method, params=args)
    with pytest.raises(SlackApiError) as raised:
        await client.api_call(method, params=args)
    assert raised.value.response.status_code == 429
