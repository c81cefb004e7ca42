"""Slack failing on every path the bot takes: rate limits with Retry-After, 5xx, calls that
never answer. Brief faults are retried away (slack_sdk's retry handlers for requests a
person is waiting on); lasting ones get a clear private answer and lose nothing.
Scheduled posts retry from the database instead (tests/bot/test_dispatch.py).
"""

from __future__ import annotations

import pytest

from bot import app as app_module
from bot.storage import Store
from tests.conftest import MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import ask, coalition, export_with_form, head_messages, post_letter, signon
from tests.slack_driver import SlackDriver

CHANNELS = ("CCOALITION", "CSTATES")


@pytest.fixture(autouse=True)
def coalition_channels(fake_slack: FakeSlack) -> None:
    coalition(fake_slack)


@pytest.fixture
def quick_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Web API calls time out after a second, so a test can outwait one."""
    monkeypatch.setattr(app_module, "WEB_API_TIMEOUT_SECONDS", 1)


def refused(fake: FakeSlack, method: str) -> int:
    return sum(1 for call in fake.calls_to(method) if not call.ok)


@pytest.mark.parametrize(
    ("status", "retry_after", "html"),
    [(429, 1, False), (503, None, False), (500, None, False), (502, None, True)],
)
async def test_a_letter_is_posted_through_brief_rate_limits_and_server_errors(
    slack: SlackDriver, fake_slack: FakeSlack, status: int, retry_after: int | None, html: bool
) -> None:
    """Two refusals in a row are retried (after Retry-After for a 429; a proxy's HTML 502
    too): posted everywhere."""
    fake_slack.fail("chat.postMessage", status=status, retry_after=retry_after, times=2, html=html)
    await post_letter(slack, fake_slack, channels=CHANNELS)
    assert refused(fake_slack, "chat.postMessage") == 2
    for channel in CHANNELS:
        assert len(head_messages(fake_slack, channel)) == 1
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Not posted" not in report.text


async def test_a_channel_slack_keeps_refusing_is_reported_and_posted_later(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Past the retries the organizer is told which channel and how to finish; the letter
    is kept, and `/letter post` puts it up once Slack is back."""
    fake_slack.fail("chat.postMessage", status=503, retry_after=None, times=3)
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Not posted in <#CCOALITION>: Slack answered `fatal_error`" in report.text
    assert "/letter post 1" in report.text
    letter = await store.letters.get(1)
    assert letter is not None and letter.unposted_channels == ("CCOALITION",)
    answer = await ask(slack, fake_slack, "post 1", channel="CORGANIZING")
    assert "Posted" in answer["text"]
    assert len(head_messages(fake_slack, "CCOALITION")) == 1


@pytest.mark.usefixtures("quick_timeout")
async def test_a_post_slack_never_answers_is_reported_honestly(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A call that times out may still have gone through: the organizer is told to look
    before posting again, rather than being told it failed."""
    fake_slack.fail("chat.postMessage", delay=2.0)
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    (report,) = fake_slack.ephemeral_to(ORGANIZER)
    assert "Slack didn't answer in time" in report.text
    assert "If it isn't in the channel, run `/letter post 1`" in report.text


async def test_the_count_line_catches_up_after_slack_refuses_an_update(
    slack: SlackDriver, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chat.update refused past its retries (a proxy's HTML 504): the live count tries
    again a little later."""
    monkeypatch.setattr("bot.services.live_count.RETRY_DELAYS", (0.5, 0.5))
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    fake_slack.fail("chat.update", status=504, retry_after=None, times=3, html=True)
    await signon(slack, fake_slack, "Mijente")
    (head,) = head_messages(fake_slack, "CCOALITION")
    await fake_slack.wait_for(lambda: "*1* signed" in str(head.blocks))
    assert refused(fake_slack, "chat.update") == 3


async def test_an_export_slack_will_not_take_is_explained(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Files refused past the retries: the organizer hears what to do, not a generic error."""
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    await signon(slack, fake_slack, "Mijente")
    fake_slack.fail("files.getUploadURLExternal", status=500, retry_after=None, times=3)
    answer = await export_with_form(slack, fake_slack, "1", channel="CORGANIZING")
    assert "Slack didn't take the files just now" in answer
    assert "/letter export 1" in answer
    answer = await export_with_form(slack, fake_slack, "1", channel="CORGANIZING")
    assert "I've sent you the list" in answer
    assert len(fake_slack.shared_files) == 6


async def test_an_upload_of_the_files_bytes_that_fails_is_explained(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Slack takes the upload's ticket but not its bytes: the organizer hears to try
    /letter export again, not the generic apology."""
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    await signon(slack, fake_slack, "Mijente")
    fake_slack.fail("upload", status=500, retry_after=None, times=3)
    answer = await export_with_form(slack, fake_slack, "1", channel="CORGANIZING")
    assert "try `/letter export 1` again" in answer.lower()
    assert "Something went wrong" not in answer
    assert fake_slack.shared_files == []


@pytest.mark.usefixtures("quick_timeout")
@pytest.mark.parametrize("fault", ["rate limit", "server error", "timeout"])
async def test_a_sign_on_form_slack_will_not_open_gets_a_way_to_sign_anyway(
    slack: SlackDriver, fake_slack: FakeSlack, fault: str
) -> None:
    """`/signon` alone answers in its ack, with the one-step way to sign, whatever Slack
    did with the form."""
    await post_letter(slack, fake_slack, channels=("CCOALITION",))
    if fault == "rate limit":
        fake_slack.fail("views.open", status=429, retry_after=1, times=4)
    elif fault == "server error":
        fake_slack.fail("views.open", status=502, retry_after=None, times=3)
    else:
        fake_slack.fail("views.open", delay=2.0)
    reply = await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    assert reply.status == 200
    shown = reply.body
    if shown.startswith("Recording"):  # took past the ack budget: answered after
        await fake_slack.wait_for(lambda: fake_slack.responses)
        shown = fake_slack.responses[-1]["text"]
    assert "`/signon Your Organization Name`" in shown
