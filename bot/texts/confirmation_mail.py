"""The email that asks a web signer to confirm: what they submitted, repeated, and
their two private links (confirm, and manage), as plain text and as HTML, in the
language being spoken (the sign-on's page's), with the letter's title as that
language's readers read it.

Pure. Every value is the signer's own typing or the organizer's: escaped in the HTML
part, and kept out of the headers but for the subject's letter title (on one line).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.rules.cleaning import one_line
from bot.rules.language import current, pgettext
from bot.rules.language import gettext as _
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
    title = subject_title(letter.text_in(current()).title)
    rows = submitted_rows(submission)
    not_you = _("If you didn't sign, ignore this email: nothing is signed without you.")
    keep_link = _("To correct it or withdraw later, keep this private link:")
    text = "\n".join(
        [
            _("You signed “{title}” on its sign-on page. It counts once you confirm:").format(
                title=title
            ),
            "",
            f"    {confirm_url}",
            "",
            _(
                "The link opens a page with a Confirm button: nothing is signed until you\n"
                "press it. This is what you submitted:"
            ),
            "",
            *(f"    {label}: {value}" for label, value in rows),
            "",
            keep_link,
            "",
            f"    {manage_url}",
            "",
            not_you,
        ]
    )
    table = "".join(
        f"<tr><th scope='row' style='text-align:left;padding-right:1em'>{escape(label)}</th>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    signed = _phrase(_("You signed {title} on its sign-on page. It counts once you confirm."))
    to_confirm = _phrase(_("{link} (nothing is signed until you press its Confirm button)."))
    open_page = _phrase(_("Open the page to confirm"))
    submitted = _phrase(_("This is what you submitted:"))
    to_manage = _phrase(_("To correct it or withdraw later, keep this private link: {link}."))
    manage = _phrase(_("manage your sign-on"))
    confirm_link = f"<a href='{escape(confirm_url)}' style='font-weight:bold'>{open_page}</a>"
    manage_link = f"<a href='{escape(manage_url)}'>{manage}</a>"
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"<p>{signed.format(title=f'<strong>{escape(title)}</strong>')}</p>"
        f"<p>{to_confirm.format(link=confirm_link)}</p>"
        f"<p>{submitted}</p><table>{table}</table>"
        f"<p>{to_manage.format(link=manage_link)}</p>"
        f"<p>{_phrase(not_you)}</p>"
        "</body></html>"
    )
    return Mail(
        subject=_("Confirm your signature: {title}").format(title=title), text=text, html=html
    )


def subject_title(title: str) -> str:
    """A letter's title on one line, short enough for a subject."""
    title = one_line(title)
    if len(title) > SUBJECT_TITLE_MAX:
        title = title[: SUBJECT_TITLE_MAX - 1].rstrip() + "…"
    return title


def submitted_rows(submission: Submission) -> list[tuple[str, str]]:
    """What was submitted, as (label, value) rows, empty fields left out."""
    individual = submission.kind is SignerKind.INDIVIDUAL
    yes, no = _("yes"), _("no")
    rows = [
        (_("Signing as"), _("an individual") if individual else _("an organization")),
        (_("Organization"), (submission.affiliation if individual else submission.name) or ""),
        (_("Name"), submission.person_name or ""),
        (pgettext("a person's job title", "Title"), submission.title or ""),
        (_("City"), submission.city or ""),
        (_("State"), submission.state or ""),
        (_("Email"), submission.email or ""),
        (_("Listed publicly"), yes if submission.public else no),
        (_("The coalition may contact you"), yes if submission.may_contact else no),
    ]
    if individual and submission.affiliation:
        rows[1] = (_("Organization (for identification only)"), submission.affiliation)
    return [(label, value) for label, value in rows if value]


def _phrase(text: str) -> str:
    """A phrase of ours in the HTML part: its text escaped, its apostrophes as they are."""
    return escape(text, quote=False)
