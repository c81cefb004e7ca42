"""A drive that grows: one posted letter signed by thousands, each sign-on a new person
for a new organization, against a Bolt app whose `/signon` only acks.

`python -m bench.growing_drive [--signers 9000] [--step 1500] [--concurrency 20]`

Undersigned runs as `python -m bot` in HTTP mode on a new SQLite file (WAL,
synchronous=FULL), started once for the whole drive (with the sign-on recorder it
starts, whose CPU is counted with it); the no-op app
(`python -m bench.noop_app`) is served the same way and measured in the same run, before
and after the drive, with as many sign-ons as a step. Every sign-on is a distinct Slack
user signing for a distinct organization, with names shaped like a real coalition's
(`bench.names`), so each makes an entry and is judged against the letter's signers. The
table gives, for each step of the drive, the rate, the CPU per sign-on (from /proc, the
process and its children) and the p99, each also as a ratio to the no-op app's. Exits 1
when the drive misses its targets.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.load import Burst, cpu_seconds, open_letter, p99, serving, sign_on_burst
from bench.names import synthetic_names
from tests.bot_process import bot_environment
from tests.fake_slack import FakeSlack

# What the drive is held to, against the no-op app of the same run: the rate and p99
# over the whole drive, and the CPU per sign-on of its last step against its first and
# against the no-op app's per request.
TARGET_RATE = 0.8
TARGET_P99 = 1.5
TARGET_CPU_GROWTH = 1.2
TARGET_CPU = 3.0


@dataclass(frozen=True)
class Step:
    signers: int  # the letter's signers when the step ends
    burst: Burst
    cpu_ms: float  # per sign-on


async def main(args: argparse.Namespace) -> bool:
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("CBENCH", bot_member=True)
    names = synthetic_names(args.signers)
    random.Random(11).shuffle(names)
    with tempfile.TemporaryDirectory() as folder:
        noop = [await _noop(fake, Path(folder), names[: args.step], args, tag="noop-before")]
        print(_line("no-op Bolt app, before", noop[0]), flush=True)
        steps = await _drive(fake, Path(folder), names, args)
        noop.append(await _noop(fake, Path(folder), names[: args.step], args, tag="noop-after"))
        print(_line("no-op Bolt app, after", noop[1]), flush=True)
    await fake.stop()
    return _report(steps, noop, args)


async def _noop(
    fake: FakeSlack, folder: Path, texts: list[str], args: argparse.Namespace, *, tag: str
) -> Step:
    workdir = Path(tempfile.mkdtemp(prefix=f"{tag}-", dir=folder))
    env = bot_environment(api_url=fake.api_url, database_url="sqlite://")
    async with serving(
        fake, workdir=workdir, env=env, module="bench.noop_app", concurrency=args.concurrency
    ) as process:
        cpu_before = cpu_seconds(process.pid)
        burst = await sign_on_burst(
            fake,
            [process.events_url],
            texts,
            concurrency=args.concurrency,
            tag=tag,
            confirmations=False,
        )
        cpu_ms = (cpu_seconds(process.pid) - cpu_before) / len(texts) * 1000
    return Step(0, burst, cpu_ms)


async def _drive(
    fake: FakeSlack, folder: Path, names: list[str], args: argparse.Namespace
) -> list[Step]:
    """The letter grows from none to `len(names)` signers, a step at a time, in one
    bot process; each step's sign-ons are measured alone."""
    workdir = Path(tempfile.mkdtemp(prefix="drive-", dir=folder))
    database = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    await open_letter(fake, database)
    env = bot_environment(api_url=fake.api_url, database_url=database, ORGANIZERS="UORG")
    steps = []
    async with serving(
        fake, workdir=workdir, env=env, module="bot", concurrency=args.concurrency
    ) as process:
        for start in range(0, len(names), args.step):
            texts = names[start : start + args.step]
            cpu_before = cpu_seconds(process.pid)
            burst = await sign_on_burst(
                fake,
                [process.events_url],
                texts,
                concurrency=args.concurrency,
                tag=f"drive-{start}",
                first_user=start,
            )
            cpu_ms = (cpu_seconds(process.pid) - cpu_before) / len(texts) * 1000
            steps.append(Step(start + len(texts), burst, cpu_ms))
            print(_line(f"Undersigned, {start:,} to {start + len(texts):,}", steps[-1]), flush=True)
    return steps


def _line(label: str, step: Step) -> str:
    return (
        f"{label}: {step.burst.rate:,.0f}/s, {step.cpu_ms:.2f} ms CPU per sign-on, p99 "
        f"{p99(step.burst.latencies) * 1000:.1f} ms, {step.burst.followups} follow-ups"
    )


def _report(steps: list[Step], noop: list[Step], args: argparse.Namespace) -> bool:
    base_rate = statistics.mean(n.burst.rate for n in noop)
    base_cpu = statistics.mean(n.cpu_ms for n in noop)
    base_p99 = statistics.mean(p99(n.burst.latencies) for n in noop)
    print(
        f"\nOne letter growing to {steps[-1].signers:,} signers, each sign-on a new person "
        f"and organization, {args.concurrency} at a time, in one run of the bot; the no-op "
        f"app measured before and after it ({len(noop[0].burst.latencies):,} each), "
        f"their mean the baseline:\n"
    )
    print(
        "| signers | sign-ons/s | x no-op | CPU per sign-on | x no-op | p99 | x no-op |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    print(
        f"| no-op Bolt app | {base_rate:,.0f} | 1.00 | {base_cpu:.2f} ms | 1.00 "
        f"| {base_p99 * 1000:.1f} ms | 1.00 |"
    )
    for step in steps:
        rate, slowest = step.burst.rate, p99(step.burst.latencies)
        first = step.signers - len(step.burst.latencies)
        print(
            f"| {first:,} to {step.signers:,} | {rate:,.0f} | {rate / base_rate:.2f} "
            f"| {step.cpu_ms:.2f} ms | {step.cpu_ms / base_cpu:.2f} "
            f"| {slowest * 1000:.1f} ms | {slowest / base_p99:.2f} |"
        )
    sent = sum(len(step.burst.latencies) for step in steps)
    rate = sent / sum(len(step.burst.latencies) / step.burst.rate for step in steps)
    slowest = p99([latency for step in steps for latency in step.burst.latencies])
    cpu = statistics.mean(step.cpu_ms for step in steps)
    print(
        f"| whole drive | {rate:,.0f} | {rate / base_rate:.2f} | {cpu:.2f} ms "
        f"| {cpu / base_cpu:.2f} | {slowest * 1000:.1f} ms | {slowest / base_p99:.2f} |"
    )
    growth = steps[-1].cpu_ms / steps[0].cpu_ms
    met = (
        rate / base_rate >= TARGET_RATE
        and slowest / base_p99 <= TARGET_P99
        and growth <= TARGET_CPU_GROWTH
        and steps[-1].cpu_ms / base_cpu <= TARGET_CPU
    )
    print(
        f"\nWhole drive: {rate / base_rate:.2f}x the no-op app's throughput (target >= "
        f"{TARGET_RATE}x), p99 {slowest / base_p99:.2f}x its p99 (target <= {TARGET_P99}x); "
        f"CPU per sign-on in the last step {growth:.2f}x the first's (target <= "
        f"{TARGET_CPU_GROWTH}x) and {steps[-1].cpu_ms / base_cpu:.2f}x the no-op app's per "
        f"request (target <= {TARGET_CPU}x): " + ("met." if met else "NOT met.")
    )
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signers", type=int, default=9_000)
    parser.add_argument("--step", type=int, default=1_500)
    parser.add_argument("--concurrency", type=int, default=20)
    raise SystemExit(0 if asyncio.run(main(parser.parse_args())) else 1)
