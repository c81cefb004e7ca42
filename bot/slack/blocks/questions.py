""" "Did your organization sign?": the DM to a roster member's contact with its two
buttons, what the DM becomes once answered, and the notices of a No to the letter's
leads and to the entry's signer (who is told the outcome, never who was asked)."""

from __future__ import annotations

from typing import Any

from bot.rules.language import current
from bot.rules.language import gettext as _
from bot.rules.letters import Letter
from bot.rules.verification import Answer, Asked, Disowned
from bot.slack.blocks.text import (
    NOTIFICATION_TEXT_MAX,
    SECTION_TEXT_MAX,
    escape,
    inert,
    mrkdwn,
    plain,
    truncate,
)

QUESTION_YES_ACTION = "question_yes"
QUESTION_NO_ACTION = "question_no"
# Names as shown in one sentence of a question or a notice.
NAME_SHOWN_MAX = 200


def question_message(asked: Asked) -> dict[str, Any]:
    """The question, with **Yes, we signed** and **No, we didn't** (which asks first)."""
    letter, member = _title(asked.letter), _name(asked.member)
    title = asked.letter.text_in(current()).title
    value = str(asked.question_id)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(_asking(asked, letter=letter, member=member))},
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    _(
                        "You're a contact for {member} in the coalition's roster, so the "
                        "letter's organizers check with you. If your organization didn't sign, "
                        "the signature is withdrawn and the organizers are told."
                    ).format(member=member)
                )
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": QUESTION_YES_ACTION,
                    "text": plain(_("Yes, we signed")),
                    "style": "primary",
                    "value": value,
                },
                {
                    "type": "button",
                    "action_id": QUESTION_NO_ACTION,
                    "text": plain(_("No, we didn't")),
                    "style": "danger",
                    "value": value,
                    "confirm": {
                        "title": plain(_("Withdraw the signature?")),
                        "text": plain(
                            truncate(
                                inert(
                                    _(
                                        "{member} didn't sign “{letter}”: the signature is "
                                        "withdrawn and the organizers are told."
                                    ).format(member=asked.member, letter=title)
                                ),
                                300,
                            )
                        ),
                        "confirm": plain(_("We didn't sign")),
                        "deny": plain(_("Go back")),
                    },
                },
            ],
        },
    ]
    fallback = _("Did {member} sign {letter}?").format(member=asked.member, letter=title)
    return {"text": escape(truncate(fallback, NOTIFICATION_TEXT_MAX)), "blocks": blocks}


def _asking(asked: Asked, *, letter: str, member: str) -> str:
    """'Someone signed *the letter* for *the member* as *who*. Did your organization sign?'"""
    if not asked.signer:
        said = _(
            "Someone signed *{letter}* for *{member}* as someone who gave no name. "
            "Did your organization sign?"
        )
    elif asked.title:
        said = _(
            "Someone signed *{letter}* for *{member}* as *{name}*, {title}. "
            "Did your organization sign?"
        )
    else:
        said = _(
            "Someone signed *{letter}* for *{member}* as *{name}*. Did your organization sign?"
        )
    return said.format(
        letter=letter,
        member=member,
        name=escape(truncate(asked.signer or "", NAME_SHOWN_MAX)),
        title=escape(truncate(asked.title or "", NAME_SHOWN_MAX)),
    )


def answered_text(asked: Asked, answer: Answer, *, earlier: Answer | None = None) -> str:
    """What the question becomes once answered: `earlier` when a colleague answered
    first (theirs stands)."""
    letter, member = _title(asked.letter), _name(asked.member)
    if earlier is Answer.YES:
        said = _(
            "Another contact for *{member}* answered first: its signature on *{letter}* "
            "is confirmed. If that's wrong, tell the letter's organizers."
        )
    elif earlier is not None:
        said = _(
            "Another contact for *{member}* answered first: its signature on *{letter}* "
            "is withdrawn. If that's wrong, tell the letter's organizers."
        )
    elif answer is Answer.YES:
        said = _(":white_check_mark: Thanks. *{member}*'s signature on *{letter}* is confirmed.")
    else:
        said = _(
            "Thanks. *{member}*'s signature on *{letter}* is withdrawn and no longer counts; "
            "the letter's organizers are told."
        )
    return said.format(member=member, letter=letter)


def disowned_lead_message(disowned: Disowned) -> dict[str, Any]:
    """To a lead: which entry an organization said it didn't sign, who said so, and
    that it stays out of the count unless an organizer restores it."""
    letter, member = _title(disowned.letter), _name(disowned.member)
    by = f"<@{disowned.by}>" if not disowned.by_email else escape(disowned.by)
    if disowned.signer:
        said = _(
            ":no_entry: *{member}* says it didn't sign *{letter}*: {by}, its roster contact, "
            "answered No about the signature made by {signer}."
        )
    else:
        said = _(
            ":no_entry: *{member}* says it didn't sign *{letter}*: {by}, its roster contact, "
            "answered No about its signature."
        )
    sentences = [
        said.format(
            member=member,
            letter=letter,
            by=by,
            signer=escape(truncate(disowned.signer or "", NAME_SHOWN_MAX)),
        ),
        _("It is withdrawn and no longer counted."),
    ]
    if disowned.again:
        sentences.append(
            _("It had said so of an earlier signature, so this one was withdrawn without asking.")
        )
    sentences.append(_("If it should count, restore it from `/letter signers`."))
    fallback = _("{member} says it didn't sign {letter}").format(
        member=disowned.member, letter=disowned.letter.text_in(current()).title
    )
    return {
        "text": escape(truncate(fallback, NOTIFICATION_TEXT_MAX)),
        "blocks": [
            {"type": "section", "text": mrkdwn(truncate(" ".join(sentences), SECTION_TEXT_MAX))}
        ],
    }


def disowned_signer_text(disowned: Disowned) -> str:
    """To the entry's signer: the outcome, and whom to ask (never who answered)."""
    letter, entry = _title(disowned.letter), escape(truncate(disowned.entry, NAME_SHOWN_MAX))
    leads = ", ".join(f"<@{lead}>" for lead in disowned.letter.leads) or (
        f"<@{disowned.letter.created_by}>"
    )
    return _(
        "Your signature for *{entry}* on *{letter}* was withdrawn: checking with the "
        "organization, the letter's organizers learned it didn't sign. If that's a "
        "mistake, ask {leads}."
    ).format(entry=entry, letter=letter, leads=leads)


def _title(letter: Letter) -> str:
    """The letter's title as its reader reads it, escaped and cut to fit a sentence."""
    return escape(truncate(letter.text_in(current()).title, NAME_SHOWN_MAX))


def _name(name: str) -> str:
    return escape(truncate(name, NAME_SHOWN_MAX))
