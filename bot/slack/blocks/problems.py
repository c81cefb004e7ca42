"""What went wrong, in plain words: every `Problem` the domain raises, and every
problem with a form's answer, as the person who asked reads it (mrkdwn, escaped)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.rules.forms import Field, SignonField
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

# Said when something unforeseen failed while handling a request.
SOMETHING_WENT_WRONG = (
    "Something went wrong on my side, so that may not have gone through. Please try again "
    "in a minute; if it keeps happening, tell whoever runs Undersigned."
)
INVITE = "invite me to the channel it was shared in (`/invite @Undersigned`) and try again"
PASTE = "paste the letter's text into a message instead"
READABLE = "Word (.docx), PDF and text files"
# The letters a channel has, or the files passed over, as many as fit in one answer.
LIST_TEXT_MAX = 1000
# A letter's leads named, at most, when someone is told whom to ask.
LEADS_NAMED = 5
# The fallback of a closing time, for a Slack client too old to show the reader's own.
UTC_ZONE = ZoneInfo("UTC")
LEADS_TEXT_MAX = 400


def explain(problem: Problem) -> str:
    """The sentence that tells the person who asked what happened and what to do."""
    match problem:
        case NotOrganizer(user=user, roster=roster):
            what = "keep the coalition's roster" if roster else "start a sign-on letter"
            return (
                f"Only organizers can {what}. If you should be one, ask whoever "
                f"runs Undersigned to add your member ID (`{escape(user)}`) to `ORGANIZERS`."
            )
        case NotManager(letter=letter, action=action):
            verb = {
                Action.MANAGE: "manage",
                Action.EDIT: "edit",
                Action.REVIEW: "review",
                Action.REMOVE: "remove",
                Action.MANAGE_SIGNERS: "manage the signers of",
                Action.CHASE: "chase the members missing from",
            }[action]
            return f"Only organizers and the leads of letter #{letter.id} can {verb} it."
        case NotTheirMember():
            return (
                "That button is for the contacts of another member organization. *Sign on* "
                "under the letter signs it for yours."
            )
        case NotAsked():
            return (
                "Only the organization's contacts in the coalition's roster can answer "
                "that, and you aren't one (any more). The letter's organizers can help."
            )
        case QuestionGone():
            return (
                "That question is no longer open: the signature it asked about was "
                "withdrawn, or its letter taken down."
            )
        case EntryGone():
            return "That entry has changed since: run `/letter signers` again."
        case NoRoster():
            return (
                "The coalition has no roster yet, so I can't tell who is missing. "
                "`/letter roster` takes one: a CSV with an “Organization” column, and "
                "“State”, “Type”, “Slack ID” and “Email” columns if you have them."
            )
        case RosterUnreadable(reason=reason):
            return f"I couldn't read that roster: {escape(reason)}"
        case SignOnsUnreadable(reason=reason):
            return f"I couldn't import that file: {escape(reason)}"
        case EntryNameTaken(name=name):
            return (
                f"*{escape(name)}* can't come back: the organization has signed again since, "
                "as another entry."
            )
        case NotSignedHere(letter=letter):
            return (
                f"You're not signed to *{escape(letter.title)}* for that entry any more. "
                "*Sign on* under the letter signs it again."
            )
        case NothingToEdit():
            return (
                "There's no open letter you can edit: only organizers and a letter's leads "
                "can change it, while it takes sign-ons."
            )
        case NotLeading():
            return "Only organizers and a letter's leads can list letters."
        case GroupUnknown():
            return (
                "I couldn't check the organizer group with Slack just now. Try again in a moment."
            )
        case NotALetterNumber(text=text, surface=Surface.LETTER):
            return f"“{escape(text)}” isn't a letter number. `/letter list` shows them."
        case NotALetterNumber(text=text, surface=Surface.SIGNON):
            return f"“{escape(text)}” isn't a letter number. Use one like `#3`, or leave it out."
        case NotALetterNumber():
            return "That isn't a letter number. Press *Sign on* under the letter to sign it."
        case NoSuchLetter(number=number, surface=Surface.LETTER):
            return f"There's no letter #{number}. `/letter list` shows them."
        case NoSuchLetter(number=number):
            return f"There's no letter #{number}."
        case OutOfDate():
            return (
                "That button is out of date: run the command that showed it again, or press "
                "*Sign on* under the letter."
            )
        case LetterGone():
            return "That letter no longer exists."
        case NoLetterHere(surface=Surface.LETTER, status=status):
            return (
                f"There's no {_which(status)}letter in this channel. Add the letter's number, "
                "such as `#3`; `/letter list all` shows them."
            )
        case NoLetterHere():
            return (
                "There's no letter to sign in this channel. Sign-on letters are posted in "
                "coalition channels: press *Sign on* under the letter, or use `/signon` in the "
                "channel where you saw it."
            )
        case SeveralLetters(letters=letters, status=status):
            numbers = joined(
                [f"`#{letter.id}` {escape(letter.title)}" for letter in letters],
                limit=LIST_TEXT_MAX,
            )
            return (
                f"This channel has {len(letters)} {_which(status)}letters ({numbers}). "
                "Add the number of the one you mean."
            )
        case LetterRemoved(letter=letter):
            return f"Letter #{letter.id} was taken down by its organizers."
        case AlreadyClosed(letter=letter):
            return f"Letter #{letter.id} is already closed."
        case AlreadyOpen(letter=letter):
            return f"Letter #{letter.id} is already open."
        case DeadlinePassed(letter=letter):
            return (
                f"Letter #{letter.id}'s deadline has passed, so reopening it would close it "
                f"again at once. `/letter extend {letter.id} <when>` reopens it with a new "
                "deadline."
            )
        case ClosedForEditing(letter=letter, while_editing=True):
            return (
                f"Letter #{letter.id} closed while you were editing it. "
                f"`/letter extend {letter.id} <when>` reopens it with a new deadline."
            )
        case ClosedForEditing(letter=letter):
            return (
                f"Letter #{letter.id} is closed. `/letter extend {letter.id} <when>` reopens it "
                "with a new deadline."
            )
        case PostedEverywhere(letter=letter):
            return f"Letter #{letter.id} is already posted in all its channels."
        case WhenMissing(letter=letter):
            return (
                f"Say when letter #{letter.id} should close, such as "
                f"`/letter extend {letter.id} friday 5pm` or `2026-12-01 17:00`."
            )
        case WhenUnreadable(reason=reason, number=number):
            hint = f" To name letter {number}, write `#{number}`." if number else ""
            return _sentence(escape(reason)) + hint
        case SignOnsClosed(letter=letter):
            return closed_for_sign_ons(letter)
        case TooLateToWithdraw(letter=letter):
            return (
                f"Sign-ons for *{escape(letter.title)}* are closed and its list has gone to "
                f"the leads, so a sign-on can't be withdrawn here any more: ask {_leads(letter)}."
            )
        case NothingToKeep(letter=letter):
            return (
                f"You're no longer signed to *{escape(letter.title)}*, so there's no signature "
                "to keep. *Sign on* under the letter signs it again."
            )
        case VersionOutdated(letter=letter):
            return (
                f"That message isn't about the current text of *{escape(letter.title)}* "
                f"(version {letter.version}): it changed again since. The newest message "
                "about it asks whether you still sign."
            )
        case NothingToWithdraw(letter=letter):
            return f"You haven't signed *{escape(letter.title)}*, so there's nothing to withdraw."
        case PairDecided():
            return "That pair is no longer waiting for review."
        case HoldDecided():
            return "Those sign-ons are no longer waiting for review."
        case NoTextInMessage():
            return "That message has no text to use as a letter."
        case LetterTooLong(length=length):
            return f"That letter is {length:,} characters; a letter can be up to {BODY_MAX:,}."
        case DraftGone():
            return (
                "The letter text from that message is no longer here (drafts are kept for "
                "a day). Use *Start a sign-on letter* on the message again."
            )
        case FileUnreadable(name=name, reason=reason, retry=retry, invite=invite):
            if invite:
                advice = f"{_capital(INVITE)}, or {PASTE}."
            elif retry:
                advice = f"Try again in a minute, or {PASTE}."
            else:
                advice = f"Attach it as .docx, PDF or .txt, or {PASTE}."
            return f"I couldn't read {_file(name)}: {escape(reason)}. {advice}"
        case NoReadableFile(files=files):
            return (
                f"I can't read {passed_over(files)}; I read {READABLE}. "
                f"{_attach_advice(files)}, or {PASTE}."
            )
        case FormDidNotOpen(what=what, code=code):
            return (
                f"Slack didn't open the {escape(what)} just now (`{escape(code)}`). "
                "Try again in a moment."
            )
        case FilesRefused(letter=letter, code=code):
            return (
                f"Slack didn't take the files just now (`{escape(code)}`), so I couldn't "
                f"send you the list. Try `/letter export {letter.id}` again in a minute; "
                "`undersigned export` on the server gives the same list at any time."
            )
    raise TypeError(f"no words for {type(problem).__name__}")


def passed_over_warning(files: tuple[PassedOver, ...]) -> str:
    """Shown in the letter form when the letter is the message's text but files were
    attached: what they were, and what to do if the letter was in one."""
    return (
        f"I can't read {passed_over(list(files))}, so the letter below is the message's "
        f"own text. {_attach_advice(list(files))}."
    )


def passed_over(files: list[PassedOver]) -> str:
    """'*a.pages* (a Pages file) and 2 more', as many as fit."""
    return joined(
        [f"{_file(file.name)} ({escape(file.why)})" for file in files], limit=LIST_TEXT_MAX
    )


def closed_for_sign_ons(letter: Letter) -> str:
    """When the letter closed (in the reader's own time), and whom to ask."""
    when = (
        f" on {slack_date(letter.closed_at, zone=UTC_ZONE, token='{date_long_pretty} at {time}')}"
        if letter.closed_at
        else ""
    )
    return (
        f"Sign-ons for *{escape(letter.title)}* closed{when}, so it can't be signed any "
        f"more. To add your name late, ask {_leads(letter)}."
    )


def _leads(letter: Letter) -> str:
    """Who to ask about a letter: its leads by name, else whoever started it."""
    people = [f"<@{lead}>" for lead in letter.leads] or [f"<@{letter.created_by}>"]
    lead = "its lead" if len(people) == 1 else "its leads"
    return f"{lead} {joined(people, limit=LEADS_TEXT_MAX, most=LEADS_NAMED)}"


# Form answers

_LETTER_FORM = {
    (Field.TITLE, Issue.MISSING): "Give the letter a title.",
    (Field.TITLE, Issue.TOO_LONG): "Keep the title to {limit:,} characters.",
    (Field.ADDRESSEE, Issue.MISSING): "Say who the letter is addressed to.",
    (Field.ADDRESSEE, Issue.TOO_LONG): "Keep this to {limit:,} characters.",
    (
        Field.ADDRESSEE,
        Issue.CHANGED_MEANWHILE,
    ): "Someone changed the letter since you opened this form: cancel, and edit it again.",
    (Field.BODY, Issue.MISSING): "Paste the letter's text.",
    (Field.BODY, Issue.TOO_LONG): "A letter can be up to {limit:,} characters.",
    (
        Field.BODY,
        Issue.CHANGED_MEANWHILE,
    ): "Someone changed the text since you opened this form: cancel, and edit it again.",
    (Field.CHANNELS, Issue.MISSING): "Choose at least one channel to post the letter in.",
    (
        Field.CHANNELS,
        Issue.NOT_A_CHANNEL,
    ): "Choose channels only; a letter can't be posted in a DM.",
    (Field.DEADLINE, Issue.MISSING): "Choose when sign-ons close.",
    (Field.DEADLINE, Issue.IN_THE_PAST): "The deadline has to be in the future.",
    (Field.DEADLINE, Issue.TOO_FAR_AHEAD): "Choose a deadline within a year.",
    (Field.LEADS, Issue.NOT_PEOPLE): "Choose leads from the list of people.",
    (Field.GOAL, Issue.NOT_A_NUMBER): "The goal is a whole number of signers, such as 100.",
    (Field.GOAL, Issue.OUT_OF_RANGE): "The goal is a number from 1 to {limit:,}.",
    (Field.LETTER, Issue.MISSING): "Choose the letter this is the new text of.",
}
_SIGNON_FORM_NAMES = {
    SignonField.ORGANIZATION: "the organization",
    SignonField.PERSON: "your name",
    SignonField.TITLE: "the title",
    SignonField.CITY: "the city",
    SignonField.STATE: "the state",
    SignonField.EMAIL: "the email",
    SignonField.REASON: "the reason",
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
    return _LETTER_FORM[(Field(field), problem.issue)].format(limit=problem.limit)


def _signon_sentence(field: str, problem: FieldProblem) -> str:
    match problem.issue:
        case Issue.TOO_LONG:
            return f"Keep {_SIGNON_FORM_NAMES[SignonField(field)]} to {problem.limit} characters."
        case Issue.NO_LETTERS:
            return "Type a name with at least one letter."
        case Issue.NOT_AN_EMAIL:
            return "That doesn't look like an email address."
        case Issue.MISSING if field == SignonField.REASON:
            return "Say why: it is kept in the letter's audit trail."
        case Issue.MISSING if field == SignonField.PERSON:
            return "Type your name."
        case Issue.MISSING:
            return "Type the name of the organization signing."
    raise TypeError(f"no words for {field}: {problem.issue}")


def _sentence(text: str) -> str:
    """'say when' → 'Say when.': a message's first letter up, the rest as written."""
    return _capital(text) + ("" if text.endswith(".") else ".")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _which(status: LetterStatus | None) -> str:
    return f"{status.value} " if status else ""


def _file(name: str | None) -> str:
    return f"*{escape(name)}*" if name else "the attached file"


def _attach_advice(files: list[PassedOver]) -> str:
    if any(file.invite for file in files):
        return f"If the letter is in the file, {INVITE}"
    return "Attach the letter as .docx, PDF or .txt"
