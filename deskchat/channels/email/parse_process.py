"""Fetched mail parsed in a separate, low-priority process.

Parsing is the one CPU-heavy step of a body sync that is pure Python (``email``'s parser reads a body line by line).
In the app's own process it would hold the GIL for most of a sync, so the window's loop, the store's writer and the
IMAP reader would all wait for it; in a process of its own it runs on another core beside them.

The worker is a plain interpreter running this module (``python -m deskchat.channels.email.parse_process``): it
imports the mail parser and nothing else (no Qt, no store), lowers its own priority (a background sync never competes
with the attendant's clicks) and answers one request at a time over its standard input and output, each a pickled
frame behind its length. It ends when its input closes, that is when DeskChat ends, however it ends.

A hostile mail that kills the worker (out of memory, a crash in a C library) costs nothing but that worker: the group
is parsed again in a fresh one, and if that one dies too, in the app's own thread (``mime.parse`` never raises, so
only such a crash could stop a parse).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import pickle
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, Final

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from deskchat.channels.email.bodies import BodyGroup, Raw, parse_bodies
from deskchat.core.sync_steps import SyncStep

log = logging.getLogger("deskchat.mail")

WORKER_NICENESS: Final = 5  # a little below the app: its window wins a busy CPU, yet parsing keeps pace
ATTEMPTS_IN_A_PROCESS: Final = 2
END_WAIT_S: Final = 5.0
_LENGTH: Final = struct.Struct("!Q")
PIPE_BYTES: Final = 1024 * 1024  # Linux's default limit for an unprivileged process


class WorkerDied(Exception):
    """The worker process ended (or answered nonsense) before its answer came."""


def _write_frame(stream: IO[bytes], value: Any) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (length,) = _LENGTH.unpack(head)
    payload = stream.read(length)
    if len(payload) < length:
        raise EOFError
    return pickle.loads(payload)  # frames come from our own worker (or, in the worker, from our own app)


def _widen(stream: IO[bytes] | None) -> None:
    """A larger pipe (Linux): a 2 MB group crosses in a few writes instead of 32 hand-overs of 64 KB."""
    set_pipe_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if stream is None or set_pipe_size is None:
        return
    with contextlib.suppress(OSError):  # above the system's limit for this user: the default size still works
        fcntl.fcntl(stream.fileno(), set_pipe_size, PIPE_BYTES)


class BodyParser:
    """Parses body groups in one worker process, shared by every mailbox (see the module's notes)."""

    def __init__(self) -> None:
        # One thread talks to the worker, so requests (from several mailboxes) take turns; it also runs the parse
        # itself when the worker keeps dying.
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="mail-parse")
        self._worker: subprocess.Popen[bytes] | None = None

    async def warm_up(self) -> None:
        """Start the worker now, so that the first bodies do not wait for it."""
        await asyncio.get_running_loop().run_in_executor(self._thread, self._running_worker)

    async def worker_pid(self) -> int:
        """The worker's process id (started if it was not)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, lambda: self._running_worker().pid)

    async def parse(self, account_id: int, group: BodyGroup, raw: Raw) -> list[SyncStep]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._parse, account_id, group, raw)

    def close(self) -> None:
        """End the worker and wait for it (the app is ending: no parse is running)."""
        worker = self._worker
        if worker is not None:
            self._end(worker, kill=False)

    # -- on the parser thread ------------------------------------------------------------------------------------

    def _running_worker(self) -> subprocess.Popen[bytes]:
        worker = self._worker
        if worker is not None and worker.poll() is not None:
            self._end(worker)  # it died while idle
            worker = None
        if worker is None:
            worker = self._worker = subprocess.Popen(
                [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
            for stream in (worker.stdin, worker.stdout):
                _widen(stream)
        return worker

    def _parse(self, account_id: int, group: BodyGroup, raw: Raw) -> list[SyncStep]:
        for _attempt in range(ATTEMPTS_IN_A_PROCESS):
            worker = self._running_worker()
            try:
                return self._ask(worker, (account_id, group, raw))
            except (OSError, EOFError, pickle.UnpicklingError, WorkerDied):
                log.warning("the mail parser process ended while parsing a group of %d mails", len(raw))
                self._end(worker)
        return parse_bodies(account_id, group, raw)

    @staticmethod
    def _ask(worker: subprocess.Popen[bytes], request: tuple[int, BodyGroup, Raw]) -> list[SyncStep]:
        assert worker.stdin is not None and worker.stdout is not None
        _write_frame(worker.stdin, request)
        answer = _read_frame(worker.stdout)
        if not isinstance(answer, list):
            raise WorkerDied(type(answer).__name__)
        return answer

    def _end(self, worker: subprocess.Popen[bytes], *, kill: bool = True) -> None:
        """Close its pipes (it ends when its input closes, or at its next answer), then make sure it has ended."""
        if self._worker is worker:
            self._worker = None
        if kill:
            with contextlib.suppress(OSError):
                worker.kill()
        for stream in (worker.stdin, worker.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            worker.wait(END_WAIT_S)
        except subprocess.TimeoutExpired:  # stuck in a parse: it is only a parser
            worker.kill()
            worker.wait()


#: The one parser of the app (its worker starts at the first sync).
BODY_PARSER: Final = BodyParser()
atexit.register(BODY_PARSER.close)


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The worker's loop: parse each request until the input closes."""
    if hasattr(os, "nice"):  # POSIX; on Windows the worker keeps the app's priority
        with contextlib.suppress(OSError):  # not allowed here: it still works, at the app's own priority
            os.nice(WORKER_NICENESS)
    while True:
        try:
            account_id, group, raw = _read_frame(requests)
        except EOFError:
            return
        _write_frame(answers, parse_bodies(account_id, group, raw))


def _worker_main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print can never break a frame
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):  # DeskChat ended while a group was parsed
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    _worker_main()
