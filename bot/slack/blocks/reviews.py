"""The review queue: pairs of entries that may be one organization, with Merge / Keep
both; and people whose sign-ons past a few organizations wait, with Approve / Withdraw
all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.language import gettext as _
from bot.rules.language import ngettext, number
from bot.rules.letters import Letter
from bot.rules.reviews import Hold, ReviewDecision, ReviewPair
from bot.rules.signons import Signer, is_slack_user
from bot.rules.verification import Verified
from bot.slack.blocks.text import (
    BUTTON_TEXT_MAX,
    OPTION_TEXT_MAX,
    Block,
    escape,
    fitted,
    inert,
    joined,
    mrkdwn,
    plain,
    read_id,
    slack_date,
    truncate,
)
from bot.slack.blocks.verification import verification_label

MERGE_ACTION = "review_merge"
# Merge too, publishing the second entry's name on the entry kept.
MERGE_AS_SECOND_ACTION = "review_merge_second"
KEEP_ACTION = "review_keep"
# Where the two sides differ in listing, a merge keeps the entry unlisted; this menu
# merges and lists it, under either name.
MERGE_LISTED_ACTION = "review_merge_listed"
APPROVE_HOLD_ACTION = "hold_approve"
WITHDRAW_HOLD_ACTION = "hold_withdraw_all"
COUNT_WAITING_ACTION = "waiting_count"
WITHDRAW_WAITING_ACTION = "waiting_withdraw"
# The organizations a held person's item names, before "and N more".
HELD_NAMES_TEXT_MAX = 1000
# Two entries share one section of 3,000 characters. Each gets half: its name and the
# other spellings it came in as, each cut short enough that even escaped five times
# over (a name of ampersands) they fit.
NAME_SHOWN_MAX = 120
# The fallback of a signing date, for a Slack client too old to show it in the reader's
# own timezone.
UTC_ZONE = ZoneInfo("UTC")
SPELLING_SHOWN_MAX = 80
SPELLINGS_TEXT_MAX = 800


def review_message(
    letter: Letter,
    pairs: list[ReviewPair],
    *,
    holds: list[Hold] | None = None,
    decision: ReviewDecision | None = None,
    kept_name: str | None = None,
    news: bool = False,
    verification: Mapping[int, Verified] | None = None,
    waiting: list[Signer] | None = None,
) -> dict[str, Any]:
    """The queue to decide (pairs of possible duplicates, people whose sign-ons wait,
    then entries waiting to be verified), after the note on the item just decided, if
    any; with `news`, as a lead is told that new items came in. `verification` is each
    entry's, with a roster."""
    holds = holds or []
    waiting = waiting or []
    verification = verification or {}
    title = escape(letter.title)
    intro = [decided_text(decision, kept_name)] if decision else []
    if news:
        intro.append(
            _(
                ":mag: New sign-ons to review on *{title}* (letter #{letter}). Until you "
                "decide, possible duplicates may make every count people quote too high, and "
                "held sign-ons aren't counted."
            ).format(title=title, letter=letter.id)
        )
    if not pairs and not holds and not waiting:
        intro.append(_("Nothing is waiting for review on *{title}*.").format(title=title))
        return {"text": "\n".join(intro)}
    items = []
    if pairs:
        items.append(
            ngettext(
                "*{count} possible duplicate* (each counts on its own)",
                "*{count} possible duplicates* (each counts on its own)",
                len(pairs),
            ).format(count=number(len(pairs)))
        )
    if holds:
        items.append(
            ngettext(
                "*{count} person* whose sign-ons wait for you (not counted yet)",
                "*{count} people* whose sign-ons wait for you (not counted yet)",
                len(holds),
            ).format(count=number(len(holds)))
        )
    if waiting:
        items.append(
            ngettext(
                "*{count} organization* waiting to be verified (not counted yet)",
                "*{count} organizations* waiting to be verified (not counted yet)",
                len(waiting),
            ).format(count=number(len(waiting)))
        )
    said = items[0]
    for item in items[1:]:
        said = _("{first} and {second}").format(first=said, second=item)
    intro.append(_("*{title}*: {items}.").format(title=title, items=said))
    blocks = fitted(
        [pair_blocks(pair, verification) for pair in pairs]
        + [hold_blocks(hold) for hold in holds]
        + [waiting_blocks(entry, verification.get(entry.id)) for entry in waiting],
        before=[{"type": "section", "text": mrkdwn("\n".join(intro))}],
        more=lambda more: {
            "type": "context",
            "elements": [plain(_("…and {count} more after these.").format(count=number(more)))],
        },
    )
    return {"text": _("Sign-ons to review on {title}").format(title=title), "blocks": blocks}


def pair_blocks(
    pair: ReviewPair, verification: Mapping[int, Verified] | None = None
) -> list[Block]:
    """A pair with its buttons, each side with its verification when known. Where one
    side asked not to be listed, the merge keeps the entry unlisted, and says so; a menu
    merges and lists it instead."""
    differ = pair.first.public != pair.second.public
    verification = verification or {}
    lines = [
        _describe(pair.first, verification.get(pair.first.id)),
        _describe(pair.second, verification.get(pair.second.id)),
    ]
    if differ:
        lines.append(_("_As one organization, it stays unlisted, as one of them asked._"))
    actions: list[Block] = [
        {
            "type": "button",
            "action_id": MERGE_ACTION,
            "style": "primary",
            "value": str(pair.id),
            "text": plain(
                truncate(
                    _("Same organization — list as “{name}”").format(name=inert(pair.first.name)),
                    BUTTON_TEXT_MAX,
                )
            ),
        },
        {
            "type": "button",
            "action_id": MERGE_AS_SECOND_ACTION,
            "value": str(pair.id),
            "text": plain(
                truncate(
                    _("Same — list as “{name}”").format(name=inert(pair.second.name)),
                    BUTTON_TEXT_MAX,
                )
            ),
        },
        {
            "type": "button",
            "action_id": KEEP_ACTION,
            "value": str(pair.id),
            "text": plain(_("Different organizations")),
        },
    ]
    if differ:
        actions.append(
            {
                "type": "overflow",
                "action_id": MERGE_LISTED_ACTION,
                "options": [
                    _option(
                        _("Same — list as “{name}”, publicly").format(name=inert(pair.first.name)),
                        f"first:{pair.id}",
                    ),
                    _option(
                        _("Same — list as “{name}”, publicly").format(name=inert(pair.second.name)),
                        f"second:{pair.id}",
                    ),
                ],
            }
        )
    return [
        {"type": "divider"},
        {"type": "section", "text": mrkdwn("\n".join(lines))},
        {"type": "actions", "elements": actions},
    ]


def read_listed_merge(value: object) -> tuple[int, bool] | None:
    """(pair id, whether the second entry's name is published) from the menu that
    merges and lists, or None if garbled."""
    if not isinstance(value, str):
        return None
    side, _colon, pair = value.partition(":")
    pair_id = read_id(pair)
    if side not in {"first", "second"} or pair_id is None:
        return None
    return pair_id, side == "second"


def hold_blocks(hold: Hold) -> list[Block]:
    """Someone who signed for more organizations than one person usually speaks for:
    what counts, what waits, and Approve / Withdraw all."""
    who = _held_person(hold)
    counted = joined(
        [f"“{escape(truncate(name, SPELLING_SHOWN_MAX))}”" for name in hold.counted],
        limit=HELD_NAMES_TEXT_MAX,
    )
    waiting = joined(
        [f"“{escape(truncate(held.name, SPELLING_SHOWN_MAX))}”" for held in hold.waiting],
        limit=HELD_NAMES_TEXT_MAX,
    )
    lines = [
        ngettext(
            "• {who} signed for *{count} organization*.",
            "• {who} signed for *{count} organizations*.",
            hold.organizations,
        ).format(who=who, count=number(hold.organizations))
    ]
    if counted:
        lines.append(_("Counted: {names}.").format(names=counted))
    lines.append(_("Waiting for you, not counted: {names}.").format(names=waiting))
    return [
        {"type": "divider"},
        {"type": "section", "text": mrkdwn("\n".join(lines))},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": APPROVE_HOLD_ACTION,
                    "style": "primary",
                    "value": str(hold.id),
                    "text": plain(_("Approve")),
                },
                {
                    "type": "button",
                    "action_id": WITHDRAW_HOLD_ACTION,
                    "style": "danger",
                    "value": str(hold.id),
                    "text": plain(_("Withdraw all")),
                    "confirm": {
                        "title": plain(_("Withdraw all?")),
                        "text": plain(
                            _(
                                "Every sign-on of theirs on this letter is taken back, counted "
                                "or waiting. It is kept in the audit trail."
                            )
                        ),
                        "confirm": plain(_("Withdraw all")),
                        "deny": plain(_("Cancel")),
                    },
                },
            ],
        },
    ]


def waiting_blocks(entry: Signer, verified: Verified | None) -> list[Block]:
    """An organization's sign-on waiting to be verified on a letter that holds them
    back: who signed it, why it waits, and Count it / Withdraw."""
    why = (
        _("its roster contacts are asked whether it signed")
        if verified is not None and verified.member is not None
        else _("not on the roster")
    )
    line = _("{entry} · _waiting to be verified_: {why}").format(entry=_describe(entry), why=why)
    return [
        {"type": "divider"},
        {"type": "section", "text": mrkdwn(line)},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": COUNT_WAITING_ACTION,
                    "style": "primary",
                    "value": str(entry.id),
                    "text": plain(_("Count it")),
                },
                {
                    "type": "button",
                    "action_id": WITHDRAW_WAITING_ACTION,
                    "style": "danger",
                    "value": str(entry.id),
                    "text": plain(_("Withdraw")),
                    "confirm": {
                        "title": plain(_("Withdraw it?")),
                        "text": plain(
                            _("It is taken out and not counted. It is kept in the audit trail.")
                        ),
                        "confirm": plain(_("Withdraw")),
                        "deny": plain(_("Cancel")),
                    },
                },
            ],
        },
    ]


def _held_person(hold: Hold) -> str:
    """Who is held: their name and Slack account; for someone who signed on the public
    page (an account Slack doesn't know, never to be mentioned), the name and email
    they gave."""
    name = f"*{escape(truncate(hold.person_name, NAME_SHOWN_MAX))}*" if hold.person_name else ""
    if is_slack_user(hold.user_id):
        mention = f"<@{hold.user_id}>"
        return f"{name} ({mention})" if name else mention
    email = escape(truncate(hold.email, NAME_SHOWN_MAX)) if hold.email else ""
    where = ", ".join(part for part in (email, _("on the web")) if part)
    who = name or _("Someone")
    return f"{who} ({where})"


def _option(text: str, value: str) -> Block:
    return {"text": plain(truncate(text, OPTION_TEXT_MAX)), "value": value}


def _describe(signer: Signer, verified: Verified | None = None) -> str:
    """One side of a pair, as an organizer decides it: the name (and other spellings),
    who signed it and when, where from, whether it is listed, and its verification."""
    spellings = [
        f"“{escape(truncate(spelling, SPELLING_SHOWN_MAX))}”"
        for spelling in signer.submitted_as
        if spelling != signer.name
    ]
    also = (
        " " + _("(also {names})").format(names=joined(spellings, limit=SPELLINGS_TEXT_MAX))
        if spellings
        else ""
    )
    name = escape(truncate(signer.name, NAME_SHOWN_MAX))
    details = [_signed_by(signer)]
    place = ", ".join(
        escape(truncate(part, NAME_SHOWN_MAX)) for part in (signer.city, signer.state) if part
    )
    if place:
        details.append(place)
    details.append(_("listed") if signer.public else _("*asked not to be listed*"))
    if verified:
        details.append(verification_label(verified))
    return f"• *{name}*{also}\n      " + " · ".join(details)


def _signed_by(signer: Signer) -> str:
    """ "signed by Ana Pérez, Director (@ana) on Nov 3, and 2 others"."""
    first = signer.contacts[0] if signer.contacts else None
    when = slack_date(signer.signed_at, zone=UTC_ZONE, token="{date_short}")
    if first is None:
        return _("signed {when}").format(when=when)
    who = [escape(truncate(first.person_name, NAME_SHOWN_MAX))] if first.person_name else []
    if first.title:
        who.append(escape(truncate(first.title, NAME_SHOWN_MAX)))
    mention = f"<@{first.slack_user}>" if first.slack_user else ""
    named = ", ".join(who)
    by = f"{named} ({mention})" if named and mention else named or mention or _("someone")
    others = len(signer.contacts) - 1
    if not others:
        return _("signed by {who} on {when}").format(who=by, when=when)
    return ngettext(
        "signed by {who} on {when}, and {count} other",
        "signed by {who} on {when}, and {count} others",
        others,
    ).format(who=by, when=when, count=number(others))


def decided_text(decision: ReviewDecision | None, kept_name: str | None) -> str:
    """What became of the item just decided."""
    name = escape(kept_name or "")
    if decision is ReviewDecision.MERGED:
        return _("One organization now, listed as *{name}*.").format(name=name)
    if decision is ReviewDecision.KEPT:
        return _("Two organizations; that pair won't be suggested again.")
    if decision is ReviewDecision.APPROVED:
        return _("Approved: their sign-ons count, and so will any they make on this letter.")
    if decision is ReviewDecision.WITHDRAWN_ALL:
        return _("Withdrawn: every sign-on of theirs on this letter is taken back.")
    if decision is ReviewDecision.COUNTED:
        return _("Counted: *{name}* is in the list now.").format(name=name)
    if decision is ReviewDecision.WITHDRAWN:
        return _("Withdrawn: *{name}* is not counted.").format(name=name)
    return _("That was already decided, or has been withdrawn since.")
