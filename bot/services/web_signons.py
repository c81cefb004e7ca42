"""Signing on a letter's public page: a form kept until its email is confirmed, then
signed through the same `SignOns.sign` as Slack and imports (dedupe, the review
queue, the count, the tally, the exports all see it); and the signer's own sign-on,
corrected or withdrawn through their private link.

Nothing here trusts the open web: every form is checked (`bot.rules.web_form`) and
counted against the page's rate limits before anything is kept, and a sign-on counts
only once the person who can read its email presses Confirm.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.rules.language import Language, current
from bot.rules.letters import Letter, LetterStatus
from bot.rules.problems import LetterGone, NothingToWithdraw, SignOnsClosed
from bot.rules.public_page import PublicPages
from bot.rules.signons import Outcome, OwnEntry, Signer, SignerStatus
from bot.rules.web_form import WebForm, check_web_form
from bot.rules.web_signons import WebSignOn, WebSignOnStatus
from bot.services.entries import Corrected, Entries
from bot.services.rate_limits import (
    PER_ADDRESS,
    PER_DOMAIN,
    PER_EMAIL,
    PER_NETWORK,
    UNCONFIRMED_PER_ADDRESS,
    RateLimited,
    RateLimits,
)
from bot.services.signons import SignOns
from bot.services.web_keys import WebKeys
from bot.storage import Store
from bot.storage.web_signons import TooManyUnconfirmed
from bot.texts.exports import headline

# How long a letter's count, as its pages show it, is reused.
HEADLINE_CACHE_SECONDS = 2.0
# What the links in a web signer's email are signed for.
CONFIRM = "confirm"
MANAGE = "manage"
# And the link in a roster contact's email that answers "Did your organization sign?".
ANSWER = "answer"


# When to try again after Unconfirmed: time enough to confirm what is waiting.
UNCONFIRMED_RETRY = timedelta(minutes=10)
# How long an address found with too many sign-ons waiting is turned away from memory
# before the records are counted again (some may have been confirmed meanwhile).
UNCONFIRMED_RECHECK_SECONDS = 10.0


class Unconfirmed(RateLimited):
    """Sign-ons from this address still wait to be confirmed (UNCONFIRMED_PER_ADDRESS)."""


@dataclass(frozen=True, slots=True)
class OwnSignOn:
    """A web sign-on as its signer sees it through their private link."""

    web_signon: WebSignOn
    letter: Letter
    entry: OwnEntry | None  # what it counts for now; None if withdrawn (or not yet)


class SignOnLinks:
    """The instance's keys, and the private links they sign: shared by the pages and
    the emails that carry their links."""

    def __init__(self, *, store: Store, pages: PublicPages) -> None:
        self._store = store
        self.pages = pages
        self._keys: WebKeys | None = None

    async def prepare(self) -> None:
        """Read the instance's keys (making them on its first start)."""
        self._keys = await WebKeys.of(self._store)

    @property
    def keys(self) -> WebKeys:
        if self._keys is None:
            raise RuntimeError("call prepare() first")
        return self._keys

    def of(self, web_signon: WebSignOn) -> tuple[str, str]:
        """The private links of a web sign-on: to confirm it, and to manage it."""
        return (
            self.pages.confirm_url(self.keys.seal(CONFIRM, web_signon.id)),
            self.pages.manage_url(self.keys.seal(MANAGE, web_signon.id)),
        )

    def answer(self, question_id: int) -> str:
        """The private link where a roster contact answers question `question_id`."""
        return self.pages.answer_url(self.keys.seal(ANSWER, question_id))

    def question_of(self, token: str) -> int | None:
        """The question an answer link is for; None for a link that isn't one."""
        return self.keys.unseal(ANSWER, token)


class WebSignOns:
    def __init__(
        self,
        *,
        store: Store,
        signons: SignOns,
        entries: Entries,
        links: SignOnLinks,
        mail_planned: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._signons = signons
        self._entries = entries
        self._links = links
        self.pages = links.pages
        self._mail_planned = mail_planned
        self.limits = RateLimits(store)
        self._headlines: dict[tuple[int, Language], tuple[float, str]] = {}

    @property
    def keys(self) -> WebKeys:
        return self._links.keys

    # The page

    async def letter(self, token: str) -> Letter:
        """The letter whose page is at `token`: LetterGone for none (or one taken
        down, or whose organizer turned its page off, or with the web off)."""
        letter = await self._store.letters.by_token(token)
        if (
            letter is None
            or letter.status is LetterStatus.REMOVED
            or self.pages.letter_url(letter) is None
        ):
            raise LetterGone
        return letter

    async def headline(self, letter: Letter) -> str:
        """The letter's count as its pages show it: the export's headline, with its
        caveat, in the reader's language. Reused for HEADLINE_CACHE_SECONDS: a busy page
        is read by many at once, and a count a second old is as true to them."""
        key = (letter.id, current())
        cached = self._headlines.get(key)
        clock = time.monotonic()
        if cached is not None and clock - cached[0] < HEADLINE_CACHE_SECONDS:
            return cached[1]
        said = headline(await self._store.signatures.signers(letter.id))
        self._headlines[key] = (clock, said)
        return said

    def _forget_headlines(self, letter_id: int) -> None:
        """The letter's count changed: its headline is said anew, in every language."""
        for language in Language:
            self._headlines.pop((letter_id, language), None)

    async def public_signers(self, letter: Letter) -> list[Signer]:
        """The entries the public list is made of: those not waiting for an organizer to
        check they are not a duplicate. Those who asked not to be listed are counted
        there, never named (`bot.texts.lists.sections`)."""
        return [
            signer
            for signer in await self._store.signatures.signers(letter.id)
            if not signer.possible_duplicate_of
        ]

    # Signing

    async def submit(
        self, letter: Letter, form: WebForm, *, address: str, now: datetime
    ) -> WebSignOn:
        """Keep a sign-on from the page and send the email that asks to confirm it, in
        the language the page spoke; the sign-on keeps which text of the letter it was
        shown. Raises FormErrors, SignOnsClosed, or RateLimited (Unconfirmed when
        sign-ons from the same address wait to be confirmed); nothing is kept then."""
        if not letter.is_open:
            raise SignOnsClosed(letter)
        submission = check_web_form(form)
        assert submission.email is not None
        email_key, domain_key = self.keys.email_keys(submission.email)
        await self.limits.spend([(email_key, PER_EMAIL), (domain_key, PER_DOMAIN)], now=now)
        language = current()
        submission = replace(
            submission,
            user_id=self.keys.account(submission.email),
            read_in=letter.text_in(language).language,
        )
        ip_key, _ = self.keys.address_keys(address)
        try:
            web_signon = await self._store.web_signons.add(
                letter.id,
                submission,
                ip_hash=ip_key,
                unconfirmed_max=UNCONFIRMED_PER_ADDRESS.hits,
                since=now - UNCONFIRMED_PER_ADDRESS.window,
                now=now,
                language=language,
            )
        except TooManyUnconfirmed:
            # Until some are confirmed the answer stays the same: a flood is given it
            # from memory for a while.
            self.limits.block(_unconfirmed_key(ip_key), seconds=UNCONFIRMED_RECHECK_SECONDS)
            raise Unconfirmed(int(UNCONFIRMED_RETRY.total_seconds())) from None
        self._mail_planned()
        return web_signon

    async def spend_visit(self, address: str, *, now: datetime, signing: bool = False) -> None:
        """Count a form sent from `address` against its limits; raises RateLimited. A
        sign-on (`signing`) from an address whose sign-ons wait to be confirmed is
        turned away here too, from memory, before anything else is read."""
        ip_key, network_key = self.keys.address_keys(address)
        if signing:
            try:
                self.limits.check(_unconfirmed_key(ip_key))
            except RateLimited:
                raise Unconfirmed(int(UNCONFIRMED_RETRY.total_seconds())) from None
        await self.limits.spend([(ip_key, PER_ADDRESS), (network_key, PER_NETWORK)], now=now)

    async def pending(self, token: str, *, purpose: str = CONFIRM) -> tuple[WebSignOn, Letter]:
        """The web sign-on a link is for, and its letter: LetterGone for a link that
        isn't ours."""
        web_signon_id = self.keys.unseal(purpose, token)
        web_signon = (
            await self._store.web_signons.get(web_signon_id) if web_signon_id is not None else None
        )
        letter = await self._store.letters.get(web_signon.letter_id) if web_signon else None
        if web_signon is None or letter is None or letter.status is LetterStatus.REMOVED:
            raise LetterGone
        return web_signon, letter

    async def confirm(self, token: str, *, now: datetime) -> tuple[WebSignOn, Letter]:
        """Sign what was submitted, as Slack's sign-ons are signed. Confirming again
        changes nothing, and says what the first time did."""
        web_signon, letter = await self.pending(token)
        if web_signon.status is WebSignOnStatus.CONFIRMED:
            return web_signon, letter
        if web_signon.status is WebSignOnStatus.EXPIRED or not letter.is_open:
            raise SignOnsClosed(letter)
        signed = await self._signons.sign(None, letter, web_signon.submission, now=now)
        recorded = signed.recorded
        new = recorded.outcome is Outcome.NEW
        confirmed = await self._store.web_signons.confirmed(
            web_signon.id,
            outcome=recorded.outcome,
            signer_id=recorded.signer.id if recorded.signer else None,
            number=signed.count if new and not recorded.entry.waiting else None,
            in_review=bool(recorded.possible_duplicates or recorded.possible_unlisted),
            now=now,
        )
        self._forget_headlines(letter.id)
        return confirmed, letter

    def links(self, web_signon: WebSignOn) -> tuple[str, str]:
        return self._links.of(web_signon)

    async def waits(self, web_signon: WebSignOn) -> bool:
        """Whether its entry waits to be checked with the organization before it counts."""
        if web_signon.signer_id is None:
            return False
        entry = await self._store.entries.get(web_signon.signer_id)
        return entry is not None and entry.waiting and entry.status is SignerStatus.ACTIVE

    def question_of(self, token: str) -> int | None:
        """The question a roster contact's answer link is for, if it is one."""
        return self._links.question_of(token)

    # The signer's own sign-on

    async def own(self, token: str) -> OwnSignOn:
        web_signon, letter = await self.pending(token, purpose=MANAGE)
        return OwnSignOn(web_signon, letter, await self._entry_of(web_signon, letter))

    async def correct(self, token: str, form: WebForm, *, now: datetime) -> Corrected:
        """Apply the signer's corrections, under the rules a Slack signer's follow (the
        entry's maker keeps its details; anyone else changes their own contact)."""
        own = await self.own(token)
        if not own.letter.is_open:
            raise SignOnsClosed(own.letter)
        if own.entry is None:
            raise NothingToWithdraw(own.letter)
        submitted = own.web_signon.submission
        # The email is who they are: to sign with another, they sign again.
        form = replace(form, email=submitted.email or "")
        # What they read stays what they signed: a correction changes only their details.
        submission = replace(
            check_web_form(form, account=submitted.user_id), read_in=submitted.read_in
        )
        corrected = await self._entries.correct(
            None, own.letter, own.entry.signer.id, submission, now=now
        )
        await self._store.web_signons.correct(own.web_signon.id, submission)
        self._forget_headlines(own.letter.id)
        return corrected

    async def withdraw(self, token: str, *, now: datetime) -> list[str]:
        """Take the sign-on back (kept in the audit trail, out of the count)."""
        own = await self.own(token)
        if own.entry is None:
            raise NothingToWithdraw(own.letter)
        account = own.web_signon.submission.user_id
        assert account is not None
        withdrawn = await self._signons.withdraw(
            own.letter, user=account, now=now, only=[own.entry.signer.id]
        )
        self._forget_headlines(own.letter.id)
        return withdrawn

    async def _entry_of(self, web_signon: WebSignOn, letter: Letter) -> OwnEntry | None:
        account = web_signon.submission.user_id
        if account is None or web_signon.status is not WebSignOnStatus.CONFIRMED:
            return None
        entries = await self._store.signatures.signed_by(account, letter.id)
        name = web_signon.submission.name
        entry = next((e for e in entries if e.id == web_signon.signer_id), None) or next(
            (e for e in entries if name in e.submitted_as), None
        )
        if entry is None:
            return None
        keeper = await self._signons.keeps(None, entry, user=account, letter=letter)
        return OwnEntry(entry, entry.contact_of(account), keeper=keeper)


def _unconfirmed_key(ip_key: str) -> str:
    """The key an address is turned away under while its sign-ons wait: its own, so
    that confirming them (another form from the same address) is never refused."""
    return f"waiting:{ip_key}"
