"""What the public pages say: each form problem next to its field, and what confirming
did. Plain sentences in the reader's language; the templates escape them.

A field's name sits inside its sentence, and changes with it in other languages (its
article, its gender), so each field's sentence for each problem is a phrase whole."""

from __future__ import annotations

from bot.rules.forms import SignonField
from bot.rules.language import N_, number
from bot.rules.language import gettext as _
from bot.rules.problems import FieldProblem, FormErrors, Issue
from bot.rules.signons import Outcome
from bot.rules.web_signons import WebSignOn

# The sentences for a problem with a field of the form; None's for any other field.
_MISSING = {
    SignonField.ORGANIZATION: N_("Please fill in the organization's name."),
    SignonField.PERSON: N_("Please fill in your name."),
    SignonField.TITLE: N_("Please fill in your title."),
    SignonField.CITY: N_("Please fill in the city."),
    SignonField.STATE: N_("Please fill in the state."),
    SignonField.EMAIL: N_("Please fill in your email address."),
    None: N_("Please fill in this."),
}
# Each with `{limit}`, the most characters the field holds.
_TOO_LONG = {
    SignonField.ORGANIZATION: N_("Please keep the organization's name to {limit} characters."),
    SignonField.PERSON: N_("Please keep your name to {limit} characters."),
    SignonField.TITLE: N_("Please keep your title to {limit} characters."),
    SignonField.CITY: N_("Please keep the city to {limit} characters."),
    SignonField.STATE: N_("Please keep the state to {limit} characters."),
    SignonField.EMAIL: N_("Please keep your email address to {limit} characters."),
    None: N_("Please keep this to {limit} characters."),
}
_NO_LETTERS = {
    SignonField.ORGANIZATION: N_("Please write the organization's name in words."),
    SignonField.PERSON: N_("Please write your name in words."),
    SignonField.TITLE: N_("Please write your title in words."),
    SignonField.CITY: N_("Please write the city in words."),
    SignonField.STATE: N_("Please write the state in words."),
    SignonField.EMAIL: N_("Please write your email address in words."),
    None: N_("Please write this in words."),
}
_LINK_OR_MARKUP = {
    SignonField.ORGANIZATION: N_(
        "Please give the organization's name without web addresses or markup such as < and >."
    ),
    SignonField.PERSON: N_(
        "Please give your name without web addresses or markup such as < and >."
    ),
    SignonField.TITLE: N_(
        "Please give your title without web addresses or markup such as < and >."
    ),
    SignonField.CITY: N_("Please give the city without web addresses or markup such as < and >."),
    SignonField.STATE: N_("Please give the state without web addresses or markup such as < and >."),
    SignonField.EMAIL: N_(
        "Please give your email address without web addresses or markup such as < and >."
    ),
    None: N_("Please give this without web addresses or markup such as < and >."),
}
_CHECK = {
    SignonField.ORGANIZATION: N_("Please check the organization's name."),
    SignonField.PERSON: N_("Please check your name."),
    SignonField.TITLE: N_("Please check your title."),
    SignonField.CITY: N_("Please check the city."),
    SignonField.STATE: N_("Please check the state."),
    SignonField.EMAIL: N_("Please check your email address."),
    None: N_("Please check this."),
}
_SENTENCES = {
    Issue.MISSING: _MISSING,
    Issue.TOO_LONG: _TOO_LONG,
    Issue.NO_LETTERS: _NO_LETTERS,
    Issue.LINK_OR_MARKUP: _LINK_OR_MARKUP,
}


def field_messages(problems: FormErrors) -> dict[str, str]:
    """One sentence per field with a problem, keyed by the field's name."""
    return {str(field): _sentence(field, problem) for field, problem in problems.errors.items()}


def _sentence(field: str, problem: FieldProblem) -> str:
    if problem.issue is Issue.NOT_AN_EMAIL:
        return _("This doesn't look like an email address: it should be like name@example.org.")
    named = SignonField(field) if field in _CHECK else None
    sentences = _SENTENCES.get(problem.issue, _CHECK)
    return _(sentences[named]).format(limit=number(problem.limit or 0))


def outcome_sentence(web_signon: WebSignOn, *, waiting: bool = False) -> str:
    """What confirming did, as the signer reads it; `waiting` when its entry waits to be
    checked with the organization before it counts."""
    if waiting:
        return _(
            "Signed. It counts once the coalition has checked it with the organization: "
            "within a minute when you are one of its contacts, else once one of them confirms."
        )
    if web_signon.in_review:
        return _("Signed. This is waiting for the organizers to check it is not a duplicate.")
    match web_signon.outcome:
        case Outcome.NEW if web_signon.number:
            return _("Signed. You are number {number}.").format(number=number(web_signon.number))
        case Outcome.NEW:
            return _("Signed.")
        case Outcome.SAME:
            return _("Your organization had already signed: you are added as one of its contacts.")
        case Outcome.ALREADY | Outcome.IMPORTED_BEFORE:
            return _("You had already signed this letter: nothing changed.")
        case Outcome.HELD:
            return _(
                "This is waiting for the organizers: you have signed for several "
                "organizations, and they check each one beyond the first few."
            )
    return _("Signed.")
