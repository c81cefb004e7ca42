"""Importing sign-ons from Slack (`/letter import`, Slack's file input): the fixture's
Google Forms export gives 102 signers, again adds nothing, and the posted counts follow."""

from __future__ import annotations

import pytest

from bot.slack.blocks.imports import IMPORT_FILE_ACTION, IMPORT_FILE_BLOCK
from bot.storage import Store
from tests.conftest import FIXTURES, LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import ask, coalition, head_messages, post_letter
from tests.slack_driver import SlackDriver

EXPORT = (FIXTURES / "google-forms-signons-2021-enforcement-reform.csv").read_bytes()


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    await post_letter(slack, fake_slack, leads=[LEAD])


async def import_file(slack: SlackDriver, fake: FakeSlack, data: bytes, *, user: str) -> str:
    """/letter import, then the file through the form's file input; the form's answer."""
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "import", user=user, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    form = fake.calls_to("views.open")[-1].args["view"]
    updates = len(fake.calls_to("views.update"))
    file = fake.upload_for_input("signons.csv", data, user=user)
    values = {IMPORT_FILE_BLOCK: {IMPORT_FILE_ACTION: {"type": "file_input", "files": [file]}}}
    reply = await slack.submit_view(form, values, user=user)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    await fake.wait_for(lambda: len(fake.calls_to("views.update")) > updates, within=60)
    view = fake.calls_to("views.update")[-1].args["view"]
    return " ".join(b["text"]["text"] for b in view["blocks"] if "text" in b)


def count_line(fake: FakeSlack, channel: str) -> str:
    (head,) = head_messages(fake, channel)
    return str(next(b for b in head.blocks if b.get("block_id") == "letter_count"))


async def test_the_fixture_export_imported_from_slack_gives_102_signers_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    answer = await import_file(slack, fake_slack, EXPORT, user=LEAD)
    assert "*102* new signers" in answer and "The letter now has *102* signers" in answer
    assert await store.signatures.count(1) == 102
    await fake_slack.wait_for(
        lambda: all("*102* signed" in count_line(fake_slack, c) for c in ("CCOALITION", "CSTATES"))
    )
    again = await import_file(slack, fake_slack, EXPORT, user=ORGANIZER)
    assert "*0* new signers" in again and "*102* imported before" in again
    assert await store.signatures.count(1) == 102
    assert not fake_slack.rejected


async def test_an_import_is_refused_to_someone_who_does_not_manage_the_letter(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    answer = await ask(slack, fake_slack, "import", user=MEMBER)
    assert "Only organizers and the leads of letter #1" in answer["text"]


async def test_a_file_that_is_not_sign_ons_is_explained_and_nothing_recorded(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    answer = await import_file(slack, fake_slack, b"Phone,Notes\n555,hi\n", user=LEAD)
    assert "I couldn't import that file" in answer and "Organization Name" in answer
    assert await store.signatures.count(1) == 0
