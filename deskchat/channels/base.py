"""The channel boundary: what every channel adapter hands to the services and what it must do for them.

Adapters (WhatsApp, e-mail) translate wire events into :class:`InboundMessage` and friends and call the ingest
service; the outbox worker calls :meth:`Channel.send` for each queued outgoing message. Tests of the application put
a fake :class:`Channel` here, never deeper.

Files are an optional capability: a channel that can send them is also a :class:`FileChannel` and gets each queued
image or document as an :class:`OutgoingFile` through :meth:`FileChannel.send_file`. Files are a type of their own,
not a kind of :class:`OutgoingMessage`, so a text-only channel can never receive a file through ``send`` and deliver
its caption alone; the outbox refuses files for such a channel with a :class:`PermanentSendError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

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


#: How a file is sent: an image is shown inline with an optional caption; anything else goes as a document.
FileKind = Literal["image", "document"]


@dataclass(frozen=True)
class OutgoingFile:
    """A file the outbox asks a channel to send; ``data`` are the bytes kept in the store's media vault."""

    account_id: int
    chat_key: str
    kind: FileKind
    file_name: str
    mime: str
    data: bytes = field(repr=False)
    idempotency_key: str
    caption: str = ""
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


@runtime_checkable
class FileChannel(Channel, Protocol):
    """A channel that can also send images and documents."""

    async def send_file(self, file: OutgoingFile) -> SendReceipt:
        """Send ``file``; raise :class:`PermanentSendError` or any other exception for a transient failure."""
        ...
