"""Checking what people submit: the letter form, the edit form, and a sign-on.

Pure functions. Each returns the tidied values or raises FormErrors naming, per field,
what is wrong (as data: `bot.slack.blocks.problems` says it in words). Limits come from
`bot.rules.limits`, the same ones the forms state.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.rules.cleaning import one_line, paragraphs
from bot.rules.forms import (
    EditFormValues,
    Field,
    LetterFormValues,
    SignonField,
    TranslationValues,
)
from bot.rules.language import Language
from bot.rules.letter_text import editable_text, from_plain, to_plain
from bot.rules.letters import (
    Letter,
    LetterEdit,
    LetterText,
    NewLetter,
    VerificationRule,
    WhoCounts,
)
from bot.rules.limits import (
    ADDRESSEE_MAX,
    BODY_MARKUP_MAX,
    BODY_MAX,
    DEADLINE_MAX_AHEAD,
    EMAIL_MAX,
    GOAL_MAX,
    JOB_TITLE_MAX,
    ORGANIZATION_MAX,
    PERSON_MAX,
    PLACE_MAX,
    TITLE_MAX,
)
from bot.rules.problems import FieldProblem, FormErrors, Issue
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import TimingError, parse_reminders

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{1,30}")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")
_SURROUNDING_QUOTES = re.compile(r"^[\"'\u201c\u2018](.*)[\"'\u201d\u2019]$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Problems = dict[str, FieldProblem]


def check_new_letter(
    values: LetterFormValues, *, body: str, created_by: str, now: datetime
) -> NewLetter:
    """A NewLetter from the form's values and the letter's markup, or FormErrors."""
    errors: Problems = {}
    title = _one_line(values.title, Field.TITLE, TITLE_MAX, errors)
    addressee = _one_line(values.addressee, Field.ADDRESSEE, ADDRESSEE_MAX, errors)
    check_body(body, errors)
    deadline = _deadline(values.deadline, errors, now=now)
    channels = _channels(values.channels, errors)
    leads = _leads(values.leads, errors)
    goal = _goal(values.goal, errors)
    reminders, shown = _reminders(values.reminders, errors)
    rule, anyone = _who_counts(values.who_counts, WhoCounts.EVERYONE)
    spanish = _spanish(values.spanish, title=title, addressee=addressee, errors=errors)
    if errors:
        raise FormErrors(errors)
    assert deadline is not None
    return NewLetter(
        title=title,
        addressee=addressee,
        body=body,
        deadline=deadline,
        channels=channels,
        leads=leads,
        goal=goal,
        created_by=created_by,
        reminders=reminders,
        shown_reminders=shown,
        # Without the checkbox (the bot can't take web sign-ons yet), a letter opens on
        # the web once it can, as any other does.
        web_signons=values.web_signons is not False,
        verification_rule=rule,
        anyone_may_sign=anyone,
        translations=(spanish,) if spanish is not None else (),
    )


def check_translation(values: TranslationValues, *, letter: Letter) -> LetterText:
    """The letter's Spanish text from a message, with its title and addressee (empty:
    those of the Spanish text it had, else the letter's own), or FormErrors."""
    errors: Problems = {}
    had = letter.text_in(Language.SPANISH)
    spanish = _spanish(values, title=had.title, addressee=had.addressee, errors=errors)
    if spanish is None:
        errors[Field.SPANISH_BODY] = FieldProblem(Issue.MISSING)
    if errors:
        raise FormErrors(errors)
    assert spanish is not None
    return spanish


def _spanish(
    values: TranslationValues | None,
    *,
    title: str,
    addressee: str,
    errors: Problems,
    kept: LetterText | None = None,
) -> LetterText | None:
    """The letter's Spanish text as the form left it, or None for none. Its title and
    addressee may be left empty for the letter's own; its text is what makes it one.
    `kept` is the Spanish text it had, whose body stays when the form couldn't hold it
    or showed it unchanged."""
    if values is None:
        return kept
    body = kept.body if kept is not None else ""
    shown = editable_text(kept.body) if kept is not None else None
    if values.body is not None and (kept is None or paragraphs(values.body) != shown):
        body = from_plain(values.body) if values.body.strip() else ""
    if not to_plain(body).strip():
        if one_line(values.title) or one_line(values.addressee):
            errors[Field.SPANISH_BODY] = FieldProblem(Issue.MISSING)
        return None
    check_body(body, errors, field=Field.SPANISH_BODY)
    spanish_title = one_line(values.title)
    spanish_addressee = one_line(values.addressee)
    if spanish_title:
        _one_line(spanish_title, Field.SPANISH_TITLE, TITLE_MAX, errors)
    if spanish_addressee:
        _one_line(spanish_addressee, Field.SPANISH_ADDRESSEE, ADDRESSEE_MAX, errors)
    return LetterText(
        Language.SPANISH, spanish_title or title, spanish_addressee or addressee, body
    )


def _channels(chosen: tuple[str, ...], errors: Problems) -> tuple[str, ...]:
    channels = tuple(dict.fromkeys(chosen))
    if not channels:
        errors[Field.CHANNELS] = FieldProblem(Issue.MISSING)
    elif not all(_CHANNEL_ID.fullmatch(channel) for channel in channels):
        errors[Field.CHANNELS] = FieldProblem(Issue.NOT_A_CHANNEL)
    return channels


def check_body(body: str, errors: Problems, *, field: Field = Field.BODY) -> None:
    """A letter's markup: some text, and no longer than a letter can be."""
    shown = to_plain(body).strip()
    if not shown:
        errors[field] = FieldProblem(Issue.MISSING)
    elif len(shown) > BODY_MAX or len(body) > BODY_MARKUP_MAX:
        errors[field] = FieldProblem(Issue.TOO_LONG, limit=BODY_MAX)


def check_edit(values: EditFormValues, *, letter: Letter, now: datetime) -> LetterEdit:
    """The letter as the edit form left it, or FormErrors to show."""
    errors: Problems = {}
    title = _one_line(values.title, Field.TITLE, TITLE_MAX, errors)
    addressee = _one_line(values.addressee, Field.ADDRESSEE, ADDRESSEE_MAX, errors)
    # Someone else changed the text or addressee since the form opened: saving what it
    # showed would undo their change.
    stale = values.version is not None and values.version != letter.version
    if stale and addressee != letter.addressee:
        errors[Field.ADDRESSEE] = FieldProblem(Issue.CHANGED_MEANWHILE)
    body = letter.body
    if values.body is not None and paragraphs(values.body) != editable_text(letter.body):
        if stale:
            errors[Field.BODY] = FieldProblem(Issue.CHANGED_MEANWHILE)
        body = from_plain(values.body)
        check_body(body, errors)
    channels = _channels(values.channels, errors)
    deadline = _deadline(values.deadline, errors, now=now, current=letter.deadline)
    leads = _leads(values.leads, errors)
    goal = _goal(values.goal, errors)
    reminders, shown = _reminders(values.reminders, errors)
    rule, anyone = _who_counts(values.who_counts, WhoCounts.of(letter))
    kept = letter.translation(Language.SPANISH)
    spanish = _spanish(
        values.spanish,
        title=title,
        addressee=addressee,
        errors=errors,
        kept=kept.text if kept is not None else None,
    )
    if errors:
        raise FormErrors(errors)
    assert deadline is not None
    return LetterEdit(
        title=title,
        addressee=addressee,
        body=body,
        channels=channels,
        deadline=deadline,
        reminders=reminders,
        shown_reminders=shown,
        leads=leads,
        goal=goal,
        web_signons=letter.web_signons if values.web_signons is None else values.web_signons,
        verification_rule=rule,
        anyone_may_sign=anyone,
        translations=(spanish,) if spanish is not None else (),
    )


def _who_counts(chosen: str | None, otherwise: WhoCounts) -> tuple[VerificationRule, bool]:
    """The rule the form chose (`otherwise` without a choice, or with one it never
    offered), and whether anyone may sign under it."""
    try:
        return WhoCounts(chosen).rule if chosen else otherwise.rule
    except ValueError:
        return otherwise.rule


def check_new_deadline(epoch: int | None, *, now: datetime) -> datetime:
    """A deadline picked to extend a letter, or FormErrors to show under the picker."""
    errors: Problems = {}
    deadline = _deadline(epoch, errors, now=now)
    if errors or deadline is None:
        raise FormErrors(errors)
    return deadline


def check_submission(submission: Submission) -> Submission:
    """Tidy every field of a sign-on, or raise FormErrors naming each one to fix."""
    errors: Problems = {}

    def field(value: str | None, where: SignonField, limit: int) -> str | None:
        if not value:
            return None  # most of a /signon's fields: nothing to tidy
        folded = one_line(value)
        # `/signon "Mijente"`: the quotes are the typist's, not the name's.
        tidy = _SURROUNDING_QUOTES.sub(r"\1", folded).strip() or None
        if tidy is not None and len(tidy) > limit:
            errors[where] = FieldProblem(Issue.TOO_LONG, limit=limit)
        return tidy

    individual = submission.kind is SignerKind.INDIVIDUAL
    where = name_field(submission)
    name = field(submission.name, where, PERSON_MAX if individual else ORGANIZATION_MAX)
    affiliation = field(submission.affiliation, SignonField.ORGANIZATION, ORGANIZATION_MAX)
    person = field(submission.person_name, SignonField.PERSON, PERSON_MAX)
    title = field(submission.title, SignonField.TITLE, JOB_TITLE_MAX)
    city = field(submission.city, SignonField.CITY, PLACE_MAX)
    state = field(submission.state, SignonField.STATE, PLACE_MAX)
    email = field(submission.email, SignonField.EMAIL, EMAIL_MAX)
    if not name:
        errors[where] = FieldProblem(Issue.MISSING)
    if email and not _EMAIL.fullmatch(email):
        errors[SignonField.EMAIL] = FieldProblem(Issue.NOT_AN_EMAIL)
    if errors:
        raise FormErrors(errors)
    assert name is not None
    return replace(
        submission,
        name=name,
        affiliation=affiliation,
        person_name=person if not individual else name,
        title=title,
        city=city,
        state=state,
        email=email,
    )


def name_field(submission: Submission) -> SignonField:
    """Where the name that is signing was typed."""
    if submission.kind is SignerKind.INDIVIDUAL:
        return SignonField.PERSON
    return SignonField.ORGANIZATION


def _one_line(text: str, field: Field, limit: int, errors: Problems) -> str:
    tidy = one_line(text)
    if not tidy:
        errors[field] = FieldProblem(Issue.MISSING)
    elif len(tidy) > limit:
        errors[field] = FieldProblem(Issue.TOO_LONG, limit=limit)
    return tidy


def _deadline(
    epoch: int | None, errors: Problems, *, now: datetime, current: datetime | None = None
) -> datetime | None:
    """The picked deadline; left as `current` (to the microsecond) when not changed."""
    if epoch is None:
        errors[Field.DEADLINE] = FieldProblem(Issue.MISSING)
        return None
    if current is not None and epoch == int(current.timestamp()):
        return current
    try:
        deadline = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        errors[Field.DEADLINE] = FieldProblem(Issue.TOO_FAR_AHEAD)
        return None
    if deadline <= now:
        errors[Field.DEADLINE] = FieldProblem(Issue.IN_THE_PAST)
    elif deadline - now > DEADLINE_MAX_AHEAD:
        errors[Field.DEADLINE] = FieldProblem(Issue.TOO_FAR_AHEAD)
    return deadline


def _leads(users: tuple[str, ...], errors: Problems) -> tuple[str, ...]:
    leads = tuple(dict.fromkeys(users))
    if not all(_USER_ID.fullmatch(user) for user in leads):
        errors[Field.LEADS] = FieldProblem(Issue.NOT_PEOPLE)
    return leads


def _goal(text: str | None, errors: Problems) -> int | None:
    if not text:
        return None
    try:
        goal = int(text)
    except ValueError:
        errors[Field.GOAL] = FieldProblem(Issue.NOT_A_NUMBER)
        return None
    if not 0 < goal <= GOAL_MAX:
        errors[Field.GOAL] = FieldProblem(Issue.OUT_OF_RANGE, limit=GOAL_MAX)
        return None
    return goal


def _reminders(
    text: str, errors: Problems
) -> tuple[tuple[timedelta, ...], tuple[timedelta, ...] | None]:
    try:
        return parse_reminders(text)
    except TimingError as problem:
        errors[Field.REMINDERS] = FieldProblem(Issue.UNREADABLE, detail=str(problem))
        return (), None
