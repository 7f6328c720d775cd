"""Everything below the window, wired together: bus, services, channels and the outbox worker."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from deskchat.channels.base import Channel
from deskchat.channels.demo import DemoChannel
from deskchat.config import GROUPS, REOPEN_WINDOW_HOURS, SEND_READ_RECEIPTS, Setting, Settings
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged
from deskchat.services.ingest import IngestService
from deskchat.services.media_downloads import MediaDownloads
from deskchat.services.messaging import MessagingService, OutboxWorker
from deskchat.services.reading import ReadingService
from deskchat.services.receipts import ReceiptService
from deskchat.services.tickets import TicketService
from deskchat.services.whatsapp_accounts import ChannelFactory, WhatsAppAccounts
from deskchat.store import accounts
from deskchat.store.database import Store

log = logging.getLogger("deskchat.app")


class Runtime:
    def __init__(
        self,
        store: Store,
        *,
        demo: bool = False,
        whatsapp_sessions: Path | None = None,
        whatsapp_factory: ChannelFactory | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        self.demo = demo
        self.settings = settings if settings is not None else Settings.in_memory()
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
        self.reading = ReadingService(store, self.bus, self.channels.get)
        self.media_downloads = MediaDownloads(store, self.bus, self.channels.get)  # media fetched on arrival
        self._apply_settings()
        self._unfollow_settings = self.settings.subscribe(self._apply_settings)
        self.whatsapp: WhatsAppAccounts | None = None
        if whatsapp_sessions is not None:
            self.whatsapp = WhatsAppAccounts(
                store,
                self.bus,
                self.ingest,
                self.receipts,
                whatsapp_sessions,
                self.channels,
                **({"channel_factory": whatsapp_factory} if whatsapp_factory is not None else {}),
            )

    def _apply_settings(self, _changed: frozenset[Setting[Any]] = frozenset()) -> None:
        """Services follow the settings at once (the Preferences dialog changes them while the app runs)."""
        self.reading.send_receipts = self.settings.get(SEND_READ_RECEIPTS)
        self.ingest.ignore_groups = self.settings.get(GROUPS) == "ignore"
        self.ingest.reopen_window = timedelta(hours=self.settings.get(REOPEN_WINDOW_HOURS))

    def start(self) -> None:
        """Start background work; call with the event loop running."""
        self.worker.start()
        self.media_downloads.start()
        for account_id in self.channels:
            if self.demo:
                self.bus.publish(ChannelStateChanged(account_id, "demo"))

    async def connect_channels(self) -> None:
        """Resume every WhatsApp number that has a session (after the window is painted: it loads neonize)."""
        if self.whatsapp is not None:
            await self.whatsapp.resume_all()

    async def stop(self) -> bool:
        """Stop channels and workers; returns whether a channel is stuck (the process must then end at once)."""
        self._unfollow_settings()
        stuck = await self.whatsapp.stop_all() if self.whatsapp is not None else False
        if self.whatsapp is not None:
            await self.whatsapp.settle()  # the integration log's last entries (stopping writes them) are stored
        await self.worker.stop()
        await self.media_downloads.stop()
        for channel in self._demo_channels:
            channel.stop()
        return stuck
