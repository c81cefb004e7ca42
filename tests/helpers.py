"""Small helpers for end-to-end tests: form answers, the text a channel shows, a started letter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.rules.forms import EditFormValues, Field
from bot.rules.letter_text import editable_text, to_plain
from bot.rules.letters import Letter, LetterEdit
from bot.rules.timing import format_reminders
from bot.services.access import Organizers
from bot.services.workspace import Workspace, Workspaces
from bot.slack.blocks.letters import SIGN_ON_ACTION, TEXT_BLOCK_PREFIX
from bot.slack.blocks.signon_replies import WITHDRAW_ACTION
from bot.slack.blocks.text import escape
from bot.slack.gateway import SlackApi
from tests.conftest import LEAD, MEMBER, ORGANIZER, ZONE
from tests.fake_slack import FakeSlack, Message
from tests.slack_driver import SlackDriver


def workspace_for(slack: SlackApi, *, organizers: frozenset[str] = frozenset()) -> Workspace:
    """The workspace a test's services act for: `slack` (usually the fake's client), with
    `organizers` as its ORGANIZERS (nobody, unless given) and the tests' timezone."""
    return Workspace(
        slack=slack,
        organizers=Organizers(users=organizers, group=None, client=slack),
        zone=ZONE,
    )


def workspaces_for(slack: SlackApi, *, organizers: frozenset[str] = frozenset()) -> Workspaces:
    return Workspaces(workspace_for(slack, organizers=organizers))


def in_days(days: float) -> int:
    return int((datetime.now(UTC) + timedelta(days=days)).timestamp())


def form_values(
    *,
    title: str = "Protect our communities",
    addressee: str = "The Honorable Alejandro Mayorkas",
    body: str | None = None,
    deadline: int | None = None,
    channels: list[str] | None = None,
    leads: list[str] | None = None,
    goal: str | None = None,
    reminders: str = "7d,3d,1d,3h",
    spanish: tuple[str, str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """view.state.values as Slack sends them for the new-letter form (the reminders as
    the form shows them until someone changes them); `spanish` is the letter's (title,
    addressee, text) in Spanish, each may be empty."""
    values: dict[str, dict[str, Any]] = {
        Field.TITLE: {Field.TITLE: {"type": "plain_text_input", "value": title}},
        Field.ADDRESSEE: {Field.ADDRESSEE: {"type": "plain_text_input", "value": addressee}},
        Field.DEADLINE: {
            Field.DEADLINE: {
                "type": "datetimepicker",
                "selected_date_time": deadline if deadline is not None else in_days(7),
            }
        },
        Field.CHANNELS: {
            Field.CHANNELS: {
                "type": "multi_conversations_select",
                "selected_conversations": channels or [],
            }
        },
        Field.LEADS: {Field.LEADS: {"type": "multi_users_select", "selected_users": leads or []}},
        Field.GOAL: {Field.GOAL: {"type": "number_input", "value": goal}},
        Field.REMINDERS: {Field.REMINDERS: {"type": "plain_text_input", "value": reminders}},
    }
    if body is not None:
        values[Field.BODY] = {Field.BODY: {"type": "plain_text_input", "value": body}}
    if spanish is not None:
        for field, value in zip(
            (Field.SPANISH_TITLE, Field.SPANISH_ADDRESSEE, Field.SPANISH_BODY),
            spanish,
            strict=True,
        ):
            values[field] = {field: {"type": "plain_text_input", "value": value}}
    return values


def latest_view(fake: FakeSlack) -> dict[str, Any]:
    """The modal the person sees now: the last one opened or updated."""
    shown = [c for c in fake.calls if c.method in {"views.open", "views.update"} and c.ok]
    view: dict[str, Any] = shown[-1].args["view"]
    return view


def head_messages(fake: FakeSlack, channel: str) -> list[Message]:
    return [m for m in fake.channel_messages(channel) if m.thread_ts is None]


def letter_text_of(blocks: list[dict[str, Any]]) -> str:
    """The letter's markup as messages show it: the inverse of the builder's text
    blocks (plain pieces re-escaped, word joiners removed)."""
    pieces = []
    for block in blocks:
        if not str(block.get("block_id", "")).startswith(TEXT_BLOCK_PREFIX):
            continue
        text = block["text"]
        if text["type"] == "mrkdwn":
            pieces.append(text["text"])
        else:
            pieces.append(escape(text["text"].replace("<\u2060", "<")))
    return "".join(pieces)


def posted_letter_markup(fake: FakeSlack, channel: str) -> str:
    """The letter's markup as `channel` shows it: channel message, then its thread."""
    (head,) = head_messages(fake, channel)
    thread = [m for m in fake.channel_messages(channel) if m.thread_ts == head.ts]
    return letter_text_of([block for message in (head, *thread) for block in message.blocks])


def posted_letter_text(fake: FakeSlack, channel: str) -> str:
    """The letter's text as a reader of `channel` reads it, in order."""
    return to_plain(posted_letter_markup(fake, channel))


def has_sign_on_button(message: Message) -> bool:
    return any(
        element.get("action_id") == SIGN_ON_ACTION
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    )


def all_text(message: Message) -> str:
    """Every string in a message, for checking what a reader could see."""
    found: list[str] = [message.text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(message.blocks)
    return "\n".join(found)


async def start_letter(
    slack: SlackDriver, fake: FakeSlack, *, user: str, channel: str, **answers: Any
) -> None:
    """Run /letter new and submit the form; waits until the organizer hears back."""
    opened_before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "new", user=user, channel=channel)
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > opened_before)
    view = fake.calls_to("views.open")[-1].args["view"]
    told_before = len(fake.ephemeral_to(user))
    reply = await slack.submit_view(view, form_values(**answers), user=user)
    assert reply.status == 200, reply.body
    await told(fake, user, since=told_before)


async def told(fake: FakeSlack, user: str, *, since: int) -> None:
    """Wait until `user` hears back privately (they had heard `since` things before): a
    letter is wholly posted, its thread too, before its organizer is told where."""
    await fake.wait_for(lambda: len(fake.ephemeral_to(user)) > since)


def coalition(fake: FakeSlack, *channels: str) -> None:
    """Channels the bot is a member of: the organizers' and the coalition's."""
    for channel in channels or ("CORGANIZING", "CCOALITION", "CSTATES"):
        fake.add_channel(channel, bot_member=True)


async def post_letter(
    slack: SlackDriver,
    fake: FakeSlack,
    *,
    channels: tuple[str, ...] = ("CCOALITION", "CSTATES"),
    **answers: Any,
) -> None:
    """Letter #1 as an organizer posts it from #organizing, led by LEAD."""
    defaults: dict[str, Any] = {
        "title": "Protect our communities",
        "body": "Dear Secretary,\n\nAct.",
        "leads": [LEAD],
    }
    await start_letter(
        slack,
        fake,
        user=ORGANIZER,
        channel="CORGANIZING",
        channels=list(channels),
        **{**defaults, **answers},
    )


async def ask(
    slack: SlackDriver,
    fake: FakeSlack,
    text: str,
    *,
    user: str = ORGANIZER,
    channel: str = "CCOALITION",
) -> dict[str, Any]:
    """Run /letter `text` and return the private answer sent to its response_url."""
    before = len(fake.responses)
    reply = await slack.command("/letter", text, user=user, channel=channel)
    assert reply.status == 200
    await fake.wait_for(lambda: len(fake.responses) > before)
    return fake.responses[-1]


async def export_with_form(
    slack: SlackDriver,
    fake: FakeSlack,
    text: str = "",
    *,
    user: str = ORGANIZER,
    channel: str = "CCOALITION",
    **changes: Any,
) -> str:
    """/letter export `text`, then the export form as it opened (or with `changes`, by
    block id); what the form says once the files are sent, or why not. An answer that
    comes instead of the form (a refusal) is returned as it is."""
    opened, answered = len(fake.calls_to("views.open")), len(fake.responses)
    reply = await slack.command("/letter", f"export {text}".strip(), user=user, channel=channel)
    assert reply.status == 200
    await fake.wait_for(
        lambda: len(fake.calls_to("views.open")) > opened or len(fake.responses) > answered
    )
    if len(fake.responses) > answered:
        return str(fake.responses[-1]["text"])
    form = fake.calls_to("views.open")[-1].args["view"]
    updated = len(fake.calls_to("views.update"))
    submitted = await slack.submit_view(form, as_submitted(form, **changes), user=user)
    assert submitted.status == 200 and submitted.json()["response_action"] == "update"
    await fake.wait_for(lambda: len(fake.calls_to("views.update")) > updated, within=30)
    view = fake.calls_to("views.update")[-1].args["view"]
    return " ".join(b["text"]["text"] for b in view["blocks"] if "text" in b)


async def signon(
    slack: SlackDriver,
    fake: FakeSlack,
    text: str,
    *,
    user: str = MEMBER,
    channel: str = "CCOALITION",
) -> str:
    """The private answer to /signon `text`: in the ack, as Slack shows it at once."""
    reply = await slack.command("/signon", text, user=user, channel=channel)
    assert reply.status == 200 and reply.body, "the answer belongs in the ack"
    if not reply.body.startswith("{"):
        return reply.body  # a bare-text ack: Slack shows it to the user alone
    answer = reply.json()
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    return str(answer["text"])


async def withdraw(
    slack: SlackDriver,
    fake: FakeSlack,
    ref: str = "",
    *,
    user: str = MEMBER,
    channel: str = "CCOALITION",
) -> str:
    """`/signon withdraw`, then Withdraw pressed under its question: what it says then
    (or, with nothing to withdraw, what /signon said)."""
    reply = await slack.command("/signon", f"withdraw {ref}".strip(), user=user, channel=channel)
    answer: dict[str, Any] = reply.json() if reply.body.startswith("{") else {"text": reply.body}
    button = next(
        (
            element
            for block in answer.get("blocks") or []
            if block["type"] == "actions"
            for element in block["elements"]
            if element["action_id"] == WITHDRAW_ACTION
        ),
        None,
    )
    if button is None:
        return str(answer["text"])
    before = len(fake.responses)
    await slack.press(WITHDRAW_ACTION, button["value"], user=user, channel=channel)
    await fake.wait_for(lambda: len(fake.responses) > before)
    return str(fake.responses[-1]["text"])


def as_edit(letter: Letter, **changes: Any) -> LetterEdit:
    """The letter as an edit that changes `changes` and keeps the rest."""
    fields = {
        "title": letter.title,
        "addressee": letter.addressee,
        "body": letter.body,
        "channels": letter.channels,
        "deadline": letter.deadline,
        "reminders": letter.reminders,
        "leads": letter.leads,
        "goal": letter.goal,
        "shown_reminders": letter.shown_reminders,
        "web_signons": letter.web_signons,
        "verification_rule": letter.verification_rule,
        "anyone_may_sign": letter.anyone_may_sign,
    }
    return LetterEdit(**{**fields, **changes})


def edit_values(letter: Letter, **answers: Any) -> EditFormValues:
    """The edit form as Slack sends it back, opened on `letter`, with `answers` given."""
    fields: dict[str, Any] = {
        "letter_id": letter.id,
        "deadline": int(letter.deadline.timestamp()),
        "reminders": format_reminders(letter.reminders, letter.shown_reminders),
        "leads": letter.leads,
        "goal": str(letter.goal) if letter.goal else None,
        "title": letter.title,
        "addressee": letter.addressee,
        "body": editable_text(letter.body),
        "channels": letter.channels,
        "version": letter.version,
    }
    return EditFormValues(**{**fields, **answers})


# Each input element's initial value, and the key its answer comes back under.
_ANSWERS = {
    "plain_text_input": ("initial_value", "value"),
    "email_text_input": ("initial_value", "value"),
    "number_input": ("initial_value", "value"),
    "datetimepicker": ("initial_date_time", "selected_date_time"),
    "multi_users_select": ("initial_users", "selected_users"),
    "multi_conversations_select": ("initial_conversations", "selected_conversations"),
    "radio_buttons": ("initial_option", "selected_option"),
    "static_select": ("initial_option", "selected_option"),
    "checkboxes": ("initial_options", "selected_options"),
}


def as_submitted(view: dict[str, Any], **changes: Any) -> dict[str, dict[str, Any]]:
    """view.state.values as Slack sends them when a person changes `changes` (by
    block id) and leaves every other input as the form showed it."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        initial, key = _ANSWERS[element["type"]]
        answer = changes.get(block["block_id"], element.get(initial))
        values[block["block_id"]] = {element["action_id"]: {"type": element["type"], key: answer}}
    return values
