"""The services side of the inbound spool: durable appends for the channels, dead letters, the full-disk state.

Channels never import the store: each adapter gets :meth:`InboundSpool.append` (synchronous, thread-safe, durable
when it returns) and the async calls below through its sinks. A full disk is never a reason to drop an event: an
append waits and retries with a growing delay (the channel library's own buffer then fills and it stops reading from
the network), and the window is told in words through :class:`~deskchat.core.events.StorageFullChanged`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Final

from deskchat.core.bus import EventBus
from deskchat.core.events import StorageFullChanged
from deskchat.core.spool import DeadLetter, SpooledEvent, is_storage_full
from deskchat.store import spool
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

log = logging.getLogger("deskchat.spool")

#: Waits (s) between appends that failed for want of space (or a busy store); the last one repeats.
APPEND_RETRY_DELAYS: Final = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


class SpoolClosed(RuntimeError):
    """The app is closing: an append still waiting for space gives up (the channel then keeps the event)."""


class InboundSpool:
    def __init__(
        self,
        store: Store,
        bus: EventBus,
        *,
        retry_delays: Sequence[float] = APPEND_RETRY_DELAYS,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._store = store
        self._clock = clock  # unix ms: receive and failure times (tests pass a fake one)
        self._bus = bus
        self._retry_delays = tuple(retry_delays)
        self._appender: spool.SpoolAppender | None = None
        self._open_lock = threading.Lock()
        self._closed = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._full_reasons: set[str] = set()
        self._full_lock = threading.Lock()

    # -- appends (any thread) ----------------------------------------------------------------------------------

    def append(self, account_id: int, kind: str, payload: bytes) -> int:
        """Keep one raw event; returns its spool id once the row is committed. Waits (blocks) while the disk is full.

        Raises:
            SpoolClosed: the app closes while the event still waits for space.
        """
        attempt = 0
        while True:
            try:
                spool_id = self._open().append(account_id, kind, payload, now=self._clock())
            except Exception as problem:
                if self._closed.is_set():
                    raise SpoolClosed("the inbound spool is closed") from problem
                if is_storage_full(problem):
                    self.storage_full("spool", True)
                elif "locked" not in str(problem) and "busy" not in str(problem):
                    raise
                delay = self._retry_delays[min(attempt, len(self._retry_delays) - 1)]
                attempt += 1
                if self._closed.wait(delay):  # back-off before the retry
                    raise SpoolClosed("the inbound spool is closed") from problem
                continue
            if attempt:
                self.storage_full("spool", False)
            return spool_id

    def _open(self) -> spool.SpoolAppender:
        with self._open_lock:
            if self._closed.is_set():
                raise SpoolClosed("the inbound spool is closed")
            if self._appender is None:
                self._appender = spool.SpoolAppender(self._store.engine, self._store.write_gate)
            return self._appender

    def close(self) -> None:
        """Release the append connection (before the store closes); waiting appends give up."""
        self._closed.set()
        with self._open_lock:
            appender, self._appender = self._appender, None
        if appender is not None:
            appender.close()

    # -- the full-disk state -----------------------------------------------------------------------------------

    def storage_full(self, reason: str, full: bool) -> None:
        """``reason`` (the spool, or an account's writes) failed for want of space, or works again (any thread)."""
        with self._full_lock:
            before = bool(self._full_reasons)
            if full:
                self._full_reasons.add(reason)
            else:
                self._full_reasons.discard(reason)
            after = bool(self._full_reasons)
        if before == after:
            return
        if after:
            log.error("the disk is full: received messages wait for space")
        else:
            log.info("space is back: received messages are stored again")
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._bus.publish, StorageFullChanged(after))

    def account_storage_full(self, account_id: int, full: bool) -> None:
        self.storage_full(f"account-{account_id}", full)

    # -- the consumer's side (on the loop) ---------------------------------------------------------------------

    async def pending(self, account_id: int) -> list[SpooledEvent]:
        """Spooled events a crash (or a stop) left, oldest first: replayed before live events."""
        self._loop = asyncio.get_running_loop()
        return await self._store.read_later(lambda conn: spool.pending(conn, account_id))

    async def remove(self, account_id: int, ids: Sequence[int]) -> None:
        """Rows whose result was applied outside an ingest (receipts, reactions, edits: applying twice is harmless)."""
        if ids:
            await self._store.write(lambda conn: spool.remove(conn, list(ids)))

    async def dead_letter(self, account_id: int, spool_id: int, error: str) -> None:
        """Move one event that still failed after its retries to the dead letters, in one transaction."""
        moved = await self._store.write(lambda conn: spool.dead_letter(conn, spool_id, error, now=self._clock()))
        if moved:
            log.warning("account %d: event %d moved to the dead letters: %s", account_id, spool_id, error)

    def dead_letters(self, account_id: int) -> list[DeadLetter]:
        with self._store.read() as conn:
            return spool.list_dead_letters(conn, account_id)

    async def requeue_dead_letters(self, account_id: int) -> list[SpooledEvent]:
        """Put the account's dead letters back into the spool ("tentar de novo"); returns the new spool rows."""
        return await self._store.write(lambda conn: spool.requeue_dead_letters(conn, account_id))
