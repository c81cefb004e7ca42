"""A letter's entries, for its organizers: `/letter signers`, a page's Previous and
Next, each entry's Edit…, Withdraw… and Restore…, and the form each opens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.rules.language import N_
from bot.rules.problems import EntryGone
from bot.rules.signons import Signer
from bot.services.entries import Entries
from bot.services.workspace import Workspace
from bot.slack.blocks.entries import (
    ENTRY_BUTTON_ACTION,
    ENTRY_CALLBACK_ID,
    ENTRY_MENU_ACTION,
    SIGNERS_PAGE_ACTION,
    EntryAction,
    entry_changed_text,
    entry_form,
    read_entry_form,
    read_menu_value,
    read_page_value,
    signers_page,
)
from bot.slack.blocks.replies import problem_view
from bot.slack.views import open_view
from handlers.answers import Subcommand, checked, read

TITLE = N_("Signers")


def register(app: AsyncApp) -> None:
    app.action(ENTRY_MENU_ACTION)(entry_menu_chosen)
    app.action(ENTRY_BUTTON_ACTION)(entry_menu_chosen)
    app.action(SIGNERS_PAGE_ACTION)(signers_paged)
    app.action(f"{SIGNERS_PAGE_ACTION}_next")(signers_paged)
    app.view_submission(ENTRY_CALLBACK_ID)(entry_form_submitted)


async def signers(
    *,
    command: dict[str, Any],
    rest: str,
    respond: AsyncRespond,
    entries: Entries,
    workspace: Workspace,
    **_: Any,
) -> None:
    listing = await entries.signers_of(
        workspace,
        rest,
        user=command["user_id"],
        channel=command["channel_id"],
        now=datetime.now(UTC),
    )
    await respond(
        **signers_page(
            listing.letter,
            listing.entries,
            search=listing.search,
            verification=listing.verification,
        )
    )


SUBCOMMANDS: dict[str, Subcommand] = {"signers": signers}


async def entry_menu_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    workspace: Workspace,
    entries: Entries,
) -> None:
    """Edit, Withdraw (an entry's menu) or Restore (its button), chosen in
    `/letter signers`: the form for it."""
    await ack()
    what, entry_id = read(action, read_menu_value)
    _, entry = await entries.entry(workspace, entry_id, user=body["user"]["id"])
    form = entry_form(entry, what)
    await open_view(
        workspace.slack, trigger_id=body["trigger_id"], view=form, what=N_("signer form")
    )


async def signers_paged(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    entries: Entries,
    workspace: Workspace,
) -> None:
    """Previous or Next in `/letter signers`: the page, in place of the one shown."""
    await ack()
    letter_id, offset, search = read(action, read_page_value)
    listing = await entries.listing(
        workspace, letter_id, user=body["user"]["id"], search=search, now=datetime.now(UTC)
    )
    message = signers_page(
        listing.letter,
        listing.entries,
        offset=offset,
        search=search,
        verification=listing.verification,
    )
    await respond(**message, replace_original=True)


async def entry_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    entries: Entries,
    workspace: Workspace,
) -> None:
    """An organizer's edit, withdrawal or restoral of an entry, with its reason."""
    user = body["user"]["id"]
    values = read_entry_form(view, user=user)
    now = datetime.now(UTC)

    async def change() -> Signer:
        if values.entry_id is None:
            raise EntryGone
        if values.action == EntryAction.EDIT:
            return await entries.edit(
                workspace,
                values.entry_id,
                values.submission,
                user=user,
                now=now,
                reason=values.reason,
            )
        if values.action == EntryAction.WITHDRAW:
            return await entries.withdraw(
                workspace, values.entry_id, user=user, now=now, reason=values.reason
            )
        return await entries.restore(
            workspace, values.entry_id, user=user, now=now, reason=values.reason
        )

    entry = await checked(
        ack, change, shown=lambda text: problem_view(text, title=TITLE), signon=True
    )
    if entry is None:
        return
    text = entry_changed_text(entry, values.action)
    await ack(response_action="update", view=problem_view(text, title=TITLE))
