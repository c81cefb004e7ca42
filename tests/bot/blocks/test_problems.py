"""Every problem the domain can raise has its words, and the words quote typed text
inertly."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.rules import problems
from bot.rules.forms import Field, SignonField
from bot.rules.letters import LetterStatus
from bot.rules.problems import FieldProblem, FormErrors, Issue, PassedOver, Problem, Surface
from bot.slack.blocks.problems import explain, field_errors, form_problems
from tests.bot.blocks.test_letter import make_letter

LETTER = make_letter("Text", title="<!channel> & co")
EXAMPLES: list[Problem] = [
    problems.NotOrganizer("U1"),
    problems.NotOrganizer("U1", roster=True),
    problems.NotManager(LETTER, problems.Action.CHASE),
    problems.NoRoster(),
    problems.NotTheirMember(),
    problems.NotAsked(),
    problems.QuestionGone(),
    problems.HoldDecided(),
    problems.OutOfDate(),
    problems.VersionOutdated(LETTER, 5),
    problems.RosterUnreadable("The file <!channel> is empty."),
    problems.SignOnsUnreadable("The file <!channel> is empty."),
    problems.NotManager(LETTER),
    problems.NotManager(LETTER, problems.Action.EDIT),
    problems.NotLeading(),
    problems.GroupUnknown(),
    problems.NotALetterNumber("<!here>", Surface.LETTER),
    problems.NotALetterNumber("<!here>", Surface.SIGNON),
    problems.NotALetterNumber("x", Surface.BUTTON),
    problems.NoSuchLetter(9, Surface.LETTER),
    problems.NoSuchLetter(9, Surface.SIGNON),
    problems.LetterGone(),
    problems.NoLetterHere(LetterStatus.OPEN, Surface.LETTER),
    problems.NoLetterHere(None, Surface.SIGNON),
    problems.SeveralLetters([LETTER, LETTER], LetterStatus.OPEN),
    problems.AlreadyClosed(LETTER),
    problems.LetterRemoved(LETTER),
    problems.NothingToKeep(LETTER),
    problems.NothingToEdit(),
    problems.EntryGone(),
    problems.EntryNameTaken("Mijente"),
    problems.NotSignedHere(LETTER),
    problems.AlreadyOpen(LETTER),
    problems.DeadlinePassed(LETTER),
    problems.ClosedForEditing(LETTER),
    problems.ClosedForEditing(LETTER, while_editing=True),
    problems.PostedEverywhere(LETTER),
    problems.WhenMissing(LETTER),
    problems.WhenUnreadable("“<!here>” isn't a date", "3"),
    problems.SignOnsClosed(LETTER),
    problems.TooLateToWithdraw(LETTER),
    problems.NothingToWithdraw(LETTER),
    problems.PairDecided(),
    problems.NoTextInMessage(),
    problems.LetterTooLong(200_000),
    problems.DraftGone(),
    problems.FileUnreadable("<!channel>.docx", "it is broken"),
    problems.FileUnreadable(None, "Slack showed me a sign-in page", invite=True),
    problems.NoReadableFile([PassedOver("a.pages", "a Pages file")]),
    problems.FormDidNotOpen("sign-on form", "ratelimited"),
    problems.FilesRefused(LETTER, "missing_argument"),
]


@pytest.mark.parametrize("problem", EXAMPLES, ids=lambda p: type(p).__name__)
def test_each_problem_is_said_in_words_that_ping_nobody(problem: Problem) -> None:
    """Nothing anyone typed pings; whom to ask is named by their Slack account, which a
    private answer shows as their name without notifying them."""
    words = explain(problem).replace(f"<@{LETTER.created_by}>", "its creator")
    assert words.strip() and words.endswith((".", "?"))
    assert "<!" not in words and "<@" not in words


def test_a_late_signer_is_told_when_it_closed_and_whom_to_ask() -> None:
    closed = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    led = replace(LETTER, leads=("ULEAD1", "ULEAD2"), closed_at=closed)
    words = explain(problems.SignOnsClosed(led))
    assert f"closed on <!date^{int(closed.timestamp())}^" in words
    assert words.endswith("To add your name late, ask its leads <@ULEAD1>, <@ULEAD2>.")
    late = explain(problems.TooLateToWithdraw(LETTER))
    assert late.endswith(f"ask its lead <@{LETTER.created_by}>.")


def test_no_problem_is_left_without_words() -> None:
    """A problem added to bot.rules.problems without words here fails this test."""
    defined = {
        cls
        for _, cls in inspect.getmembers(problems, inspect.isclass)
        if issubclass(cls, Problem) and cls is not Problem
    }
    assert defined == {type(problem) for problem in EXAMPLES}


def test_form_problems_become_one_sentence_per_field() -> None:
    errors = FormErrors(
        {
            Field.TITLE: FieldProblem(Issue.TOO_LONG, limit=150),
            Field.REMINDERS: FieldProblem(Issue.UNREADABLE, detail="“<!here>” isn't a duration"),
        }
    )
    shown = field_errors(errors)
    assert shown[Field.TITLE] == "Keep the title to 150 characters."
    assert shown[Field.REMINDERS].startswith("“<\u2060!here>” isn't a duration")
    signon = FormErrors({SignonField.EMAIL: FieldProblem(Issue.NOT_AN_EMAIL)})
    assert form_problems(signon, signon=True) == "That doesn't look like an email address."
