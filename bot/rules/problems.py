"""What can go wrong for the person asking, as data: the domain raises these, and the
builders in `bot.slack.blocks.problems` say them in plain words. Every one is shown privately,
to the person who asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.letters import Letter, LetterStatus


class Problem(Exception):
    """Something the person who asked should hear about, and nothing was changed."""


# Who may do what


@dataclass(eq=False)
class NotOrganizer(Problem):
    """Only organizers may start a letter, or keep the coalition's roster."""

    user: str
    roster: bool = False


class Action(StrEnum):
    MANAGE = "manage"
    EDIT = "edit"
    REVIEW = "review"
    REMOVE = "remove"
    MANAGE_SIGNERS = "manage_signers"
    CHASE = "chase"


@dataclass(eq=False)
class NotManager(Problem):
    """Only organizers and the letter's creator and leads may do this."""

    letter: Letter
    action: Action = Action.MANAGE


class NotTheirMember(Problem):
    """A chase's Sign on button pressed by someone who isn't a contact of its member."""


class NotAsked(Problem):
    """An answer to "Did your organization sign?" from someone who isn't (or is no
    longer) a roster contact of the member it asks about."""


class QuestionGone(Problem):
    """A question left unanswered whose entry no longer counts, or whose letter is gone."""


class NoRoster(Problem):
    """The coalition has no roster yet: nobody to find missing or to chase."""


@dataclass(eq=False)
class RosterUnreadable(Problem):
    """The roster file can't be read as it is; `reason` says what to change."""

    reason: str


@dataclass(eq=False)
class SignOnsUnreadable(Problem):
    """A file of sign-ons to import can't be read as it is; `reason` says why."""

    reason: str


class EntryGone(Problem):
    """The entry a button or form was for is gone from the list, or back in it."""


@dataclass(eq=False)
class EntryNameTaken(Problem):
    """Restoring the entry would list its organization twice."""

    name: str


@dataclass(eq=False)
class NotSignedHere(Problem):
    """A correction from someone who isn't (or is no longer) signed for that entry."""

    letter: Letter


class NothingToEdit(Problem):
    """No open letter this person may edit."""


class NotLeading(Problem):
    """Only organizers and leads may list letters, and this person leads none."""


class GroupUnknown(Problem):
    """Slack hasn't said yet who is in the organizer group."""


# Which letter


class Surface(StrEnum):
    """Where a letter was named: in /letter, in /signon, or by a button's value."""

    LETTER = "letter"
    SIGNON = "signon"
    BUTTON = "button"


@dataclass(eq=False)
class NotALetterNumber(Problem):
    text: str
    surface: Surface


@dataclass(eq=False)
class NoSuchLetter(Problem):
    number: int
    surface: Surface


class OutOfDate(Problem):
    """A button or menu whose value isn't one the bot sent (stale, or garbled)."""


class LetterGone(Problem):
    """The letter a form or button was for no longer exists."""


@dataclass(eq=False)
class NoLetterHere(Problem):
    """Nothing to name in this channel: no letter at all, or none with `status`."""

    status: LetterStatus | None
    surface: Surface


@dataclass(eq=False)
class SeveralLetters(Problem):
    """The channel has several letters: the person must say which."""

    letters: list[Letter]
    status: LetterStatus | None


# A letter's state


@dataclass(eq=False)
class LetterRemoved(Problem):
    """The letter was taken down: nothing more can be done with it from Slack."""

    letter: Letter


@dataclass(eq=False)
class AlreadyClosed(Problem):
    letter: Letter


@dataclass(eq=False)
class AlreadyOpen(Problem):
    letter: Letter


@dataclass(eq=False)
class DeadlinePassed(Problem):
    """Reopening would close the letter again at once."""

    letter: Letter


@dataclass(eq=False)
class ClosedForEditing(Problem):
    """An open letter's schedule is edited; this one closed (perhaps mid-edit)."""

    letter: Letter
    while_editing: bool = False


@dataclass(eq=False)
class PostedEverywhere(Problem):
    letter: Letter


@dataclass(eq=False)
class WhenMissing(Problem):
    """`/letter extend` without a time."""

    letter: Letter


@dataclass(eq=False)
class WhenUnreadable(Problem):
    """A typed deadline that can't be used; `reason` in plain words (from bot.rules.timing),
    `number` a leading bare number that may have been meant as the letter's."""

    reason: str
    number: str | None = None


@dataclass(eq=False)
class SignOnsClosed(Problem):
    letter: Letter


@dataclass(eq=False)
class TooLateToWithdraw(Problem):
    letter: Letter


@dataclass(eq=False)
class NothingToKeep(Problem):
    """Keep my signature, pressed by someone no longer signed."""

    letter: Letter


@dataclass(eq=False)
class VersionOutdated(Problem):
    """Keep my signature, pressed for a version that isn't the letter's current one."""

    letter: Letter
    version: int


@dataclass(eq=False)
class NothingToWithdraw(Problem):
    letter: Letter


class PairDecided(Problem):
    """The pair of possible duplicates is no longer waiting for review."""


class HoldDecided(Problem):
    """The held sign-ons a button was for are no longer waiting (or never were)."""


# Letters from messages and files


class NoTextInMessage(Problem):
    pass


@dataclass(eq=False)
class LetterTooLong(Problem):
    length: int


class DraftGone(Problem):
    """The letter taken from a message was kept for a day, and is gone."""


@dataclass(frozen=True, slots=True)
class PassedOver:
    """An attached file that isn't the letter: its name (None if Slack gave none), why
    it was passed over in plain words, and whether inviting the bot would help."""

    name: str | None
    why: str
    invite: bool = False


@dataclass(eq=False)
class FileUnreadable(Problem):
    """The attached letter file couldn't be had or read."""

    name: str | None
    reason: str
    retry: bool = False  # trying again later may work
    invite: bool = False  # inviting the bot to the file's channel would let it through


@dataclass(eq=False)
class NoReadableFile(Problem):
    """Files attached, none of them a letter, and no text in the message either."""

    files: list[PassedOver]


# Slack


@dataclass(eq=False)
class FormDidNotOpen(Problem):
    what: str
    code: str


@dataclass(eq=False)
class FilesRefused(Problem):
    """Slack didn't take an export's files."""

    letter: Letter
    code: str


# Form answers


class Issue(StrEnum):
    """What is wrong with one answer in a form."""

    MISSING = "missing"
    TOO_LONG = "too_long"
    NOT_A_CHANNEL = "not_a_channel"
    IN_THE_PAST = "in_the_past"
    TOO_FAR_AHEAD = "too_far_ahead"
    NOT_PEOPLE = "not_people"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    UNREADABLE = "unreadable"
    NO_LETTERS = "no_letters"
    NOT_AN_EMAIL = "not_an_email"
    CHANGED_MEANWHILE = "changed_meanwhile"
    LINK_OR_MARKUP = "link_or_markup"  # a web address or markup where a name goes


@dataclass(frozen=True, slots=True)
class FieldProblem:
    issue: Issue
    limit: int | None = None
    detail: str = ""  # plain words from elsewhere (a typed schedule's problem)


class FormErrors(Exception):
    """Form answers to correct, keyed by the input block each problem belongs under."""

    def __init__(self, errors: Mapping[str, FieldProblem]) -> None:
        super().__init__(
            "; ".join(f"{field}: {problem.issue}" for field, problem in errors.items())
        )
        self.errors = dict(errors)
