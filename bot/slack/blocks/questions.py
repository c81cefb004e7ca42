""" "Did your organization sign?": the DM to a roster member's contact with its two
buttons, what the DM becomes once answered, and the notices of a No to the letter's
leads and to the entry's signer (who is told the outcome, never who was asked)."""

from __future__ import annotations

from typing import Any

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
    value = str(asked.question_id)
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": mrkdwn(
                f"Someone signed *{letter}* for *{member}* as {_who(asked)}. "
                "Did your organization sign?"
            ),
        },
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    f"You're a contact for {member} in the coalition's roster, so the "
                    "letter's organizers check with you. If your organization didn't sign, "
                    "the signature is withdrawn and the organizers are told."
                )
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": QUESTION_YES_ACTION,
                    "text": plain("Yes, we signed"),
                    "style": "primary",
                    "value": value,
                },
                {
                    "type": "button",
                    "action_id": QUESTION_NO_ACTION,
                    "text": plain("No, we didn't"),
                    "style": "danger",
                    "value": value,
                    "confirm": {
                        "title": plain("Withdraw the signature?"),
                        "text": plain(
                            truncate(
                                inert(
                                    f"{asked.member} didn't sign “{asked.letter.title}”: the "
                                    "signature is withdrawn and the organizers are told."
                                ),
                                300,
                            )
                        ),
                        "confirm": plain("We didn't sign"),
                        "deny": plain("Go back"),
                    },
                },
            ],
        },
    ]
    fallback = f"Did {asked.member} sign {asked.letter.title}?"
    return {"text": escape(truncate(fallback, NOTIFICATION_TEXT_MAX)), "blocks": blocks}


def answered_text(asked: Asked, answer: Answer, *, earlier: Answer | None = None) -> str:
    """What the question becomes once answered: `earlier` when a colleague answered
    first (theirs stands)."""
    letter, member = _title(asked.letter), _name(asked.member)
    if earlier is not None:
        settled = "confirmed" if earlier is Answer.YES else "withdrawn"
        return (
            f"Another contact for *{member}* answered first: its signature on *{letter}* "
            f"is {settled}. If that's wrong, tell the letter's organizers."
        )
    if answer is Answer.YES:
        return f":white_check_mark: Thanks. *{member}*'s signature on *{letter}* is confirmed."
    return (
        f"Thanks. *{member}*'s signature on *{letter}* is withdrawn and no longer counts; "
        "the letter's organizers are told."
    )


def disowned_lead_message(disowned: Disowned) -> dict[str, Any]:
    """To a lead: which entry an organization said it didn't sign, who said so, and
    that it stays out of the count unless an organizer restores it."""
    letter, member = _title(disowned.letter), _name(disowned.member)
    by = f"<@{disowned.by}>" if not disowned.by_email else escape(disowned.by)
    signed = (
        f"the signature made by {escape(truncate(disowned.signer, NAME_SHOWN_MAX))}"
        if disowned.signer
        else "its signature"
    )
    again = (
        " It had said so of an earlier signature, so this one was withdrawn without asking."
        if disowned.again
        else ""
    )
    text = (
        f":no_entry: *{member}* says it didn't sign *{letter}*: {by}, its roster contact, "
        f"answered No about {signed}. It is withdrawn and no longer counted.{again} "
        "If it should count, restore it from `/letter signers`."
    )
    fallback = f"{disowned.member} says it didn't sign {disowned.letter.title}"
    return {
        "text": escape(truncate(fallback, NOTIFICATION_TEXT_MAX)),
        "blocks": [{"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}],
    }


def disowned_signer_text(disowned: Disowned) -> str:
    """To the entry's signer: the outcome, and whom to ask (never who answered)."""
    letter, entry = _title(disowned.letter), escape(truncate(disowned.entry, NAME_SHOWN_MAX))
    leads = ", ".join(f"<@{lead}>" for lead in disowned.letter.leads) or (
        f"<@{disowned.letter.created_by}>"
    )
    return (
        f"Your signature for *{entry}* on *{letter}* was withdrawn: checking with the "
        f"organization, the letter's organizers learned it didn't sign. If that's a "
        f"mistake, ask {leads}."
    )


def _who(asked: Asked) -> str:
    if not asked.signer:
        return "someone who gave no name"
    name = f"*{escape(truncate(asked.signer, NAME_SHOWN_MAX))}*"
    return f"{name}, {escape(truncate(asked.title, NAME_SHOWN_MAX))}" if asked.title else name


def _title(letter: Letter) -> str:
    return escape(truncate(letter.title, NAME_SHOWN_MAX))


def _name(name: str) -> str:
    return escape(truncate(name, NAME_SHOWN_MAX))
