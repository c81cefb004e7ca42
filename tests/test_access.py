"""Who gets in: only Slack's signed requests of a sane size, only organizers (and a letter's
creator and leads) for organizer actions, checked on the server every time; and the
tokens that prove who the bot is never reach a log."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest

from bot.settings import Settings
from bot.slack.blocks.reviews import KEEP_ACTION, MERGE_ACTION
from bot.storage import Store
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import TOKEN, FakeSlack
from tests.helpers import ask, coalition, export_with_form, form_values, post_letter, signon
from tests.slack_driver import SIGNING_SECRET, SlackDriver, command_fields


@pytest.fixture(autouse=True)
async def letter_posted(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION")
    await post_letter(slack, fake_slack, channels=("CCOALITION",))


def signon_body(fake: FakeSlack, text: str, *, user: str = MEMBER) -> str:
    fields = command_fields(fake, "/signon", text, user=user, channel="CCOALITION", n=99)
    fields["response_url"] = fake.response_url("signon-99")
    return urlencode(fields)


@pytest.mark.parametrize(
    ("why", "signature", "age"),
    [("forged signature", "v0=" + "0" * 64, 0), ("replayed ten minutes later", None, 600)],
)
async def test_a_request_slack_did_not_sign_just_now_is_refused_and_records_nothing(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    store: Store,
    why: str,
    signature: str | None,
    age: int,
) -> None:
    """401, and no sign-on stored."""
    reply = await slack.send(
        signon_body(fake_slack, "Forged Org"),
        signature=signature,
        timestamp=int(time.time()) - age,
    )
    assert reply.status == 401, why
    assert await store.signatures.signers(1) == []


async def test_an_oversized_request_is_refused_before_it_reaches_the_app(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A correctly signed body of over two megabytes gets 413 and changes nothing."""
    reply = await slack.send(signon_body(fake_slack, "Big Org " + "x" * 2_200_000))
    assert reply.status == 413
    assert await store.signatures.signers(1) == []


async def test_every_organizer_action_refuses_a_member(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Commands, a replayed letter form, a replayed edit form and forwarded review buttons:
    each answers a member privately and leaves the letter as it was."""
    await signon(slack, fake_slack, "CHIRLA")
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights (CHIRLA)", user="U2")
    before = (
        await store.letters.get(1),
        await store.signatures.signers(1),
        await store.reviews.pending(1),
    )
    for text in ("close", "reopen 1", "extend #1 friday 5pm", "edit", "post 1", "review", "export"):
        answer = await ask(slack, fake_slack, text, user=MEMBER)
        assert "Only organizers" in answer["text"], text

    views = fake_slack.calls_to("views.open")
    (letter_form,) = [
        c.args["view"] for c in views if c.args["view"]["callback_id"] == "letter_form"
    ]
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > len(views))
    edit_form = fake_slack.calls_to("views.open")[-1].args["view"]
    replayed = [
        await slack.submit_view(
            letter_form, form_values(body="Hi", channels=["CCOALITION"]), user=MEMBER
        ),
        await slack.submit_view(edit_form, form_values(goal="5", reminders="1h"), user=MEMBER),
    ]
    for reply in replayed:
        assert "Only organizers" in reply.body
    (pair,) = before[2]
    for action in (MERGE_ACTION, KEEP_ACTION):
        await slack.press(action, str(pair.id), user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) >= 9)
    assert all("Only organizers" in r["text"] for r in fake_slack.responses[-2:])

    after = (
        await store.letters.get(1),
        await store.signatures.signers(1),
        await store.reviews.pending(1),
    )
    assert after == before
    assert len(await store.letters.all()) == 1
    assert fake_slack.shared_files == []


async def test_tokens_never_reach_the_log(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every logger at DEBUG through sign-ons, an export and a failing call: no token or
    signing secret in any record; settings print them masked."""
    caplog.set_level(logging.DEBUG)
    await signon(slack, fake_slack, "Mijente")
    await export_with_form(slack, fake_slack, user=ORGANIZER)
    fake_slack.fail("chat.postMessage", status=500, retry_after=None, times=3)
    await ask(slack, fake_slack, "post 1", user=ORGANIZER)
    logged = "\n".join(
        record.getMessage() + str(record.exc_info or "") for record in caplog.records
    )
    assert "Authorization" in logged or "headers" in logged, "requests were logged"
    for secret in (TOKEN, SIGNING_SECRET):
        assert secret not in logged
        assert secret not in repr(settings) and secret not in str(settings)
