"""Sending images and documents through the outbox, over a real encrypted store, with a fake channel at the boundary."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from deskchat.channels.base import Capability, PermanentSendError, SendReceipt
from deskchat.channels.demo import DemoChannel
from deskchat.core.bus import EventBus
from deskchat.core.events import DeliveryState, Event, MessageStored, MessageUpdated
from deskchat.core.messages import Identity, InboundMessage, OutboundMessage
from deskchat.services.ingest import IngestService
from deskchat.services.messaging import (
    MAX_FILE_BYTES,
    MAX_IMAGE_BYTES,
    EmptyFile,
    FileTooLarge,
    FileToSend,
    MessagingService,
    file_kind,
)
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.services.receipts import ReceiptService
from deskchat.store import accounts, conversations, media
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.messages import MessageRow
from deskchat.store.schema import messages as messages_table
from deskchat.store.schema import outbox as outbox_table

T = TypeVar("T")
CHAT_KEY = "5511987654321@s.whatsapp.net"
PHOTO = b"\x89PNG\r\n\x1a\n" + os.urandom(4000)  # the service never decodes it: the UI made the thumbnail
THUMBNAIL = b"\xff\xd8\xff\xe0 small jpeg"
PDF = b"%PDF-1.7\n" + os.urandom(9000)


@dataclass(frozen=True)
class SentFile:
    """A file as the customer receives it."""

    chat_key: str
    kind: str
    file_name: str
    mime: str
    data: bytes
    caption: str
    idempotency_key: str


@dataclass
class FakeFileChannel:
    """A channel account that records texts and files and picks its own ids; refuses or fails on demand."""

    texts: list[OutboundMessage] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    refuse: bool = False
    offline: bool = False
    account_id: int = 0
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT, Capability.SEND_FILES})

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        if not message.files:
            self.texts.append(message)
            return SendReceipt(f"WA-TEXT-{len(self.texts)}")
        if self.offline:
            raise ConnectionError("no route to host")
        if self.refuse:
            raise PermanentSendError("número inválido")
        (file,) = message.files
        self.files.append(
            SentFile(
                message.chat_key,
                file.kind,
                file.file_name,
                file.mime,
                file.data,
                message.text,
                message.idempotency_key,
            )
        )
        return SendReceipt(f"WA-FILE-{len(self.files)}")


@dataclass
class TextOnlyChannel:
    texts: list[OutboundMessage] = field(default_factory=list)
    account_id: int = 0
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT})

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        self.texts.append(message)
        return SendReceipt("WA-TEXT")


class Setup:
    def __init__(self, store: Store, channel: Any) -> None:
        self.store = store
        self.bus = EventBus()
        self.events: list[Event] = []
        self.bus.subscribe(Event, self.events.append)
        self.channel = channel
        self.messaging = MessagingService(store, self.bus)
        self.worker = OutboxDrainer(
            store,
            self.bus,
            lambda account: self.channel,
            [ChatMessageHandler(store), ChatFileHandler(store)],
            wake=self.messaging.work_queued,
        )
        self.account_id = store.write_now(
            lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        )
        customer = InboundMessage(
            account_id=self.account_id,
            chat_key=CHAT_KEY,
            chat_title="Ana",
            identities=[Identity("phone", "+5511987654321")],
            channel_id="IN-1",
            text="Pode me mandar a foto e o contrato?",
            sent_at=1_763_800_000_000,
            sender_name="Ana",
        )
        self.run(IngestService(store, self.bus).ingest([customer]))
        self.conversation_id = self.row_by_channel_id("IN-1").conversation_id

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(coroutine)

    def row(self, message_id: int) -> MessageRow:
        with self.store.read() as conn:
            row = message_store.get(conn, message_id)
        assert row is not None
        return row

    def row_by_channel_id(self, channel_id: str) -> MessageRow:
        with self.store.read() as conn:
            row = message_store.find_by_channel_id(conn, self.account_id, channel_id)
        assert row is not None
        return row

    def outbox_rows(self) -> list[tuple[str, str | None, str]]:
        """(state, last error, idempotency key) of every outbox row."""
        with self.store.read() as conn:
            rows = conn.execute(
                select(outbox_table.c.state, outbox_table.c.last_error, outbox_table.c.idempotency_key).order_by(
                    outbox_table.c.id
                )
            )
            return [(str(state), error, str(key)) for state, error, key in rows]

    def message_count(self) -> int:
        with self.store.read() as conn:
            return len(conn.execute(select(messages_table.c.id)).all())


@pytest.fixture
def files(store: Store) -> Setup:
    return Setup(store, FakeFileChannel())


def _photo(caption: str = "Segue a foto do produto") -> FileToSend:
    return FileToSend("produto.png", PHOTO, caption=caption, thumbnail=THUMBNAIL)


def test_a_file_is_queued_with_its_bytes_in_the_vault(files: Setup) -> None:
    message_id = files.run(files.messaging.send_file(files.conversation_id, _photo()))

    row = files.row(message_id)
    assert (row.kind, row.text, row.outgoing, row.delivery) == ("image", "Segue a foto do produto", True, "queued")
    with files.store.read() as conn:
        (attachment,) = media.attachments_of(conn, message_id)
        stored = media.media_of_attachment(conn, attachment.id)
        thumbnail = media.thumbnails_of(conn, [message_id])[message_id]
        listed = conversations.get(conn, files.conversation_id)
    assert (attachment.file_name, attachment.mime, attachment.size) == ("produto.png", "image/png", len(PHOTO))
    assert attachment.state is media.DownloadState.DONE
    assert stored is not None and stored.data == PHOTO
    assert thumbnail == THUMBNAIL
    assert listed is not None and listed.last_preview == "Segue a foto do produto"
    [(state, _error, _key)] = files.outbox_rows()
    assert state == "queued"
    assert files.channel.files == []  # the worker sends it, not the service
    assert MessageStored(files.conversation_id, message_id, True) in files.events  # the bubble appears at once


def test_the_worker_delivers_the_file_with_its_kind_name_and_bytes(files: Setup) -> None:
    async def scenario() -> tuple[int, int]:
        image = await files.messaging.send_file(files.conversation_id, _photo())
        document = await files.messaging.send_file(files.conversation_id, FileToSend("contrato.pdf", PDF))
        assert await files.worker.drain_once() == 2
        return image, document

    image, document = files.run(scenario())

    sent_image, sent_document = files.channel.files
    assert (sent_image.kind, sent_image.file_name, sent_image.mime) == ("image", "produto.png", "image/png")
    assert (sent_image.chat_key, sent_image.caption, sent_image.data) == (CHAT_KEY, "Segue a foto do produto", PHOTO)
    assert (sent_document.kind, sent_document.file_name, sent_document.mime) == (
        "document",
        "contrato.pdf",
        "application/pdf",
    )
    assert (sent_document.caption, sent_document.data) == ("", PDF)
    assert sent_image.idempotency_key != sent_document.idempotency_key
    assert files.channel.texts == []
    assert (files.row(image).delivery, files.row(image).channel_id) == ("sent", "WA-FILE-1")
    assert (files.row(document).kind, files.row(document).channel_id) == ("document", "WA-FILE-2")
    assert [state for state, _error, _key in files.outbox_rows()] == ["done", "done"]
    assert sum(isinstance(event, MessageUpdated) for event in files.events) == 2


def test_a_refused_file_fails_and_a_retry_sends_it_once(files: Setup) -> None:
    files.channel.refuse = True
    message_id = files.run(files.messaging.send_file(files.conversation_id, _photo()))
    files.run(files.worker.drain_once())
    assert files.row(message_id).delivery == "failed"
    [(state, error, key)] = files.outbox_rows()
    assert (state, error) == ("failed", "número inválido")

    files.channel.refuse = False
    assert files.run(files.messaging.retry(message_id))
    assert files.row(message_id).delivery == "queued"
    files.run(files.worker.drain_once())
    files.run(files.worker.drain_once())  # nothing left to send a second time
    assert files.row(message_id).delivery == "sent"
    [sent] = files.channel.files
    assert (sent.idempotency_key, sent.data) == (key, PHOTO)  # the same outbox row, the same bytes
    assert [state for state, _error, _key in files.outbox_rows()] == ["done"]


def test_a_file_waits_while_the_channel_is_away_and_retries_transient_errors(files: Setup) -> None:
    channel = files.channel
    files.channel = None  # not connected
    message_id = files.run(files.messaging.send_file(files.conversation_id, _photo()))
    files.run(files.worker.drain_once())
    assert files.row(message_id).delivery == "queued"

    files.channel = channel
    channel.offline = True
    files.store.write_now(lambda conn: conn.execute(outbox_table.update().values(next_attempt_at=0)))
    files.run(files.worker.drain_once())
    [(state, error, _key)] = files.outbox_rows()
    assert (state, error) == ("queued", "ConnectionError: no route to host")
    assert files.row(message_id).delivery == "queued"


def test_a_channel_without_files_refuses_them_in_words(store: Store) -> None:
    setup = Setup(store, TextOnlyChannel())
    assert Capability.SEND_FILES not in setup.channel.capabilities
    message_id = setup.run(setup.messaging.send_file(setup.conversation_id, FileToSend("contrato.pdf", PDF)))
    setup.run(setup.worker.drain_once())
    assert setup.row(message_id).delivery == "failed"
    [(state, error, _key)] = setup.outbox_rows()
    assert state == "failed" and error == "this channel cannot send files"
    assert setup.channel.texts == []  # not the caption alone either


def test_a_file_over_the_limit_is_refused_before_queuing(files: Setup) -> None:
    before = files.message_count()
    events_before = len(files.events)
    too_big = FileToSend("backup.zip", bytes(MAX_FILE_BYTES + 1))
    with pytest.raises(FileTooLarge) as refused:
        files.run(files.messaging.send_file(files.conversation_id, too_big))
    assert (refused.value.file_name, refused.value.size, refused.value.limit) == (
        "backup.zip",
        MAX_FILE_BYTES + 1,
        100 * 1024 * 1024,
    )
    with pytest.raises(EmptyFile):
        files.run(files.messaging.send_file(files.conversation_id, FileToSend("vazio.txt", b"")))
    assert files.message_count() == before
    assert files.outbox_rows() == []
    with files.store.read() as conn:
        assert media.vault_size(conn) == 0
    assert len(files.events) == events_before
    assert not files.messaging.work_queued.is_set()


def test_what_goes_as_an_image_and_what_as_a_document(files: Setup) -> None:
    assert file_kind("image/jpeg", 1000) == "image"
    assert file_kind("image/png", MAX_IMAGE_BYTES) == "image"
    assert file_kind("image/png", MAX_IMAGE_BYTES + 1) == "document"  # over WhatsApp's image limit
    assert file_kind("image/gif", 1000) == "document"
    assert file_kind("application/pdf", 1000) == "document"

    undecodable = FileToSend("foto.jpg", b"not really a jpeg", as_document=True)
    message_id = files.run(files.messaging.send_file(files.conversation_id, undecodable))
    row = files.row(message_id)
    assert (row.kind, row.text) == ("document", "")
    with files.store.read() as conn:
        (attachment,) = media.attachments_of(conn, message_id)
        listed = conversations.get(conn, files.conversation_id)
    assert attachment.mime == "image/jpeg"
    assert listed is not None and listed.last_preview == "foto.jpg"  # no caption: the list shows the name


def test_the_same_bytes_are_kept_once(files: Setup) -> None:
    async def scenario() -> None:
        await files.messaging.send_file(files.conversation_id, FileToSend("contrato.pdf", PDF))
        await files.messaging.send_file(files.conversation_id, FileToSend("contrato (1).pdf", PDF))
        await files.worker.drain_once()

    files.run(scenario())
    with files.store.read() as conn:
        assert media.vault_size(conn) == len(PDF)
    assert [(sent.file_name, sent.data) for sent in files.channel.files] == [
        ("contrato.pdf", PDF),
        ("contrato (1).pdf", PDF),
    ]


def test_the_demo_channel_takes_files_and_plays_back_the_ticks(files: Setup) -> None:
    receipts = ReceiptService(files.store, files.bus)

    async def scenario() -> int:
        read = asyncio.Event()

        async def on_receipt(account_id: int, channel_ids: Sequence[str], state: DeliveryState) -> int:
            changed = await receipts.apply(account_id, channel_ids, state)
            if state is DeliveryState.READ:
                read.set()
            return changed

        demo = DemoChannel(files.account_id, on_receipt, delivered_after=0, read_after=0)
        files.channel = demo
        message_id = await files.messaging.send_file(files.conversation_id, _photo())
        await files.worker.drain_once()
        await asyncio.wait_for(read.wait(), 5)
        demo.stop()
        return message_id

    message_id = files.run(scenario())
    row = files.row(message_id)
    assert row.delivery == "read" and row.channel_id.startswith("3EB0")  # sent under the id chosen at queuing
