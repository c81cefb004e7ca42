"""Sign-ons recorded through the queue: a close racing a sign-on, people of one
name, callers that stop waiting, two replicas at once."""

from __future__ import annotations

import pytest

from bot.rules.schedule import Plan
from bot.rules.signons import Signed, SignerKind, Submission
from bot.storage import Store


def organization(**changes: object) -> Submission:
    return Submission(kind=SignerKind.ORGANIZATION, **{"name": "Mijente", **changes})  # type: ignore[arg-type]


async def test_a_sign_on_racing_the_close_is_refused_and_not_recorded(store: Store) -> None:
    """The letter closes between the lookup and the write: nothing is recorded."""
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.rules.problems import SignOnsClosed
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
        plan=Plan(now + timedelta(days=1), ()),
        now=now,
    )
    await store.letters.close_now(letter.id, now=now)  # `letter` still says open
    with pytest.raises(SignOnsClosed):
        await SignOns(store=store, live_count=None).sign(None, letter, organization(), now=now)
    assert await store.signatures.signers(letter.id) == []


async def test_two_people_of_one_name_at_different_organizations_are_two_signers(
    store: Store,
) -> None:
    """Individuals match on name and affiliation together."""
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.rules.signons import Outcome
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
        plan=Plan(now + timedelta(days=1), ()),
        now=now,
    )
    signons = SignOns(store=store, live_count=None)

    def person(user: str, affiliation: str) -> Submission:
        return Submission(
            kind=SignerKind.INDIVIDUAL, name="John Smith", affiliation=affiliation, user_id=user
        )

    await signons.sign(None, letter, person("U1", "State University"), now=now)
    other = await signons.sign(None, letter, person("U2", "City College"), now=now)
    again = await signons.sign(None, letter, person("U3", "state university"), now=now)
    assert other.recorded.outcome is Outcome.NEW
    assert again.recorded.outcome is Outcome.SAME
    assert len(await store.signatures.signers(letter.id)) == 2


async def test_same_named_people_without_an_affiliation_are_told_apart(store: Store) -> None:
    """Two Slack users named Maria García, no affiliation: two signers."""
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
        plan=Plan(now + timedelta(days=1), ()),
        now=now,
    )
    signons = SignOns(store=store, live_count=None)
    for user in ("U1", "U2"):
        await signons.sign(
            None,
            letter,
            Submission(kind=SignerKind.INDIVIDUAL, name="Maria García", user_id=user),
            now=now,
        )
    assert len(await store.signatures.signers(letter.id)) == 2


async def test_a_caller_that_stops_waiting_strands_no_one(store: Store) -> None:
    """A cancelled sign-on in a batch doesn't keep the others from their answers."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
        plan=Plan(now + timedelta(days=1), ()),
        now=now,
    )
    signons = SignOns(store=store, live_count=None)
    tasks = [
        asyncio.ensure_future(signons.sign(None, letter, organization(name=f"Org {n}"), now=now))
        for n in range(5)
    ]
    await asyncio.sleep(0)
    tasks[0].cancel()
    done = await asyncio.wait_for(asyncio.gather(*tasks[1:]), timeout=10)
    assert len(done) == 4


async def test_two_replicas_signing_at_once_count_once_and_queue_possible_duplicates(
    database_url: str,
) -> None:
    """Two processes' stores on one database, signing at the same moment: the same
    organization through both is one entry, and an acronym through one and its full name
    through the other is queued for review, every time."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.services.signons import SignOns
    from bot.storage import Store

    now = datetime.now(UTC)
    async with Store(database_url) as first, Store(database_url) as second:
        letter = await first.letters.create(
            NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
            plan=Plan(now + timedelta(days=1), ()),
            now=now,
        )
        replicas = [SignOns(store=first, live_count=None), SignOns(store=second, live_count=None)]
        pairs = [
            ("ACLU", "American Civil Liberties Union"),
            ("CHIRLA", "Coalition for Humane Immigrant Rights (CHIRLA)"),
            ("Detention Watch Netwrok", "Detention Watch Network"),
            ("National Immigrant Law Center", "National Immigration Law Center"),
            ("Immigrant Legal Resource Center", "Legal Immigrant Resource Center"),
            ("SPLC Action Fund", "Southern Poverty Law Center Action Fund"),
        ]
        await asyncio.gather(
            *(
                replica.sign(None, letter, organization(name=name, user_id=f"U{side}{n}"), now=now)
                for n, pair in enumerate(pairs)
                for side, (replica, name) in enumerate(zip(replicas, pair, strict=True))
            )
        )
        reviews = await first.reviews.pending(letter.id)
        await asyncio.gather(
            *(
                replica.sign(None, letter, organization(name="Mijente", user_id=f"UM{n}"), now=now)
                for n, replica in enumerate(replicas * 4)
            )
        )
        signers = await first.signatures.signers(letter.id)
    assert len(signers) == len(pairs) * 2 + 1
    (mijente,) = [s for s in signers if s.name == "Mijente"]
    assert len(mijente.contacts) == 8
    queued = {frozenset((review.first.name, review.second.name)) for review in reviews}
    assert queued == {frozenset(pair) for pair in pairs}


async def test_prepared_the_first_sign_on_finds_its_letter_without_reading(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a start, `prepare` has read the open letters of each channel they're in;
    a closed letter is left alone."""
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import Letter, LetterStatus, NewLetter
    from bot.rules.signons import Outcome
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    deadline = now + timedelta(days=1)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", deadline, ("C1", "C2"), (), None, "U1"),
        plan=Plan(deadline, ()),
        now=now,
    )
    closed = await store.letters.create(
        NewLetter("Old", "To", "Text", deadline, ("C3",), (), None, "U1"),
        plan=Plan(deadline, ()),
        now=now,
    )
    await store.letters.close_now(closed.id, now=now)
    await SignOns(store=store, live_count=None).sign(None, letter, organization(), now=now)

    restarted = SignOns(store=store, live_count=None)
    await restarted.prepare()
    reads: list[str] = []
    in_channel = store.letters.in_channel

    async def counted(channel: str, *, status: LetterStatus | None = None) -> list[Letter]:
        reads.append(channel)
        return await in_channel(channel, status=status)

    monkeypatch.setattr(store.letters, "in_channel", counted)
    for channel in ("C1", "C2"):
        assert [found.id for found in await restarted.letters_to_sign(channel)] == [letter.id]
    assert reads == []
    signed = await restarted.sign(None, letter, organization(name="MIJENTE"), now=now)
    assert signed.recorded.outcome is Outcome.SAME


async def test_the_three_kinds_dedupe_used_to_miss(store: Store) -> None:
    """A full name after "Name (ACR)" and a bare "ACR" joins the parenthesized entry;
    a space dropped joins its entry, in the letter or earlier in the same batch; a long
    name whose acronym is another entry's is queued for review."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.rules.letters import NewLetter
    from bot.rules.signons import Outcome
    from bot.services.signons import SignOns

    now = datetime.now(UTC)
    letter = await store.letters.create(
        NewLetter("Title", "To", "Text", now + timedelta(days=1), ("C1",), (), None, "U1"),
        plan=Plan(now + timedelta(days=1), ()),
        now=now,
    )
    signons = SignOns(store=store, live_count=None)

    async def sign(name: str, user: str) -> Signed:
        return await signons.sign(None, letter, organization(name=name, user_id=user), now=now)

    await sign("National Council of La Raza (NCLR)", "U1")
    await sign("NCLR", "U2")
    full = await sign("National Council of La Raza", "U3")
    await sign("Unidos US", "U4")
    spaced = await sign("UnidosUS", "U5")
    together = await asyncio.gather(
        sign("Church World Service", "U6"), sign("ChurchWorld Service", "U7")
    )
    await sign("National Immigration Project (NIPNLG)", "U8")
    long_name = await sign("National Immigration Project of the National Lawyers Guild", "U9")

    assert full.recorded.outcome is Outcome.SAME
    assert full.recorded.entry.name == "National Council of La Raza (NCLR)"
    assert spaced.recorded.outcome is Outcome.SAME
    assert [signed.recorded.entry.id for signed in together] == [together[0].recorded.entry.id] * 2
    assert long_name.recorded.outcome is Outcome.NEW
    assert long_name.recorded.possible_duplicates == ("National Immigration Project (NIPNLG)",)
    names = sorted(signer.name for signer in await store.signatures.signers(letter.id))
    assert names == [
        "Church World Service",
        "NCLR",
        "National Council of La Raza (NCLR)",
        "National Immigration Project (NIPNLG)",
        "National Immigration Project of the National Lawyers Guild",
        "Unidos US",
    ]
    queued = {
        frozenset((review.first.name, review.second.name))
        for review in await store.reviews.pending(letter.id)
    }
    assert queued == {
        frozenset(("National Council of La Raza (NCLR)", "NCLR")),
        frozenset(
            (
                "National Immigration Project (NIPNLG)",
                "National Immigration Project of the National Lawyers Guild",
            )
        ),
    }
