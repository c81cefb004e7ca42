"""Asking roster members' contacts "Did your organization sign?", as the dispatcher's
deliveries: the look at a letter's entries that finds what to ask (`JobKind.VERIFY`),
each question (`JobKind.QUESTION`: a Slack DM, or an email to a contact Slack doesn't
know), and the notice of a No to the letter's leads and the entry's signer
(`JobKind.DISOWNED`). Each is claimed, retried and sent once, as reminders are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from bot.mail.smtp import Mailer, compose
from bot.rules.language import Language, speaking
from bot.rules.letters import Letter
from bot.rules.roster import MemberStanding
from bot.rules.schedule import Delivery, Sent, Skipped
from bot.rules.signons import Signer, SignerStatus
from bot.rules.timing import DUPLICATES_NOTICE_GAP, DUPLICATES_NOTICE_SETTLE
from bot.rules.verification import (
    UNVERIFIED,
    Asked,
    Disowned,
    Question,
    may_count,
    speaks_for,
    to_ask,
)
from bot.services.people import People
from bot.services.verification import verification_of
from bot.services.web_signons import SignOnLinks
from bot.services.workspace import Workspace
from bot.slack.questions import send_disowned, send_question
from bot.storage import Store
from bot.storage.recipients import MAIL_PREFIX, SIGNER_PREFIX
from bot.texts.question_mail import disowned_mail, question_mail

Standings = Callable[[int], Awaitable[list[MemberStanding]]]


def disowned_reason(member: str) -> str:
    """Why an entry was withdrawn, as the audit trail keeps it."""
    return f"{member}'s roster contact answered that it didn't sign"


class Questions:
    def __init__(
        self,
        *,
        store: Store,
        people: People,
        mailer: Mailer | None = None,
        links: SignOnLinks | None = None,
    ) -> None:
        self._store = store
        self._people = people
        # Contacts Slack doesn't know are asked by email, when there is email to send.
        self._mailer = mailer
        self._links = links if mailer is not None and links and links.pages.on else None

    async def look(
        self, letter: Letter, found: Sequence[MemberStanding], *, now: datetime
    ) -> tuple[Sent | Skipped, bool]:
        """Count the entries waiting to be verified that may count now; ask about the
        letter's unverified entries of roster members, each contact once per entry;
        withdraw new entries of members that said No before; and tell the leads of
        entries left waiting for an organizer. The outcome, and whether the count
        changed."""
        waiting = await self._store.signatures.waiting(letter.id)
        if not found:
            # No roster: every organization is one it doesn't know.
            if waiting and letter.anyone_may_sign:
                await self._store.entries.count_waiting([entry.id for entry in waiting])
                return Sent(), True
            if waiting:
                await self._tell_leads(letter, now=now)
            return Skipped("the letter has no roster to verify by"), False
        entries = [*await self._store.signatures.signers(letter.id), *waiting]
        questions = await self._store.questions.of_letter(letter.id)
        verification = await verification_of(
            self._store, self._people, letter.id, entries, found, now=now, questions=questions
        )
        counts = [
            entry.id
            for entry in waiting
            if may_count(
                verification.get(entry.id, UNVERIFIED), anyone_may_sign=letter.anyone_may_sign
            )
        ]
        changed = await self._store.entries.count_waiting(counts) > 0
        asking = to_ask(entries, verification, questions)
        names = {entry.id: entry.name for entry in entries}
        for entry_id, no in asking.disowned:
            member = verification[entry_id].member
            reason = disowned_reason(member.name if member else names[entry_id])
            changed |= await self._store.questions.disown(entry_id, no, reason=reason, now=now)
        asks = [ask for ask in asking.asks if "@" not in ask.asked or self._links is not None]
        await self._store.questions.ask(letter.id, asks, now=now)
        asked = {q.signer_id for q in questions} | {ask.signer_id for ask in asks}
        disowned = {entry_id for entry_id, _ in asking.disowned}
        left = [e for e in waiting if e.id not in {*counts, *disowned, *asked}]
        if left:
            # Nobody to ask (off the roster, or a member without contacts): theirs to decide.
            await self._tell_leads(letter, now=now)
        return Sent(), changed

    async def _tell_leads(self, letter: Letter, *, now: datetime) -> None:
        """Plan telling the letter's leads what waits for them, as new possible
        duplicates are."""
        await self._store.planning.plan_duplicates_notice(
            letter.id, now=now, gap=DUPLICATES_NOTICE_GAP, settle=DUPLICATES_NOTICE_SETTLE
        )

    async def ask(
        self, workspace: Workspace, delivery: Delivery, *, standings: Standings, now: datetime
    ) -> Sent | Skipped:
        """Send one question, unless it no longer needs asking."""
        question = await self._store.questions.get(int(delivery.target.split(":")[1]))
        if question is None:
            return Skipped("the question is gone")
        letter = await self._store.letters.get(question.letter_id)
        entry = await self._store.entries.get(question.signer_id)
        if letter is None or not letter.is_open:
            return Skipped("the letter closed first")
        if entry is None or entry.status is not SignerStatus.ACTIVE:
            return Skipped("the entry no longer counts")
        questions = await self._store.questions.of_letter(letter.id)
        if any(q.signer_id == entry.id and q.answer is not None for q in questions):
            return Skipped("another contact answered first")
        found = await standings(letter.id)
        verified = (
            await verification_of(
                self._store,
                self._people,
                letter.id,
                [entry],
                found,
                now=now,
                questions=questions,
            )
        ).get(entry.id)
        if verified is None or verified.member is None:
            return Skipped("the entry is no longer a roster member's")
        if verified.level.verified:
            return Skipped(f"verified meanwhile ({verified.level.value})")
        if not speaks_for(verified.member, question.asked):
            return Skipped("they are no longer a contact of its member")
        asked = asked_of(question, letter, entry, verified.member.name)
        if question.by_email:
            if self._mailer is None or self._links is None:
                return Skipped("no SMTP_URL to email the contact with", failed=True)
            # Whose language we don't know: English, with a line in Spanish.
            with speaking(Language.ENGLISH):
                mail = question_mail(asked, answer_url=self._links.answer(question.id))
            await self._mailer.send(
                compose(to=question.asked, subject=mail.subject, text=mail.text, html=mail.html)
            )
        else:
            with speaking(await self._people.language(question.asked, now=now)):
                await send_question(workspace.slack, user=question.asked, asked=asked)
        return Sent()

    async def tell_disowned(self, workspace: Workspace, delivery: Delivery) -> Sent | Skipped:
        """Tell a lead, or the entry's signer, that its organization said it didn't sign."""
        # Its job's key: "disowned:<the entry>:<the question answered No>".
        _, entry_key, question_key = delivery.key.split(":")
        entry = await self._store.entries.get(int(entry_key))
        no = await self._store.questions.get(int(question_key))
        letter = await self._store.letters.get(delivery.letter_id or 0)
        if entry is None or no is None or letter is None:
            return Skipped("the entry is gone")
        if entry.status is not SignerStatus.WITHDRAWN:
            return Skipped("an organizer restored it")
        member = await self._store.roster.member(no.member_id)
        disowned = Disowned(
            letter=letter,
            member=member.name if member else entry.name,
            entry=entry.name,
            signer=await self._store.questions.signer_name(entry.id),
            by=no.asked,
            again=no.signer_id != entry.id,
        )
        to_signer = delivery.target.startswith(SIGNER_PREFIX)
        to = delivery.target.removeprefix(SIGNER_PREFIX)
        if to.startswith(MAIL_PREFIX):
            return await self._mail_disowned(int(to.removeprefix(MAIL_PREFIX)), disowned)
        with speaking(await self._people.language(to, now=datetime.now(UTC))):
            await send_disowned(workspace.slack, user=to, disowned=disowned, signer=to_signer)
        return Sent()

    async def _mail_disowned(self, web_signon_id: int, disowned: Disowned) -> Sent | Skipped:
        """Tell a web signer, at the email they confirmed, in their page's language."""
        web_signon = await self._store.web_signons.get(web_signon_id)
        if web_signon is None:
            return Skipped("the sign-on is gone")
        if self._mailer is None:
            return Skipped("no SMTP_URL to email the signer with", failed=True)
        with speaking(web_signon.language):
            mail = disowned_mail(disowned)
        await self._mailer.send(
            compose(to=web_signon.email, subject=mail.subject, text=mail.text, html=mail.html)
        )
        return Sent()


def asked_of(question: Question, letter: Letter, entry: Signer, member: str) -> Asked:
    """The question as its contact reads it: the name and title of the entry's signer."""
    contact = next((c for c in entry.contacts if c.person_name), None)
    return Asked(
        question_id=question.id,
        letter=letter,
        member=member,
        signer=contact.person_name if contact else None,
        title=contact.title if contact else None,
    )
