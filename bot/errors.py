"""Problems the person who asked should hear about, privately and in plain words."""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or mistake to show the user; the message is mrkdwn, already escaped."""


class NotAllowed(UserFacingError):
    """The user may not do this; only organizers (or this letter's creator and leads) may."""


class FormErrors(Exception):
    """Modal input to correct, keyed by the input block each message belongs under."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
