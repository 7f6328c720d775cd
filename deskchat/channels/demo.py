"""The demo profile's channel: accepts texts and files and plays back the ticks a real customer's phone would produce.

Nothing leaves the machine. Used only by ``deskchat --demo``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.events import DeliveryState
from deskchat.core.messages import OutboundMessage

ReceiptSink = Callable[[int, Sequence[str], DeliveryState], Awaitable[int]]


class DemoChannel:
    """A :class:`~deskchat.channels.base.ChannelAccount` that is always available and sends under the chosen id."""

    capabilities: frozenset[Capability] = frozenset(
        {Capability.SEND_TEXT, Capability.SEND_FILES, Capability.CHOSEN_IDS}
    )

    def __init__(
        self, account_id: int, on_receipt: ReceiptSink, delivered_after: float = 1.5, read_after: float = 4.0
    ) -> None:
        self.account_id = account_id
        self._on_receipt = on_receipt
        self._delivered_after = delivered_after
        self._read_after = read_after
        self._pending: set[asyncio.Task[None]] = set()

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        channel_id = message.channel_id or "DEMO-" + uuid.uuid4().hex[:16].upper()
        task = asyncio.get_running_loop().create_task(self._simulate_receipts(message.account_id, channel_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return SendReceipt(channel_id, DeliveryState.SENT)

    async def _simulate_receipts(self, account_id: int, channel_id: str) -> None:
        await asyncio.sleep(self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.DELIVERED)
        await asyncio.sleep(self._read_after - self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.READ)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        raise NotImplementedError("the demo channel sends no read receipts")

    async def download(self, remote_ref: str) -> bytes:
        raise NotImplementedError("the demo channel has no media to fetch")

    def stop(self) -> None:
        for task in list(self._pending):
            task.cancel()
