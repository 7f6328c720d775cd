"""Test doubles and helpers for the window tests."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from deskchat.channels.base import OutgoingFile, OutgoingMessage, PermanentSendError, SendReceipt
from deskchat.core.messages import Identity, InboundMessage
from deskchat.runtime import Runtime
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow

T = TypeVar("T")

BASE_MS = 1_763_800_000_000  # 2025-11-22 08:26 UTC


@dataclass
class FakeChannel:
    """Records what the app sends; fails on demand."""

    sent: list[OutgoingMessage] = field(default_factory=list)
    files: list[OutgoingFile] = field(default_factory=list)
    read: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False
    offline: bool = False

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        if self.offline:
            raise ConnectionError("no route to host")
        if self.refuse:
            raise PermanentSendError("número inválido")
        self.sent.append(message)
        return SendReceipt(f"WA-{len(self.sent)}")

    async def send_file(self, file: OutgoingFile) -> SendReceipt:
        if self.offline:
            raise ConnectionError("no route to host")
        if self.refuse:
            raise PermanentSendError("número inválido")
        self.files.append(file)
        return SendReceipt(f"WA-FILE-{len(self.files)}")

    async def mark_read(self, chat_key: str, channel_ids: list[str]) -> None:
        self.read.append((chat_key, sorted(channel_ids)))


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
