"""The demo profile's channel: accepts texts and files, plays back the ticks a real customer's phone would produce,
and has the customer answer now and then, so the demo shows new messages arriving (badges, notifications).

Nothing leaves the machine. Used only by ``deskchat --demo``.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

from deskchat.channels.base import Capability, SendReceipt
from deskchat.channels.whatsapp.jids import chat_key_for_phone
from deskchat.core.events import DeliveryState
from deskchat.core.identity import normalize_email, normalize_phone
from deskchat.core.messages import InboundMessage, OutboundMessage

ReceiptSink = Callable[[int, Sequence[str], DeliveryState], Awaitable[int]]
#: Stores a customer's answer (the ingest service).
ReplySink = Callable[[Sequence[InboundMessage]], Awaitable[object]]
#: The title and the identities of the customer behind a chat key (read from the demo store).
CustomerLookup = Callable[[int, str], InboundMessage | None]

#: What demo customers answer once they read the attendant's message.
ANSWERS = (
    "Obrigado! 🙏",
    "Perfeito, fico no aguardo.",
    "Combinado. Pode mandar o boleto por aqui?",
    "Ok, vou verificar e te retorno.",
    "Ótimo, muito obrigada pelo retorno!",
    "Entendi. E o prazo de entrega continua o mesmo?",
)


class DemoChannel:
    """A :class:`~deskchat.channels.base.ChannelAccount` that is always available and sends under the chosen id."""

    capabilities: frozenset[Capability] = frozenset(
        {Capability.SEND_TEXT, Capability.SEND_FILES, Capability.CHOSEN_IDS, Capability.LOOKUP, Capability.SUBJECTS}
    )

    def __init__(
        self,
        account_id: int,
        on_receipt: ReceiptSink,
        delivered_after: float = 1.5,
        read_after: float = 4.0,
        *,
        on_reply: ReplySink | None = None,
        customer: CustomerLookup | None = None,
        answer_after: float = 6.0,
        chooser: random.Random | None = None,
    ) -> None:
        self.account_id = account_id
        self._on_receipt = on_receipt
        self._delivered_after = delivered_after
        self._read_after = read_after
        self._on_reply = on_reply
        self._customer = customer
        self._answer_after = answer_after
        self._chooser = chooser or random.Random()
        self._pending: set[asyncio.Task[None]] = set()

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        channel_id = message.channel_id or "DEMO-" + uuid.uuid4().hex[:16].upper()
        task = asyncio.get_running_loop().create_task(self._simulate_customer(message, channel_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return SendReceipt(channel_id, DeliveryState.SENT)

    async def _simulate_customer(self, message: OutboundMessage, channel_id: str) -> None:
        """Ticks as a phone sends them, then (for a chat, not for mail) an answer from the customer."""
        account_id = message.account_id
        await asyncio.sleep(self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.DELIVERED)
        await asyncio.sleep(self._read_after - self._delivered_after)
        await self._on_receipt(account_id, [channel_id], DeliveryState.READ)
        if self._on_reply is None or self._customer is None or message.subject:
            return
        customer = self._customer(account_id, message.chat_key)
        if customer is None or customer.is_group:
            return
        await asyncio.sleep(self._answer_after)
        answer = InboundMessage(
            account_id=account_id,
            chat_key=message.chat_key,
            chat_title=customer.chat_title,
            identities=customer.identities,
            channel_id="DEMO-IN-" + uuid.uuid4().hex[:16].upper(),
            text=self._chooser.choice(ANSWERS),
            sent_at=time.time_ns() // 1_000_000,
            sender_name=customer.sender_name,
            reply_to_channel_id=channel_id,
        )
        await self._on_reply([answer])

    async def lookup(self, address: str) -> str | None:
        """Every valid number is "on WhatsApp" (keyed as a real chat would be) and every valid address reachable."""
        if "@" in address:
            return normalize_email(address)
        e164 = normalize_phone(address)
        return None if e164 is None else chat_key_for_phone(e164)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        raise NotImplementedError("the demo channel sends no read receipts")

    async def download(self, remote_ref: str) -> bytes:
        raise NotImplementedError("the demo channel has no media to fetch")

    def stop(self) -> None:
        for task in list(self._pending):
            task.cancel()
