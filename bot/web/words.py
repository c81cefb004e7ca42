"""What the public pages say: each form problem next to its field, and what confirming
did. Plain sentences; the templates escape them."""

from __future__ import annotations

from bot.rules.forms import SignonField
from bot.rules.problems import FieldProblem, FormErrors, Issue
from bot.rules.signons import Outcome
from bot.rules.web_signons import WebSignOn

_FIELD_NAMES = {
    SignonField.ORGANIZATION: "the organization's name",
    SignonField.PERSON: "your name",
    SignonField.TITLE: "your title",
    SignonField.CITY: "the city",
    SignonField.STATE: "the state",
    SignonField.EMAIL: "your email address",
}


def field_messages(problems: FormErrors) -> dict[str, str]:
    """One sentence per field with a problem, keyed by the field's name."""
    return {str(field): _sentence(field, problem) for field, problem in problems.errors.items()}


def _sentence(field: str, problem: FieldProblem) -> str:
    name = _FIELD_NAMES.get(SignonField(field), "this") if field in _FIELD_NAMES else "this"
    match problem.issue:
        case Issue.MISSING:
            return f"Please fill in {name}."
        case Issue.TOO_LONG:
            return f"Please keep {name} to {problem.limit or 0:,} characters."
        case Issue.NOT_AN_EMAIL:
            return "This doesn't look like an email address: it should be like name@example.org."
        case Issue.NO_LETTERS:
            return f"Please write {name} in words."
        case Issue.LINK_OR_MARKUP:
            return f"Please give {name} without web addresses or markup such as < and >."
        case _:
            return f"Please check {name}."


def outcome_sentence(web_signon: WebSignOn, *, waiting: bool = False) -> str:
    """What confirming did, as the signer reads it; `waiting` when its entry waits to be
    checked with the organization before it counts."""
    if waiting:
        return (
            "Signed. It counts once the coalition has checked it with the organization: "
            "within a minute when you are one of its contacts, else once one of them confirms."
        )
    if web_signon.in_review:
        return "Signed. This is waiting for the organizers to check it is not a duplicate."
    match web_signon.outcome:
        case Outcome.NEW if web_signon.number:
            return f"Signed. You are number {web_signon.number:,}."
        case Outcome.NEW:
            return "Signed."
        case Outcome.SAME:
            return "Your organization had already signed: you are added as one of its contacts."
        case Outcome.ALREADY | Outcome.IMPORTED_BEFORE:
            return "You had already signed this letter: nothing changed."
        case Outcome.HELD:
            return (
                "This is waiting for the organizers: you have signed for several "
                "organizations, and they check each one beyond the first few."
            )
    return "Signed."
