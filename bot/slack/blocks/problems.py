"""What went wrong, in plain words: every `Problem` the domain raises, and every
problem with a form's answer, as the person who asked reads it (mrkdwn, escaped)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.rules.forms import Field, SignonField
from bot.rules.language import N_, current, ngettext, number
from bot.rules.language import gettext as _
from bot.rules.letters import Letter, LetterStatus
from bot.rules.limits import BODY_MAX
from bot.rules.problems import (
    Action,
    AlreadyClosed,
    AlreadyOpen,
    ClosedForEditing,
    DeadlinePassed,
    DraftGone,
    EntryGone,
    EntryNameTaken,
    FieldProblem,
    FilesRefused,
    FileUnreadable,
    FormDidNotOpen,
    FormErrors,
    GroupUnknown,
    HoldDecided,
    Issue,
    LetterGone,
    LetterRemoved,
    LetterTooLong,
    NoLetterHere,
    NoReadableFile,
    NoRoster,
    NoSuchLetter,
    NotALetterNumber,
    NotAsked,
    NoTextInMessage,
    NothingToEdit,
    NothingToKeep,
    NothingToWithdraw,
    NotLeading,
    NotManager,
    NotOrganizer,
    NotSignedHere,
    NotTheirMember,
    OutOfDate,
    PairDecided,
    PassedOver,
    PostedEverywhere,
    Problem,
    QuestionGone,
    RosterUnreadable,
    SeveralLetters,
    SignOnsClosed,
    SignOnsUnreadable,
    Surface,
    TooLateToWithdraw,
    VersionOutdated,
    WhenMissing,
    WhenUnreadable,
)
from bot.slack.blocks.text import escape, inert, joined, slack_date

# Said when something unforeseen failed while handling a request (translate where said).
SOMETHING_WENT_WRONG = N_(
    "Something went wrong on my side, so that may not have gone through. Please try again "
    "in a minute; if it keeps happening, tell whoever runs Undersigned."
)
# The letters a channel has, or the files passed over, as many as fit in one answer.
LIST_TEXT_MAX = 1000
# A letter's leads named, at most, when someone is told whom to ask.
LEADS_NAMED = 5
# The fallback of a closing time, for a Slack client too old to show the reader's own.
UTC_ZONE = ZoneInfo("UTC")
LEADS_TEXT_MAX = 400

_NOT_MANAGER = {
    Action.MANAGE: N_("Only organizers and the leads of letter #{number} can manage it."),
    Action.EDIT: N_("Only organizers and the leads of letter #{number} can edit it."),
    Action.REVIEW: N_("Only organizers and the leads of letter #{number} can review it."),
    Action.REMOVE: N_("Only organizers and the leads of letter #{number} can remove it."),
    Action.MANAGE_SIGNERS: N_(
        "Only organizers and the leads of letter #{number} can manage the signers of it."
    ),
    Action.CHASE: N_(
        "Only organizers and the leads of letter #{number} can chase the members missing from it."
    ),
}
# "There's no open letter in this channel", by the status looked for.
_NO_LETTER_HERE: dict[LetterStatus | None, str] = {
    None: N_(
        "There's no letter in this channel. Add the letter's number, such as `#3`; "
        "`/letter list all` shows them."
    ),
    LetterStatus.OPEN: N_(
        "There's no open letter in this channel. Add the letter's number, such as `#3`; "
        "`/letter list all` shows them."
    ),
    LetterStatus.CLOSED: N_(
        "There's no closed letter in this channel. Add the letter's number, such as `#3`; "
        "`/letter list all` shows them."
    ),
    LetterStatus.REMOVED: N_(
        "There's no removed letter in this channel. Add the letter's number, such as `#3`; "
        "`/letter list all` shows them."
    ),
}


def _several_letters(status: LetterStatus | None, count: int) -> str:
    """'This channel has 2 open letters ({numbers}). …', still to be formatted."""
    if status is LetterStatus.OPEN:
        return ngettext(
            "This channel has {count} open letter ({numbers}). Add the number of the one you mean.",
            "This channel has {count} open letters ({numbers}). Add the number of the one "
            "you mean.",
            count,
        )
    if status is LetterStatus.CLOSED:
        return ngettext(
            "This channel has {count} closed letter ({numbers}). Add the number of the one "
            "you mean.",
            "This channel has {count} closed letters ({numbers}). Add the number of the one "
            "you mean.",
            count,
        )
    if status is LetterStatus.REMOVED:
        return ngettext(
            "This channel has {count} removed letter ({numbers}). Add the number of the one "
            "you mean.",
            "This channel has {count} removed letters ({numbers}). Add the number of the one "
            "you mean.",
            count,
        )
    return ngettext(
        "This channel has {count} letter ({numbers}). Add the number of the one you mean.",
        "This channel has {count} letters ({numbers}). Add the number of the one you mean.",
        count,
    )


def explain(problem: Problem) -> str:
    """The sentence that tells the person who asked what happened and what to do."""
    match problem:
        case NotOrganizer(user=user, roster=True):
            return _(
                "Only organizers can keep the coalition's roster. If you should be one, ask "
                "whoever runs Undersigned to add your member ID (`{user}`) to `ORGANIZERS`."
            ).format(user=escape(user))
        case NotOrganizer(user=user):
            return _(
                "Only organizers can start a sign-on letter. If you should be one, ask "
                "whoever runs Undersigned to add your member ID (`{user}`) to `ORGANIZERS`."
            ).format(user=escape(user))
        case NotManager(letter=letter, action=action):
            return _(_NOT_MANAGER[action]).format(number=letter.id)
        case NotTheirMember():
            return _(
                "That button is for the contacts of another member organization. *Sign on* "
                "under the letter signs it for yours."
            )
        case NotAsked():
            return _(
                "Only the organization's contacts in the coalition's roster can answer "
                "that, and you aren't one (any more). The letter's organizers can help."
            )
        case QuestionGone():
            return _(
                "That question is no longer open: the signature it asked about was "
                "withdrawn, or its letter taken down."
            )
        case EntryGone():
            return _("That entry has changed since: run `/letter signers` again.")
        case NoRoster():
            return _(
                "The coalition has no roster yet, so I can't tell who is missing. "
                "`/letter roster` takes one: a CSV with an “Organization” column, and "
                "“State”, “Type”, “Slack ID” and “Email” columns if you have them."
            )
        case RosterUnreadable(reason=reason):
            return _("I couldn't read that roster: {reason}").format(reason=escape(reason))
        case SignOnsUnreadable(reason=reason):
            return _("I couldn't import that file: {reason}").format(reason=escape(reason))
        case EntryNameTaken(name=name):
            return _(
                "*{name}* can't come back: the organization has signed again since, "
                "as another entry."
            ).format(name=escape(name))
        case NotSignedHere(letter=letter):
            return _(
                "You're not signed to *{title}* for that entry any more. "
                "*Sign on* under the letter signs it again."
            ).format(title=_title(letter))
        case NothingToEdit():
            return _(
                "There's no open letter you can edit: only organizers and a letter's leads "
                "can change it, while it takes sign-ons."
            )
        case NotLeading():
            return _("Only organizers and a letter's leads can list letters.")
        case GroupUnknown():
            return _(
                "I couldn't check the organizer group with Slack just now. Try again in a moment."
            )
        case NotALetterNumber(text=text, surface=Surface.LETTER):
            return _("“{text}” isn't a letter number. `/letter list` shows them.").format(
                text=escape(text)
            )
        case NotALetterNumber(text=text, surface=Surface.SIGNON):
            return _("“{text}” isn't a letter number. Use one like `#3`, or leave it out.").format(
                text=escape(text)
            )
        case NotALetterNumber():
            return _("That isn't a letter number. Press *Sign on* under the letter to sign it.")
        case NoSuchLetter(number=letter_number, surface=Surface.LETTER):
            return _("There's no letter #{number}. `/letter list` shows them.").format(
                number=letter_number
            )
        case NoSuchLetter(number=letter_number):
            return _("There's no letter #{number}.").format(number=letter_number)
        case OutOfDate():
            return _(
                "That button is out of date: run the command that showed it again, or press "
                "*Sign on* under the letter."
            )
        case LetterGone():
            return _("That letter no longer exists.")
        case NoLetterHere(surface=Surface.LETTER, status=status):
            return _(_NO_LETTER_HERE[status])
        case NoLetterHere():
            return _(
                "There's no letter to sign in this channel. Sign-on letters are posted in "
                "coalition channels: press *Sign on* under the letter, or use `/signon` in the "
                "channel where you saw it."
            )
        case SeveralLetters(letters=letters, status=status):
            numbers = joined(
                [f"`#{letter.id}` {_title(letter)}" for letter in letters],
                limit=LIST_TEXT_MAX,
            )
            return _several_letters(status, len(letters)).format(
                count=number(len(letters)), numbers=numbers
            )
        case LetterRemoved(letter=letter):
            return _("Letter #{number} was taken down by its organizers.").format(number=letter.id)
        case AlreadyClosed(letter=letter):
            return _("Letter #{number} is already closed.").format(number=letter.id)
        case AlreadyOpen(letter=letter):
            return _("Letter #{number} is already open.").format(number=letter.id)
        case DeadlinePassed(letter=letter):
            return _(
                "Letter #{number}'s deadline has passed, so reopening it would close it "
                "again at once. `/letter extend {number} <when>` reopens it with a new "
                "deadline."
            ).format(number=letter.id)
        case ClosedForEditing(letter=letter, while_editing=True):
            return _(
                "Letter #{number} closed while you were editing it. "
                "`/letter extend {number} <when>` reopens it with a new deadline."
            ).format(number=letter.id)
        case ClosedForEditing(letter=letter):
            return _(
                "Letter #{number} is closed. `/letter extend {number} <when>` reopens it "
                "with a new deadline."
            ).format(number=letter.id)
        case PostedEverywhere(letter=letter):
            return _("Letter #{number} is already posted in all its channels.").format(
                number=letter.id
            )
        case WhenMissing(letter=letter):
            return _(
                "Say when letter #{number} should close, such as "
                "`/letter extend {number} friday 5pm` or `2026-12-01 17:00`."
            ).format(number=letter.id)
        case WhenUnreadable(reason=reason, number=typed):
            hint = (
                " " + _("To name letter {number}, write `#{number}`.").format(number=typed)
                if typed
                else ""
            )
            return _sentence(escape(reason)) + hint
        case SignOnsClosed(letter=letter):
            return closed_for_sign_ons(letter)
        case TooLateToWithdraw(letter=letter):
            return _(
                "Sign-ons for *{title}* are closed and its list has gone to the leads, so a "
                "sign-on can't be withdrawn here any more: ask {leads}."
            ).format(title=_title(letter), leads=_leads(letter))
        case NothingToKeep(letter=letter):
            return _(
                "You're no longer signed to *{title}*, so there's no signature "
                "to keep. *Sign on* under the letter signs it again."
            ).format(title=_title(letter))
        case VersionOutdated(letter=letter):
            return _(
                "That message isn't about the current text of *{title}* "
                "(version {version}): it changed again since. The newest message "
                "about it asks whether you still sign."
            ).format(title=_title(letter), version=letter.version)
        case NothingToWithdraw(letter=letter):
            return _("You haven't signed *{title}*, so there's nothing to withdraw.").format(
                title=_title(letter)
            )
        case PairDecided():
            return _("That pair is no longer waiting for review.")
        case HoldDecided():
            return _("Those sign-ons are no longer waiting for review.")
        case NoTextInMessage():
            return _("That message has no text to use as a letter.")
        case LetterTooLong(length=length):
            return _("That letter is {length} characters; a letter can be up to {limit}.").format(
                length=number(length), limit=number(BODY_MAX)
            )
        case DraftGone():
            return _(
                "The letter text from that message is no longer here (drafts are kept for "
                "a day). Use *Start a sign-on letter* on the message again."
            )
        case FileUnreadable(name=name, reason=reason, retry=retry, invite=invite):
            if name:
                said = _("I couldn't read *{name}*: {reason}.")
            else:
                said = _("I couldn't read the attached file: {reason}.")
            if invite:
                advice = _(
                    "Invite me to the channel it was shared in (`/invite @Undersigned`) and "
                    "try again, or paste the letter's text into a message instead."
                )
            elif retry:
                advice = _(
                    "Try again in a minute, or paste the letter's text into a message instead."
                )
            else:
                advice = _(
                    "Attach it as .docx, PDF or .txt, or paste the letter's text into a "
                    "message instead."
                )
            return said.format(name=escape(name or ""), reason=escape(reason)) + " " + advice
        case NoReadableFile(files=files):
            said = _("I can't read {files}; I read Word (.docx), PDF and text files.").format(
                files=passed_over(files)
            )
            if any(file.invite for file in files):
                advice = _(
                    "If the letter is in the file, invite me to the channel it was shared in "
                    "(`/invite @Undersigned`) and try again, or paste the letter's text into "
                    "a message instead."
                )
            else:
                advice = _(
                    "Attach the letter as .docx, PDF or .txt, or paste the letter's text into "
                    "a message instead."
                )
            return f"{said} {advice}"
        case FormDidNotOpen(what=what, code=code):
            return _(
                "Slack didn't open the {what} just now (`{code}`). Try again in a moment."
            ).format(what=escape(_(what)), code=escape(code))  # marked where it is named
        case FilesRefused(letter=letter, code=code):
            return _(
                "Slack didn't take the files just now (`{code}`), so I couldn't "
                "send you the list. Try `/letter export {number}` again in a minute; "
                "`undersigned export` on the server gives the same list at any time."
            ).format(code=escape(code), number=letter.id)
    raise TypeError(f"no words for {type(problem).__name__}")


def passed_over_warning(files: tuple[PassedOver, ...]) -> str:
    """Shown in the letter form when the letter is the message's text but files were
    attached: what they were, and what to do if the letter was in one."""
    said = _("I can't read {files}, so the letter below is the message's own text.").format(
        files=passed_over(list(files))
    )
    if any(file.invite for file in files):
        advice = _(
            "If the letter is in the file, invite me to the channel it was shared in "
            "(`/invite @Undersigned`) and try again."
        )
    else:
        advice = _("Attach the letter as .docx, PDF or .txt.")
    return f"{said} {advice}"


def passed_over(files: list[PassedOver]) -> str:
    """'*a.pages* (a Pages file) and 2 more', as many as fit."""
    return joined(
        [f"{_file(file.name)} ({escape(file.why)})" for file in files], limit=LIST_TEXT_MAX
    )


def closed_for_sign_ons(letter: Letter) -> str:
    """When the letter closed (in the reader's own time), and whom to ask."""
    title, leads = _title(letter), _leads(letter)
    if letter.closed_at is None:
        return _(
            "Sign-ons for *{title}* closed, so it can't be signed any more. To add your name "
            "late, ask {leads}."
        ).format(title=title, leads=leads)
    # Slack writes the date in each reader's own timezone.
    when = slack_date(letter.closed_at, zone=UTC_ZONE)
    return _(
        "Sign-ons for *{title}* closed on {date}, so it can't be signed any more. To add "
        "your name late, ask {leads}."
    ).format(title=title, date=when, leads=leads)


def _leads(letter: Letter) -> str:
    """Who to ask about a letter: its leads by name, else whoever started it."""
    people = [f"<@{lead}>" for lead in letter.leads] or [f"<@{letter.created_by}>"]
    named = joined(people, limit=LEADS_TEXT_MAX, most=LEADS_NAMED)
    return ngettext("its lead {people}", "its leads {people}", len(people)).format(people=named)


def _title(letter: Letter) -> str:
    """The letter's title as its reader reads it, escaped."""
    return escape(letter.text_in(current()).title)


# Form answers

_LETTER_FORM = {
    (Field.TITLE, Issue.MISSING): N_("Give the letter a title."),
    (Field.TITLE, Issue.TOO_LONG): N_("Keep the title to {limit} characters."),
    (Field.ADDRESSEE, Issue.MISSING): N_("Say who the letter is addressed to."),
    (Field.ADDRESSEE, Issue.TOO_LONG): N_("Keep this to {limit} characters."),
    (Field.ADDRESSEE, Issue.CHANGED_MEANWHILE): N_(
        "Someone changed the letter since you opened this form: cancel, and edit it again."
    ),
    (Field.BODY, Issue.MISSING): N_("Paste the letter's text."),
    (Field.BODY, Issue.TOO_LONG): N_("A letter can be up to {limit} characters."),
    (Field.BODY, Issue.CHANGED_MEANWHILE): N_(
        "Someone changed the text since you opened this form: cancel, and edit it again."
    ),
    (Field.CHANNELS, Issue.MISSING): N_("Choose at least one channel to post the letter in."),
    (Field.CHANNELS, Issue.NOT_A_CHANNEL): N_(
        "Choose channels only; a letter can't be posted in a DM."
    ),
    (Field.DEADLINE, Issue.MISSING): N_("Choose when sign-ons close."),
    (Field.DEADLINE, Issue.IN_THE_PAST): N_("The deadline has to be in the future."),
    (Field.DEADLINE, Issue.TOO_FAR_AHEAD): N_("Choose a deadline within a year."),
    (Field.LEADS, Issue.NOT_PEOPLE): N_("Choose leads from the list of people."),
    (Field.GOAL, Issue.NOT_A_NUMBER): N_("The goal is a whole number of signers, such as 100."),
    (Field.GOAL, Issue.OUT_OF_RANGE): N_("The goal is a number from 1 to {limit}."),
    (Field.LETTER, Issue.MISSING): N_("Choose the letter this is the new text of."),
    # Its Spanish text: a title or addressee alone is no text.
    (Field.SPANISH_TITLE, Issue.MISSING): N_("Give the letter a title."),
    (Field.SPANISH_TITLE, Issue.TOO_LONG): N_("Keep the title to {limit} characters."),
    (Field.SPANISH_ADDRESSEE, Issue.MISSING): N_("Say who the letter is addressed to."),
    (Field.SPANISH_ADDRESSEE, Issue.TOO_LONG): N_("Keep this to {limit} characters."),
    (Field.SPANISH_BODY, Issue.MISSING): N_("Paste the letter's text in Spanish."),
    (Field.SPANISH_BODY, Issue.TOO_LONG): N_("A letter can be up to {limit} characters."),
}
# "Keep the organization to 200 characters.", by the sign-on form's field.
_SIGNON_TOO_LONG = {
    SignonField.ORGANIZATION: N_("Keep the organization to {limit} characters."),
    SignonField.PERSON: N_("Keep your name to {limit} characters."),
    # A job title, not a letter's: a placeholder of its own keeps its phrase apart.
    SignonField.TITLE: N_("Keep the title to {job_title_max} characters."),
    SignonField.CITY: N_("Keep the city to {limit} characters."),
    SignonField.STATE: N_("Keep the state to {limit} characters."),
    SignonField.EMAIL: N_("Keep the email to {limit} characters."),
    SignonField.REASON: N_("Keep the reason to {limit} characters."),
}


def field_errors(problems: FormErrors, *, signon: bool = False) -> dict[str, str]:
    """A form's problems for `response_action: errors`, one sentence per field (plain
    text: a word joiner keeps any quoted `<` inert)."""
    return {
        field: inert(_field_sentence(field, problem, signon=signon))
        for field, problem in problems.errors.items()
    }


def form_problems(problems: FormErrors, *, signon: bool = False) -> str:
    """The same sentences as one mrkdwn answer, where there is no form to show them in."""
    return " ".join(escape(sentence) for sentence in field_sentences(problems, signon=signon))


def field_sentences(problems: FormErrors, *, signon: bool = False) -> list[str]:
    """Each field's problem as a sentence, unescaped (for the command line)."""
    return [
        _field_sentence(field, problem, signon=signon) for field, problem in problems.errors.items()
    ]


def _field_sentence(field: str, problem: FieldProblem, *, signon: bool) -> str:
    if problem.issue is Issue.UNREADABLE:
        return _sentence(problem.detail)
    if signon:
        return _signon_sentence(field, problem)
    return _(_LETTER_FORM[(Field(field), problem.issue)]).format(limit=_limit(problem))


def _signon_sentence(field: str, problem: FieldProblem) -> str:
    match problem.issue:
        case Issue.TOO_LONG:
            limit = _limit(problem)
            return _(_SIGNON_TOO_LONG[SignonField(field)]).format(limit=limit, job_title_max=limit)
        case Issue.NO_LETTERS:
            return _("Type a name with at least one letter.")
        case Issue.NOT_AN_EMAIL:
            return _("That doesn't look like an email address.")
        case Issue.MISSING if field == SignonField.REASON:
            return _("Say why: it is kept in the letter's audit trail.")
        case Issue.MISSING if field == SignonField.PERSON:
            return _("Type your name.")
        case Issue.MISSING:
            return _("Type the name of the organization signing.")
    raise TypeError(f"no words for {field}: {problem.issue}")


def _limit(problem: FieldProblem) -> str:
    return number(problem.limit) if problem.limit is not None else ""


def _sentence(text: str) -> str:
    """'say when' → 'Say when.': a message's first letter up, the rest as written."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _file(name: str | None) -> str:
    return f"*{escape(name)}*" if name else _("the attached file")
