"""Hostile input at every entry point: a clear private answer or safe storage, never a
500, never an exception into Bolt, and nothing the bot posts can ping or fake a link.

The corpus goes through slash command text, every field of every form, `/letter extend`
dates and the CSV importer. Afterwards every message, response, view and file comment
the fake Slack received is searched for an active mention or link, then the scheduled
posts that repeat signers' names (the daily tally, the close) are sent and searched too.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import build_client
from bot.rules.forms import SignonField
from bot.rules.roster import MemberRow, RosterContact
from bot.rules.timing import next_tally_time
from bot.services.dispatch import Dispatcher
from bot.services.imports import import_rows
from bot.settings import Settings
from bot.slack.blocks.chase import CHASE_OPT_OUT_ACTION, CHASE_SIGN_ON_ACTION
from bot.slack.blocks.letters import SIGN_ON_ACTION
from bot.slack.blocks.reviews import (
    APPROVE_HOLD_ACTION,
    KEEP_ACTION,
    MERGE_ACTION,
    MERGE_LISTED_ACTION,
    WITHDRAW_HOLD_ACTION,
)
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION
from bot.slack.blocks.versions import KEEP_SIGNATURE_ACTION, WITHDRAW_SIGNATURE_ACTION
from bot.storage import Store
from bot.texts.imports import ImportProblem, read_signons
from tests.conftest import LEAD, MEMBER, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, form_values, post_letter, workspaces_for
from tests.slack_driver import Reply, SlackDriver

HOSTILE = [
    "<!channel>",
    "<!here> everyone look",
    "<!everyone>",
    "<@U123>",
    "<@U123|boss>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<https://evil.example|click>",
    "<https://evil.example>",
    "&lt;!channel&gt;",  # a literal <!channel>, as Slack encodes what was typed
    "&lt;https://evil.example|click&gt;",
    "*bold* _x_ ~s~ ```code``` `tick` > quote",
    "A" * 10_000,
    "Acme\x00\x07\x1b\x7f Org",
    "Zero\u200bWidth\ufeff Org",
    "\u202egro.live\u202c Fund",
    "Robert'); DROP TABLE signers;--",
    "' OR 1=1 --",
    "\U0001f525 Emoji \U0001f468\u200d\U0001f469\u200d\U0001f467 Org",
    "",
    "   ",
    "\t\n",
    "%s %d {0} {letter} ${HOME}",
    "..\\..\\etc\\passwd",
]

# What would ping someone or link somewhere if Slack rendered it in mrkdwn.
ACTIVE = re.compile(
    r"<!channel|<!here|<!everyone|<@U123|<!subteam\^S1|<https?://evil", re.IGNORECASE
)


@pytest.fixture(autouse=True)
async def letter_posted(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack, "CORGANIZING", "CCOALITION", "CSTATES")
    await post_letter(slack, fake_slack)


def everything_posted(fake: FakeSlack, replies: list[Reply]) -> list[str]:
    """Every text a person could see from the bot: messages, responses, views, acks."""
    seen: list[str] = [json.dumps(m.blocks) + m.text for m in fake.messages]
    seen += [json.dumps(response) for response in fake.responses]
    seen += [
        json.dumps(call.args.get("view", ""))
        for call in fake.calls
        if call.method in {"views.open", "views.update", "views.push"}
    ]
    seen += [file.comment for file in fake.shared_files]
    seen += [reply.body for reply in replies]
    return seen


def assert_nothing_active(fake: FakeSlack, replies: list[Reply]) -> None:
    for text in everything_posted(fake, replies):
        found = ACTIVE.search(text)
        assert found is None, f"active {found.group()!r} in {text[:300]!r}"


def assert_no_failures(replies: list[Reply], caplog: pytest.LogCaptureFixture) -> None:
    assert [r.status for r in replies if r.status != 200] == []
    failures = [r for r in caplog.records if r.getMessage() == "Handling a Slack request failed"]
    assert failures == [], failures[0].exc_info if failures else None


async def test_hostile_slash_command_text_gets_private_answers_and_pings_nobody(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Every subcommand, fed the corpus as its text: 200s, private answers, nothing active,
    and the letter's count is exactly the names that could be stored."""
    caplog.set_level(logging.ERROR)
    replies: list[Reply] = []
    for n, text in enumerate(HOSTILE):
        for args in (text, f"#1 {text}", f"status {text}", f"withdraw {text}"):
            replies.append(
                await slack.command("/signon", args, user=f"USIGNER{n}", channel="CCOALITION")
            )
        for command, args in (
            ("/letter", text),
            ("/letter", f"review {text}"),
            ("/letter", f"extend #1 {text}"),
            ("/letter", f"extend #1 9999-12-31 {text}"),
            ("/letter", f"export {text}"),
            ("/letter", f"list {text}"),
            ("/letter", f"reopen {text}"),
            ("/letter", f"signers #1 {text}"),
            ("/letter", f"remove {text}"),
        ):
            replies.append(await slack.command(command, args, user=ORGANIZER, channel="CCOALITION"))
        if text.strip():
            replies.append(
                await slack.command(
                    "/letter", f"close {text}", user=ORGANIZER, channel="CCOALITION"
                )
            )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) >= 6 * len(HOSTILE))
    assert_no_failures(replies, caplog)
    assert_nothing_active(fake_slack, replies)
    letter = await store.letters.get(1)
    assert letter is not None and letter.is_open
    signers = await store.signatures.signers(1)
    names = [signer.name for signer in signers]
    assert "A" * 10_000 not in names
    assert "Acme Org" in names and "ZeroWidth Org" in names and "gro.live Fund" in names
    spellings = {spelling for signer in signers for spelling in signer.submitted_as}
    assert "<!channel>" in spellings  # stored as typed, shown escaped


async def test_hostile_answers_in_every_form_field_are_refused_or_stored_safely(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The sign-on form, the letter form and the edit form, every field hostile."""
    caplog.set_level(logging.ERROR)
    replies: list[Reply] = []
    await slack.command("/signon", "", user=MEMBER, channel="CCOALITION")
    await slack.command("/letter", "new", user=ORGANIZER, channel="CORGANIZING")
    await slack.command("/letter", "edit", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) >= 4)
    views = {
        call.args["view"]["callback_id"]: call.args["view"]
        for call in fake_slack.calls_to("views.open")[1:]
    }
    for n, text in enumerate(HOSTILE):
        signon_fields: dict[str, Any] = {
            SignonField.KIND: {
                SignonField.KIND: {
                    "type": "radio_buttons",
                    "selected_option": {"value": "individual"},
                }
            },
            SignonField.PUBLIC: {
                SignonField.PUBLIC: {"type": "radio_buttons", "selected_option": {"value": "yes"}}
            },
        }
        for field in (
            SignonField.ORGANIZATION,
            SignonField.PERSON,
            SignonField.TITLE,
            SignonField.CITY,
            SignonField.STATE,
            SignonField.EMAIL,
        ):
            value = f"x{n}@example.org" if field == SignonField.EMAIL else text
            signon_fields[field] = {field: {"type": "plain_text_input", "value": value}}
        replies.append(await slack.submit_view(views["signon_form"], signon_fields, user=f"U{n}"))
        letter_fields = form_values(
            title=text,
            addressee=text,
            body=text,
            channels=["CSTATES"],
            goal=text,
            reminders=text,
        )
        replies.append(await slack.submit_view(views["letter_form"], letter_fields, user=ORGANIZER))
        texts_only = form_values(title=text, addressee=text, body=text, channels=["CSTATES"])
        replies.append(await slack.submit_view(views["letter_form"], texts_only, user=ORGANIZER))
        edit_fields = {
            key: value
            for key, value in form_values(goal=text, reminders=text, leads=[LEAD]).items()
            if key in {"deadline", "reminders", "leads", "goal"}
        }
        replies.append(await slack.submit_view(views["letter_edit"], edit_fields, user=ORGANIZER))
    assert_no_failures(replies, caplog)
    for reply in replies:
        answer = reply.json()
        assert answer is None or answer["response_action"] in {"errors", "update"}
    posted = sum(1 for reply in replies if not reply.body)  # accepted letters: a bare ack
    await fake_slack.wait_for(lambda: len(fake_slack.ephemeral_to(ORGANIZER)) >= posted + 1)
    assert_nothing_active(fake_slack, replies)
    for letter in await store.letters.all():
        assert letter.title.strip() and "\x00" not in letter.title and "\u202e" not in letter.title


async def test_a_hostile_csv_imports_what_it_can_and_explains_the_rest(store: Store) -> None:
    """Hostile cells are stored tidy or skipped with a reason; broken files are refused."""
    header = "Timestamp,Organization Name,Your Name,City,State,Signing as\n"
    rows = "".join(
        f'2021-03-01 10:00:{n:02d},"{text.replace(chr(34), chr(34) * 2)}",Ana,X,NY,Organization\n'
        for n, text in enumerate(HOSTILE)
    )
    found = read_signons((header + rows).encode("utf-8"), zone=ZONE)
    letter = await store.letters.get(1)
    assert letter is not None
    report = await import_rows(store, letter, found.rows, now=datetime.now(UTC))
    assert report.new + report.same + len(report.problems) + len(found.skipped) == len(HOSTILE)
    names = [signer.name for signer in await store.signatures.signers(1)]
    assert all(len(name) <= 200 and "\x00" not in name for name in names)
    for unreadable, reason in (
        (b"", "empty"),
        (b"\xff\xfe\x00\xd8", "UTF-16 but isn't readable"),
        (b"just,some,columns\n1,2,3\n", "couldn't find an “Organization Name”"),
        (b"Organization Name\n" + b"x" * 200_000 + b"\n", "isn't a CSV file I can read"),
    ):
        with pytest.raises(ImportProblem, match=reason):
            read_signons(unreadable, zone=ZONE)
    for encoded in (
        "Organization Name\n\u00c9glise Unie\n".encode("latin-1"),
        "Organization Name\n\u00c9glise Unie\n".encode("utf-16"),
        "\ufeffOrganization Name,Extra\n\u00c9glise Unie\n".encode(),
    ):
        (row,) = read_signons(encoded, zone=ZONE).rows
        assert row.submission.name == "\u00c9glise Unie"


async def test_scheduled_posts_repeating_hostile_names_ping_nobody(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    store: Store,
    settings: Settings,
) -> None:
    """Names from the corpus reach the daily tally and the final list escaped."""
    replies = [
        await slack.command("/signon", text, user=f"U{n}", channel="CCOALITION")
        for n, text in enumerate(HOSTILE)
    ]
    dispatcher = Dispatcher(
        store=store,
        workspaces=workspaces_for(build_client(settings, retries=False)),
        tally_time=settings.tally_time,
    )
    now = datetime.now(UTC)
    await dispatcher.run_due(now)
    await dispatcher.run_due(next_tally_time(now, at=settings.tally_time, zone=ZONE))
    await slack.command("/letter", "close 1", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.shared_files) >= 3)
    assert [m for m in fake_slack.messages if m.channel == LEAD], "the tally went out"
    assert_nothing_active(fake_slack, replies)


async def test_buttons_pressed_with_crafted_values_get_a_private_answer(
    slack: SlackDriver, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """A Sign on or review button whose value isn't one the bot sent is refused politely."""
    caplog.set_level(logging.ERROR)
    actions = (
        SIGN_ON_ACTION,
        MERGE_ACTION,
        KEEP_ACTION,
        APPROVE_HOLD_ACTION,
        WITHDRAW_HOLD_ACTION,
        KEEP_SIGNATURE_ACTION,
        WITHDRAW_SIGNATURE_ACTION,
        f"{CHASE_SIGN_ON_ACTION}_1",
        CHASE_OPT_OUT_ACTION,
    )
    crafted: tuple[str, ...] = (
        "",
        "abc",
        "-1",
        "\u00b2",
        "9" * 40,
        "<!channel>",
        "1; DROP TABLE letters",
    )
    crafted += ("1:", ":1", "1:2:3", "1:99", "first:1", "second:<!channel>", "1:-1")
    replies = [
        await slack.press(action, value, user=MEMBER, channel="CCOALITION")
        for action in actions
        for value in crafted
    ]
    replies += [
        await slack.choose(MERGE_LISTED_ACTION, value, user=ORGANIZER, channel="CCOALITION")
        for value in crafted
    ]
    await fake_slack.wait_for(lambda: len(fake_slack.responses) >= len(replies))
    assert_no_failures(replies, caplog)
    assert_nothing_active(fake_slack, replies)


async def test_crafted_values_confirm_nothing_and_open_nobody_elses_member(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """Keep my signature for a version the letter doesn't have (yet) confirms nothing;
    a chase's Sign on naming a member the presser isn't a contact of opens no form
    with that member's name in it."""
    await slack.command("/signon", "Mijente", user=MEMBER, channel="CCOALITION")
    before = len(fake_slack.responses)
    await slack.press(KEEP_SIGNATURE_ACTION, "1:7", user=MEMBER, channel=f"D{MEMBER}")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert "isn't about the current text" in fake_slack.responses[-1]["text"]
    (entry,) = await store.signatures.signers(1)
    assert entry.confirmed_version is None and entry.contacts[0].confirmed_version is None
    member = MemberRow(line=2, name="Secret Ally Org", contacts=(RosterContact("UALLY"),))
    await store.roster.save([member], accounts={}, now=datetime.now(UTC))
    (saved,) = await store.roster.members()
    opened, before = len(fake_slack.calls_to("views.open")), len(fake_slack.responses)
    action = f"{CHASE_SIGN_ON_ACTION}_{saved.id}"
    await slack.press(action, f"1:{saved.id}", user=MEMBER, channel=f"D{MEMBER}")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert "another member organization" in fake_slack.responses[-1]["text"]
    assert "Secret Ally" not in str(fake_slack.responses[-1])
    assert len(fake_slack.calls_to("views.open")) == opened


async def test_a_joiners_own_form_takes_hostile_answers_without_touching_the_entry(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone who joined an entry answers their own form with the corpus: each answer is
    refused or stored tidied on their contact alone, nothing pings, and the entry's
    name and listing stay its maker's."""
    caplog.set_level(logging.ERROR)
    await slack.command("/signon", "Mijente", user="UMAKER", channel="CCOALITION")
    await slack.command("/signon", "mijente", user="UJOINER", channel="CCOALITION")
    opened = len(fake_slack.calls_to("views.open"))
    await slack.press(CHANGE_ENTRY_ACTION, "1", user="UJOINER", channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    replies = [
        await slack.submit_view(
            form,
            as_submitted(
                form,
                **{
                    SignonField.ORGANIZATION: "Mijente",
                    SignonField.PERSON: text,
                    SignonField.TITLE: text,
                },
            ),
            user="UJOINER",
        )
        for text in HOSTILE
    ]
    assert_no_failures(replies, caplog)
    assert_nothing_active(fake_slack, replies)
    (entry,) = await store.signatures.signers(1)
    assert (entry.name, entry.public, entry.made_by) == ("Mijente", True, "UMAKER")
    assert all(len(c.person_name or "") <= 100 for c in entry.contacts)
