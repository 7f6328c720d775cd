"""The channel boundary: what every channel adapter hands to the services and what it must do for them.

Adapters (WhatsApp, e-mail) translate wire events into :class:`InboundMessage` and friends and call the ingest
service; the outbox worker calls :meth:`Channel.send` for each queued outgoing message. Tests of the application put
a fake :class:`Channel` here, never deeper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from deskchat.core.events import DeliveryState
from deskchat.store.contacts import Identity
from deskchat.store.messages import NewAttachment


@dataclass(frozen=True)
class InboundMessage:
    """A message as a channel saw it (incoming, or sent by the attendant from another device)."""

    account_id: int
    chat_key: str  # the channel's conversation key (chat JID, e-mail thread key)
    chat_title: str
    identities: Sequence[Identity]  # who the customer is
    channel_id: str
    text: str
    sent_at: int  # unix ms
    outgoing: bool = False
    kind: str = "text"
    sender_name: str = ""
    subject: str = ""
    reply_to_channel_id: str | None = None
    delivery: DeliveryState | None = None  # for outgoing history; None means RECEIVED / SENT
    attachments: Sequence[NewAttachment] = field(default_factory=tuple)
    is_group: bool = False
    historical: bool = False  # from a history sync: never unread, never reopens a ticket


@dataclass(frozen=True)
class OutgoingMessage:
    """What the outbox asks a channel to send."""

    account_id: int
    chat_key: str
    text: str
    idempotency_key: str
    reply_to_channel_id: str | None = None


@dataclass(frozen=True)
class SendReceipt:
    """The channel accepted a message: its own id for it, and the state it reached."""

    channel_id: str
    state: DeliveryState = DeliveryState.SENT


class PermanentSendError(Exception):
    """The channel refused the message for good (bad number, blocked): show "falhou", do not retry by itself."""


class Channel(Protocol):
    """One connected account of a channel, as the outbox sees it."""

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        """Send ``message``; raise :class:`PermanentSendError` or any other exception for a transient failure."""
        ...
