"""The generic outbox drainer: a lane per account, one item at a time per lane, each result classified.

* **Lanes.** Every account drains in its own task, so a slow or hung account never stalls another. A lane claims
  one row at a time (the claim also fixes the row's channel id before the first send), hands it to the handler of
  its kind, and records the result before it claims the next: an exception on one item fails that item alone.
* **Results** (:mod:`.outcomes`): done; retry after a delay (the attempt counts; after
  :data:`~.outcomes.MAX_TRANSIENT_ATTEMPTS` the item is parked); unavailable (the account is offline or pairing:
  not an attempt, the bubble keeps its clock and the lane waits until the account is available again); parked
  (refused for good, with a reason the attendant reads); conflict (parked, for the attendant to decide).
* **Timeout.** Every send runs under ``send_timeout_s``; a send that hangs ends as a transient failure.
* **Crashes.** At start, rows left in flight become ``uncertain``; their handler checks whether the first try
  arrived before anything is sent again (see :mod:`.handlers`).
* **Pacing.** ``pacing(lane)`` returns the seconds to wait before the lane's next send (campaigns); none by default.
* **Clock.** ``clock()`` (unix ms) decides what is due; tests drive :meth:`OutboxDrainer.drain_once` with a fake one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Final

from sqlalchemy import Connection

from deskchat.channels.base import ChannelAccount
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged, MessageUpdated
from deskchat.services.outbox.handlers import OutboxHandler, handler_kind
from deskchat.services.outbox.ids import choose_message_id
from deskchat.services.outbox.outcomes import Conflict, Done, Outcome, Parked, RetryLater, Unavailable, classify
from deskchat.store import outbox
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem

log = logging.getLogger("deskchat.outbox")

IDLE_POLL_S: Final = 30.0  # also wakes up this often for rows whose backoff ended and accounts that came back
DEFAULT_SEND_TIMEOUT_S: Final = 120.0  # a 100 MB document on a slow line still fits

Lane = int | None


def no_pacing(_lane: Lane) -> float:
    return 0.0


class OutboxDrainer:
    """Delivers outbox rows; one instance for the whole app.

    Args:
        accounts: the account of a lane, or None when it is not connected.
        handlers: one per outbox kind.
        wake: set when work is queued (the messaging service sets it).
        send_timeout_s: the limit for one send.
        clock: unix ms; decides what is due and stamps every write (tests pass a fake one).
        pacing: seconds to wait before a lane's next send.
        sleep: how pacing waits (tests pass a recorder).
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        accounts: Callable[[int], ChannelAccount | None],
        handlers: Iterable[OutboxHandler],
        *,
        wake: asyncio.Event | None = None,
        send_timeout_s: float = DEFAULT_SEND_TIMEOUT_S,
        clock: Callable[[], int] = now_ms,
        pacing: Callable[[Lane], float] = no_pacing,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._bus = bus
        self._accounts = accounts
        self._handlers: dict[str, OutboxHandler] = {}
        for handler in handlers:
            self.register(handler)
        self.wake = wake if wake is not None else asyncio.Event()
        self.send_timeout_s = send_timeout_s
        self._clock = clock
        self.pacing = pacing
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None
        self._lanes: dict[Lane, asyncio.Task[int]] = {}
        self._unfollow = bus.subscribe(ChannelStateChanged, lambda _event: self.wake.set())

    def register(self, handler: OutboxHandler) -> None:
        """Handle rows of ``handler.kinds`` with ``handler`` (e-mail and the CRM register their own)."""
        for kind in handler.kinds:
            self._handlers[kind] = handler

    @property
    def _kinds(self) -> list[str]:
        return list(self._handlers)

    # -- life --------------------------------------------------------------------------------------------------

    def recover_interrupted(self) -> int:
        """Mark rows a crash left in flight as uncertain (checked before any resend); returns how many."""
        interrupted = self._store.write_now(lambda conn: outbox.mark_interrupted(conn, self._clock()))
        if interrupted:
            log.warning(
                "%d outbox item(s) were in flight when DeskChat stopped: checking before any resend", interrupted
            )
        return interrupted

    def start(self) -> None:
        """Recover what a crash interrupted, then drain in the background."""
        self.recover_interrupted()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-drainer")

    async def stop(self) -> None:
        tasks = [task for task in (self._task, *self._lanes.values()) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._lanes.clear()
        self._unfollow()

    async def _run(self) -> None:
        while True:
            self.wake.clear()
            try:
                lanes = await self._store.read_later(
                    lambda conn: outbox.lanes_with_work(conn, self._kinds, self._clock())
                )
                for lane in lanes:
                    if lane not in self._lanes and self._ready(lane):
                        task = asyncio.get_running_loop().create_task(self._drain_lane(lane), name=f"outbox-{lane}")
                        self._lanes[lane] = task
                        task.add_done_callback(partial(self._lane_ended, lane))
                next_due = await self._store.read_later(lambda conn: outbox.next_due_at(conn, self._kinds))
            except Exception:
                log.exception("outbox drainer pass failed")
                next_due = None
            wait_s = IDLE_POLL_S
            if next_due is not None:
                wait_s = min(IDLE_POLL_S, max(0.05, (next_due - self._clock()) / 1000))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait_s):
                    await self.wake.wait()

    def _lane_ended(self, lane: Lane, _task: asyncio.Task[int]) -> None:
        task = self._lanes.pop(lane, None)
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error("outbox lane %s ended with an error", lane, exc_info=task.exception())
        self.wake.set()  # more may have come due meanwhile

    # -- draining ----------------------------------------------------------------------------------------------

    async def drain_once(self) -> int:
        """Every ready lane sends each of its due items once, lanes side by side; returns how many were tried."""
        lanes = await self._store.read_later(lambda conn: outbox.lanes_with_work(conn, self._kinds, self._clock()))
        counts = await asyncio.gather(*(self._drain_lane(lane) for lane in lanes if self._ready(lane)))
        return sum(counts)

    def _ready(self, lane: Lane) -> bool:
        account = self._account(lane)
        return account is not None and account.available()

    def _account(self, lane: Lane) -> ChannelAccount | None:
        return None if lane is None else self._accounts(lane)

    async def _drain_lane(self, lane: Lane) -> int:
        """Claim and deliver one item at a time until the lane has nothing due or its account is unavailable."""
        tried: set[int] = set()
        while True:
            account = self._account(lane)
            if account is None or not account.available():
                return len(tried)
            delay = self.pacing(lane)
            if delay > 0:
                await self._sleep(delay)
            item = await self._store.write(
                lambda conn: outbox.claim_next(conn, lane, self._kinds, self._clock(), choose_message_id)
            )
            if item is None:
                return len(tried)
            if item.id in tried:  # due again already (a zero delay): leave it for the next pass
                await self._store.write(
                    partial(outbox.release_unattempted, item_id=item.id, reason="", now=self._clock())
                )
                return len(tried)
            tried.add(item.id)
            outcome = await self._deliver(item, account)
            if isinstance(outcome, Unavailable):
                return len(tried)

    async def _deliver(self, item: OutboxItem, account: ChannelAccount) -> Outcome:
        """Try ``item`` once and record the result; nothing it raises leaves the item in flight."""
        outcome: Outcome
        try:
            outcome = await self._attempt(item, account)
        except Exception as problem:  # outside every handler's promise (e.g. the store): still only this item
            log.error("outbox item %d failed: %s", item.id, type(problem).__name__)
            outcome = classify(problem, item.attempts + 1, self.send_timeout_s)
        try:
            await self._record(item, outcome)
        except Exception:
            log.exception("outbox item %d: recording its result failed; it goes back to the queue", item.id)
            await self._store.write(
                lambda conn: outbox.release_unattempted(conn, item.id, "store error", self._clock())
            )
        return outcome

    async def _attempt(self, item: OutboxItem, account: ChannelAccount) -> Outcome:
        handler = self._handlers[handler_kind(item)]
        try:
            async with asyncio.timeout(self.send_timeout_s):
                receipt = await handler.before_resend(item, account) if item.uncertain else None
                if receipt is None:
                    receipt = await handler.deliver(item, account)
        except Exception as problem:
            return classify(problem, item.attempts + 1, self.send_timeout_s)
        return Done(receipt)

    async def _record(self, item: OutboxItem, outcome: Outcome) -> None:
        handler = self._handlers[handler_kind(item)]
        now = self._clock()

        def write(conn: Connection) -> int | None:
            if isinstance(outcome, Done):
                return handler.settle_done(conn, item, outcome.receipt, now)
            if isinstance(outcome, Unavailable):
                outbox.release_unattempted(conn, item.id, outcome.reason, now)
                return None
            if isinstance(outcome, RetryLater):
                return handler.settle_retry(conn, item, now + outcome.delay_ms, outcome.reason, now)
            reason = outcome.reason if isinstance(outcome, Parked) else f"conflito: {outcome.reason}"
            return handler.settle_parked(conn, item, reason, now)

        conversation_id = await self._store.write(write)
        if isinstance(outcome, (Parked, Conflict)):
            log.warning("outbox item %d parked (%s)", item.id, type(outcome).__name__)  # reasons may name a customer
        elif isinstance(outcome, RetryLater):
            log.info("outbox item %d not sent yet; retry in %d ms", item.id, outcome.delay_ms)
        if conversation_id is not None and item.message_id is not None:
            self._bus.publish(MessageUpdated(conversation_id, item.message_id))
