"""Buttons: Sign on under a posted letter; Merge and Keep both in the review queue;
Keep my signature and Withdraw when a signed letter's text changed; a chase's Sign on
and Don't remind me; It's them / Not them under `/letter missing`; the App Home's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rules.problems import (
    LetterGone,
    NotALetterNumber,
    PairDecided,
    Problem,
    SignOnsClosed,
    Surface,
)
from bot.services.entries import Entries
from bot.services.exports import Exports
from bot.services.home import HomeTabs
from bot.services.letters import Letters
from bot.services.refs import letter_number
from bot.services.reviews import Reviews
from bot.services.roster import Members
from bot.services.signons import SignOns
from bot.settings import Settings
from bot.slack.blocks.chase import (
    CHASE_OPT_OUT_ACTION,
    CHASE_SIGN_ON_ACTION,
    opted_out_text,
    read_chase_value,
)
from bot.slack.blocks.home import (
    HOME_EXPORT_ACTION,
    HOME_EXTEND_ACTION,
    HOME_REVIEW_ACTION,
    HOME_SIGN_ON_ACTION,
    HOME_WITHDRAW_ACTION,
    extend_form,
)
from bot.slack.blocks.letter import SIGN_ON_ACTION
from bot.slack.blocks.problems import explain
from bot.slack.blocks.replies import export_sent
from bot.slack.blocks.review import (
    APPROVE_HOLD_ACTION,
    KEEP_ACTION,
    MERGE_ACTION,
    MERGE_AS_SECOND_ACTION,
    MERGE_LISTED_ACTION,
    WITHDRAW_HOLD_ACTION,
    decided_text,
    read_listed_merge,
    review_message,
)
from bot.slack.blocks.roster import (
    OTHER_MEMBER_ACTION,
    SAME_MEMBER_ACTION,
    missing_message,
    read_match_value,
)
from bot.slack.blocks.signers import (
    ENTRY_BUTTON_ACTION,
    ENTRY_MENU_ACTION,
    SIGNERS_PAGE_ACTION,
    entry_form,
    read_menu_value,
    read_page_value,
    signers_page,
)
from bot.slack.blocks.signon_form import build_signon_form
from bot.slack.blocks.signon_replies import CHANGE_ENTRY_ACTION, withdrawn_text
from bot.slack.blocks.text import read_id
from bot.slack.blocks.versions import (
    KEEP_SIGNATURE_ACTION,
    WITHDRAW_SIGNATURE_ACTION,
    kept_text,
    read_keep_value,
    read_withdraw_value,
)
from bot.slack.messages import send_dm
from bot.slack.views import open_view

OUT_OF_DATE = "That button is out of date; run `/letter review` again."


def register(app: AsyncApp) -> None:
    app.action(SIGN_ON_ACTION)(sign_on_pressed)
    app.action(CHANGE_ENTRY_ACTION)(sign_on_pressed)
    app.action(MERGE_ACTION)(review_decided)
    app.action(MERGE_AS_SECOND_ACTION)(review_decided)
    app.action(KEEP_ACTION)(review_decided)
    app.action(MERGE_LISTED_ACTION)(review_decided)
    app.action(APPROVE_HOLD_ACTION)(review_decided)
    app.action(WITHDRAW_HOLD_ACTION)(review_decided)
    app.action(ENTRY_MENU_ACTION)(entry_menu_chosen)
    app.action(ENTRY_BUTTON_ACTION)(entry_menu_chosen)
    app.action(SIGNERS_PAGE_ACTION)(signers_paged)
    app.action(f"{SIGNERS_PAGE_ACTION}_next")(signers_paged)
    app.action(KEEP_SIGNATURE_ACTION)(signature_kept)
    app.action(WITHDRAW_SIGNATURE_ACTION)(signature_withdrawn)
    app.action(re.compile(rf"^{CHASE_SIGN_ON_ACTION}_[0-9]+$"))(chase_sign_on_pressed)
    app.action(CHASE_OPT_OUT_ACTION)(chase_opted_out)
    app.action(SAME_MEMBER_ACTION)(member_match_decided)
    app.action(OTHER_MEMBER_ACTION)(member_match_decided)
    app.action(HOME_SIGN_ON_ACTION)(sign_on_pressed)
    app.action(HOME_WITHDRAW_ACTION)(home_withdraw_pressed)
    app.action(HOME_EXPORT_ACTION)(home_export_pressed)
    app.action(HOME_EXTEND_ACTION)(home_extend_pressed)
    app.action(HOME_REVIEW_ACTION)(home_review_pressed)


async def sign_on_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    signons: SignOns,
    entries: Entries,
    home: HomeTabs,
) -> None:
    """Anyone in the channel, from this workspace or another (Slack Connect), gets the
    form (on their entry, to correct it, once they have signed); what went wrong goes
    back through the button's response_url, which reaches them wherever they are.
    `/signon status`'s Change my sign-on button and the App Home's Sign on and Edit
    come here too (what goes wrong there is shown on the Home)."""
    await ack()
    channel = (body.get("channel") or {}).get("id") or ""
    try:
        user = body["user"]["id"]
        number = letter_number(str(action.get("value", "")), surface=Surface.BUTTON)
        (letter,) = await signons.letters_for(
            number, user=user, channel=channel, surface=Surface.BUTTON
        )
        own = await entries.own(letter, user=user)
        form = build_signon_form(letters=[letter], channel=channel, own=own)
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="sign-on form")
    except Problem as problem:
        await _answer(body, respond, home, explain(problem))


async def review_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    reviews: Reviews,
    home: HomeTabs,
) -> None:
    """An item of the review queue decided: Merge (as either name, or listed, from the
    menu), Keep both, Approve or Withdraw all; pressed in a message, or on the Home,
    which is published again with the decision."""
    await ack()
    action_id = action.get("action_id")
    value = (action.get("selected_option") or {}).get("value") or action.get("value")
    user, now = body["user"]["id"], datetime.now(UTC)
    try:
        if action_id == MERGE_LISTED_ACTION:
            listed = read_listed_merge(value)
            if listed is None:
                raise PairDecided
            decided = await reviews.decide(
                listed[0], merge=True, publish_second=listed[1], listed=True, user=user, now=now
            )
        elif (item := read_id(value)) is None:
            await _answer(body, respond, home, OUT_OF_DATE)
            return
        elif action_id == APPROVE_HOLD_ACTION:
            decided = await reviews.approve(item, user=user, now=now)
        elif action_id == WITHDRAW_HOLD_ACTION:
            decided = await reviews.withdraw_all(item, user=user, now=now)
        else:
            decided = await reviews.decide(
                item,
                merge=action_id in {MERGE_ACTION, MERGE_AS_SECOND_ACTION},
                publish_second=action_id == MERGE_AS_SECOND_ACTION,
                user=user,
                now=now,
            )
    except Problem as problem:
        await _answer(body, respond, home, explain(problem))
        return
    if _from_home(body):
        await _answer(body, respond, home, decided_text(decided.decision, decided.kept_name))
        return
    message = review_message(
        decided.letter,
        decided.pairs,
        holds=decided.holds,
        decision=decided.decision,
        kept_name=decided.kept_name,
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
        user = body["user"]["id"]
        letter = await signons.letter(chosen[0], user=user)
        withdrawn = await signons.withdraw(letter, user=user, now=datetime.now(UTC), only=chosen[1])
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
        user = body["user"]["id"]
        letter = await signons.letter(letter_id, user=user)
        if not letter.is_open:
            raise SignOnsClosed(letter)
        # The button names one of the presser's own members, or it isn't theirs.
        member = await members.contact_of(member_id, user=user)
        own = await entries.own(letter, user=user)
        form = build_signon_form(letters=[letter], channel=None, organization=member.name, own=own)
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


async def member_match_decided(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    members: Members,
) -> None:
    """It's them / Not them, pressed under `/letter missing`: the answer is kept, and the
    list is shown again as it now stands."""
    await ack()
    found = read_match_value(action.get("value"))
    try:
        if found is None:
            raise NotALetterNumber(str(action.get("value", "")), Surface.BUTTON)
        letter_id, member_id, entry_id = found
        letter, standings = await members.decide(
            letter_id,
            member_id,
            entry_id,
            same=action.get("action_id") == SAME_MEMBER_ACTION,
            user=body["user"]["id"],
            now=datetime.now(UTC),
        )
    except Problem as problem:
        await respond(explain(problem), replace_original=False)
        return
    await respond(**missing_message(letter, standings), replace_original=True)


async def home_withdraw_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    signons: SignOns,
    home: HomeTabs,
) -> None:
    """Withdraw, pressed (and confirmed) on the App Home."""
    await ack()
    user = body["user"]["id"]
    try:
        letter = await signons.letter(
            letter_number(str(action.get("value", "")), surface=Surface.BUTTON), user=user
        )
        withdrawn = await signons.withdraw(letter, user=user, now=datetime.now(UTC))
        text = withdrawn_text(letter, withdrawn, count=await signons.count(letter))
    except Problem as problem:
        text = explain(problem)
    await _answer(body, respond, home, text)


async def home_export_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    exports: Exports,
    home: HomeTabs,
) -> None:
    """Export, pressed on the App Home: the files come by DM, as `/letter export`'s do."""
    await ack()
    try:
        sent = await exports.send(read_id(action.get("value")), user=body["user"]["id"])
        text = export_sent(sent.signers)
    except Problem as problem:
        text = explain(problem)
    await _answer(body, respond, home, text)


async def home_extend_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    letters: Letters,
    home: HomeTabs,
    settings: Settings,
) -> None:
    """Extend…, pressed on the App Home: a form for the new deadline."""
    await ack()
    try:
        letter = await letters.managed(str(action.get("value", "")), user=body["user"]["id"])
        form = extend_form(letter, zone=settings.timezone)
        await open_view(client, trigger_id=body["trigger_id"], view=form, what="extend form")
    except Problem as problem:
        await _answer(body, respond, home, explain(problem))


async def home_review_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    reviews: Reviews,
    home: HomeTabs,
) -> None:
    """Review all, pressed on the App Home: the whole queue by DM."""
    await ack()
    user = body["user"]["id"]
    try:
        found = await reviews.queue(str(action.get("value", "")), user=user, channel="")
        message = review_message(found.letter, found.pairs, holds=found.holds)
        await send_dm(client, user=user, message=message)
    except Problem as problem:
        await _answer(body, respond, home, explain(problem))


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


async def _answer(body: dict[str, Any], respond: AsyncRespond, home: HomeTabs, text: str) -> None:
    """Tell the person who pressed a button: on their Home when it was pressed there
    (a Home has no response_url), else beside the message."""
    if _from_home(body):
        await home.show(body["user"]["id"], now=datetime.now(UTC), notice=text)
    else:
        await respond(text, replace_original=False)
