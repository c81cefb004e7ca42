"""The email that asks a web signer to confirm: what they submitted, repeated, and
their two private links (confirm, and manage), as plain text and as HTML.

Pure. Every value is the signer's own typing or the organizer's: escaped in the HTML
part, and kept out of the headers but for the subject's letter title (on one line).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.rules.cleaning import one_line
from bot.rules.letters import Letter
from bot.rules.signons import SignerKind, Submission

# A subject line stays readable in a mail client's list.
SUBJECT_TITLE_MAX = 80


@dataclass(frozen=True, slots=True)
class Mail:
    subject: str
    text: str
    html: str


def confirmation_mail(
    letter: Letter, submission: Submission, *, confirm_url: str, manage_url: str
) -> Mail:
    title = subject_title(letter.title)
    rows = submitted_rows(submission)
    text = "\n".join(
        [
            f"You signed “{title}” on its sign-on page. It counts once you confirm:",
            "",
            f"    {confirm_url}",
            "",
            "The link opens a page with a Confirm button: nothing is signed until you",
            "press it. This is what you submitted:",
            "",
            *(f"    {label}: {value}" for label, value in rows),
            "",
            "To correct it or withdraw later, keep this private link:",
            "",
            f"    {manage_url}",
            "",
            "If you didn't sign, ignore this email: nothing is signed without you.",
        ]
    )
    table = "".join(
        f"<tr><th scope='row' style='text-align:left;padding-right:1em'>{escape(label)}</th>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"<p>You signed <strong>{escape(title)}</strong> on its sign-on page. "
        "It counts once you confirm.</p>"
        f"<p><a href='{escape(confirm_url)}' style='font-weight:bold'>Open the page to confirm"
        "</a> (nothing is signed until you press its Confirm button).</p>"
        f"<p>This is what you submitted:</p><table>{table}</table>"
        f"<p>To correct it or withdraw later, keep this private link: "
        f"<a href='{escape(manage_url)}'>manage your sign-on</a>.</p>"
        "<p>If you didn't sign, ignore this email: nothing is signed without you.</p>"
        "</body></html>"
    )
    return Mail(subject=f"Confirm your signature: {title}", text=text, html=html)


def subject_title(title: str) -> str:
    """A letter's title on one line, short enough for a subject."""
    title = one_line(title)
    if len(title) > SUBJECT_TITLE_MAX:
        title = title[: SUBJECT_TITLE_MAX - 1].rstrip() + "…"
    return title


def submitted_rows(submission: Submission) -> list[tuple[str, str]]:
    """What was submitted, as (label, value) rows, empty fields left out."""
    individual = submission.kind is SignerKind.INDIVIDUAL
    rows = [
        ("Signing as", "an individual" if individual else "an organization"),
        ("Organization", (submission.affiliation if individual else submission.name) or ""),
        ("Name", submission.person_name or ""),
        ("Title", submission.title or ""),
        ("City", submission.city or ""),
        ("State", submission.state or ""),
        ("Email", submission.email or ""),
        ("Listed publicly", "yes" if submission.public else "no"),
        ("The coalition may contact you", "yes" if submission.may_contact else "no"),
    ]
    if individual and submission.affiliation:
        rows[1] = ("Organization (for identification only)", submission.affiliation)
    return [(label, value) for label, value in rows if value]
