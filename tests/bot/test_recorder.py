"""The sign-on recorder, a process of its own: it judges and records as the bot's own
process would, refuses a closed letter, is started again when it dies (nothing half
recorded), and never outlives the bot."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.recorder import RecorderProcess, RecorderStopped
from bot.rules.letters import Letter, NewLetter
from bot.rules.problems import SignOnsClosed
from bot.rules.schedule import Plan
from bot.rules.signons import Signed, SignerKind, Submission
from bot.services.recording import Recording
from bot.services.signons import SignOns
from bot.storage import Store
from tests.bot_process import BotProcess

NOW = datetime.now(UTC)
# In one burst: a new entry, another contact of it, the same name spelled otherwise,
# an acronym of a name already signed, and names that are only alike.
BURST = [
    ("U1", "Unidos US"),
    ("U2", "Unidos US"),
    ("U3", "UnidosUS"),
    ("U4", "American Civil Liberties Union"),
    ("U5", "ACLU"),
    ("U6", "Florida Immigrant Coalition"),
    ("U7", "Florida Immigrant Coalition of Miami"),
    ("U8", "Mijente"),
]


@pytest.fixture
async def recorder(database_url: str) -> AsyncIterator[RecorderProcess]:
    recorder = RecorderProcess(database_url)
    try:
        yield recorder
    finally:
        await recorder.close()


async def open_letter(store: Store) -> Letter:
    deadline = NOW + timedelta(days=1)
    return await store.letters.create(
        NewLetter("Title", "To", "Text", deadline, ("C1",), (), None, "U0"),
        plan=Plan(deadline, ()),
        now=NOW,
    )


def organization(user: str, name: str) -> Submission:
    return Submission(kind=SignerKind.ORGANIZATION, name=name, user_id=user)


async def burst(
    store: Store, recording: Recording | None
) -> list[tuple[str, str | None, tuple[str, ...], int]]:
    """BURST signed all at once on a new letter: what became of each sign-on."""
    letter = await open_letter(store)
    signons = SignOns(store=store, live_count=None, recording=recording)
    await signons.prepare()
    signed: list[Signed] = await asyncio.gather(
        *(signons.sign(None, letter, organization(*each), now=NOW) for each in BURST)
    )
    return [
        (
            s.recorded.outcome.value,
            s.recorded.signer.name if s.recorded.signer else None,
            s.recorded.possible_duplicates,
            s.count,
        )
        for s in signed
    ]


def children(of: int | None = None) -> set[int]:
    """The child processes of process `of` (this one if none)."""
    parent = os.getpid() if of is None else of
    return {int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def test_the_recorder_judges_a_burst_as_the_bot_itself_does(
    store: Store, recorder: RecorderProcess
) -> None:
    in_the_bot = await burst(store, None)
    in_the_recorder = await burst(store, recorder)
    assert in_the_recorder == in_the_bot
    # And it did judge: two sign-ons joined the first entry, and the acronym is held
    # up against the name it may stand for; a chapter is an organization of its own.
    assert [(outcome, name, possible) for outcome, name, possible, _ in in_the_recorder] == [
        ("new", "Unidos US", ()),
        ("same", "Unidos US", ()),
        ("same", "Unidos US", ()),
        ("new", "American Civil Liberties Union", ()),
        ("new", "ACLU", ("American Civil Liberties Union",)),
        ("new", "Florida Immigrant Coalition", ()),
        ("new", "Florida Immigrant Coalition of Miami", ()),
        ("new", "Mijente", ()),
    ]
    assert {count for *_, count in in_the_recorder} == {6}


async def test_a_letter_closed_before_its_batch_is_refused_through_the_recorder(
    store: Store, recorder: RecorderProcess
) -> None:
    letter = await open_letter(store)
    signons = SignOns(store=store, live_count=None, recording=recorder)
    await signons.prepare()
    await store.letters.close_now(letter.id, now=NOW)  # `letter` still says open
    with pytest.raises(SignOnsClosed):
        await signons.sign(None, letter, organization("U1", "Mijente"), now=NOW)
    assert await store.signatures.signers(letter.id) == []


async def test_a_recorder_that_dies_fails_its_batch_and_the_next_starts_it_again(
    store: Store, recorder: RecorderProcess
) -> None:
    letter = await open_letter(store)
    signons = SignOns(store=store, live_count=None, recording=recorder)
    before = children()
    await signons.prepare()
    (pid,) = children() - before
    os.kill(pid, signal.SIGSTOP)  # holds the batch sent to it, unread
    signing = asyncio.ensure_future(
        signons.sign(None, letter, organization("U1", "Mijente"), now=NOW)
    )
    await asyncio.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(RecorderStopped):
        await signing
    assert await store.signatures.signers(letter.id) == []
    # The signer tries again, and a new recorder records it, once.
    signed = await signons.sign(None, letter, organization("U1", "Mijente"), now=NOW)
    assert signed.count == 1
    assert [s.name for s in await store.signatures.signers(letter.id)] == ["Mijente"]


@pytest.mark.sqlite_pass
async def test_the_recorder_stops_when_the_bot_is_killed(bot: BotProcess) -> None:
    """A bot killed outright leaves no recorder behind: its stdin closes, and it ends."""
    bot.start()
    await bot.wait_healthy(bot.port)
    (recorder,) = children(of=bot.pid)
    bot.kill()
    for _ in range(100):
        if not alive(recorder):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the recorder outlived the bot")


async def test_a_batch_whose_recorder_dies_is_recorded_one_by_one_by_the_next(
    store: Store, recorder: RecorderProcess
) -> None:
    """Several sign-ons waiting on a recorder that dies are not lost: each is tried
    again by a new recorder, and counted once."""
    letter = await open_letter(store)
    signons = SignOns(store=store, live_count=None, recording=recorder)
    before = children()
    await signons.prepare()
    (pid,) = children() - before
    os.kill(pid, signal.SIGSTOP)
    # Sent together, they go to the stopped recorder as one batch.
    together = [
        asyncio.ensure_future(signons.sign(None, letter, organization(*each), now=NOW))
        for each in BURST[:3]
    ]
    await asyncio.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    signed = await asyncio.gather(*together)
    assert [s.recorded.outcome.value for s in signed] == ["new", "same", "same"]
    assert [s.name for s in await store.signatures.signers(letter.id)] == ["Unidos US"]
    assert children() - before, "a new recorder"
    assert pid not in children()
