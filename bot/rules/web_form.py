"""The public page's sign-on form: what it sent, checked as a sign-on, plus the rules
only the open web needs (an email to confirm, no links or markup in names).

Pure functions, no I/O. Errors are `FormErrors` keyed by the form's fields, which
are named as the Slack form's are (`SignonField`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.rules.checks import check_submission
from bot.rules.forms import SignonField
from bot.rules.problems import FieldProblem, FormErrors, Issue
from bot.rules.signons import SignerKind, Submission

# What a name, title or place never holds but a spammer's link does: a web address
# with its scheme or "www.", HTML or other angle-bracket markup, a Markdown or BBCode
# link. A bare "MoveOn.org" is an organization's name, and is let through.
_LINK_OR_MARKUP = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww\.|[<>]|\]\(|\[/?(url|link|a)\b|&#?\w+;",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]\\]+@[a-z0-9-]+(\.[a-z0-9-]+)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WebForm:
    """The form as submitted: every field as the browser sent it ("" when empty)."""

    kind: str = SignerKind.ORGANIZATION.value
    organization: str = ""
    person: str = ""
    title: str = ""
    city: str = ""
    state: str = ""
    email: str = ""
    public: bool = False
    may_contact: bool = False


def check_web_form(form: WebForm, *, account: str | None = None) -> Submission:
    """A sign-on from the form, for the web signer `account`, or FormErrors."""
    kind = SignerKind.INDIVIDUAL if form.kind == SignerKind.INDIVIDUAL else SignerKind.ORGANIZATION
    individual = kind is SignerKind.INDIVIDUAL
    errors: dict[str, FieldProblem] = {}
    for field, value in (
        (SignonField.ORGANIZATION, form.organization),
        (SignonField.PERSON, form.person),
        (SignonField.TITLE, form.title),
        (SignonField.CITY, form.city),
        (SignonField.STATE, form.state),
    ):
        if _LINK_OR_MARKUP.search(value):
            errors[field] = FieldProblem(Issue.LINK_OR_MARKUP)
    email = form.email.strip()
    if not email:
        errors[SignonField.EMAIL] = FieldProblem(Issue.MISSING)
    elif not _EMAIL.fullmatch(email):
        errors[SignonField.EMAIL] = FieldProblem(Issue.NOT_AN_EMAIL)
    if not form.person.strip() and SignonField.PERSON not in errors:
        errors[SignonField.PERSON] = FieldProblem(Issue.MISSING)
    submission = Submission(
        kind=kind,
        name=form.person if individual else form.organization,
        person_name=form.person or None,
        title=form.title or None,
        affiliation=(form.organization or None) if individual else None,
        city=form.city or None,
        state=form.state or None,
        email=email or None,
        public=form.public,
        user_id=account,
        may_contact=form.may_contact,
    )
    try:
        checked = check_submission(submission)
    except FormErrors as more:
        errors = {**more.errors, **errors}
        raise FormErrors(errors) from None
    if errors:
        raise FormErrors(errors)
    return replace(checked, email=checked.email.casefold() if checked.email else None)


def form_of(submission: Submission) -> WebForm:
    """The form filled in as `submission` was: to show it again, to correct it."""
    individual = submission.kind is SignerKind.INDIVIDUAL
    return WebForm(
        kind=submission.kind.value,
        organization=(submission.affiliation if individual else submission.name) or "",
        person=submission.person_name or "",
        title=submission.title or "",
        city=submission.city or "",
        state=submission.state or "",
        email=submission.email or "",
        public=submission.public,
        may_contact=bool(submission.may_contact),
    )
