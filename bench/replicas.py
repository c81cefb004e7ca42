"""Sign-on throughput and latency: two replicas on PostgreSQL against one on SQLite.

Same load, same run: rounds alternate between the two set-ups. Each replica is the bot as
deployed, a process of its own (`python -m bot`, HTTP mode); requests go to the
replicas in turn, as a load balancer would send them. Everything runs on this machine:
the load, the fake Slack, the replicas and PostgreSQL share its cores.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from bench.load import Burst, open_letter, print_table, sign_on_burst, sign_on_texts
from tests.bot_process import BotProcess, bot_environment
from tests.fake_slack import FakeSlack
from tests.postgres import fresh_database

SIGN_ONS = 1_000
CONCURRENCY = 20
ROUNDS = 3
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SQLITE = "1 replica, SQLite"
REPLICAS = "2 replicas, PostgreSQL"


async def main() -> None:
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("CBENCH", bot_member=True)
    results: dict[str, list[Burst]] = {SQLITE: [], REPLICAS: []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(ROUNDS):
            workdir = Path(folder) / f"round{n}"
            workdir.mkdir()
            database = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
            results[SQLITE].append(await _round(fake, database, 1, workdir, seed=n))
            async with fresh_database(POSTGRES) as database:
                results[REPLICAS].append(await _round(fake, database, 2, workdir, seed=n))
    await fake.stop()
    rates = print_table(results, label="set-up", sign_ons=SIGN_ONS, concurrency=CONCURRENCY)
    ratio = rates[REPLICAS] / rates[SQLITE]
    print(f"\nTwo replicas on PostgreSQL: {ratio:.2f} times the rate of one on SQLite.")


async def _round(
    fake: FakeSlack, database: str, replicas: int, workdir: Path, *, seed: int
) -> Burst:
    await open_letter(fake, database)
    processes = []
    for n in range(replicas):
        folder = workdir / f"{replicas}-{n}"
        folder.mkdir()
        env = bot_environment(api_url=fake.api_url, database_url=database, ORGANIZERS="UORG")
        processes.append(BotProcess(workdir=folder, env=env))
    try:
        for process in processes:
            process.start()
        for process in processes:
            await process.wait_healthy(process.port)
        return await sign_on_burst(
            fake,
            [process.events_url for process in processes],
            sign_on_texts(SIGN_ONS, seed),
            concurrency=CONCURRENCY,
            tag=f"{seed}-{replicas}",
        )
    finally:
        for process in processes:
            process.stop()


if __name__ == "__main__":
    asyncio.run(main())
