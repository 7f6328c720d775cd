"""Ordered, never-dropping processing of one account's events.

neonize runs every handler as its own task, so two events interleave at each ``await``: a receipt could be applied
before the insert of its message. The handlers therefore only :meth:`EventPipeline.put` the event, and one consumer
task processes the queue in arrival order. Consecutive events of the same batch group (live messages) are handed
over together so that a burst (offline sync after a reconnect) is stored in one transaction.

A failing group is retried with a growing delay; after the last retry it is *parked* (kept in memory, logged) so one
poison event cannot stall the account, and :meth:`EventPipeline.retry_parked` puts it back later (on reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Final, Generic, TypeVar

log = logging.getLogger("deskchat.wa")

T = TypeVar("T")

#: Delays (s) between attempts of a failing group; after the last one it is parked.
RETRY_DELAYS: Final = (0.25, 1.0, 4.0, 15.0)
MAX_BATCH: Final = 500


class EventPipeline(Generic[T]):
    """One consumer task over an ``asyncio.Queue``.

    Args:
        name: for logs and the task name.
        process: handles one group of consecutive items; raising means "try again later".
        group_key: items with the same non-None key that follow each other are processed together.
        on_parked: told (with a short description) when a group is parked after its last retry.
    """

    def __init__(
        self,
        name: str,
        process: Callable[[list[T]], Awaitable[None]],
        group_key: Callable[[T], Hashable | None],
        *,
        on_parked: Callable[[str], None] | None = None,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.name = name
        self._process = process
        self._group_key = group_key
        self._on_parked = on_parked
        self._retry_delays = tuple(retry_delays)
        self._queue: asyncio.Queue[T] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()
        self.parked: list[list[T]] = []
        self.received = 0  # items ever queued

    def put(self, item: T) -> None:
        """Queue ``item`` (never blocks; safe to call from a neonize handler)."""
        self._queue.put_nowait(item)
        self.received += 1
        self._arrived.set()

    async def wait_received(self, count: int, timeout: float) -> None:
        """Wait until ``count`` items were queued in total (handlers run as separate tasks after Go's callback).

        Raises:
            TimeoutError: fewer arrived within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while self.received < count:
                self._arrived.clear()
                await self._arrived.wait()

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        """Start consuming; groups parked by an earlier stop or failure go first, in their original order."""
        if self._task is not None and not self._task.done():
            return
        if self.parked:
            waiting: list[T] = []
            while not self._queue.empty():
                waiting.append(self._queue.get_nowait())
                self._queue.task_done()
            self.retry_parked()
            for item in waiting:
                self.put(item)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"wa-events-{self.name}")

    async def stop(self) -> None:
        """Stop consuming; items not yet processed stay queued for a later :meth:`start`."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued item was processed or parked; False on timeout."""
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            return False
        return True

    def retry_parked(self) -> int:
        """Queue the parked groups again; returns how many items."""
        groups, self.parked = self.parked, []
        count = 0
        for group in groups:
            for item in group:
                self.put(item)
                count += 1
        return count

    def _take_available(self, first: T) -> list[T]:
        items = [first]
        while len(items) < MAX_BATCH:
            try:
                items.append(self._queue.get_nowait())
            except asyncio.QueueEmpty:
                break
        return items

    def _groups(self, items: list[T]) -> list[list[T]]:
        groups: list[list[T]] = []
        last_key: Hashable | None = None
        for item in items:
            key = self._group_key(item)
            if groups and key is not None and key == last_key:
                groups[-1].append(item)
            else:
                groups.append([item])
            last_key = key
        return groups

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            items = self._take_available(first)
            groups = self._groups(items)
            try:
                for index, group in enumerate(groups):
                    try:
                        await self._process_with_retries(group)
                    except asyncio.CancelledError:
                        self.parked.extend(groups[index:])  # stopping: keep them for the next start
                        raise
            finally:
                for _ in items:
                    self._queue.task_done()

    async def _process_with_retries(self, group: list[T]) -> None:
        for attempt, delay in enumerate((*self._retry_delays, None)):
            try:
                await self._process(group)
            except Exception:
                log.exception("%s: processing %d event(s) failed (attempt %d)", self.name, len(group), attempt + 1)
                if delay is None:
                    break
                await asyncio.sleep(delay)  # back-off before the retry, not synchronisation
            else:
                return
        self.parked.append(group)
        description = f"{len(group)} event(s) parked after {len(self._retry_delays) + 1} attempts"
        log.error("%s: %s", self.name, description)
        if self._on_parked is not None:
            self._on_parked(description)
