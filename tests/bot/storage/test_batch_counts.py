"""The count a batch of sign-ons answers with: what the last batch left plus what this
one added, while nobody else has written; counted again once anyone has."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.rules.dedupe import org_key
from bot.rules.letters import NewLetter
from bot.rules.schedule import Plan
from bot.rules.signer_index import SignerIndex
from bot.rules.signons import SignerKind, Submission
from bot.storage import Store
from bot.storage.signon_pending import KnownCount, Pending

NOW = datetime.now(UTC)


def pending(user: str, name: str) -> Pending:
    submission = Submission(kind=SignerKind.ORGANIZATION, name=name, user_id=user)
    return Pending(submission, org_key(name), NOW)


@pytest.fixture
def counts_read() -> Iterator[list[str]]:
    """Each time a letter's entries are counted, on any engine."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "count(*)" in statement and "FROM signers" in statement:
            seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", spy)
    yield seen
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", spy)


async def test_a_batch_adds_to_the_count_until_someone_else_writes(
    store: Store, counts_read: list[str]
) -> None:
    deadline = NOW + timedelta(days=1)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", deadline, ("C1",), (), None, "U0"),
        plan=Plan(deadline, ()),
        now=NOW,
    )
    index, known = SignerIndex(), KnownCount()

    async def sign(*each: tuple[str, str]) -> int:
        _, count = await store.signatures.record(
            letter.id, [pending(*one) for one in each], index=index, known=known
        )
        return count

    assert await sign(("U1", "Mijente"), ("U2", "Make the Road")) == 2
    # Another contact of an entry adds no entry.
    assert await sign(("U3", "UnidosUS"), ("U4", "Mijente")) == 3
    postgres = store.engine.dialect.name == "postgresql"
    assert len(counts_read) == (2 if postgres else 1), "SQLite counted once, then added"
    # An organizer withdraws an entry, in a transaction of their own.
    (mijente,) = [s for s in await store.signatures.signers(letter.id) if s.name == "Mijente"]
    await store.entries.withdraw(mijente.id, by="U0", now=NOW, reason="asked to")
    assert await sign(("U5", "CASA")) == 3
    assert await sign(("U6", "CHIRLA")) == 4
    assert len(counts_read) == (4 if postgres else 2), "counted again after the withdrawal"
    assert await store.signatures.count(letter.id) == 4
