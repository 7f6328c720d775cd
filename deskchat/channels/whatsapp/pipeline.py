"""Ordered processing of one account's events, where a failing event goes alone to the dead letters.

neonize runs every handler as its own task, so two events interleave at each ``await``: a receipt could be applied
before the insert of its message. The handlers therefore only :meth:`EventPipeline.put` the event, and one consumer
task processes the queue in arrival order. Consecutive events of the same batch group (live messages) are handed
over together so that a burst (offline sync after a reconnect) is stored in one transaction.

A failing group is split in halves until the failing event is alone (its batch-mates are stored); a single event is
retried with a growing delay and then handed to ``on_failed`` (the dead letters), never kept in memory. A full disk
is not a failure: the group waits, retried with a growing delay until space returns (``on_waiting`` tells the app).
Every item that carries customer data is also in the durable spool, so an item the pipeline holds in memory when
the process dies is replayed from there at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Final, Generic, TypeVar

log = logging.getLogger("deskchat.wa")

T = TypeVar("T")

#: Delays (s) between attempts of a single failing event; after the last one it goes to ``on_failed``.
RETRY_DELAYS: Final = (0.25, 1.0, 4.0, 15.0)
#: Delays (s) between attempts while the disk is full; the last one repeats until space returns.
WAIT_DELAYS: Final = (0.25, 0.5, 1.0, 2.0, 5.0)
MAX_BATCH: Final = 100


def _never_waits(error: BaseException) -> bool:
    return False


def _ignore_waiting(waiting: bool) -> None:
    return None


class EventPipeline(Generic[T]):
    """One consumer task over an ``asyncio.Queue``.

    Args:
        name: for logs and the task name.
        process: handles one group of consecutive items; raising means "try again later".
        group_key: items with the same non-None key that follow each other are processed together.
        on_failed: told about one item that still failed after its retries (it is not retried again).
        is_waiting: errors that mean "wait and try again" without end (a full disk).
        on_waiting: told when processing starts waiting (True) and works again (False).
    """

    def __init__(
        self,
        name: str,
        process: Callable[[list[T]], Awaitable[None]],
        group_key: Callable[[T], Hashable | None],
        *,
        on_failed: Callable[[T, BaseException], Awaitable[None]],
        is_waiting: Callable[[BaseException], bool] = _never_waits,
        on_waiting: Callable[[bool], None] = _ignore_waiting,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        wait_delays: Sequence[float] = WAIT_DELAYS,
    ) -> None:
        self.name = name
        self._process = process
        self._group_key = group_key
        self._on_failed = on_failed
        self._is_waiting = is_waiting
        self._on_waiting = on_waiting
        self._retry_delays = tuple(retry_delays)
        self._wait_delays = tuple(wait_delays)
        self._queue: asyncio.Queue[T] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()
        self._interrupted: list[T] = []  # the group a stop cancelled, to go first at the next start
        self.received = 0  # items ever queued
        self.failed = 0  # items handed to ``on_failed``
        self.waiting = False

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

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start consuming; a group interrupted by the last stop goes first."""
        if self._task is not None and not self._task.done():
            return
        if self._interrupted:
            for item in self.take_all():
                self.put(item)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"wa-events-{self.name}")

    async def stop(self) -> None:
        """Stop consuming; items not yet processed stay queued for a later :meth:`start`."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def take_all(self) -> list[T]:
        """Remove every queued item (and the interrupted group) while stopped; returns them in order."""
        items, self._interrupted = self._interrupted, []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
            self._queue.task_done()
        return items

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued item was processed or handed to ``on_failed``; False on timeout."""
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            return False
        return True

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
                        await self._process_group(group)
                    except asyncio.CancelledError:
                        self._interrupted = [item for rest in groups[index:] for item in rest]
                        raise
            finally:
                for _ in items:
                    self._queue.task_done()

    async def _process_group(self, group: list[T]) -> None:
        """Process ``group``; when it fails, its halves are processed apart until the failing item is alone."""
        if len(group) == 1:
            await self._process_single(group[0])
            return
        if await self._attempt(group):
            return
        log.warning("%s: a group of %d event(s) failed: processing its halves apart", self.name, len(group))
        middle = len(group) // 2
        await self._process_group(group[:middle])
        await self._process_group(group[middle:])

    async def _process_single(self, item: T) -> None:
        error: BaseException | None = None
        for attempt, delay in enumerate((*self._retry_delays, None)):
            error = await self._attempt_error([item])
            if error is None:
                return
            log.warning("%s: an event failed (attempt %d): %s", self.name, attempt + 1, type(error).__name__)
            if delay is not None:
                await asyncio.sleep(delay)  # back-off before the retry, not synchronisation
        assert error is not None
        self.failed += 1
        log.error("%s: an event failed after %d attempts", self.name, len(self._retry_delays) + 1, exc_info=error)
        await self._on_failed(item, error)

    async def _attempt(self, group: list[T]) -> bool:
        return await self._attempt_error(group) is None

    async def _attempt_error(self, group: list[T]) -> BaseException | None:
        """One attempt; while the error means "wait" (a full disk) it is repeated, as long as that lasts."""
        waits = 0
        while True:
            try:
                await self._process(group)
            except Exception as error:
                if not self._is_waiting(error):
                    self._set_waiting(False)
                    return error
                self._set_waiting(True)
                await asyncio.sleep(self._wait_delays[min(waits, len(self._wait_delays) - 1)])  # back-off
                waits += 1
                continue
            self._set_waiting(False)
            return None

    def _set_waiting(self, waiting: bool) -> None:
        if waiting != self.waiting:
            self.waiting = waiting
            self._on_waiting(waiting)
