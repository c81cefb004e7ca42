"""The coalition's roster: `/letter roster` and its upload, `/letter missing` with It's
them / Not them, `/letter chase`, and a chase's Sign on and Don't remind me."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.language import N_, gettext
from bot.rules.problems import LetterGone, Problem, SignOnsClosed
from bot.services.entries import Entries
from bot.services.home import HomeTabs
from bot.services.roster import Chase, Members
from bot.services.signons import SignOns
from bot.services.workspace import Workspace
from bot.slack.blocks.chase import (
    CHASE_OPT_OUT_ACTION,
    CHASE_SIGN_ON_ACTION,
    opted_out_text,
    read_chase_value,
)
from bot.slack.blocks.home import HOME_MISSING_ACTION
from bot.slack.blocks.problems import explain
from bot.slack.blocks.replies import problem_view
from bot.slack.blocks.roster import (
    CHASE_MEMBERS_ACTION,
    LOADING_ROSTER,
    OTHER_MEMBER_ACTION,
    ROSTER_CALLBACK_ID,
    ROSTER_TITLE,
    SAME_MEMBER_ACTION,
    chase_report,
    missing_message,
    read_match_value,
    read_roster_files,
    roster_form,
    roster_report,
)
from bot.slack.blocks.signon_form import build_signon_form
from bot.slack.blocks.text import read_id
from bot.slack.messages import send_dm, tell_privately
from bot.slack.views import open_view, update_view
from handlers.answers import Subcommand, read, tell

# While a roster's emails are looked up, the form shows how far it has got this often.
PROGRESS_SECONDS = 5.0


def register(app: AsyncApp) -> None:
    app.action(re.compile(rf"^{CHASE_SIGN_ON_ACTION}_[0-9]+$"))(chase_sign_on_pressed)
    app.action(CHASE_OPT_OUT_ACTION)(chase_opted_out)
    app.action(CHASE_MEMBERS_ACTION)(chase_pressed)
    app.action(HOME_MISSING_ACTION)(home_missing_pressed)
    app.action(SAME_MEMBER_ACTION)(member_match_decided)
    app.action(OTHER_MEMBER_ACTION)(member_match_decided)
    app.view_submission(ROSTER_CALLBACK_ID)(roster_submitted)


async def roster(
    *, command: dict[str, Any], workspace: Workspace, members: Members, **_: Any
) -> None:
    found, unresolved = await members.roster(workspace, user=command["user_id"])
    form = roster_form(found, unresolved=unresolved)
    await open_view(
        workspace.slack, trigger_id=command["trigger_id"], view=form, what=N_("roster form")
    )


async def missing(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    members: Members,
    workspace: Workspace,
    **_: Any,
) -> None:
    letter, found = await members.missing(
        workspace, rest, user=command["user_id"], channel=command["channel_id"]
    )
    await respond(**missing_message(letter, found))


async def chase(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    members: Members,
    workspace: Workspace,
    **_: Any,
) -> None:
    found = await members.chase(
        workspace,
        rest,
        user=command["user_id"],
        channel=command["channel_id"],
        now=datetime.now(UTC),
    )
    await respond(_report(found, workspace))


def _report(found: Chase, workspace: Workspace) -> str:
    """What a chase asked for did, and when the others can be chased again."""
    return chase_report(
        found.letter,
        found.standings,
        planned=found.planned,
        again=found.again,
        zone=workspace.zone,
    )


SUBCOMMANDS: dict[str, Subcommand] = {"roster": roster, "missing": missing, "chase": chase}


async def home_missing_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    members: Members,
    workspace: Workspace,
) -> None:
    """See missing, pressed on the Home: `/letter missing`, by DM (with It's them and Not
    them for the matches a person should judge)."""
    await ack()
    user = body["user"]["id"]
    letter, found = await members.missing(
        workspace, str(read(action, read_id)), user=user, channel=""
    )
    await send_dm(workspace.slack, user=user, message=missing_message(letter, found))


async def chase_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    members: Members,
    workspace: Workspace,
    home: HomeTabs,
) -> None:
    """Chase, pressed under a lead's tally or on the Home: as `/letter chase N`, its
    report beside the tally, or at the top of the Home."""
    await ack()
    found = await members.chase(
        workspace,
        str(read(action, read_id)),
        user=body["user"]["id"],
        channel="",
        now=datetime.now(UTC),
    )
    await tell(workspace, body, respond, home, _report(found, workspace))


async def chase_sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    signons: SignOns,
    entries: Entries,
    members: Members,
) -> None:
    """Sign on, pressed in a chase: the form, with their organization's name in it (or
    their entry, if they have signed since)."""
    await ack()
    letter_id, member_id = read(action, read_chase_value)
    user = body["user"]["id"]
    letter = await signons.letter(workspace, letter_id, user=user)
    if not letter.is_open:
        raise SignOnsClosed(letter)
    # The button names one of the presser's own members, or it isn't theirs.
    member = await members.contact_of(member_id, user=user)
    own = await entries.own(workspace, letter, user=user)
    form = build_signon_form(letters=[letter], channel=None, organization=member.name, own=own)
    await open_view(
        workspace.slack, trigger_id=body["trigger_id"], view=form, what=N_("sign-on form")
    )


async def chase_opted_out(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    members: Members,
    workspace: Workspace,
) -> None:
    """Don't remind me about this letter: remembered, and the DM says so in place of
    its buttons."""
    await ack()
    letter_id = read(action, read_id)
    letter = await members.opt_out(
        workspace, letter_id, user=body["user"]["id"], now=datetime.now(UTC)
    )
    if letter is None:
        raise LetterGone
    await respond(opted_out_text(letter), replace_original=True)


async def member_match_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    members: Members,
    workspace: Workspace,
) -> None:
    """It's them / Not them, pressed under `/letter missing`: the answer is kept, and the
    list is shown again as it now stands."""
    await ack()
    letter_id, member_id, entry_id = read(action, read_match_value)
    letter, standings = await members.decide(
        workspace,
        letter_id,
        member_id,
        entry_id,
        same=action.get("action_id") == SAME_MEMBER_ACTION,
        user=body["user"]["id"],
        now=datetime.now(UTC),
    )
    await respond(**missing_message(letter, standings), replace_original=True)


async def roster_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    members: Members,
) -> None:
    """Reading a roster takes longer than Slack waits for an answer, and looking its new
    emails up in Slack (within the method's rate tier) can take minutes: the form says
    so at once, shows the roster loaded and the lookups' progress, and the whole report
    comes by DM once they are done (the form may have been closed by then)."""
    files = read_roster_files(view["state"]["values"])
    user = body["user"]["id"]

    async def show(text: str) -> None:
        await update_view(
            workspace.slack, view_id=view["id"], view=problem_view(text, title=ROSTER_TITLE)
        )

    await ack(
        response_action="update", view=problem_view(gettext(LOADING_ROSTER), title=ROSTER_TITLE)
    )
    try:
        result, total = await members.load(workspace, files, user=user, now=datetime.now(UTC))
    except Problem as problem:
        await show(explain(problem))
        return
    await show(roster_report(result, total=total))
    if not result.to_look_up:
        return
    shown = time.monotonic()

    async def progress(done: int, of: int) -> None:
        nonlocal shown
        if done < of and time.monotonic() - shown >= PROGRESS_SECONDS:
            shown = time.monotonic()
            await show(roster_report(result, total=total, looked_up=done))

    lookup = await members.look_up(workspace, result.to_look_up, progress=progress)
    report = roster_report(result, total=total, lookup=lookup)
    await show(report)
    await tell_privately(workspace.slack, user=user, channel=None, text=report)
