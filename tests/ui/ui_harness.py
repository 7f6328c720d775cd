"""Test doubles and helpers for the window tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from deskchat.channels.base import Capability, ChannelUnavailable, PermanentSendError, SendReceipt
from deskchat.core.messages import Identity, InboundMessage, OutboundMessage
from deskchat.runtime import Runtime
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow

T = TypeVar("T")

BASE_MS = 1_763_800_000_000  # 2025-11-22 08:26 UTC


@dataclass(frozen=True)
class SentFile:
    """A file as the customer receives it (from an :class:`OutboundMessage` with one file)."""

    chat_key: str
    kind: str
    file_name: str
    mime: str
    data: bytes
    caption: str
    idempotency_key: str
    channel_id: str


@dataclass
class FakeChannel:
    """A :class:`~deskchat.channels.base.ChannelAccount` that records what the app sends; fails on demand.

    ``offline`` is an account that is not connected (the outbox waits); ``refuse`` a number WhatsApp refuses.
    ``on_whatsapp`` maps the numbers (E.164) the channel can reach to the chat key it keeps them under; ``lookups``
    records what was asked; while ``hold_lookups`` is set a lookup waits until it is cleared.
    """

    sent: list[OutboundMessage] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    read: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False
    offline: bool = False
    account_id: int = 0
    capabilities: frozenset[Capability] = frozenset(
        {
            Capability.SEND_TEXT,
            Capability.SEND_FILES,
            Capability.READ_RECEIPTS,
            Capability.CHOSEN_IDS,
            Capability.LOOKUP,
        }
    )
    on_whatsapp: dict[str, str] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    hold_lookups: bool = False

    def available(self) -> bool:
        return not self.offline

    async def send(self, message: OutboundMessage) -> SendReceipt:
        if self.offline:
            raise ChannelUnavailable("not connected")
        if self.refuse:
            raise PermanentSendError("número inválido")
        if not message.files:
            self.sent.append(message)
            return SendReceipt(message.channel_id)
        for file in message.files:
            self.files.append(
                SentFile(
                    message.chat_key,
                    file.kind,
                    file.file_name,
                    file.mime,
                    file.data,
                    message.text,
                    message.idempotency_key,
                    message.channel_id,
                )
            )
        return SendReceipt(message.channel_id)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        self.read.append((chat_key, sorted(channel_ids)))

    async def download(self, remote_ref: str) -> bytes:
        raise ChannelUnavailable("the fake channel has no media")

    async def lookup(self, address: str) -> str | None:
        self.lookups.append(address)
        while self.hold_lookups:
            await asyncio.sleep(0.01)
        if self.offline:
            raise ChannelUnavailable("not connected")
        return self.on_whatsapp.get(address)


@dataclass
class App:
    loop: asyncio.AbstractEventLoop
    store: Store
    runtime: Runtime
    window: MainWindow
    channel: FakeChannel
    account_id: int

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)


def customer_messages(account_id: int, customers: int = 6, per_customer: int = 5) -> list[InboundMessage]:
    batch = []
    for customer in range(customers):
        phone = f"+55119876500{customer:02d}"
        for number in range(per_customer):
            batch.append(
                InboundMessage(
                    account_id=account_id,
                    chat_key=f"{phone[1:]}@s.whatsapp.net",
                    chat_title=f"Cliente {customer}",
                    identities=[Identity("phone", phone)],
                    channel_id=f"IN-{customer}-{number}",
                    text=f"Bom dia, sobre o pedido {customer}{number}, qual o prazo de entrega?",
                    sent_at=BASE_MS + customer * 60_000 + number * 1000,
                    sender_name=f"Cliente {customer}",
                )
            )
    return batch
