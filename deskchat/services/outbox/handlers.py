"""One handler per kind of outbox row: what a send is, and what its result writes to the store.

A handler's :meth:`~OutboxHandler.deliver` ends the way a channel send does (see :mod:`deskchat.channels.base`):
it returns a receipt or raises; the drainer classifies the result. Its ``settle_*`` methods run inside the
transaction that records the result, and return the conversation to announce (or None).

Before resending an item that a crash interrupted (``uncertain``), :meth:`~OutboxHandler.before_resend` makes sure
the first try did not arrive: a channel that took our chosen id deduplicates a resend by it, so the item is simply
sent again; for any other channel the handler looks for the channel's echo of our message (the same text coming
back in the same chat, from another device or history). Found: the item is done. Not found: it is parked for the
attendant, who can see on the phone whether it arrived — never resent blindly.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection

from deskchat.channels.base import Capability, ChannelAccount, PermanentSendError, SendReceipt
from deskchat.core.events import DeliveryState
from deskchat.core.messages import FileKind, OutboundFile, OutboundMessage
from deskchat.store import media, outbox
from deskchat.store import messages as message_store
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem, OutboxKind

#: Shown on a bubble whose send was interrupted by a crash on a channel that cannot take our id.
UNCERTAIN_REASON = (
    "O envio foi interrompido e não dá para saber se a mensagem chegou: confira no celular antes de tentar novamente."
)
ECHO_WINDOW_MS = 60_000  # an echo may carry a time up to this much before our row was written (clock skew)


class OutboxHandler(Protocol):
    """Delivers one kind of outbox row."""

    kinds: tuple[str, ...]

    async def deliver(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt: ...

    async def before_resend(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt | None:
        """For an ``uncertain`` item: a receipt when the first try arrived, None to send it again; or raise."""
        ...

    def settle_done(self, conn: Connection, item: OutboxItem, receipt: SendReceipt, now: int) -> int | None: ...

    def settle_parked(self, conn: Connection, item: OutboxItem, reason: str, now: int) -> int | None: ...

    def settle_retry(self, conn: Connection, item: OutboxItem, next_at: int, reason: str, now: int) -> int | None: ...


class ChatMessageHandler:
    """Chat texts (with a quoted reply): the message row shows the clock, the ticks or "falhou"."""

    kinds: tuple[str, ...] = (OutboxKind.CHANNEL_MESSAGE,)
    needs = Capability.SEND_TEXT

    def __init__(self, store: Store) -> None:
        self._store = store

    async def _outbound(self, item: OutboxItem, account: ChannelAccount) -> OutboundMessage:
        payload = item.payload
        return OutboundMessage(
            account_id=item.account_id if item.account_id is not None else account.account_id,
            chat_key=str(payload["chat_key"]),
            idempotency_key=item.idempotency_key,
            text=str(payload.get("text", "")),
            channel_id=item.channel_id,
            reply_to_channel_id=payload.get("reply_to"),
        )

    async def deliver(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt:
        if self.needs not in account.capabilities:
            raise PermanentSendError(f"this channel cannot {self.needs.value.replace('_', ' ')}")
        return await account.send(await self._outbound(item, account))

    async def before_resend(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt | None:
        if Capability.CHOSEN_IDS in account.capabilities:
            return None  # the same id again: the channel keeps one copy
        message_id = item.message_id
        if message_id is None:
            raise PermanentSendError(UNCERTAIN_REASON)
        since = item.created_at - ECHO_WINDOW_MS

        def adopt(conn: Connection) -> str | None:
            echo = outbox.find_echo(conn, message_id, since)
            if echo is None:
                return None
            outbox.adopt_echo(conn, message_id, *echo)
            return echo[1]

        echoed = await self._store.write(adopt)
        if echoed is None:
            raise PermanentSendError(UNCERTAIN_REASON)
        return SendReceipt(echoed, DeliveryState.SENT)

    def settle_done(self, conn: Connection, item: OutboxItem, receipt: SendReceipt, now: int) -> int | None:
        outbox.finish(conn, item.id, now)
        if item.message_id is None:
            return None
        if receipt.channel_id and receipt.channel_id != item.channel_id:
            message_store.set_channel_id(conn, item.message_id, receipt.channel_id)
        message_store.advance_delivery(conn, item.message_id, receipt.state)
        return _conversation_of(conn, item.message_id)

    def settle_parked(self, conn: Connection, item: OutboxItem, reason: str, now: int) -> int | None:
        outbox.park(conn, item.id, reason, now)
        if item.message_id is None:
            return None
        message_store.advance_delivery(conn, item.message_id, DeliveryState.FAILED)
        return _conversation_of(conn, item.message_id)

    def settle_retry(self, conn: Connection, item: OutboxItem, next_at: int, reason: str, now: int) -> int | None:
        outbox.retry_later(conn, item.id, next_at, reason, now)
        return None  # the bubble keeps its clock: nothing to repaint


class ChatFileHandler(ChatMessageHandler):
    """Images and documents: the bytes come back from the media vault, through the message's attachment."""

    kinds: tuple[str, ...] = (OutboxKind.CHAT_FILE,)
    needs = Capability.SEND_FILES

    async def _outbound(self, item: OutboxItem, account: ChannelAccount) -> OutboundMessage:
        message_id = item.message_id
        if message_id is None:
            raise PermanentSendError("the file is no longer in the store")
        stored = await self._store.read_later(lambda conn: _stored_file(conn, message_id))
        if stored is None:
            raise PermanentSendError("the file is no longer in the store")
        kind: FileKind = "image" if item.payload.get("kind") == "image" else "document"
        text_message = await super()._outbound(item, account)
        file = OutboundFile(kind=kind, file_name=stored.file_name, mime=stored.mime, data=stored.data)
        return OutboundMessage(
            account_id=text_message.account_id,
            chat_key=text_message.chat_key,
            idempotency_key=text_message.idempotency_key,
            text=text_message.text,
            channel_id=text_message.channel_id,
            reply_to_channel_id=text_message.reply_to_channel_id,
            files=(file,),
        )


def handler_kind(item: OutboxItem) -> str:
    """The kind a row is handled as (files queued before they had their own kind carry it in the payload)."""
    if item.kind == OutboxKind.CHANNEL_MESSAGE and item.payload.get("kind", "text") != "text":
        return OutboxKind.CHAT_FILE
    return item.kind


def _stored_file(conn: Connection, message_id: int) -> media.StoredFile | None:
    found = media.attachments_of(conn, message_id)
    return media.media_of_attachment(conn, found[0].id) if found else None


def _conversation_of(conn: Connection, message_id: int) -> int | None:
    row = message_store.get(conn, message_id)
    return None if row is None else row.conversation_id
