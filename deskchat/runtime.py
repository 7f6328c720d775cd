"""Everything below the window, wired together: bus, services, channels and the outbox worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from deskchat.channels.base import ChannelAccount
from deskchat.channels.demo import DemoChannel
from deskchat.config import CRM_AUTO_LEAD, GROUPS, REOPEN_WINDOW_HOURS, SEND_READ_RECEIPTS, Setting, Settings
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged
from deskchat.core.messages import InboundMessage
from deskchat.services.accounts import AccountsService
from deskchat.services.conversations_start import ConversationStarter
from deskchat.services.crm_accounts import CrmAccount, CrmDriver
from deskchat.services.crm_autolead import CrmAutoLead
from deskchat.services.crm_conflicts import ConflictResolver
from deskchat.services.crm_demo import DEMO_PASSWORD, DemoCrm, launch_demo_crm, wait_until_answering
from deskchat.services.crm_history import CrmHistory
from deskchat.services.crm_push import CrmPush
from deskchat.services.crm_sync_status import CrmSyncMonitor
from deskchat.services.email_accounts import EmailDriver
from deskchat.services.email_sending import EmailSending
from deskchat.services.ingest import IngestService
from deskchat.services.media_downloads import MediaDownloads
from deskchat.services.messaging import MessagingService
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.services.outbox.email_handler import MailSendHandler
from deskchat.services.people import People
from deskchat.services.reading import ReadingService
from deskchat.services.receipts import ReceiptService
from deskchat.services.tickets import TicketService
from deskchat.services.whatsapp_accounts import ChannelFactory, WhatsAppDriver
from deskchat.store import accounts, contacts, conversations
from deskchat.store.database import Store

log = logging.getLogger("deskchat.app")


async def _demo_sent_lookup(account_id: int, idempotency_key: str) -> str | None:
    return None


class Runtime:
    def __init__(
        self,
        store: Store,
        *,
        demo: bool = False,
        whatsapp_sessions: Path | None = None,
        whatsapp_factory: ChannelFactory | None = None,
        settings: Settings | None = None,
        crm_options: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.demo = demo
        self.settings = settings if settings is not None else Settings.in_memory()
        self.bus = EventBus()
        self.ingest = IngestService(store, self.bus)
        self.messaging = MessagingService(store, self.bus)
        self.tickets = TicketService(store, self.bus)
        self.people = People(store, self.bus, conversations_rekeyed=self.ingest.forget_conversations)
        self.receipts = ReceiptService(store, self.bus)
        self.channels: dict[int, ChannelAccount] = {}
        self._demo_channels: list[DemoChannel] = []
        if demo:
            with store.read() as conn:
                demo_accounts = accounts.list_accounts(conn)
            for account in demo_accounts:
                channel = DemoChannel(
                    account.id, self.receipts.apply, on_reply=self.ingest.ingest, customer=self._demo_customer
                )
                self._demo_channels.append(channel)
                self.channels[account.id] = channel
                store.write_now(partial(accounts.set_account_state, account_id=account.id, state="demo"))
        self.worker = OutboxDrainer(  # one lane per account; e-mail and the CRM register their handlers here
            store,
            self.bus,
            self.channels.get,
            [ChatMessageHandler(store), ChatFileHandler(store)],
            wake=self.messaging.work_queued,
        )
        self.reading = ReadingService(store, self.bus, self.channels.get)
        self.media_downloads = MediaDownloads(store, self.bus, self.channels.get)  # media fetched on arrival
        self.conversation_start = ConversationStarter(store, self.bus, self.channels.get)  # "Nova conversa"
        self._apply_settings()
        self._unfollow_settings = self.settings.subscribe(self._apply_settings)
        # every channel account's lifecycle, state and log; one driver per kind (none in the demo profile)
        self.accounts: AccountsService | None = None
        self.whatsapp: WhatsAppDriver | None = None
        self.email: EmailDriver | None = None
        self.crm: CrmDriver | None = None
        self.crm_account: CrmAccount | None = None  # once the CRM is connected (or resumed) in this process
        self.crm_listeners: list[Callable[[CrmAccount], None]] = []  # told when the CRM account is ready
        # the CRM queue's state for the banner, the journal and the record badges; the attendant's conflict decisions
        self.crm_sync = CrmSyncMonitor(store, self.bus, wake=self.messaging.work_queued)
        self.crm_conflicts = ConflictResolver(store, wake=self.messaging.work_queued)
        self.email_sending = EmailSending(store, self.bus, self.messaging.work_queued)
        if demo:  # the demo mailbox sends through its demo channel, where no send is ever uncertain
            self.worker.register(MailSendHandler(store, _demo_sent_lookup))
        if whatsapp_sessions is not None:
            self.accounts = AccountsService(store, self.bus, self.channels)
            self.whatsapp = WhatsAppDriver(
                self.accounts,
                store,
                self.bus,
                self.ingest,
                self.receipts,
                whatsapp_sessions,
                **({"channel_factory": whatsapp_factory} if whatsapp_factory is not None else {}),
            )
            self.accounts.register(self.whatsapp)
            self.email = EmailDriver(self.accounts, store, self.bus, self.ingest)
            self.accounts.register(self.email)
            self.worker.register(MailSendHandler(store, self.email.sent_message_id))
        elif demo:  # the demo's CRM is a real one when the crm-server extra is installed (see connect_channels)
            self.accounts = AccountsService(store, self.bus, self.channels)
        self.demo_crm: DemoCrm | None = None
        if self.accounts is not None:
            self.crm = CrmDriver(
                self.accounts,
                store,
                self.bus,
                self.worker.register,
                self.worker.wake.set,
                on_account=self._crm_ready,
                account_options=crm_options,
            )
            self.accounts.register(self.crm)
        # a customer the CRM does not know becomes a lead and a pending case (setting crm.auto_lead)
        self.auto_lead = CrmAutoLead(
            store, self.bus, lambda: self.crm_account, lambda: self.settings.get(CRM_AUTO_LEAD)
        )
        # the messages of conversations linked to a CRM case go to the case's history (earlier ones once per link)
        self.crm_history = CrmHistory(store, self.bus, lambda: self.crm_push)
        self.crm_listeners.append(lambda _account: self.crm_history.search_everything())

    @property
    def crm_push(self) -> CrmPush | None:
        """Where the UI queues CRM writes (leads, case changes, notes); None until the CRM account exists."""
        return None if self.crm_account is None else self.crm_account.push

    def _crm_ready(self, account: CrmAccount) -> None:
        self.crm_account = account
        self.crm_sync.follow_lane(account.lane)
        for listener in self.crm_listeners:
            listener(account)

    def _demo_customer(self, account_id: int, chat_key: str) -> InboundMessage | None:
        """Who is behind a demo chat (its title, name and identities), so a demo answer lands in that chat."""
        with self.store.read() as conn:
            conversation_id = conversations.by_channel_key(conn, account_id, chat_key)
            row = None if conversation_id is None else conversations.get(conn, conversation_id)
            if row is None:
                return None
            people = contacts.identities_of(conn, row.contact_id)
        return InboundMessage(
            account_id=account_id,
            chat_key=chat_key,
            chat_title=row.title,
            identities=people,
            channel_id="",
            text="",
            sent_at=0,
            sender_name=row.title,
            is_group=row.is_group,
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
        self.auto_lead.start()
        self.crm_history.start()
        self.crm_sync.start()
        for account_id in self.channels:
            if self.demo:
                self.bus.publish(ChannelStateChanged(account_id, "demo"))

    async def connect_channels(self) -> None:
        """Resume every account that can (after the window is painted: WhatsApp's loads neonize)."""
        if self.accounts is not None:
            await self.accounts.resume_all()
        if self.demo and self.crm is not None:
            await self._connect_demo_crm()

    async def _connect_demo_crm(self) -> None:
        """--demo: the reference CRM server as a child process (spawned on this thread, so it ends with the app),
        seeded with the demo's own CRM records, in the throwaway profile; signed in as the demo's attendant."""
        assert self.crm is not None
        self.demo_crm = launch_demo_crm(self.store.profile.root)
        if self.demo_crm is None:
            log.info("demo: the crm-server extra is not installed; the CRM is shown as simulated")
            return
        if not await asyncio.get_running_loop().run_in_executor(None, wait_until_answering, self.demo_crm):
            self.demo_crm = None
            return
        await self.crm.connect(self.demo_crm.url, self.demo_crm.user, DEMO_PASSWORD)

    async def stop(self) -> bool:
        """Stop channels and workers; returns whether a channel is stuck (the process must then end at once)."""
        self._unfollow_settings()
        stuck = await self.accounts.stop_all() if self.accounts is not None else False
        if self.accounts is not None:
            await self.accounts.settle()  # the integration log's last entries (stopping writes them) are stored
        if self.whatsapp is not None:
            self.whatsapp.close()
        await self.worker.stop()
        await self.media_downloads.stop()
        await self.auto_lead.stop()
        await self.crm_history.stop()
        await self.crm_sync.stop()
        if self.crm is not None:
            await self.crm.close()
        if self.demo_crm is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.demo_crm.stop)
        for channel in self._demo_channels:
            channel.stop()
        return stuck
