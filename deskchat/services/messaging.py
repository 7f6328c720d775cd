"""Outbound: the attendant's message becomes a queued bubble at once, and an outbox worker delivers it.

``send_text`` commits the message row (state ``queued``) and its outbox row in one transaction and returns; the
bubble shows a clock. The message's channel id is chosen here, before anything is sent, and stored in both rows:
the outbox drainer (:mod:`deskchat.services.outbox`) sends under it and reuses it on every resend. A retry by the
attendant reuses the same outbox row, idempotency key and channel id.

``send_file`` does the same for images and documents: the bytes go into the store's media vault
(:mod:`deskchat.store.media`) in the same transaction as the message row (kind ``image`` or ``document``, with its
attachment row) and the outbox row (kind ``chat_file``); the drainer reads them back from the vault and hands them
to an account with :attr:`~deskchat.channels.base.Capability.SEND_FILES`. Files over :data:`MAX_FILE_BYTES`
(WhatsApp's document limit) or empty are refused before anything is queued. Pictures WhatsApp shows inline
(:data:`IMAGE_MIMES`) up to :data:`MAX_IMAGE_BYTES` (WhatsApp's image limit) go as images; bigger ones go as
documents, uncompressed, rather than being refused.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged, DeliveryState, MessageStored, MessageUpdated
from deskchat.core.messages import Attachment, FileKind
from deskchat.services.outbox.ids import choose_message_id
from deskchat.store import conversations, media, outbox
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.store.outbox import OutboxKind

log = logging.getLogger("deskchat.outbox")

MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB  # WhatsApp's limit for documents: bigger files are refused before queuing
MAX_IMAGE_BYTES = 16 * MB  # WhatsApp's limit for images: a bigger picture goes as a document
#: Pictures WhatsApp shows inline; other images (GIF, BMP, SVG, HEIC, TIFF…) go as documents.
IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/webp"})
DEFAULT_MIME = "application/octet-stream"


class FileTooLarge(ValueError):
    """The file is over :data:`MAX_FILE_BYTES`: nothing was queued."""

    def __init__(self, file_name: str, size: int, limit: int = MAX_FILE_BYTES) -> None:
        super().__init__(f"{file_name} has {size} bytes; files up to {limit} bytes can be sent")
        self.file_name = file_name
        self.size = size
        self.limit = limit


class EmptyFile(ValueError):
    """The file has no bytes (WhatsApp cannot send it): nothing was queued."""

    def __init__(self, file_name: str) -> None:
        super().__init__(f"{file_name} is empty")
        self.file_name = file_name


def check_file_size(file_name: str, size: int) -> None:
    """Raise :class:`FileTooLarge` or :class:`EmptyFile`; the UI calls it before reading a file, the service again."""
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(file_name, size)
    if size <= 0:
        raise EmptyFile(file_name)


def guess_mime(file_name: str) -> str:
    return mimetypes.guess_type(file_name, strict=False)[0] or DEFAULT_MIME


def file_kind(mime: str, size: int) -> FileKind:
    """How a file of ``mime`` and ``size`` bytes is sent."""
    return "image" if mime in IMAGE_MIMES and size <= MAX_IMAGE_BYTES else "document"


@dataclass(frozen=True)
class FileToSend:
    """A file the attendant chose, read into memory."""

    file_name: str
    data: bytes = field(repr=False)
    mime: str = ""  # guessed from the file name when empty
    caption: str = ""
    thumbnail: bytes | None = None  # a small JPEG preview of an image (the UI makes it: it has Qt)
    as_document: bool = False  # e.g. a picture that could not be decoded: never sent as an image


def queue_message(
    conn: Connection,
    conversation_id: int,
    key: str,
    reply_to: str | None,
    text: str,
    *,
    kind: str = "text",
    attachments: Sequence[Attachment] = (),
    payload: dict[str, Any] | None = None,
    preview: str = "",
    outbox_kind: str = OutboxKind.CHANNEL_MESSAGE,
    now: int,
) -> int:
    """Write the message row, its outbox row and the list row at ``now`` (unix ms); returns the message id."""
    account_id, chat_key = conversations.channel_address(conn, conversation_id)
    channel_id = choose_message_id()  # stored before the first send, reused on every resend
    message_id = message_store.add_message(
        conn,
        NewMessage(
            conversation_id=conversation_id,
            account_id=account_id,
            channel_id=channel_id,  # replaced by the channel's own id if it sends under another
            outgoing=True,
            text=text,
            sent_at=now,
            delivery=DeliveryState.QUEUED,
            kind=kind,
            reply_to_channel_id=reply_to,
            attachments=attachments,
        ),
        now=now,
    )
    assert message_id is not None
    outbox.enqueue(
        conn,
        outbox_kind,
        key,
        {"chat_key": chat_key, "text": text, "reply_to": reply_to, **(payload or {})},
        now=now,
        account_id=account_id,
        message_id=message_id,
        channel_id=channel_id,
    )
    conversations.record_message(conn, conversation_id, now, preview or text, outgoing=True, unread_delta=0)
    conversations.mark_read(conn, conversation_id)
    return message_id


def _queue_text(conn: Connection, conversation_id: int, text: str, reply_to: str | None, key: str, now: int) -> int:
    return queue_message(conn, conversation_id, key, reply_to, text, now=now)


def _queue_file(
    conn: Connection,
    conversation_id: int,
    file: FileToSend,
    kind: FileKind,
    reply_to: str | None,
    key: str,
    now: int,
) -> int:
    media_id = media.put_media(conn, file.data, file.mime)
    message_id = queue_message(
        conn,
        conversation_id,
        key,
        reply_to,
        file.caption,
        kind=kind,
        attachments=(Attachment(file.file_name, file.mime, len(file.data), file.thumbnail),),
        payload={"kind": kind},  # the drainer reads the file itself from the vault, through the message's attachment
        preview=file.caption or file.file_name,
        outbox_kind=OutboxKind.CHAT_FILE,
        now=now,
    )
    (attachment,) = media.attachments_of(conn, message_id)
    media.attach_media(conn, attachment.id, media_id)
    return message_id


def _requeue(conn: Connection, message_id: int, now: int) -> int | None:
    if not outbox.requeue_message(conn, message_id, now):
        return None
    row = message_store.get(conn, message_id)
    assert row is not None
    message_store.advance_delivery(conn, message_id, DeliveryState.QUEUED)
    return row.conversation_id


class MessagingService:
    """UI intents that send something.

    Args:
        clock: unix ms, read inside each write: the bubble's time and the outbox row's (tests pass a fake one).
    """

    def __init__(self, store: Store, bus: EventBus, *, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self.work_queued = asyncio.Event()  # the outbox drainer waits on it

    async def send_text(self, conversation_id: int, text: str, reply_to_channel_id: str | None = None) -> int:
        """Queue ``text`` in the conversation; returns the new message id as soon as it is committed."""
        text = text.strip()
        if not text:
            raise ValueError("empty message")
        key = f"deskchat-{uuid.uuid4()}"
        message_id = await self._store.write(
            lambda conn: _queue_text(conn, conversation_id, text, reply_to_channel_id, key, self._clock())
        )
        self._publish_queued(conversation_id, message_id)
        return message_id

    async def send_file(self, conversation_id: int, file: FileToSend, reply_to_channel_id: str | None = None) -> int:
        """Queue an image or a document; returns the new message id once message, bytes and outbox row are committed.

        Raises:
            FileTooLarge: over :data:`MAX_FILE_BYTES`; nothing was queued.
            EmptyFile: no bytes; nothing was queued.
        """
        size = len(file.data)
        check_file_size(file.file_name, size)
        mime = file.mime or guess_mime(file.file_name)
        kind: FileKind = "document" if file.as_document else file_kind(mime, size)
        ready = replace(file, mime=mime, caption=file.caption.strip())
        key = f"deskchat-{uuid.uuid4()}"
        message_id = await self._store.write(
            lambda conn: _queue_file(conn, conversation_id, ready, kind, reply_to_channel_id, key, self._clock())
        )
        self._publish_queued(conversation_id, message_id)
        return message_id

    def _publish_queued(self, conversation_id: int, message_id: int) -> None:
        self._bus.publish(MessageStored(conversation_id, message_id, True))
        self._bus.publish(ConversationChanged(conversation_id))
        self.work_queued.set()

    async def retry(self, message_id: int) -> bool:
        """Queue a failed message again."""
        conversation_id = await self._store.write(lambda conn: _requeue(conn, message_id, self._clock()))
        if conversation_id is None:
            return False
        self._bus.publish(MessageUpdated(conversation_id, message_id))
        self.work_queued.set()
        return True
