"""Fixtures of the WhatsApp adapter tests: an event loop neonize dispatches to, sinks that record, a real store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import neonize.aioze.events as neonize_events  # tests/conftest.py imported it first, quietly
import pytest

from deskchat.channels.whatsapp.sinks import QrCode, WhatsAppSinks
from deskchat.channels.whatsapp.states import Status
from deskchat.channels.whatsapp.values import ContactHint, IdentityLink, MessageChange, ReadElsewhere
from deskchat.core.events import DeliveryState
from deskchat.core.messages import InboundMessage, SyncState
from deskchat.paths import Profile
from deskchat.store.database import Store

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh loop per test; neonize's process-wide dispatch loop is pointed at it (it is set only once)."""
    event_loop = asyncio.new_event_loop()
    previous = neonize_events.event_global_loop
    neonize_events.event_global_loop = event_loop
    yield event_loop
    pending = [task for task in asyncio.all_tasks(event_loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        event_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    event_loop.run_until_complete(event_loop.shutdown_default_executor())
    event_loop.close()
    neonize_events.event_global_loop = previous


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Runner[Any]:
    def runner(coroutine: Coroutine[Any, Any, T]) -> T:
        return loop.run_until_complete(asyncio.wait_for(coroutine, 60))

    return runner


@pytest.fixture
def real_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@dataclass
class Recorder:
    """Sinks that remember every call (and can be chained to real services)."""

    messages: list[InboundMessage] = field(default_factory=list)
    receipts: list[tuple[Sequence[str], DeliveryState, int]] = field(default_factory=list)
    changes: list[MessageChange] = field(default_factory=list)
    read_elsewhere: list[ReadElsewhere] = field(default_factory=list)
    links: list[IdentityLink] = field(default_factory=list)
    hints: list[ContactHint] = field(default_factory=list)
    states: list[Status] = field(default_factory=list)
    qrs: list[QrCode] = field(default_factory=list)
    logs: list[tuple[str, str]] = field(default_factory=list)
    progress: list[tuple[int, int]] = field(default_factory=list)  # (percent, messages) of history pieces
    ingest: Callable[..., Coroutine[Any, Any, object]] | None = None
    apply_receipt: Callable[[int, Sequence[str], DeliveryState], Coroutine[Any, Any, int]] | None = None
    apply_changes: Callable[[Sequence[MessageChange]], Coroutine[Any, Any, Sequence[MessageChange]]] | None = None
    apply_links: Callable[[Sequence[IdentityLink]], Coroutine[Any, Any, None]] | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (on sink calls, no polling) until ``predicate()`` holds."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

    def _record(self, items: list[Any], values: Any) -> None:
        items.extend(values)
        self.changed.set()

    async def on_messages(
        self, batch: Sequence[InboundMessage], consumed: Sequence[int] = (), sync: SyncState | None = None
    ) -> object:
        if self.ingest is not None:
            await self.ingest(batch, consumed, sync)
        self._record(self.messages, batch)
        return None

    async def on_receipt(self, account_id: int, channel_ids: Sequence[str], state: DeliveryState) -> int:
        changed = len(channel_ids)
        if self.apply_receipt is not None:
            changed = await self.apply_receipt(account_id, channel_ids, state)
        self._record(self.receipts, [(tuple(channel_ids), state, changed)])
        return changed

    async def on_changes(self, changes: Sequence[MessageChange]) -> Sequence[MessageChange]:
        missing: Sequence[MessageChange] = ()
        if self.apply_changes is not None:
            missing = await self.apply_changes(changes)
        self._record(self.changes, changes)
        return missing

    async def on_read_elsewhere(self, account_id: int, read: ReadElsewhere) -> None:
        self._record(self.read_elsewhere, [read])

    async def on_links(self, account_id: int, links: Sequence[IdentityLink]) -> None:
        if self.apply_links is not None:
            await self.apply_links(links)
        self._record(self.links, links)

    async def on_hints(self, account_id: int, hints: Sequence[ContactHint]) -> None:
        self._record(self.hints, hints)

    def sinks(self) -> WhatsAppSinks:
        return WhatsAppSinks(
            on_messages=self.on_messages,
            on_receipt=self.on_receipt,
            on_changes=self.on_changes,
            on_read_elsewhere=self.on_read_elsewhere,
            on_links=self.on_links,
            on_hints=self.on_hints,
            on_state=lambda account, status: self._record(self.states, [status]),
            on_qr=lambda account, qr: self._record(self.qrs, [qr]),
            on_log=lambda account, event, detail: self._record(self.logs, [(event, detail)]),
            on_history_progress=lambda account, percent, stored: self._record(self.progress, [(percent, stored)]),
        )

    def log_events(self, name: str) -> list[str]:
        return [detail for event, detail in self.logs if event == name]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
