"""A scheduled post that didn't go out, as an organizer reads it in `/letter list` and on
the Home: what to do about it first, the service's own answer only as small print."""

from __future__ import annotations

import pytest

from bot.rules.schedule import DeliveryProblem, JobKind
from bot.slack.blocks.replies import problem_line


def gave_up(target: str, error: str, kind: JobKind = JobKind.REMINDER) -> str:
    return problem_line(DeliveryProblem(3, kind, target, error, attempts=1, gave_up=True))


@pytest.mark.parametrize(
    ("target", "error", "advice"),
    [
        ("CSTATES", "not_in_channel", "Invite me there (`/invite @Undersigned`)"),
        ("GPRIVATE", "channel_not_found", "Invite me there (`/invite @Undersigned`)"),
        (
            "CSTATES",
            "is_archived",
            "Unarchive it, or take it out of the letter with `/letter edit 3`",
        ),
        ("UGONE", "user_not_found", "they aren't in this Slack any more"),
    ],
)
def test_a_refusal_says_what_to_do_then_slacks_code_in_small_print(
    target: str, error: str, advice: str
) -> None:
    line = gave_up(target, error)
    assert advice in line
    assert line.endswith(f"_(Slack said `{error}`)_")
    assert line.index(advice) < line.index(error)


def test_mail_and_our_own_words_are_not_put_in_slacks_mouth() -> None:
    refused = gave_up("mail:7", "SMTPRecipientsRefused", JobKind.MAIL)
    assert refused.endswith("_(the mail server said `SMTPRecipientsRefused`)_")
    unsent = gave_up("question:4", "no SMTP_URL to email the contact with", JobKind.QUESTION)
    assert unsent.endswith("_(no SMTP_URL to email the contact with)_")
    assert "Slack" not in refused + unsent


def test_a_post_still_being_retried_says_so() -> None:
    line = problem_line(DeliveryProblem(3, JobKind.TALLY, "ULEAD", "ratelimited", 4, False))
    assert line == (
        ":hourglass: The daily tally for <@ULEAD> hasn't gone out yet: 4 tries so far; still "
        "trying. _(Slack said `ratelimited`)_"
    )
