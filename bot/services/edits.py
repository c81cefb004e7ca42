"""A letter's text and settings changed while it is open: the edit form, and a message
taken as the letter's new text.

A new text or addressee makes a new version (its earlier signers are asked whether they
still sign); a new deadline or reminders reschedule the letter. An edit returns what
changed (`Edited`), for `Letters.refresh` to carry to the posted copies once the form is
answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.rules.checks import check_body, check_edit, check_translation
from bot.rules.forms import EditFormValues, TranslationValues
from bot.rules.letters import Letter, LetterEdit, LetterStatus, Post, Translation
from bot.rules.problems import (
    Action,
    ClosedForEditing,
    FieldProblem,
    FormErrors,
    LetterGone,
    LetterRemoved,
    NothingToEdit,
)
from bot.rules.timing import plan
from bot.services.refs import managed_letter
from bot.services.workspace import Workspace
from bot.storage import Store


@dataclass(frozen=True, slots=True)
class Edited:
    """A letter just edited, as it was before, and its posts in channels it left."""

    letter: Letter
    before: Letter
    left: tuple[Post, ...] = ()

    @property
    def text_changed(self) -> bool:
        """What the posts' thread replies show changed: the text, or the title."""
        return (self.letter.version, self.letter.title) != (self.before.version, self.before.title)

    @property
    def translations_behind(self) -> tuple[Translation, ...]:
        """The letter's texts in other languages this edit left behind: its own text
        changed, theirs didn't (they still translate an earlier version)."""
        if self.letter.version == self.before.version:
            return ()
        return tuple(t for t in self.letter.translations if t.of_version < self.letter.version)

    @property
    def translations_changed_alone(self) -> tuple[Translation, ...]:
        """The letter's texts in other languages this edit changed while its own text
        stayed as it was: its own may need the same change."""
        if self.letter.version != self.before.version:
            return ()
        return tuple(
            t
            for t in self.letter.translations
            if (earlier := self.before.translation(t.text.language)) is not None
            and earlier.text != t.text
        )


class Edits:
    def __init__(
        self,
        *,
        store: Store,
        schedule_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._schedule_changed = schedule_changed

    async def editable(self, workspace: Workspace, ref: str, *, user: str, channel: str) -> Letter:
        """The open letter `ref` names, for the edit form."""
        letter = await managed_letter(
            self._store, workspace, ref, user=user, channel=channel, status=LetterStatus.OPEN
        )
        if not letter.is_open:
            raise ClosedForEditing(letter)
        return letter

    async def edit(
        self, workspace: Workspace, values: EditFormValues, *, user: str, now: datetime
    ) -> Edited:
        """Apply the edit form: a new text or addressee makes a new version (its earlier
        signers are asked whether they still sign); a new deadline or reminders
        reschedule the letter (a new deadline is announced); the rest changes in place.
        Raises FormErrors. The posted copies are the caller's to `refresh`, after
        answering the form in time."""
        letter = await self._editable_by_id(workspace, values.letter_id, user=user)
        edit = check_edit(values, letter=letter, now=now)
        return await self._apply(workspace, letter, edit, user=user, now=now)

    async def update_text(
        self, workspace: Workspace, letter_id: int | None, *, body: str, user: str, now: datetime
    ) -> Edited:
        """A new text for an open letter, from a message ("Update a letter's text")."""
        letter = await self._editable_by_id(workspace, letter_id, user=user)
        errors: dict[str, FieldProblem] = {}
        check_body(body, errors)
        if errors:
            raise FormErrors(errors)
        edit = replace(_unchanged(letter), body=body)
        return await self._apply(workspace, letter, edit, user=user, now=now)

    async def translate(
        self,
        workspace: Workspace,
        letter_id: int | None,
        values: TranslationValues,
        *,
        user: str,
        now: datetime,
    ) -> Edited:
        """The letter's text in another language, from a message ("Add a translation"):
        it replaces the one it had in that language, and translates its current version."""
        letter = await self._editable_by_id(workspace, letter_id, user=user)
        text = check_translation(values, letter=letter)
        others = tuple(t.text for t in letter.translations if t.text.language is not text.language)
        edit = replace(_unchanged(letter), translations=(*others, text))
        return await self._apply(workspace, letter, edit, user=user, now=now)

    async def editable_letters(self, workspace: Workspace, user: str) -> list[Letter]:
        """The open letters `user` may edit: every one for organizers, else their own."""
        letters = await self._store.letters.all(status=LetterStatus.OPEN)
        shown, _ = await workspace.organizers.manageable(user, letters)
        if not shown:
            raise NothingToEdit
        return shown

    async def _editable_by_id(
        self, workspace: Workspace, letter_id: int | None, *, user: str
    ) -> Letter:
        letter = await self._store.letters.get(letter_id) if letter_id is not None else None
        if letter is None:
            raise LetterGone
        await workspace.organizers.require_manager(user, letter, Action.EDIT)
        if letter.status is LetterStatus.REMOVED:
            raise LetterRemoved(letter)
        if not letter.is_open:
            raise ClosedForEditing(letter, while_editing=True)
        return letter

    async def _apply(
        self, workspace: Workspace, letter: Letter, edit: LetterEdit, *, user: str, now: datetime
    ) -> Edited:
        before = letter
        letter, left = await self._store.letters.edit(letter.id, edit, user=user, now=now)
        if letter.version != before.version:
            self._schedule_changed()
        if edit.deadline != letter.deadline or edit.reminders != letter.reminders:
            letter = await self._store.letters.reschedule(
                letter.id,
                reminders=edit.reminders,
                plan=plan(edit.deadline, edit.reminders, zone=workspace.zone, now=now),
                now=now,
                announce=edit.deadline != letter.deadline,
            )
            self._schedule_changed()
        return Edited(letter, before, left)


def _unchanged(letter: Letter) -> LetterEdit:
    """An edit that leaves `letter` as it is, to change one thing of."""
    return LetterEdit(
        title=letter.title,
        addressee=letter.addressee,
        body=letter.body,
        channels=letter.channels,
        deadline=letter.deadline,
        reminders=letter.reminders,
        leads=letter.leads,
        goal=letter.goal,
        shown_reminders=letter.shown_reminders,
        web_signons=letter.web_signons,
        verification_rule=letter.verification_rule,
        anyone_may_sign=letter.anyone_may_sign,
    )
