"""The app's e-mail side on a real store, for the integration tests: ingest, accounts, the e-mail driver and the
outbox, with a way to wait for "the store now shows X" without sleeping (every commit and state change wakes it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from mailstack import MailStack
from sqlalchemy import Connection

from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged
from deskchat.core.messages import InboundMessage, SyncState
from deskchat.core.supervisor import Backoff
from deskchat.core.sync_steps import SyncStep
from deskchat.services.accounts import AccountsService
from deskchat.services.email_accounts import EmailDriver, MailHandle
from deskchat.services.ingest import IngestService, Stored
from deskchat.store.database import Store


class WatchedIngest(IngestService):
    """The real ingest service; every commit (or failure) wakes :meth:`MailApp.until`."""

    def __init__(self, store: Store, bus: EventBus) -> None:
        super().__init__(store, bus)
        self.changed = asyncio.Event()
        self.commits = 0

    async def ingest(
        self,
        batch: Sequence[InboundMessage],
        consumed: Sequence[int] = (),
        sync: SyncState | None = None,
        steps: Sequence[SyncStep] = (),
    ) -> list[Stored]:
        try:
            return await super().ingest(batch, consumed, sync, steps)
        finally:
            self.commits += 1
            self.changed.set()


def mail_account(stack: MailStack, user: str, sign_in: SignIn = SignIn.PASSWORD, imap_port: int = 0) -> MailAccount:
    return MailAccount(
        address=user,
        display_name="Suporte",
        imap=Server("127.0.0.1", imap_port or stack.imap_port, Security.NONE),
        smtp=Server("127.0.0.1", stack.smtp.port, Security.NONE),
        sign_in=sign_in,
    )


class MailApp:
    """Build inside a running loop."""

    def __init__(
        self, store: Store, *, idle_renew_s: float | None = None, channel_options: dict[str, Any] | None = None
    ) -> None:
        self.store = store
        self.channel_options = channel_options or {}
        self.bus = EventBus()
        self.ingest = WatchedIngest(store, self.bus)
        self.channels: dict[int, Any] = {}
        self.accounts = AccountsService(store, self.bus, self.channels)
        self.driver = EmailDriver(self.accounts, store, self.bus, self.ingest, channel_factory=self._channel)
        self.accounts.register(self.driver)
        self.idle_renew_s = idle_renew_s
        self.bus.subscribe(ChannelStateChanged, lambda _event: self.ingest.changed.set())

    def _channel(self, account_id: int, account: MailAccount, owner: EmailDriver) -> Any:
        from deskchat.channels.email.channel import MailChannel

        options: dict[str, Any] = {
            "backoff": Backoff(0.2, 1.0, random=lambda: 1.0),
            "imap_options": {"timeout": 10},
            **self.channel_options,
        }
        if self.idle_renew_s is not None:
            options["idle_renew_s"] = self.idle_renew_s
        return MailChannel(account_id, account, lambda: owner.credentials(account_id), owner.sinks(), **options)

    def handle(self, account_id: int) -> MailHandle:
        handle = self.accounts.handle(account_id)
        assert isinstance(handle, MailHandle)
        return handle

    def state(self, account_id: int) -> str:
        return self.accounts.state(account_id).state

    def read(self, work: Callable[[Connection], Any]) -> Any:
        with self.store.read() as conn:
            return work(conn)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.store.read() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql, params)]

    async def until(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        """Wait until ``predicate()`` holds, re-checking after every commit and state change."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self.ingest.changed.clear()
                if predicate():
                    return
                await self.ingest.changed.wait()

    async def stop(self) -> None:
        await self.accounts.stop_all()
        await self.accounts.settle()


def raw_mail(
    sender: str,
    recipient: str,
    subject: str,
    message_id: str,
    body: str = "Olá, segue o pedido.",
    extra_headers: str = "",
) -> bytes:
    return (
        f"From: Cliente <{sender}>\r\nTo: {recipient}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n"
        f"Date: Tue, 10 Nov 2026 09:00:00 -0300\r\n{extra_headers}MIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()
