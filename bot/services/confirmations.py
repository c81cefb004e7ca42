"""Sending the email that asks a web signer to confirm, as the dispatcher's delivery
of a `JobKind.MAIL` job: claimed, retried and sent once, as Slack posts are. It speaks
the language of the page the sign-on was sent from, and its links open the pages in it."""

from __future__ import annotations

from bot.mail.smtp import Mailer, compose
from bot.rules.language import speaking
from bot.rules.public_page import in_language
from bot.rules.web_signons import WebSignOnStatus
from bot.services.web_signons import SignOnLinks
from bot.storage import Store
from bot.texts.confirmation_mail import confirmation_mail


class ConfirmationMail:
    def __init__(self, *, store: Store, links: SignOnLinks, mailer: Mailer) -> None:
        self._store = store
        self._links = links
        self._mailer = mailer

    async def send(self, web_signon_id: int) -> str | None:
        """Send it; or None, with why not, when there is nothing to send."""
        web_signon = await self._store.web_signons.get(web_signon_id)
        if web_signon is None:
            return "the sign-on is gone"
        if web_signon.status is not WebSignOnStatus.PENDING:
            return f"the sign-on is {web_signon.status.value} already"
        letter = await self._store.letters.get(web_signon.letter_id)
        if letter is None or not letter.is_open:
            return "the letter closed"
        language = web_signon.language
        confirm_url, manage_url = (in_language(url, language) for url in self._links.of(web_signon))
        with speaking(language):
            mail = confirmation_mail(
                letter, web_signon.submission, confirm_url=confirm_url, manage_url=manage_url
            )
        await self._mailer.send(
            compose(to=web_signon.email, subject=mail.subject, text=mail.text, html=mail.html)
        )
        return None
