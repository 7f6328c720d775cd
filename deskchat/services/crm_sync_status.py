"""How the CRM sync stands, told on the bus; and "Tentar agora" for the journal.

:class:`CrmSyncMonitor` reads the CRM queue (two small indexed queries) and the lane, and publishes
:class:`~deskchat.core.events.CrmSyncChanged` whenever either changed: the sync badges, the journal and the banner
("CRM indisponível — N itens na fila") follow it. It looks again after its own actions at once and every
``poll_s`` otherwise (the drainer settles CRM rows without telling the bus).

The runtime builds one: ``CrmSyncMonitor(store, bus, lane, wake=drainer.wake)``, calls :meth:`start` on the loop and
``await stop()`` at shutdown, and hands it (with a :class:`~deskchat.services.crm_conflicts.ConflictResolver`) to the
window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Final, Protocol

from deskchat.core.bus import EventBus
from deskchat.core.events import CrmSyncChanged
from deskchat.store import crm_queue
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import QueueSummary
from deskchat.store.database import Store

log = logging.getLogger("deskchat.crm")

POLL_S: Final = 2.0


class Stalled:
    NO = ""
    UNAVAILABLE = "unavailable"  # the CRM does not answer: items wait to retry
    SIGN_IN = "sign_in"  # "Reconectar ao CRM"
    RATE_LIMITED = "rate_limited"  # a 429 paused the lane


class LaneView(Protocol):
    """What the monitor asks the CRM lane (:class:`~deskchat.services.crm_lane.CrmLane`)."""

    @property
    def account_id(self) -> int: ...

    sign_in_required: bool
    paused_until_ms: int


class CrmSyncMonitor:
    """Args:
    store: the store.
    bus: where :class:`CrmSyncChanged` goes.
    lane: the CRM lane (None when no CRM is configured, as in the demo: only the queue is read).
    wake: the outbox drainer's wake event, set after "Tentar agora".
    clock: unix ms.
    poll_s: how often it looks without being asked.
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        lane: LaneView | None = None,
        *,
        wake: asyncio.Event | None = None,
        clock: Callable[[], int] = now_ms,
        poll_s: float = POLL_S,
    ) -> None:
        self._store = store
        self._bus = bus
        self._lane = lane
        self._wake = wake
        self._clock = clock
        self._poll_s = poll_s
        self._last: tuple[object, ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self._look = asyncio.Event()
        self.status = CrmSyncChanged(Stalled.NO, 0, 0, 0)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="crm-sync-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def follow_lane(self, lane: LaneView) -> None:
        """The CRM account is ready: its lane says when sign-in is needed and when the CRM asked to wait."""
        self._lane = lane
        self.look_now()

    def look_now(self) -> None:
        """Look again at once (after a change this process made)."""
        self._look.set()

    async def _run(self) -> None:
        while True:
            self._look.clear()
            try:
                await self.refresh()
            except Exception:
                log.exception("reading the CRM queue failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_s):
                    await self._look.wait()

    def _stalled(self, summary: QueueSummary, now: int) -> str:
        if self._lane is not None and self._lane.sign_in_required:
            return Stalled.SIGN_IN
        if summary.queued == 0:
            return Stalled.NO
        if self._lane is not None and self._lane.paused_until_ms > now:
            return Stalled.RATE_LIMITED
        return Stalled.UNAVAILABLE if summary.retrying else Stalled.NO

    async def refresh(self) -> CrmSyncChanged:
        """Read the queue and the lane; publish when anything changed. Returns the status."""
        now = self._clock()
        account_id = self._lane.account_id if self._lane is not None else None
        summary = await self._store.read_later(lambda conn: crm_queue.queue_summary(conn, account_id, now))
        return self._publish(summary, now)

    def refresh_now(self) -> CrmSyncChanged:
        """:meth:`refresh` as a small inline read (for a caller on the GUI thread without a task)."""
        now = self._clock()
        account_id = self._lane.account_id if self._lane is not None else None
        with self._store.read() as conn:
            summary = crm_queue.queue_summary(conn, account_id, now)
        return self._publish(summary, now)

    def _publish(self, summary: QueueSummary, now: int) -> CrmSyncChanged:
        status = CrmSyncChanged(self._stalled(summary, now), summary.queued, summary.failed, summary.conflicts)
        seen = (status, summary.fingerprint)
        self.status = status
        if seen != self._last:
            self._last = seen
            self._bus.publish(status)
        return status

    async def retry_now(self, item_ids: Sequence[int] | None = None) -> int:
        """ "Tentar agora" for these items (all, with None): due at once, and the drainer is woken."""
        now = self._clock()
        count = await self._store.write(lambda conn: crm_queue.retry_now(conn, item_ids, now))
        if self._wake is not None:
            self._wake.set()
        await self.refresh()
        return int(count)
