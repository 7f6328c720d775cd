"""Fetched mail parsed in a separate, low-priority process.

Parsing is the one CPU-heavy step of a body sync that is pure Python (``email``'s parser reads a body line by line).
In the app's own process it would hold the GIL for most of a sync, so the window's loop, the store's writer and the
IMAP reader would all wait for it; in a process of its own it runs on another core beside them. The process is
started with ``spawn`` (never ``fork`` from a process with Qt and database threads), at a lower priority (a
background sync never competes with the attendant's clicks), and ends with DeskChat, on Linux even when DeskChat is
killed.

A hostile mail that kills the worker (out of memory, a crash in a C library) costs nothing but that worker: the group
is parsed again in a fresh one, and if that one dies too, in the app's own parser thread (which never gets a mail the
parser raises on: :func:`~.mime.parse` never raises).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Final

from deskchat.channels.email.bodies import BodyGroup, Raw, parse_bodies
from deskchat.core.sync_steps import SyncStep

log = logging.getLogger("deskchat.mail")

WORKER_NICENESS: Final = 10
PR_SET_PDEATHSIG: Final = 1
ATTEMPTS_IN_A_PROCESS: Final = 2


def _worker_started(parent_pid: int) -> None:
    """In the worker: lower its priority and ask the kernel to end it with DeskChat (Linux). The worker holds both
    ends of its task pipe, so it would not notice a killed DeskChat by itself; elsewhere it ends when DeskChat exits."""
    with contextlib.suppress(OSError):  # not allowed here: it still works, at the app's own priority
        os.nice(WORKER_NICENESS)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # DeskChat died before the signal was asked for
            os._exit(1)


def _ready() -> bool:
    return True


class BodyParser:
    """Parses body groups in one worker process, shared by every mailbox (see the module's notes)."""

    def __init__(self) -> None:
        #: The app's own parser thread, for a group that kills worker after worker.
        self._fallback = ThreadPoolExecutor(1, thread_name_prefix="mail-parse")
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_started,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    async def warm_up(self) -> None:
        """Start the worker now (a spawn takes a few hundred milliseconds), so that bodies do not wait for it."""
        pool = self._executor()
        try:
            await asyncio.wrap_future(pool.submit(_ready))
        except BrokenProcessPool:
            self._discard(pool)

    async def worker_pid(self) -> int:
        """The worker's process id (started if it was not)."""
        return int(await asyncio.wrap_future(self._executor().submit(os.getpid)))

    async def parse(self, account_id: int, group: BodyGroup, raw: Raw) -> list[SyncStep]:
        loop = asyncio.get_running_loop()
        for _attempt in range(ATTEMPTS_IN_A_PROCESS):
            pool = self._executor()
            try:
                return await asyncio.wrap_future(pool.submit(parse_bodies, account_id, group, raw))
            except BrokenProcessPool:
                log.warning("the mail parser process ended while parsing a group of %d mails", len(raw))
                self._discard(pool)
        return await loop.run_in_executor(self._fallback, parse_bodies, account_id, group, raw)


#: The one parser of the app (its worker starts at the first sync that asks for it).
BODY_PARSER: Final = BodyParser()
