"""The process that reads a letter file, started by `bot.services.documents`:

    python -m bot.texts.document_reader KIND MEMORY_BYTES CPU_SECONDS NICENESS

First of all, before the parsers are imported or a byte of the file is read, it limits
itself: its address space (memory), its CPU time, no core dump, and a lower priority
than the bot's. Then it reads the file's bytes on stdin with `bot.texts.documents.read_letter`
and answers on stdout, as JSON: {"markup": …}, {"unreadable": reason}, or
{"out_of": "memory"}. Anything else (no answer, a crash, a signal) is for its parent
to make sense of.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def main(kind: str, memory_bytes: int, cpu_seconds: int, niceness: int) -> None:
    os.nice(niceness)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # At the soft limit the kernel sends SIGXCPU, which ends the process; a second later,
    # SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Imported here, so that loading them counts against the limits, at the low priority.
    from bot.rules.files import Unreadable
    from bot.texts.documents import Kind, read_letter

    data = sys.stdin.buffer.read()
    try:
        answer = {"markup": read_letter(Kind(kind), data)}
    except Unreadable as problem:
        answer = {"unreadable": str(problem)}
    except MemoryError:
        answer = {"out_of": "memory"}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
