"""Sign-on throughput and latency against a Bolt app whose `/signon` only acks.

`python -m bench.signon_throughput [--rounds 3] [--sign-ons 1000] [--concurrency 20]`

Each app runs as its own process, as it is deployed: Undersigned as `python -m bot` in
HTTP mode on a new SQLite file (WAL, synchronous=FULL); the baseline as
`python -m bench.noop_app`, served the same way; and, for reference, that no-op app
answering at the ack as Undersigned does. This process is the load generator and the
fake Slack (which the apps call only for auth.test, count-line updates and follow-ups).
Each round starts every app afresh, warms it with `/signon help` requests, sends it the
same signed `/signon Organization Name` requests, and stops it; the order rotates
between rounds so machine noise lands on all. The table shows medians of the rounds,
ratios to the baseline measured in the same run, and each app's CPU per request (from
/proc, the process and its children). Exits 1 when Undersigned misses its targets.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.load import (
    Burst,
    cpu_seconds,
    open_letter,
    p99,
    serving,
    sign_on_burst,
    sign_on_texts,
)
from tests.bot_process import bot_environment
from tests.fake_slack import FakeSlack

NOOP = "no-op Bolt app"
# For reference only: the same no-op app answering at the ack, as Undersigned does
# (bot.acks), not at Bolt's next 10 ms check. Bolt's check, not its CPU, paces the
# stock no-op app; this one shows what an ack costs when nothing waits for a tick.
NOOP_AT_ACK = "no-op Bolt app, answered at the ack"
UNDERSIGNED = "Undersigned"
APPS = (NOOP, NOOP_AT_ACK, UNDERSIGNED)
# What `make bench` holds Undersigned to, against the baseline of the same run.
TARGET_RATE = 0.6
TARGET_P99 = 2.0


@dataclass(frozen=True)
class Round:
    burst: Burst
    cpu_ms: float  # the app's CPU per request


async def main(args: argparse.Namespace) -> bool:
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("CBENCH", bot_member=True)
    results: dict[str, list[Round]] = {name: [] for name in APPS}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(args.rounds):
            texts = sign_on_texts(args.sign_ons, n)
            order = APPS[n % len(APPS) :] + APPS[: n % len(APPS)]
            for name in order:
                workdir = Path(tempfile.mkdtemp(prefix=f"round{n}-", dir=folder))
                measured = await _round(
                    fake, name, workdir, texts, concurrency=args.concurrency, tag=f"{n}-{name}"
                )
                results[name].append(measured)
                print(
                    f"round {n + 1}, {name}: {measured.burst.rate:,.0f}/s, p99 "
                    f"{p99(measured.burst.latencies) * 1000:.1f} ms, "
                    f"{measured.burst.followups} confirmations sent as follow-ups",
                    flush=True,
                )
    await fake.stop()
    return _report(results, args)


async def _round(
    fake: FakeSlack, name: str, workdir: Path, texts: list[str], *, concurrency: int, tag: str
) -> Round:
    database = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    env = bot_environment(api_url=fake.api_url, database_url=database, ORGANIZERS="UORG")
    if name == NOOP_AT_ACK:
        env["ANSWER_AT_ACK"] = "1"
    if name == UNDERSIGNED:
        await open_letter(fake, database)
    module = "bot" if name == UNDERSIGNED else "bench.noop_app"
    async with serving(
        fake, workdir=workdir, env=env, module=module, concurrency=concurrency
    ) as process:
        cpu_before = cpu_seconds(process.pid)
        burst = await sign_on_burst(
            fake,
            [process.events_url],
            texts,
            concurrency=concurrency,
            tag=tag,
            confirmations=name == UNDERSIGNED,
        )
        cpu_ms = (cpu_seconds(process.pid) - cpu_before) / len(texts) * 1000
    return Round(burst, cpu_ms)


def _report(results: dict[str, list[Round]], args: argparse.Namespace) -> bool:
    print(
        f"\n{args.sign_ons:,} sign-ons per round, {args.concurrency} at a time, "
        f"{args.rounds} rounds, each app its own process; medians:\n"
    )
    print("| app | sign-ons/s | x no-op | p50 | p99 | p99 x no-op | CPU per request |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base_rate = statistics.median(r.burst.rate for r in results[NOOP])
    base_p99 = statistics.median(p99(r.burst.latencies) for r in results[NOOP])
    ratios = {}
    for name, rounds in results.items():
        rate = statistics.median(r.burst.rate for r in rounds)
        p50 = statistics.median(statistics.median(r.burst.latencies) for r in rounds)
        slowest = statistics.median(p99(r.burst.latencies) for r in rounds)
        cpu = statistics.median(r.cpu_ms for r in rounds)
        ratios[name] = (rate / base_rate, slowest / base_p99)
        print(
            f"| {name} | {rate:,.0f} | {rate / base_rate:.2f} | {p50 * 1000:.1f} ms "
            f"| {slowest * 1000:.1f} ms | {slowest / base_p99:.2f} | {cpu:.2f} ms |"
        )
    rate_ratio, p99_ratio = ratios[UNDERSIGNED]
    met = rate_ratio >= TARGET_RATE and p99_ratio <= TARGET_P99
    print(
        f"\nUndersigned: {rate_ratio:.2f}x the no-op app's throughput (target >= {TARGET_RATE}x), "
        f"p99 {p99_ratio:.2f}x its p99 (target <= {TARGET_P99}x): "
        + ("met." if met else "NOT met.")
    )
    print(
        f"Against the no-op app answered at the ack (reference): "
        f"{ratios[UNDERSIGNED][0] / ratios[NOOP_AT_ACK][0]:.2f}x its throughput."
    )
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sign-ons", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=20)
    raise SystemExit(0 if asyncio.run(main(parser.parse_args())) else 1)
