"""Everything below the window, wired together: bus, services, channels and the outbox worker."""

from __future__ import annotations

import logging
from functools import partial

from deskchat.channels.base import Channel
from deskchat.channels.demo import DemoChannel
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged
from deskchat.services.ingest import IngestService
from deskchat.services.messaging import MessagingService, OutboxWorker
from deskchat.services.receipts import ReceiptService
from deskchat.services.tickets import TicketService
from deskchat.store import accounts
from deskchat.store.database import Store

log = logging.getLogger("deskchat.app")


class Runtime:
    def __init__(self, store: Store, *, demo: bool = False) -> None:
        self.store = store
        self.demo = demo
        self.bus = EventBus()
        self.ingest = IngestService(store, self.bus)
        self.messaging = MessagingService(store, self.bus)
        self.tickets = TicketService(store, self.bus)
        self.receipts = ReceiptService(store, self.bus)
        self.channels: dict[int, Channel] = {}
        self._demo_channels: list[DemoChannel] = []
        if demo:
            with store.read() as conn:
                demo_accounts = accounts.list_accounts(conn)
            for account in demo_accounts:
                channel = DemoChannel(self.receipts.apply)
                self._demo_channels.append(channel)
                self.channels[account.id] = channel
                store.write_now(partial(accounts.set_account_state, account_id=account.id, state="demo"))
        self.worker = OutboxWorker(store, self.bus, self.messaging, self.channels.get)

    def start(self) -> None:
        """Start background work; call with the event loop running."""
        self.worker.start()
        for account_id in self.channels:
            if self.demo:
                self.bus.publish(ChannelStateChanged(account_id, "demo"))

    async def stop(self) -> None:
        await self.worker.stop()
        for channel in self._demo_channels:
            channel.stop()
