"""Inbound: a channel event becomes stored rows (one transaction) and then bus events."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.channels.base import InboundMessage
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged, ConversationsReset, DeliveryState, MessageStored
from deskchat.services.tickets import apply_customer_message
from deskchat.store import contacts, conversations
from deskchat.store import messages as message_store
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage

log = logging.getLogger("deskchat.ingest")

#: Above this many messages an ingest is announced as one list reload instead of per-row events.
BULK_THRESHOLD = 200


@dataclass(frozen=True)
class Stored:
    conversation_id: int
    message_id: int | None  # None: it was already stored


def preview_of(message: InboundMessage) -> str:
    if message.text:
        return message.text
    if message.subject:
        return message.subject
    if message.attachments:
        return message.attachments[0].file_name
    return message.kind


def _conversation_for(conn: Connection, message: InboundMessage, cache: dict[tuple[int, str], int]) -> int:
    key = (message.account_id, message.chat_key)
    if key not in cache:
        contact_id = contacts.find_or_create_contact(
            conn,
            list(message.identities),
            "" if message.is_group else message.sender_name or message.chat_title,
        )
        cache[key] = conversations.find_or_create_conversation(
            conn,
            message.account_id,
            message.chat_key,
            contact_id,
            message.chat_title,
            is_group=message.is_group,
        )
    return cache[key]


def _new_message(message: InboundMessage, conversation_id: int) -> NewMessage:
    delivery = message.delivery or (DeliveryState.SENT if message.outgoing else DeliveryState.RECEIVED)
    return NewMessage(
        conversation_id=conversation_id,
        account_id=message.account_id,
        channel_id=message.channel_id,
        outgoing=message.outgoing,
        text=message.text,
        sent_at=message.sent_at,
        delivery=delivery,
        kind=message.kind,
        sender_name=message.sender_name,
        subject=message.subject,
        reply_to_channel_id=message.reply_to_channel_id,
        attachments=message.attachments,
    )


def store_batch(conn: Connection, batch: Sequence[InboundMessage]) -> list[Stored]:
    """Store ``batch`` in the caller's transaction, deduplicated; updates each conversation's list row once."""
    cache: dict[tuple[int, str], int] = {}
    results: list[Stored] = []
    newest: dict[int, InboundMessage] = {}
    unread: defaultdict[int, int] = defaultdict(int)
    newest_incoming: dict[int, int] = {}
    bulk: list[NewMessage] = []
    for message in batch:
        conversation_id = _conversation_for(conn, message, cache)
        row = _new_message(message, conversation_id)
        if len(batch) >= BULK_THRESHOLD and not message.attachments:
            bulk.append(row)
            results.append(Stored(conversation_id, None))
            message_id: int | None = None
            is_new = True
        else:
            message_id = message_store.add_message(conn, row)
            results.append(Stored(conversation_id, message_id))
            is_new = message_id is not None
        if not is_new:
            continue
        if not message.outgoing:
            unread[conversation_id] += 1
            newest_incoming[conversation_id] = max(newest_incoming.get(conversation_id, 0), message.sent_at)
        best = newest.get(conversation_id)
        if best is None or message.sent_at >= best.sent_at:
            newest[conversation_id] = message
    if bulk:
        message_store.add_messages_bulk(conn, bulk)
    for conversation_id, customer_wrote_at in newest_incoming.items():
        apply_customer_message(conn, conversation_id, customer_wrote_at)
    for conversation_id, message in newest.items():
        conversations.record_message(
            conn,
            conversation_id,
            message.sent_at,
            preview_of(message),
            outgoing=message.outgoing,
            unread_delta=unread[conversation_id],
        )
    return results


class IngestService:
    """Stores channel messages and tells the rest of the app."""

    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus

    async def ingest(self, batch: Sequence[InboundMessage]) -> list[Stored]:
        if not batch:
            return []
        results = await self._store.write(lambda conn: store_batch(conn, batch))
        self._announce(batch, results)
        return results

    def _announce(self, batch: Sequence[InboundMessage], results: list[Stored]) -> None:
        if len(batch) >= BULK_THRESHOLD:
            self._bus.publish(ConversationsReset())
            return
        touched: set[int] = set()
        for message, stored in zip(batch, results, strict=True):
            touched.add(stored.conversation_id)
            if stored.message_id is not None:
                self._bus.publish(MessageStored(stored.conversation_id, stored.message_id, message.outgoing))
        for conversation_id in touched:
            self._bus.publish(ConversationChanged(conversation_id))
