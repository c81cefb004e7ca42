"""One address flooding a page's form, from a process of its own, as a flood comes from
another machine: the benchmark's other work (the fake Slack, the sign-ons it sends)
keeps its own event loop, and the flood takes as little of this 2-core machine as it
can: its requests are built before it starts and written whole on keep-alive
connections, and each answer is read only as far as its status and its length.

`python -m bench.flood` reads a `Job`, one line of JSON, on stdin. Every request is sent
once, then again in turn until another line comes on stdin; once `lead` have been
answered (or, with none, once the first were sent), `flooding` is printed. At the end,
one line of JSON: how many were answered with each status, each one's latency, when
each was answered (`time.perf_counter`, which on Linux is CLOCK_MONOTONIC: the same
clock in every process here), the rate, and the CPU seconds the flood spent.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass

READY = "flooding"
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    host: str
    port: int
    requests: list[str]  # each a whole HTTP/1.1 request
    concurrency: int
    rate: float  # requests a second; 0: as fast as answered
    lead: int  # answers after which READY is printed (0: once the first are sent)


class Flood:
    """The requests, their pace, and what came back."""

    def __init__(self, requests: list[bytes], *, rate: float, lead: int) -> None:
        self._requests = requests
        self._rate = rate
        self._lead = lead
        self._next = 0
        self._started = time.perf_counter()
        self.stopping = False
        self.statuses: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.ends: list[float] = []
        self.finished = asyncio.get_running_loop().create_future()
        self._open = 0

    def due(self) -> tuple[bytes, float] | None:
        """The next request and when it may be sent; None once the flood is over."""
        if self.stopping and self._next >= len(self._requests):
            return None
        k = self._next
        self._next += 1
        due = self._started + k / self._rate if self._rate else 0.0
        return self._requests[k % len(self._requests)], due

    def answered(self, status: int, *, sent: float) -> None:
        end = time.perf_counter()
        self.statuses[status] += 1
        self.latencies.append(end - sent)
        self.ends.append(end)
        if len(self.ends) == self._lead:
            print(READY, flush=True)

    def opened(self) -> None:
        self._open += 1

    def closed(self) -> None:
        self._open -= 1
        if self._open == 0 and not self.finished.done():
            self.finished.set_result(None)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request, its whole answer, the next request."""

    def __init__(self, flood: Flood) -> None:
        self._flood = flood
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._sent = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._flood.opened()
        self._send()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        length = _LENGTH.search(self._buffer, 0, head_end + 2)
        if length is None:
            raise RuntimeError(f"an answer without a length: {self._buffer[:head_end]!r}")
        end = head_end + 4 + int(length.group(1))
        if len(self._buffer) < end:
            return
        status = int(self._buffer[9:12])
        self._buffer = self._buffer[end:]
        self._flood.answered(status, sent=self._sent)
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        self._flood.closed()

    def _send(self) -> None:
        assert self._transport is not None
        turn = self._flood.due()
        if turn is None:
            self._transport.close()
            return
        request, due = turn
        wait = due - time.perf_counter()
        if wait > 0:
            asyncio.get_running_loop().call_later(wait, self._write, request)
        else:
            self._write(request)

    def _write(self, request: bytes) -> None:
        assert self._transport is not None
        self._sent = time.perf_counter()
        self._transport.write(request)


async def main(job: Job) -> dict[str, object]:
    requests = [request.encode("latin-1") for request in job.requests]
    flood = Flood(requests, rate=job.rate, lead=job.lead)
    loop = asyncio.get_running_loop()
    for _ in range(job.concurrency):
        await loop.create_connection(lambda: _Connection(flood), job.host, job.port)
    if not job.lead:
        print(READY, flush=True)
    started = time.perf_counter()
    await loop.run_in_executor(None, sys.stdin.readline)
    flood.stopping = True
    await flood.finished
    seconds = time.perf_counter() - started
    return {
        "statuses": dict(flood.statuses),
        "latencies": flood.latencies,
        "ends": flood.ends,
        "rate": len(flood.ends) / seconds,
        "cpu": time.process_time(),
    }


if __name__ == "__main__":
    job = Job(**json.loads(sys.stdin.readline()))
    print(json.dumps(asyncio.run(main(job))), flush=True)
