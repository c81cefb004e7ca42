"""The email that asks a roster contact Slack doesn't know whether their organization
signed: the question, and the private link to the page that answers it (a page with
two buttons: opening the link answers nothing, as mail scanners open links). Whose
language we don't know: it is said in English, with one line in Spanish linking to the
page in Spanish.

Pure. The signer's name and title are their own typing: escaped in the HTML part, and
kept out of the headers, whose subject holds only the roster's name and the title.
"""

from __future__ import annotations

from html import escape

from bot.rules.cleaning import one_line
from bot.rules.language import Language, current, speaking
from bot.rules.language import gettext as _
from bot.rules.public_page import in_language
from bot.rules.verification import Asked, Disowned
from bot.texts.confirmation_mail import Mail, subject_title

# A member's name as the subject holds it.
SUBJECT_NAME_MAX = 60


def question_mail(asked: Asked, *, answer_url: str) -> Mail:
    title = subject_title(asked.letter.text_in(current()).title)
    member = one_line(asked.member)
    short = member if len(member) <= SUBJECT_NAME_MAX else member[: SUBJECT_NAME_MAX - 1] + "…"
    signer = one_line(asked.signer) if asked.signer else None
    job_title = one_line(asked.title) if asked.signer and asked.title else None
    contact = _(
        "You're a contact for {member} in the coalition's roster, so the letter's "
        "organizers check with you. If your organization didn't sign, the signature is "
        "withdrawn and the organizers are told."
    )
    answer_here = _phrase(_("Did your organization sign? Answer on this page"))
    spanish_url = in_language(answer_url, Language.SPANISH)
    with speaking(Language.SPANISH):
        in_spanish = _("To read this question in Spanish: {url}")
    text = "\n".join(
        [
            _someone_signed(signer, job_title).format(
                title=f"“{title}”", member=member, signer=signer, job_title=job_title
            ),
            "",
            _("Did your organization sign? Please answer on this page:"),
            "",
            f"    {answer_url}",
            "",
            _(
                "You're a contact for {member} in the coalition's roster, so the letter's\n"
                "organizers check with you. If your organization didn't sign, the signature\n"
                "is withdrawn and the organizers are told."
            ).format(member=member),
            "",
            in_spanish.format(url=spanish_url),
        ]
    )
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        "<p>"
        + _phrase(_someone_signed(signer, job_title)).format(
            title=f"<strong>{escape(title)}</strong>",
            member=f"<strong>{escape(member)}</strong>",
            signer=escape(signer or ""),
            job_title=escape(job_title or ""),
        )
        + "</p>"
        f"<p><a href='{escape(answer_url)}' style='font-weight:bold'>{answer_here}</a>.</p>"
        f"<p>{_phrase(contact).format(member=escape(member))}</p>"
        "<p lang='es'>"
        + _phrase(in_spanish).format(
            url=f"<a href='{escape(spanish_url)}' hreflang='es'>{escape(spanish_url)}</a>"
        )
        + "</p></body></html>"
    )
    return Mail(
        subject=_("Did {member} sign “{title}”?").format(member=short, title=title),
        text=text,
        html=html,
    )


def disowned_mail(disowned: Disowned) -> Mail:
    """To a web signer whose entry was withdrawn: the outcome, never who was asked."""
    title = subject_title(disowned.letter.text_in(current()).title)
    entry = one_line(disowned.entry)
    said = _(
        "Your signature for {entry} on “{title}” was withdrawn: checking with the "
        "organization, the letter's organizers learned it didn't sign."
    ).format(entry=entry, title=title)
    way_on = _("If that's a mistake, ask the coalition that shared the letter with you.")
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"<p>{escape(said)}</p><p>{escape(way_on)}</p></body></html>"
    )
    return Mail(
        subject=_("Your signature was withdrawn: {title}").format(title=title),
        text=f"{said}\n\n{way_on}",
        html=html,
    )


def _someone_signed(signer: str | None, job_title: str | None) -> str:
    """Who signed for the member, as they gave it: `{title}` and `{member}` to fill in,
    and their `{signer}` name and `{job_title}`."""
    if signer is None:
        return _("Someone signed {title} for {member} as someone who gave no name.")
    if job_title:
        return _("Someone signed {title} for {member} as {signer}, {job_title}.")
    return _("Someone signed {title} for {member} as {signer}.")


def _phrase(text: str) -> str:
    """A phrase of ours in the HTML part: its text escaped, its apostrophes as they are."""
    return escape(text, quote=False)
