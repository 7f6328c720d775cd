"""The demo profile's channel: accepts texts and files and plays back the ticks a real customer's phone would produce.

Nothing leaves the machine. Used only by ``deskchat --demo``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence

from deskchat.channels.base import OutgoingFile, OutgoingMessage, SendReceipt
from deskchat.core.events import DeliveryState

ReceiptSink = Callable[[int, Sequence[str], DeliveryState], Awaitable[int]]


class DemoChannel:
    def __init__(self, on_receipt: ReceiptSink, delivered_after: float = 1.5, read_after: float = 4.0) -> None:
        self._on_receipt = on_receipt
        self._delivered_after = delivered_after
        self._read_after = read_after
        self._pending: set[asyncio.Task[None]] = set()

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        return self._accept(message.account_id)

    async def send_file(self, file: OutgoingFile) -> SendReceipt:
        return self._accept(file.account_id)

    def _accept(self, account_id: int) -> SendReceipt:
        channel_id = "DEMO-" + uuid.uuid4().hex[:16].upper()
        task = asyncio.get_running_loop().create_task(self._simulate_receipts(account_id, channel_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return SendReceipt(channel_id, DeliveryState.SENT)

    async def _simulate_receipts(self, account_id: int, channel_id: str) -> None:
        await asyncio.sleep(self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.DELIVERED)
        await asyncio.sleep(self._read_after - self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.READ)

    def stop(self) -> None:
        for task in list(self._pending):
            task.cancel()
