"""The email that asks a roster contact Slack doesn't know whether their organization
signed: the question, and the private link to the page that answers it (a page with
two buttons: opening the link answers nothing, as mail scanners open links).

Pure. The signer's name and title are their own typing: escaped in the HTML part, and
kept out of the headers, whose subject holds only the roster's name and the title.
"""

from __future__ import annotations

from html import escape

from bot.rules.cleaning import one_line
from bot.rules.verification import Asked, Disowned
from bot.texts.confirmation_mail import Mail, subject_title

# A member's name as the subject holds it.
SUBJECT_NAME_MAX = 60


def question_mail(asked: Asked, *, answer_url: str) -> Mail:
    title = subject_title(asked.letter.title)
    member = one_line(asked.member)
    short = member if len(member) <= SUBJECT_NAME_MAX else member[: SUBJECT_NAME_MAX - 1] + "…"
    who = _who(asked)
    text = "\n".join(
        [
            f"Someone signed “{title}” for {member} as {who}.",
            "",
            "Did your organization sign? Please answer on this page:",
            "",
            f"    {answer_url}",
            "",
            f"You're a contact for {member} in the coalition's roster, so the letter's",
            "organizers check with you. If your organization didn't sign, the signature",
            "is withdrawn and the organizers are told.",
        ]
    )
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"<p>Someone signed <strong>{escape(title)}</strong> for "
        f"<strong>{escape(member)}</strong> as {escape(who)}.</p>"
        f"<p><a href='{escape(answer_url)}' style='font-weight:bold'>Did your organization "
        "sign? Answer on this page</a>.</p>"
        f"<p>You're a contact for {escape(member)} in the coalition's roster, so the "
        "letter's organizers check with you. If your organization didn't sign, the "
        "signature is withdrawn and the organizers are told.</p>"
        "</body></html>"
    )
    return Mail(subject=f"Did {short} sign “{title}”?", text=text, html=html)


def disowned_mail(disowned: Disowned) -> Mail:
    """To a web signer whose entry was withdrawn: the outcome, never who was asked."""
    title = subject_title(disowned.letter.title)
    entry = one_line(disowned.entry)
    said = (
        f"Your signature for {entry} on “{title}” was withdrawn: checking with the "
        "organization, the letter's organizers learned it didn't sign."
    )
    way_on = "If that's a mistake, ask the coalition that shared the letter with you."
    html = (
        "<!doctype html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"<p>{escape(said)}</p><p>{escape(way_on)}</p></body></html>"
    )
    return Mail(
        subject=f"Your signature was withdrawn: {title}", text=f"{said}\n\n{way_on}", html=html
    )


def _who(asked: Asked) -> str:
    if not asked.signer:
        return "someone who gave no name"
    name = one_line(asked.signer)
    return f"{name}, {one_line(asked.title)}" if asked.title else name
