"""Real neonize protobuf events for the WhatsApp adapter tests, and the way Go hands them to Python.

:func:`deliver` serialises an event and calls the client's own ``Event.execute`` from a separate thread with a
ctypes buffer, exactly as neonize's Go callback does; ``execute`` parses it and schedules the registered handler on
the loop. :class:`NoDialClient` is the real ``DeskChatClient`` (handlers, QR and login-status callbacks, ``Stop``)
except that ``connect()`` does not dial WhatsApp: its connect task simply runs until ``stop()``.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Sequence
from typing import Any

import neonize.aioze.events as neonize_events
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb import WAWebProtobufsWeb_pb2 as W

from deskchat.channels.whatsapp.neonize_client import DeskChatClient

CUSTOMER = "5511987654321"
LEGACY_CUSTOMER = "551187654321"  # the same line without the 9th digit
CUSTOMER_LID = "204780123456789"
BASE_MS = 1_760_000_000_000


def jid(user: str, server: str = "s.whatsapp.net", device: int = 0) -> Any:
    return N.JID(User=user, Server=server, Device=device, RawAgent=0, Integrator=0, IsEmpty=False)


def message_event(
    message_id: str,
    content: Any,
    *,
    chat: Any | None = None,
    sender: Any | None = None,
    from_me: bool = False,
    group: bool = False,
    push_name: str = "Maria",
    timestamp_ms: int = BASE_MS,
    sender_alt: Any | None = None,
    recipient_alt: Any | None = None,
    lid_addressing: bool = False,
    edit: str = "",
) -> Any:
    """A ``MessageEv`` (``Neonize_pb2.Message``) as whatsmeow encodes it."""
    chat = chat if chat is not None else jid(CUSTOMER)
    source = N.MessageSource(
        Chat=chat,
        Sender=sender if sender is not None else (jid("5511900000000") if from_me else chat),
        IsFromMe=from_me,
        IsGroup=group,
        AddressingMode=N.LID if lid_addressing else N.PN,
    )
    if sender_alt is not None:
        source.SenderAlt.CopyFrom(sender_alt)
    if recipient_alt is not None:
        source.RecipientAlt.CopyFrom(recipient_alt)
    info = N.MessageInfo(
        ID=message_id, Timestamp=timestamp_ms, Pushname=push_name, MessageSource=source, Type="text", Edit=edit
    )
    return N.Message(Info=info, Message=content)


def text(body: str) -> Any:
    return E2E.Message(conversation=body)


def reply(body: str, quoted_id: str, quoted_text: str, participant: str) -> Any:
    context = E2E.ContextInfo(stanzaID=quoted_id, participant=participant, quotedMessage=text(quoted_text))
    return E2E.Message(extendedTextMessage=E2E.ExtendedTextMessage(text=body, contextInfo=context))


def image(caption: str = "", thumbnail: bytes = b"\xff\xd8thumb") -> Any:
    return E2E.Message(
        imageMessage=E2E.ImageMessage(
            caption=caption,
            mimetype="image/jpeg",
            URL="https://mmg.whatsapp.net/x",
            directPath="/v/t62/abc",
            mediaKey=b"k" * 32,
            fileSHA256=b"s" * 32,
            fileEncSHA256=b"e" * 32,
            fileLength=123_456,
            JPEGThumbnail=thumbnail,
            height=800,
            width=600,
        )
    )


def document(file_name: str, mime: str = "application/pdf", caption: str = "") -> Any:
    return E2E.Message(
        documentMessage=E2E.DocumentMessage(
            fileName=file_name,
            title=file_name,
            mimetype=mime,
            caption=caption,
            directPath="/v/t62/doc",
            mediaKey=b"k" * 32,
            fileSHA256=b"s" * 32,
            fileEncSHA256=b"e" * 32,
            fileLength=98_765,
        )
    )


def voice_note(seconds: int = 7) -> Any:
    return E2E.Message(
        audioMessage=E2E.AudioMessage(
            PTT=True,
            seconds=seconds,
            mimetype="audio/ogg; codecs=opus",
            directPath="/v/t62/ptt",
            mediaKey=b"k" * 32,
            fileSHA256=b"s" * 32,
            fileEncSHA256=b"e" * 32,
            fileLength=4_321,
        )
    )


def reaction(target_id: str, emoji: str, *, target_from_me: bool = True) -> Any:
    key = MessageKey(remoteJID=f"{CUSTOMER}@s.whatsapp.net", fromMe=target_from_me, ID=target_id)
    return E2E.Message(reactionMessage=E2E.ReactionMessage(key=key, text=emoji, senderTimestampMS=BASE_MS + 5))


def edit(target_id: str, new_text: str) -> Any:
    return E2E.Message(
        protocolMessage=E2E.ProtocolMessage(
            type=E2E.ProtocolMessage.MESSAGE_EDIT,
            key=MessageKey(remoteJID=f"{CUSTOMER}@s.whatsapp.net", fromMe=False, ID=target_id),
            editedMessage=text(new_text),
            timestampMS=BASE_MS + 60_000,
        )
    )


def revoke(target_id: str) -> Any:
    return E2E.Message(
        protocolMessage=E2E.ProtocolMessage(
            type=E2E.ProtocolMessage.REVOKE,
            key=MessageKey(remoteJID=f"{CUSTOMER}@s.whatsapp.net", fromMe=False, ID=target_id),
        )
    )


def receipt_event(ids: Sequence[str], receipt_type: int | None, *, chat: Any | None = None) -> Any:
    chat = chat if chat is not None else jid(CUSTOMER)
    event = N.Receipt(MessageSource=N.MessageSource(Chat=chat, Sender=chat), MessageIDs=list(ids), Timestamp=1)
    if receipt_type is not None:
        event.Type = receipt_type
    return event


def history_message(message_id: str, body: str, *, from_me: bool, ts_s: int, chat: str) -> Any:
    return HS.HistorySyncMsg(
        message=W.WebMessageInfo(
            key=MessageKey(remoteJID=chat, fromMe=from_me, ID=message_id),
            message=text(body),
            messageTimestamp=ts_s,
            status=W.WebMessageInfo.READ if from_me else W.WebMessageInfo.DELIVERY_ACK,
            pushName="" if from_me else "Cliente",
        )
    )


def history_event(conversations: Sequence[Any], **kwargs: Any) -> Any:
    return N.HistorySync(
        Data=HS.HistorySync(syncType=HS.HistorySync.INITIAL_BOOTSTRAP, conversations=list(conversations), **kwargs)
    )


def deliver(client: Any, event: Any) -> None:
    """Hand ``event`` to ``client`` the way Go does: from another thread, through ``Event.execute``."""
    data = event.SerializePartialToString()  # Neonize.proto is proto2 with required fields
    code = EVENT_TO_INT[type(event)]
    errors: list[BaseException] = []

    def go_callback() -> None:
        buffer = ctypes.create_string_buffer(data, len(data))
        try:
            client.event.execute(client.uuid, ctypes.addressof(buffer), len(data), code)
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)

    thread = threading.Thread(target=go_callback, name="fake-go-callback")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def call_from_go(callback: Any, payload: bytes) -> None:
    """Call a ctypes string callback (QR code, login status) from another thread, as Go does."""

    def go_callback() -> None:
        buffer = ctypes.create_string_buffer(payload)
        callback(0, ctypes.addressof(buffer))

    thread = threading.Thread(target=go_callback, name="fake-go-string-callback")
    thread.start()
    thread.join()


class NoDialClient(DeskChatClient):
    """The real client, minus the network: ``connect()`` starts a task that ends at ``stop()`` or :meth:`die`.

    ``hang_on_stop`` imitates the Go call that never returns while a QR code is shown.
    """

    hang_on_stop = False
    sent: list[tuple[Any, ...]]

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        self.loop = asyncio.get_running_loop()
        neonize_events.set_event_loop(self.loop)
        self.sent = []
        self._end: asyncio.Future[None] = self.loop.create_future()
        self.connect_task = self.loop.create_task(self._run())
        return self.connect_task

    async def _run(self) -> None:
        await self._end

    def die(self, error: BaseException) -> None:
        if not self._end.done():
            self._end.set_exception(error)

    async def stop(self) -> None:
        await super().stop()  # the real Go Stop(uuid)
        if not self.hang_on_stop and not self._end.done():
            self._end.set_result(None)
