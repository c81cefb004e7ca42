"""Buttons: Sign on under a posted letter; Merge and Keep both in the review queue;
Keep my signature and Withdraw when a signed letter's text changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.chase import (
    CHASE_OPT_OUT_ACTION,
    CHASE_SIGN_ON_ACTION,
    opted_out_text,
    read_chase_value,
)
from bot.blocks.letter import SIGN_ON_ACTION
from bot.blocks.problems import explain
from bot.blocks.review import (
    KEEP_ACTION,
    MERGE_ACTION,
    MERGE_AS_SECOND_ACTION,
    review_message,
)
from bot.blocks.signers import (
    ENTRY_BUTTON_ACTION,
    ENTRY_MENU_ACTION,
    SIGNERS_PAGE_ACTION,
    entry_form,
    read_menu_value,
    read_page_value,
    signers_page,
)
from bot.blocks.signon_form import build_signon_form
from bot.blocks.signon_replies import CHANGE_ENTRY_ACTION, withdrawn_text
from bot.blocks.text import read_id
from bot.blocks.versions import (
    KEEP_SIGNATURE_ACTION,
    WITHDRAW_SIGNATURE_ACTION,
    kept_text,
    read_keep_value,
    read_withdraw_value,
)
from bot.entries import Entries
from bot.members import Members
from bot.problems import LetterGone, NotALetterNumber, Problem, SignOnsClosed, Surface
from bot.refs import letter_number
from bot.reviews import Reviews
from bot.signons import SignOns
from bot.slack_ops import open_view

OUT_OF_DATE = "That button is out of date; run `/letter review` again."


def register(app: AsyncApp) -> None:
    app.action(SIGN_ON_ACTION)(sign_on_pressed)
    app.action(CHANGE_ENTRY_ACTION)(sign_on_pressed)
    app.action(MERGE_ACTION)(review_decided)
    app.action(MERGE_AS_SECOND_ACTION)(review_decided)
    app.action(KEEP_ACTION)(review_decided)
    app.action(ENTRY_MENU_ACTION)(entry_menu_chosen)
    app.action(ENTRY_BUTTON_ACTION)(entry_menu_chosen)
    app.action(SIGNERS_PAGE_ACTION)(signers_paged)
    app.action(f"{SIGNERS_PAGE_ACTION}_next")(signers_paged)
    app.action(KEEP_SIGNATURE_ACTION)(signature_kept)
    app.action(WITHDRAW_SIGNATURE_ACTION)(signature_withdrawn)
    app.action(re.compile(rf"^{CHASE_SIGN_ON_ACTION}_[0-9]+$"))(chase_sign_on_pressed)
    app.action(CHASE_OPT_OUT_ACTION)(chase_opted_out)


async def sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    signons: SignOns,
    entries: Entries,
) -> None:
    """Anyone in the channel, from this workspace or another (Slack Connect), gets the
    form (on their entry, to correct it, once they have signed); what went wrong goes
    back through the button's response_url, which reaches them wherever they are.
    `/signon status`'s Change my sign-on button comes here too."""
    await ack()
    channel = (body.get("channel") or {}).get("id") or ""
    try:
        number = letter_number(str(action.get("value", "")), surface=Surface.BUTTON)
        (letter,) = await signons.letters_for(number, channel=channel, surface=Surface.BUTTON)
        own = await entries.own(letter, user=body["user"]["id"])
        form = build_signon_form(
            letters=[letter],
            channel=channel,
            entry=own.signer if own else None,
            contact=own.contact if own else None,
        )
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="sign-on form")
    except Problem as problem:
        await respond(explain(problem), replace_original=False)


async def review_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    reviews: Reviews,
) -> None:
    """Merge or Keep both, pressed in the review queue."""
    await ack()
    review_id = read_id(action.get("value"))
    if review_id is None:
        await respond(OUT_OF_DATE, replace_original=False)
        return
    try:
        decided = await reviews.decide(
            review_id,
            merge=action.get("action_id") in {MERGE_ACTION, MERGE_AS_SECOND_ACTION},
            publish_second=action.get("action_id") == MERGE_AS_SECOND_ACTION,
            user=body["user"]["id"],
            now=datetime.now(UTC),
        )
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    message = review_message(
        decided.letter, decided.pairs, decision=decided.decision, kept_name=decided.kept_name
    )
    await respond(**message, replace_original=True)


async def signature_kept(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
) -> None:
    """Keep my signature, pressed in the DM about a new version: recorded, and the DM
    says so in place of its buttons."""
    await ack()
    found = read_keep_value(str(action.get("value", "")))
    try:
        if found is None:
            raise NotALetterNumber(str(action.get("value", "")), Surface.BUTTON)
        letter_id, version = found
        letter, kept = await signons.keep(letter_id, version=version, user=body["user"]["id"])
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    await respond(kept_text(letter, kept, version=version), replace_original=True)


async def signature_withdrawn(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
) -> None:
    """Withdraw, pressed (and confirmed) in the DM about a new version."""
    await ack()
    chosen = read_withdraw_value(str(action.get("value", "")))
    try:
        if chosen is None:
            raise NotALetterNumber(str(action.get("value", "")), Surface.BUTTON)
        letter = await signons.letter(chosen[0])
        withdrawn = await signons.withdraw(
            letter, user=body["user"]["id"], now=datetime.now(UTC), only=chosen[1]
        )
        count = await signons.count(letter)
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    await respond(withdrawn_text(letter, withdrawn, count=count), replace_original=True)


async def entry_menu_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    entries: Entries,
) -> None:
    """Edit, Withdraw (an entry's menu) or Restore (its button), chosen in
    `/letter signers`: the form for it."""
    await ack()
    picked = (action.get("selected_option") or {}).get("value") or action.get("value", "")
    chosen = read_menu_value(str(picked))
    if chosen is None:
        await respond(OUT_OF_DATE_SIGNERS, replace_original=False)
        return
    what, entry_id = chosen
    try:
        _, entry = await entries.entry(entry_id, user=body["user"]["id"])
        form = entry_form(entry, what)
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="signer form")
    except Problem as problem:
        await respond(explain(problem), replace_original=False)


async def signers_paged(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    entries: Entries,
) -> None:
    """Previous or Next in `/letter signers`: the page, in place of the one shown."""
    await ack()
    page = read_page_value(str(action.get("value", "")))
    if page is None:
        await respond(OUT_OF_DATE_SIGNERS, replace_original=False)
        return
    letter_id, offset, search = page
    try:
        letter, found = await entries.listing(letter_id, user=body["user"]["id"], search=search)
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    message = signers_page(letter, found, offset=offset, search=search)
    await respond(**message, replace_original=True)


OUT_OF_DATE_SIGNERS = "That menu is out of date; run `/letter signers` again."


async def chase_sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    signons: SignOns,
    entries: Entries,
    members: Members,
) -> None:
    """Sign on, pressed in a chase: the form, with their organization's name in it (or
    their entry, if they have signed since)."""
    await ack()
    found = read_chase_value(action.get("value"))
    try:
        if found is None:
            raise NotALetterNumber(str(action.get("value", "")), Surface.BUTTON)
        letter_id, member_id = found
        letter = await signons.letter(letter_id)
        if not letter.is_open:
            raise SignOnsClosed(letter)
        own = await entries.own(letter, user=body["user"]["id"])
        member = await members.member(member_id)
        form = build_signon_form(
            letters=[letter],
            channel=None,
            organization=member.name if member else "",
            entry=own.signer if own else None,
            contact=own.contact if own else None,
        )
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="sign-on form")
    except Problem as problem:
        await respond(explain(problem), replace_original=False)


async def chase_opted_out(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    members: Members,
) -> None:
    """Don't remind me about this letter: remembered, and the DM says so in place of
    its buttons."""
    await ack()
    letter_id = read_id(action.get("value"))
    letter = (
        await members.opt_out(letter_id, user=body["user"]["id"], now=datetime.now(UTC))
        if letter_id is not None
        else None
    )
    if letter is None:
        await respond(explain(LetterGone()), replace_original=False)
        return
    await respond(opted_out_text(letter), replace_original=True)
