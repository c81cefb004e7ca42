"""The forms' answers as the bot reads them, and the ids of their fields.

Builders lay the forms out with these ids; checks name the field a problem belongs
under by them; neither needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.rules.problems import PassedOver
from bot.rules.signons import Submission


class Field(StrEnum):
    """The letter form's fields (each input's block and action id)."""

    TITLE = "title"
    ADDRESSEE = "addressee"
    BODY = "body"
    DEADLINE = "deadline"
    CHANNELS = "channels"
    LEADS = "leads"
    GOAL = "goal"
    REMINDERS = "reminders"
    WEB_SIGNONS = "web_signons"  # whether it has a public sign-on page
    WHO_COUNTS = "who_counts"  # its rule for sign-ons not yet verified
    LETTER = "letter"  # which letter a new text is for
    # Its text in Spanish, written by its organizers (all three optional).
    SPANISH_TITLE = "title_es"
    SPANISH_ADDRESSEE = "addressee_es"
    SPANISH_BODY = "body_es"


class SignonField(StrEnum):
    """The sign-on form's fields (each input's block and action id)."""

    LETTER = "letter"
    KIND = "kind"
    ORGANIZATION = "organization"
    PERSON = "person"
    TITLE = "title"
    CITY = "city"
    STATE = "state"
    EMAIL = "email"
    PUBLIC = "public"
    REASON = "reason"  # why an organizer changed an entry


@dataclass(frozen=True, slots=True)
class DraftPreview:
    """Letter text already taken from a message, shown in the form instead of an input:
    its length and opening as a reader sees them, the file it came from (None for the
    message itself), and files attached but passed over."""

    id: int
    length: int
    opening: str
    file_name: str | None = None
    passed_over: tuple[PassedOver, ...] = ()


@dataclass(frozen=True, slots=True)
class TranslationValues:
    """A text of the letter in another language as the form left it: the body is None
    when the form couldn't hold it (it is changed by message instead)."""

    title: str = ""
    addressee: str = ""
    body: str | None = ""


@dataclass(frozen=True, slots=True)
class LetterFormValues:
    """What the organizer entered, as Slack sent it; checking it is bot.rules.checks' job."""

    title: str
    addressee: str
    body: str | None
    deadline: int | None
    channels: tuple[str, ...]
    leads: tuple[str, ...]
    goal: str | None
    origin_channel: str | None
    draft_id: int | None
    reminders: str = ""
    web_signons: bool | None = None  # None: the form had no such checkbox
    who_counts: str | None = None  # a `WhoCounts` value; None: the form had no choice
    spanish: TranslationValues | None = None  # None: the form had no Spanish text


@dataclass(frozen=True, slots=True)
class EditFormValues:
    """What the organizer changed in the edit form, as Slack sent it."""

    letter_id: int | None
    deadline: int | None
    reminders: str
    leads: tuple[str, ...]
    goal: str | None
    title: str
    addressee: str
    body: str | None  # None when the form didn't hold the text
    channels: tuple[str, ...]
    version: int | None = None  # of the text the form showed
    web_signons: bool | None = None  # None: the form had no such checkbox
    who_counts: str | None = None  # a `WhoCounts` value; None: the form had no choice
    spanish: TranslationValues | None = None  # None: the form had no Spanish text


@dataclass(frozen=True, slots=True)
class SignonFormValues:
    """The sign-on form's answers: which letter, and the submission (a correction of
    the signer's entry `entry_id`, when the form was theirs to correct)."""

    letter_id: int | None
    channel: str | None
    submission: Submission
    entry_id: int | None = None
