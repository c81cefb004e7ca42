"""Reading a letter file in a process of its own (`bot.texts.document_reader`), so that a
hostile file costs that process, never the bot.

The reader limits its own memory, CPU time and priority before it reads the file; the
bot sends it the file's bytes, waits for its answer without blocking its event loop,
and kills it when its wall-clock time runs out. However the reader ends, the answer is
the letter's markup or `Unreadable` with a reason in plain words.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass

from bot.rules.files import Unreadable
from bot.rules.limits import (
    FILE_TEXT_MAX,
    READ_CPU_SECONDS,
    READ_MEMORY_BYTES,
    READ_NICENESS,
    READ_WALL_SECONDS,
)
from bot.texts.documents import Kind

logger = logging.getLogger(__name__)

READER = "bot.texts.document_reader"
TOO_SLOW = "it took too long to read"
TOO_BIG = "it needs more memory than a letter should"
FAILED = "something went wrong on my side while reading it"
# The longest answer a child can give: the longest markup read_letter returns, each
# character as JSON spells it at worst (an emoji is "\ud83d\ude00", 12 bytes).
_ANSWER_MAX = 12 * FILE_TEXT_MAX + 1_000
# What the child may see of the bot's environment: enough to start Python, none of the
# bot's tokens or database address.
_PASSED_ON = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "LD_LIBRARY_PATH")


@dataclass(frozen=True)
class ReadLimits:
    memory_bytes: int = READ_MEMORY_BYTES
    cpu_seconds: int = READ_CPU_SECONDS
    wall_seconds: float = READ_WALL_SECONDS
    niceness: int = READ_NICENESS


async def read_letter_apart(kind: Kind, data: bytes, *, limits: ReadLimits = ReadLimits()) -> str:
    """The letter's markup from a file's bytes, read by a child process held to `limits`;
    raises Unreadable."""
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            READER,
            kind.value,
            str(limits.memory_bytes),
            str(limits.cpu_seconds),
            str(limits.niceness),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=_environment(),
        )
    except OSError:  # out of processes, or of memory to start one
        logger.exception("Could not start the document reader")
        raise Unreadable(FAILED) from None
    try:
        async with asyncio.timeout(limits.wall_seconds):
            output = await _exchange(child, data)
    except TimeoutError:
        logger.info("Reading a %s file took over %s s; stopped", kind.value, limits.wall_seconds)
        raise Unreadable(TOO_SLOW) from None
    finally:
        if child.returncode is None:  # the time ran out, or the bot is stopping
            child.kill()
            await child.wait()
    assert child.returncode is not None
    return answer(child.returncode, output)


async def _exchange(child: asyncio.subprocess.Process, data: bytes) -> bytes:
    """Send the file, then read the answer (as much as an answer can be) to the end."""
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(data)
        await child.stdin.drain()
        child.stdin.close()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the child ended before it read the file; its exit status says why
    output = bytearray()
    while chunk := await child.stdout.read(1 << 16):
        output += chunk
        if len(output) > _ANSWER_MAX:
            logger.warning("The document reader answered more than any letter; stopped")
            raise Unreadable(FAILED)
    await child.wait()
    return bytes(output)


def answer(returncode: int, output: bytes) -> str:
    """The markup in a child's answer; raises Unreadable with the reason it gave, or
    with one for how it ended."""
    if returncode == -signal.SIGXCPU:
        raise Unreadable(TOO_SLOW)
    if returncode != 0:
        logger.warning("The document reader ended with exit status %s", returncode)
        raise Unreadable(FAILED)
    try:
        reply = json.loads(output)
    except ValueError:
        reply = None
    if isinstance(reply, dict):
        if isinstance(reply.get("markup"), str):
            markup: str = reply["markup"]
            return markup
        if isinstance(reply.get("unreadable"), str):
            raise Unreadable(reply["unreadable"])
        if reply.get("out_of") == "memory":
            raise Unreadable(TOO_BIG)
    logger.warning("The document reader's answer was garbled: %r", output[:200])
    raise Unreadable(FAILED)


def _environment() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if name in _PASSED_ON or name.startswith("PYTHON")
    }
