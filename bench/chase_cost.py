"""What a chase costs to decide, for a large coalition.

A roster of 1,000 member organizations (1,500 Slack contacts) against a letter with
1,000 entries, on a SQLite file. Each chase DM needs where its contact's members stand:
the dispatcher works that out once a pass and shares it among the pass's sends. The
baseline, measured in the same run, works it out afresh for each send. Printed: the
median time per send each way, and what a whole chase of 1,500 contacts adds up to.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.names import synthetic_names
from bot.rules.letters import NewLetter
from bot.rules.roster import MemberRow
from bot.rules.signons import SignerKind, Submission
from bot.rules.timing import plan
from bot.services.roster import letter_standings
from bot.services.signons import SignOns
from bot.storage import Store
from bot.texts.roster import read_roster

MEMBERS = 1_000
ENTRIES = 1_000
CONTACTS = 1_500
SENDS_TIMED = 20
ZONE = ZoneInfo("America/New_York")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with Store(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}") as store:
            letter_id = await _seed(store)
            fresh = []
            for _ in range(SENDS_TIMED):
                started = time.perf_counter()
                await letter_standings(store, letter_id)
                fresh.append(time.perf_counter() - started)
            started = time.perf_counter()
            found = await letter_standings(store, letter_id)
            once = time.perf_counter() - started
            shared = []
            for n in range(SENDS_TIMED):
                user = f"U{n:05d}"
                started = time.perf_counter()
                [s for s in found if s.missing and user in s.member.user_ids]
                shared.append(time.perf_counter() - started)
    per_send_fresh = statistics.median(fresh)
    per_send_shared = statistics.median(shared)
    print("| standings | per send (median) | a chase of 1,500 contacts |")
    print("| --- | ---: | ---: |")
    print(
        f"| worked out for each send (baseline) | {per_send_fresh * 1000:.0f} ms "
        f"| {per_send_fresh * CONTACTS:.0f} s |"
    )
    print(
        f"| once a pass, shared | {per_send_shared * 1000:.2f} ms "
        f"| {once + per_send_shared * CONTACTS:.1f} s |"
    )
    ratio = per_send_fresh * CONTACTS / (once + per_send_shared * CONTACTS)
    print(f"\nSharing the standings: {ratio:.0f} times less work for the chase.")


async def _seed(store: Store) -> int:
    names = synthetic_names(MEMBERS + ENTRIES // 2)
    rows = "\n".join(
        f'"{name}",NY,U{n:05d}' + (f";U{n + MEMBERS:05d}" if n % 2 else "")
        for n, name in enumerate(names[:MEMBERS])
    )
    members: list[MemberRow] = read_roster(
        f"Organization,State,Slack ID\n{rows}\n".encode()
    ).members
    now = datetime.now(UTC)
    await store.roster.save(members, accounts={}, now=now)
    deadline = now + timedelta(days=10)
    new = NewLetter(
        title="Bench",
        addressee="Secretary",
        body="Act.",
        deadline=deadline,
        channels=("C1",),
        leads=(),
        goal=None,
        created_by="UORGANIZER",
    )
    letter = await store.letters.create(new, plan=plan(deadline, (), zone=ZONE, now=now), now=now)
    signons = SignOns(store=store, live_count=None)
    # Half the entries are members, half are not.
    signing = names[: ENTRIES // 2] + names[MEMBERS : MEMBERS + ENTRIES // 2]
    for n, name in enumerate(signing):
        submission = Submission(kind=SignerKind.ORGANIZATION, name=name, user_id=f"US{n:05d}")
        await signons.sign(None, letter, submission, now=now)
    return letter.id


if __name__ == "__main__":
    asyncio.run(main())
