"""One connection supervisor for every channel account: states, retries with jittered backoff, a watchdog.

A channel adapter is a :class:`ConnectionDriver`: it opens one connection at a time (tagged with a *generation*) and
closes it. It reports what happens to that connection (connected, dropped, the connection ended, a terminal refusal,
a pairing code shown…) to the supervisor, which keeps the state (:mod:`.connection_states`), tells the app through
two callbacks, and decides what follows:

* **watchdog** — a connection that ends without our stop is rebuilt after a backoff (capped exponential, 50–100 %
  jitter, :class:`Backoff`), as long as the state allows it (:func:`.connection_states.may_reconnect`);
* **terminal states** (logged out, replaced, banned, outdated, auth required) close the connection and never
  reconnect until the attendant starts the account again;
* reports from an older generation, or after :meth:`ConnectionSupervisor.stopping`, are ignored.

This module does no I/O: the clock (``sleep``) and the random source of the jitter are injected, so tests run it on
a fake clock. It lives in ``core`` because channels (which may not import services) drive it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from deskchat.core.connection_states import TERMINAL, ConnState, Status, Trigger, next_state

log = logging.getLogger("deskchat.connection")

#: Triggers with which a driver may report that its connection ended.
ENDINGS: Final = frozenset({Trigger.DIAL_FAILED, Trigger.SERVER_FAILED, Trigger.CLIENT_DIED})
#: Triggers of the terminal states.
TERMINAL_TRIGGERS: Final = frozenset(
    {Trigger.LOGGED_OUT, Trigger.STREAM_REPLACED, Trigger.TEMP_BANNED, Trigger.OUTDATED, Trigger.AUTH_FAILED}
)


class ConnectionDriver(Protocol):
    """What the supervisor asks of a channel adapter."""

    async def open_connection(self, generation: int) -> None:
        """Begin one connection attempt; report its end with :meth:`ConnectionSupervisor.connection_ended`."""
        ...

    async def close_connection(self) -> None:
        """Close the current connection, if any (the account's session stays)."""
        ...


@dataclass
class Backoff:
    """Capped exponential delays with 50–100 % jitter (stripe-python's scheme): ``first_s``, ×2 each, up to
    ``cap_s``; each delay is the nominal one times a random factor in [0.5, 1.0]."""

    first_s: float = 5.0
    cap_s: float = 300.0
    factor: float = 2.0
    random: Callable[[], float] = field(default=random.random, repr=False)
    _nominal: float = field(default=0.0, init=False, repr=False)

    def next_delay(self) -> float:
        nominal = self.first_s if self._nominal == 0.0 else min(self._nominal * self.factor, self.cap_s)
        self._nominal = nominal
        return nominal * (0.5 + 0.5 * min(max(self.random(), 0.0), 1.0))

    def reset(self) -> None:
        self._nominal = 0.0


StatusSink = Callable[[Status], None]
LogSink = Callable[[str, str], None]  # event name, detail


class ConnectionSupervisor:
    """The connection of one account.

    Args:
        driver: the channel adapter.
        on_status: told every new :class:`Status` (in order, synchronously).
        on_log: integration-log entries (event name, detail).
        backoff: the retry delays.
        sleep: the clock (``asyncio.sleep``; tests pass a fake).
        name: for task names and the debug log.
    """

    def __init__(
        self,
        driver: ConnectionDriver,
        *,
        on_status: StatusSink,
        on_log: LogSink,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        name: str = "account",
    ) -> None:
        self._driver = driver
        self._on_status = on_status
        self._on_log = on_log
        self.backoff = backoff if backoff is not None else Backoff()
        self._sleep = sleep
        self._name = name
        self.status = Status(ConnState.NOT_CONNECTED)
        self.generation = 0
        self.connected = False  # the current connection is up (sends may be tried)
        self.next_retry_in: float | None = None
        self.retry_task: asyncio.Task[None] | None = None
        self._stopping = True
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiters: list[tuple[frozenset[ConnState], asyncio.Future[Status]]] = []

    # -- state ---------------------------------------------------------------------------------------------------

    def trigger(
        self, trigger: Trigger, detail: str = "", banned_until: int | None = None, retry_in: float | None = None
    ) -> Status:
        """Move the state; report it (and wake waiters) when anything about it changed."""
        current = self.status
        state = next_state(current.state, trigger)
        if state is not current.state:
            status = Status(state, detail, banned_until, retry_in)
        elif state in TERMINAL and banned_until is None:
            return current  # nothing new about a terminal state (e.g. the stopped connection ending)
        else:
            status = Status(
                state,
                detail or current.detail,
                banned_until if banned_until is not None else current.banned_until,
                retry_in if retry_in is not None else current.retry_in,
            )
        if status != current:
            self.status = status
            self._on_log("state", f"{state.value} {status.detail}".strip())
            self._on_status(status)
            for waiter in list(self._waiters):
                states, future = waiter
                if state in states and not future.done():
                    future.set_result(status)
                    self._waiters.remove(waiter)
        return self.status

    async def wait_for(self, *states: ConnState, timeout: float) -> Status:
        """Wait until the state is one of ``states``.

        Raises:
            TimeoutError: not reached within ``timeout`` seconds.
        """
        if self.status.state in states:
            return self.status
        future: asyncio.Future[Status] = asyncio.get_running_loop().create_future()
        waiter = (frozenset(states), future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def is_current(self, generation: int) -> bool:
        """Whether a report about ``generation`` still counts (not an older connection, not after stop)."""
        return generation == self.generation and not self._stopping

    # -- lifecycle (the account's adapter calls these) -----------------------------------------------------------

    async def start(self) -> None:
        """Connect now (the attendant asked, or the app resumes the account): close what is left and open anew."""
        self._stopping = False
        self.backoff.reset()
        self.trigger(Trigger.START)
        await self._driver.close_connection()
        await self._open()

    async def stopping(self) -> None:
        """Our stop begins: nothing reconnects any more; background work is cancelled (waited for up to 0.2 s)."""
        self._stopping = True
        self.connected = False
        self.next_retry_in = None
        background = list(self._tasks)
        for task in background:
            task.cancel()
        if background:
            await asyncio.wait(background, timeout=0.2)

    def stopped(self) -> None:
        self.trigger(Trigger.STOPPED)

    async def _open(self) -> None:
        self.generation += 1
        await self._driver.open_connection(self.generation)

    # -- what the driver reports ---------------------------------------------------------------------------------

    def connected_now(self, detail: str = "") -> None:
        """The connection is up: the next failure starts the backoff afresh."""
        self.connected = True
        self.backoff.reset()
        self.trigger(Trigger.CONNECTED, detail)

    def connection_ended(self, generation: int, ending: Trigger, detail: str) -> None:
        """The watchdog: the driver's connection ended (or could not be opened) without our stop.

        ``ending`` says how: :attr:`Trigger.DIAL_FAILED` (no internet), :attr:`Trigger.SERVER_FAILED` (the server
        refused service) or :attr:`Trigger.CLIENT_DIED`. A retry follows unless the state forbids it.
        """
        if ending not in ENDINGS:
            raise ValueError(f"not a way for a connection to end: {ending}")
        if not self.is_current(generation):
            return
        self.connected = False
        self._on_log("client_ended", detail)
        if self._may_retry_after(ending):
            delay = self.backoff.next_delay()
            self.trigger(ending, detail, retry_in=delay)
            self._schedule_retry(delay)
        else:
            self.trigger(ending, detail)

    def _may_retry_after(self, ending: Trigger) -> bool:
        return Status(next_state(self.status.state, ending)).may_reconnect and self.retry_task is None

    def terminal(
        self,
        trigger: Trigger,
        detail: str = "",
        banned_until: int | None = None,
        *,
        then: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        """Logged out, replaced, banned, outdated or refused credentials: close the connection, run the driver's own
        clean-up (``then``), and do not come back until :meth:`start`."""
        if trigger not in TERMINAL_TRIGGERS:
            raise ValueError(f"not a terminal trigger: {trigger}")
        self.connected = False
        self.trigger(trigger, detail, banned_until)
        self.spawn(self._close_then(then), "terminal")

    def give_up(self, trigger: Trigger, detail: str = "") -> None:
        """A pairing or sign-in attempt ended (expired, refused): close the connection and wait for the attendant."""
        self.connected = False
        self.trigger(trigger, detail)
        self.spawn(self._close_then(None), trigger.value)

    async def _close_then(self, then: Callable[[], Coroutine[Any, Any, None]] | None) -> None:
        await self._driver.close_connection()
        if then is not None:
            await then()

    # -- retries -------------------------------------------------------------------------------------------------

    def _schedule_retry(self, delay: float) -> None:
        self.next_retry_in = delay
        self._on_log("retry_scheduled", f"{delay:.3g}s")
        self.retry_task = self.spawn(self._retry(delay), "retry")

    async def _retry(self, delay: float) -> None:
        try:
            await self._sleep(delay)
        finally:
            self.retry_task = None
            self.next_retry_in = None
        if self._stopping or not self.status.may_reconnect:
            return
        await self._driver.close_connection()
        self.trigger(Trigger.RETRY)
        await self._open()

    # -- background work -----------------------------------------------------------------------------------------

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coroutine`` in the background; it is cancelled by :meth:`stopping`."""
        task = asyncio.get_running_loop().create_task(coroutine, name=f"{self._name}-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: background task failed", self._name, exc_info=task.exception())

    async def settle(self, timeout: float) -> None:
        """Wait for the background work started by reports (closing connections, reconnects), not a pending retry.

        Raises:
            TimeoutError: still running after ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while busy := {task for task in self._tasks if task is not self.retry_task}:
                await asyncio.wait(busy)
