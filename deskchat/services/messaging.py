"""Outbound: the attendant's message becomes a queued bubble at once, and an outbox worker delivers it.

``send_text`` commits the message row (state ``queued``) and its outbox row in one transaction and returns; the
bubble shows a clock. :class:`OutboxWorker` drains due rows to the account's channel: on success the message gets the
channel's id and a tick; a transient error is retried with capped exponential backoff; a permanent one marks the
message ``failed`` until the attendant retries. A retry reuses the same outbox row and idempotency key, so it never
creates a second copy at a receiver that deduplicates on it.

``send_file`` does the same for images and documents: the bytes go into the store's media vault
(:mod:`deskchat.store.media`) in the same transaction as the message row (kind ``image`` or ``document``, with its
attachment row) and the outbox row; the worker reads them back from the vault and hands them to a
:class:`~deskchat.channels.base.FileChannel`. Files over :data:`MAX_FILE_BYTES` (WhatsApp's document limit) or empty
are refused before anything is queued. Pictures WhatsApp shows inline (:data:`IMAGE_MIMES`) up to
:data:`MAX_IMAGE_BYTES` (WhatsApp's image limit) go as images; bigger ones go as documents, uncompressed, rather than
being refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, select

from deskchat.channels.base import (
    Channel,
    FileChannel,
    OutgoingFile,
    OutgoingMessage,
    PermanentSendError,
    SendReceipt,
)
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged, DeliveryState, MessageStored, MessageUpdated
from deskchat.core.messages import Attachment, FileKind
from deskchat.store import conversations, media, outbox
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.store.outbox import OutboxItem, OutboxKind
from deskchat.store.schema import conversations as conversations_table

log = logging.getLogger("deskchat.outbox")

MAX_BACKOFF_MS = 5 * 60_000
IDLE_POLL_S = 30.0  # the worker also wakes up this often for rows whose backoff ended
IDLE_POLL_MS = int(IDLE_POLL_S * 1000)
MAX_TRANSIENT_ATTEMPTS = 8  # then the bubble says "falhou — tentar novamente"

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


def backoff_ms(attempts: int) -> int:
    """Capped exponential backoff with 50–100 % jitter: 1 s, 2 s, 4 s … 5 min."""
    base = min(1000 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_MS)
    return int(base * random.uniform(0.5, 1.0))


def _queue(
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
) -> int:
    """Write the message row, its outbox row and the list row; returns the message id."""
    account_id, chat_key = conn.execute(
        select(conversations_table.c.account_id, conversations_table.c.channel_key).where(
            conversations_table.c.id == conversation_id
        )
    ).one()
    now = now_ms()
    message_id = message_store.add_message(
        conn,
        NewMessage(
            conversation_id=conversation_id,
            account_id=account_id,
            channel_id=key,  # replaced by the channel's own id once sent
            outgoing=True,
            text=text,
            sent_at=now,
            delivery=DeliveryState.QUEUED,
            kind=kind,
            reply_to_channel_id=reply_to,
            attachments=attachments,
        ),
    )
    assert message_id is not None
    outbox.enqueue(
        conn,
        OutboxKind.CHANNEL_MESSAGE,
        key,
        {"chat_key": chat_key, "text": text, "reply_to": reply_to, **(payload or {})},
        account_id=account_id,
        message_id=message_id,
    )
    conversations.record_message(conn, conversation_id, now, preview or text, outgoing=True, unread_delta=0)
    conversations.mark_read(conn, conversation_id)
    return message_id


def _queue_text(conn: Connection, conversation_id: int, text: str, reply_to: str | None, key: str) -> int:
    return _queue(conn, conversation_id, key, reply_to, text)


def _queue_file(
    conn: Connection, conversation_id: int, file: FileToSend, kind: FileKind, reply_to: str | None, key: str
) -> int:
    media_id = media.put_media(conn, file.data, file.mime)
    message_id = _queue(
        conn,
        conversation_id,
        key,
        reply_to,
        file.caption,
        kind=kind,
        attachments=(Attachment(file.file_name, file.mime, len(file.data), file.thumbnail),),
        payload={"kind": kind},  # the worker reads the file itself from the vault, through the message's attachment
        preview=file.caption or file.file_name,
    )
    (attachment,) = media.attachments_of(conn, message_id)
    media.attach_media(conn, attachment.id, media_id)
    return message_id


def _stored_file(conn: Connection, message_id: int) -> media.StoredFile | None:
    """The name, type and bytes of the file an outgoing message carries."""
    found = media.attachments_of(conn, message_id)
    return media.media_of_attachment(conn, found[0].id) if found else None


def _requeue(conn: Connection, message_id: int) -> int | None:
    if not outbox.requeue_message(conn, message_id):
        return None
    row = message_store.get(conn, message_id)
    assert row is not None
    message_store.advance_delivery(conn, message_id, DeliveryState.QUEUED)
    return row.conversation_id


class MessagingService:
    """UI intents that send something."""

    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus
        self.work_queued = asyncio.Event()  # the worker waits on it

    async def send_text(self, conversation_id: int, text: str, reply_to_channel_id: str | None = None) -> int:
        """Queue ``text`` in the conversation; returns the new message id as soon as it is committed."""
        text = text.strip()
        if not text:
            raise ValueError("empty message")
        key = f"deskchat-{uuid.uuid4()}"
        message_id = await self._store.write(
            lambda conn: _queue_text(conn, conversation_id, text, reply_to_channel_id, key)
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
            lambda conn: _queue_file(conn, conversation_id, ready, kind, reply_to_channel_id, key)
        )
        self._publish_queued(conversation_id, message_id)
        return message_id

    def _publish_queued(self, conversation_id: int, message_id: int) -> None:
        self._bus.publish(MessageStored(conversation_id, message_id, True))
        self._bus.publish(ConversationChanged(conversation_id))
        self.work_queued.set()

    async def retry(self, message_id: int) -> bool:
        """Queue a failed message again."""
        conversation_id = await self._store.write(lambda conn: _requeue(conn, message_id))
        if conversation_id is None:
            return False
        self._bus.publish(MessageUpdated(conversation_id, message_id))
        self.work_queued.set()
        return True


class OutboxWorker:
    """Delivers queued channel messages; one task for the whole app."""

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        messaging: MessagingService,
        channel_for: Callable[[int], Channel | None],
    ) -> None:
        self._store = store
        self._bus = bus
        self._messaging = messaging
        self._channel_for = channel_for
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._store.write_now(outbox.recover_in_flight)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drain_once(self) -> int:
        """Send every due item once; returns how many were attempted."""
        items = await self._store.write(lambda conn: outbox.claim_due(conn, OutboxKind.CHANNEL_MESSAGE))
        for item in items:
            await self._deliver(item)
        return len(items)

    async def _run(self) -> None:
        while True:
            self._messaging.work_queued.clear()
            try:
                attempted = await self.drain_once()
            except Exception:
                log.exception("outbox drain failed")
                attempted = 0
            if attempted:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_POLL_S):
                    await self._messaging.work_queued.wait()

    async def _deliver(self, item: OutboxItem) -> None:
        assert item.account_id is not None and item.message_id is not None
        message_id = item.message_id
        channel = self._channel_for(item.account_id)
        if channel is None:
            # offline or not connected: the message keeps its clock and goes when the channel is back
            await self._store.write(lambda conn: outbox.retry_later(conn, item.id, IDLE_POLL_MS, "not connected"))
            return
        try:
            receipt = await self._send(channel, item.account_id, item)
        except PermanentSendError as refused:
            reason = str(refused)
            log.warning("message %d refused: %s", message_id, reason)
            await self._store.write(lambda conn: self._failed(conn, item, reason))
        except Exception as problem:
            reason = f"{type(problem).__name__}: {problem}"
            if item.attempts >= MAX_TRANSIENT_ATTEMPTS:
                log.warning("message %d failed after %d attempts: %s", message_id, item.attempts, reason)
                await self._store.write(lambda conn: self._failed(conn, item, reason))
            else:
                log.info("message %d not sent yet (%s); will retry", message_id, reason)
                delay = backoff_ms(item.attempts)
                await self._store.write(lambda conn: outbox.retry_later(conn, item.id, delay, reason))
                return
        else:
            await self._store.write(lambda conn: self._sent(conn, item, receipt))
        row = await self._store.write(lambda conn: message_store.get(conn, message_id))
        if row is not None:
            self._bus.publish(MessageUpdated(row.conversation_id, message_id))

    async def _send(self, channel: Channel, account_id: int, item: OutboxItem) -> SendReceipt:
        payload = item.payload
        chat_key = str(payload["chat_key"])
        text = str(payload["text"])
        reply_to = payload.get("reply_to")
        kind = str(payload.get("kind", "text"))
        if kind == "text":
            return await channel.send(OutgoingMessage(account_id, chat_key, text, item.idempotency_key, reply_to))
        if not isinstance(channel, FileChannel):
            raise PermanentSendError("this channel cannot send files, only text")
        message_id = item.message_id
        assert message_id is not None
        stored = await self._store.read_later(lambda conn: _stored_file(conn, message_id))
        if stored is None:
            raise PermanentSendError("the file is no longer in the store")
        outgoing = OutgoingFile(
            account_id=account_id,
            chat_key=chat_key,
            kind="image" if kind == "image" else "document",
            file_name=stored.file_name,
            mime=stored.mime,
            data=stored.data,
            idempotency_key=item.idempotency_key,
            caption=text,
            reply_to_channel_id=reply_to,
        )
        return await channel.send_file(outgoing)

    @staticmethod
    def _sent(conn: Connection, item: OutboxItem, receipt: SendReceipt) -> None:
        assert item.message_id is not None
        message_store.set_channel_id(conn, item.message_id, receipt.channel_id)
        message_store.advance_delivery(conn, item.message_id, receipt.state)
        outbox.finish(conn, item.id)

    @staticmethod
    def _failed(conn: Connection, item: OutboxItem, error: str) -> None:
        assert item.message_id is not None
        message_store.advance_delivery(conn, item.message_id, DeliveryState.FAILED)
        outbox.fail(conn, item.id, error)
