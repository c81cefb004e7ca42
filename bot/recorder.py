"""`python -m bot.recorder`: the process that records the bot's sign-ons.

Judging a burst of sign-ons against a letter's signers and writing them is Python work
the web server would otherwise take turns with, on one interpreter lock: in a process
of its own it runs beside the server, on another core (`make bench` measures both).
The bot starts it (`RecorderProcess`), hands it each batch and awaits the outcome; it
keeps each open letter's dedupe index, as the bot's own process would.

The two speak over the child's stdin and stdout, each message a 4-byte length and a
pickle. Only the two ends of that pipe ever write to it. First the bot sends the
database URL (not on the command line, where `ps` shows it); the recorder answers
`READY` once its indexes are read, then one answer per batch, in the order they finish.
It stops when its stdin closes: when the bot stops, or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import pickle
import signal
import struct
import sys
from collections.abc import Sequence
from typing import Any

from bot.logs import configure_logging
from bot.rules.signons import Recorded
from bot.services.recording import Recorder
from bot.storage import Store
from bot.storage.signon_pending import LetterClosed, Pending

logger = logging.getLogger(__name__)

READY = "ready"
_LENGTH = struct.Struct(">I")
# How long a stopping recorder may take to finish the batch it is writing.
STOP_SECONDS = 10.0


class RecorderStopped(RuntimeError):
    """The recorder process ended while a batch was with it; it starts again for the
    next one. Whether that batch was committed is for the database to say."""


class RecorderProcess:
    """A `bot.services.recording.Recording` whose batches go to `python -m bot.recorder`."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._process: asyncio.subprocess.Process | None = None
        self._listening: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._numbers = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[tuple[list[Recorded], int]]] = {}

    async def prepare(self) -> None:
        await self._running()

    async def record(self, letter_id: int, batch: Sequence[Pending]) -> tuple[list[Recorded], int]:
        process = await self._running()
        assert process.stdin is not None
        number = next(self._numbers)
        answer: asyncio.Future[tuple[list[Recorded], int]]
        answer = self._waiting[number] = asyncio.get_running_loop().create_future()
        try:
            process.stdin.write(_frame((number, letter_id, list(batch))))
            await process.stdin.drain()
        except ConnectionError:  # the pipe broke: it ended just now
            self._waiting.pop(number, None)
            raise RecorderStopped("the sign-on recorder stopped") from None
        try:
            return await answer
        finally:
            self._waiting.pop(number, None)

    async def close(self) -> None:
        """Let the recorder finish the batch in hand and stop."""
        process = self._process
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            logger.error("The sign-on recorder did not stop in %.0f s; killing it", STOP_SECONDS)
            process.kill()
            await process.wait()
        if self._listening is not None:
            await self._listening

    async def _running(self) -> asyncio.subprocess.Process:
        async with self._starting:
            if self._process is None:
                self._process = await self._start()
            return self._process

    async def _start(self) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.recorder",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(_frame(self._database_url))
        try:
            ready = await _read(process.stdout)
        except asyncio.IncompleteReadError:
            await process.wait()
            raise RecorderStopped(
                f"the sign-on recorder stopped as it started (exit code {process.returncode})"
            ) from None
        if ready != READY:
            process.kill()
            await process.wait()
            raise RecorderStopped(f"the sign-on recorder said {ready!r}, not {READY!r}")
        self._listening = asyncio.create_task(self._listen(process))
        return process

    async def _listen(self, process: asyncio.subprocess.Process) -> None:
        """Hand each answer to the batch waiting for it; when the recorder ends, every
        batch still waiting hears so."""
        assert process.stdout is not None
        try:
            while True:
                number, ok, outcome = await _read(process.stdout)
                answer = self._waiting.get(number)
                if answer is None or answer.done():
                    continue  # its sign-ons stopped waiting
                if ok:
                    answer.set_result(outcome)
                else:
                    answer.set_exception(outcome)
        except asyncio.IncompleteReadError:
            pass
        code = await process.wait()
        self._process = None
        if code != 0:
            logger.error("The sign-on recorder stopped (exit code %d)", code)
        for answer in self._waiting.values():
            if not answer.done():
                answer.set_exception(RecorderStopped("the sign-on recorder stopped"))


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


async def _read(stream: asyncio.StreamReader) -> Any:
    (length,) = _LENGTH.unpack(await stream.readexactly(_LENGTH.size))
    return pickle.loads(await stream.readexactly(length))


async def _serve() -> None:
    """The recorder's side: answer batches until stdin closes, then finish those in hand."""
    loop = asyncio.get_running_loop()
    # Only messages go to stdout: anything else printed goes to stderr, with the logs.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(requests), sys.stdin)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, answers)
    replies = asyncio.StreamWriter(transport, protocol, None, loop)
    database_url = await _read(requests)
    async with Store(database_url, recorder=True) as store:
        recorder = Recorder(store)
        await recorder.prepare()
        gc.collect()
        gc.freeze()
        replies.write(_frame(READY))
        in_hand: set[asyncio.Task[None]] = set()

        async def answer(number: int, letter_id: int, batch: list[Pending]) -> None:
            try:
                outcome = await recorder.record(letter_id, batch)
            except LetterClosed as closed:
                replies.write(_frame((number, False, closed)))
            except Exception as error:
                logger.exception("Recording a batch of %d sign-ons failed", len(batch))
                replies.write(_frame((number, False, _sendable(error))))
            else:
                replies.write(_frame((number, True, outcome)))
            await replies.drain()

        with contextlib.suppress(asyncio.IncompleteReadError):
            while True:
                number, letter_id, batch = await _read(requests)
                task = asyncio.create_task(answer(number, letter_id, batch))
                in_hand.add(task)
                task.add_done_callback(in_hand.discard)
        await asyncio.gather(*in_hand)
        await replies.drain()


def _sendable(error: Exception) -> Exception:
    """`error` as the bot can receive it: as it is when it pickles, else its words."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def main() -> None:
    configure_logging()
    # The bot brought the schema up to date as it started; that it is, is not news.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # Ctrl-C in a terminal and a process manager's SIGTERM reach the whole group: the
    # bot decides when the recorder stops, by closing its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
