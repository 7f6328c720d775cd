"""Sending through neonize: the JID to send to, reply quotes, text and media, read marks.

**Recipient.** A conversation's chat key is canonical (:mod:`.jids`), not necessarily the JID WhatsApp uses. The JID
is, in order: the one WhatsApp itself used in this chat during the session; for a phone number, the ``JID`` that
``is_on_whatsapp("+<13-digit number>")`` returns (it drops the Brazilian 9th digit when the account predates it),
asked once per number and cached; for a LID, its phone number when known (sending to an unmapped LID fails with
463/479). A number that is not on WhatsApp is a :class:`~deskchat.channels.base.PermanentSendError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

from neonize.exc import SendMessageError
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message
from neonize.utils.enum import ReceiptType
from neonize.utils.jid import Jid2String, JIDToNonAD, build_jid
from neonize.utils.message import get_message_type

from deskchat.channels.base import ChannelUnavailable, PermanentSendError, SendReceipt
from deskchat.channels.whatsapp.jids import Address, canonical_pn_user, chat_key_for_phone, parse_jid
from deskchat.channels.whatsapp.processor import EventProcessor
from deskchat.core.events import DELIVERY_RANK, DeliveryState
from deskchat.core.identity import normalize_phone
from deskchat.core.messages import OutboundMessage

log = logging.getLogger("deskchat.wa")

#: Server refusals that will not change by retrying (479/463: unknown LID or missing privacy token, 4xx in general);
#: 408 (timeout) and 429 (rate limit) are transient.
_PERMANENT_ERROR: Final = re.compile(r"server returned error (4(?!08|29)\d\d)")


class NotConnected(ChannelUnavailable, ConnectionError):
    """The account has no live WhatsApp client (offline, pairing): the outbox waits, and it is not an attempt."""


class Sender:
    """Sends for one account.

    Args:
        processor: the account's event processor (addresses learnt, recent messages, early receipts).
        client: returns the current neonize client, or None while not connected.
        pn_lookup: resolves a LID to a phone-number user from whatsmeow's local store.
    """

    def __init__(
        self,
        processor: EventProcessor,
        client: Callable[[], Any | None],
        pn_lookup: Callable[[str], Awaitable[str | None]],
    ) -> None:
        self._processor = processor
        self._client = client
        self._pn_lookup = pn_lookup

    def _live_client(self) -> Any:
        client = self._client()
        if client is None:
            raise NotConnected("WhatsApp is not connected")
        return client

    # -- recipients --------------------------------------------------------------------------------------------

    async def resolve(self, chat_key: str) -> Any:
        """The ``JID`` proto to send to for ``chat_key``.

        Raises:
            PermanentSendError: the chat key is no WhatsApp chat, or the number is not on WhatsApp.
        """
        if "@" not in chat_key:
            e164 = normalize_phone(chat_key)
            if e164 is None:
                raise PermanentSendError(f"not a phone number or WhatsApp chat: {chat_key!r}")
            chat_key = chat_key_for_phone(e164)
        address = parse_jid(chat_key)
        if address is None or address.kind not in ("pn", "lid", "group"):
            raise PermanentSendError(f"not a WhatsApp chat: {chat_key!r}")
        addresses = self._processor.addresses
        known = addresses.send_jid(chat_key)
        if known is not None:
            return _jid(known)
        if address.kind == "group":
            return build_jid(address.user, address.server)
        if address.kind == "lid":
            pn_user = addresses.pn_for_lid.get(address.user) or await self._pn_lookup(address.user)
            return build_jid(pn_user) if pn_user else build_jid(address.user, address.server)
        return await self._lookup_number(chat_key, address)

    async def lookup(self, phone: str) -> str | None:
        """The chat key of a conversation we start with the typed number ``phone``; ``None`` when it is no number or
        not on WhatsApp. The JID WhatsApp answers with (without the 9th digit for old accounts) is remembered for the
        sends that follow, so the first message needs no second question.

        Raises:
            NotConnected: there is no live client to ask.
        """
        e164 = normalize_phone(phone)
        if e164 is None:
            return None
        chat_key = chat_key_for_phone(e164)
        try:
            await self.resolve(chat_key)
        except NotConnected:
            raise
        except PermanentSendError:
            return None
        return chat_key

    async def _lookup_number(self, chat_key: str, address: Address) -> Any:
        query = "+" + canonical_pn_user(address.user)
        responses = await self._live_client().is_on_whatsapp(query)
        for response in responses:
            if response.IsIn and response.JID.User:
                jid = JIDToNonAD(response.JID)
                self._processor.addresses.remember_send_jid(chat_key, Jid2String(jid))
                return jid
        raise PermanentSendError(f"{query} is not on WhatsApp")

    # -- quotes ------------------------------------------------------------------------------------------------

    async def quote(self, reply_to: str, to: Any) -> Any:
        """The ``ContextInfo`` of a reply to message ``reply_to`` in the chat ``to``."""
        cached = self._processor.quotes.get(reply_to)
        if cached is not None:
            participant = cached.author_jid
            quoted = Message.FromString(cached.message)
        else:
            found = await self._processor.sinks.quote_lookup(self._processor.account_id, reply_to)
            if found is not None and found.from_me:
                participant = self._own_jid()
            elif found is not None and found.author_jid:
                participant = found.author_jid
            else:
                participant = Jid2String(to)
            quoted = Message(conversation=found.text if found is not None else "")
        try:
            inner = get_message_type(quoted)
            if not isinstance(inner, str) and inner.HasField("contextInfo"):
                inner.ClearField("contextInfo")  # no nested quotes, as neonize's own reply helper does
        except (IndexError, ValueError):
            pass
        return ContextInfo(stanzaID=reply_to, participant=participant, quotedMessage=quoted)

    def _own_jid(self) -> str:
        client = self._client()
        me = getattr(client, "me", None)
        if me is not None and me.JID.User:
            return str(Jid2String(JIDToNonAD(me.JID)))
        return ""

    # -- sending -----------------------------------------------------------------------------------------------

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """A text, or one image or document with its caption (``message.text``); with its quote if it replies.

        WhatsApp carries one file per message: the outbox queues one message per file.
        """
        if not message.files:
            return await self.send_text(message)
        if len(message.files) > 1:
            raise PermanentSendError("WhatsApp sends one file per message")
        (file,) = message.files
        if file.kind == "image":
            return await self.send_image(message.chat_key, file.data, message.text, message.reply_to_channel_id)
        return await self.send_document(
            message.chat_key, file.data, file.file_name, file.mime, message.text, message.reply_to_channel_id
        )

    async def send_text(self, message: OutboundMessage) -> SendReceipt:
        to = await self.resolve(message.chat_key)
        if message.reply_to_channel_id:
            context = await self.quote(message.reply_to_channel_id, to)
            content = Message(extendedTextMessage=ExtendedTextMessage(text=message.text, contextInfo=context))
        else:
            content = Message(conversation=message.text)
        return await self._send(to, content)

    async def send_image(
        self, chat_key: str, data: bytes, caption: str = "", reply_to: str | None = None
    ) -> SendReceipt:
        to = await self.resolve(chat_key)
        content = await self._live_client().build_image_message(data, caption=caption or None)
        if reply_to:
            content.imageMessage.contextInfo.MergeFrom(await self.quote(reply_to, to))
        return await self._send(to, content)

    async def send_document(
        self,
        chat_key: str,
        data: bytes,
        file_name: str,
        mime: str | None = None,
        caption: str = "",
        reply_to: str | None = None,
    ) -> SendReceipt:
        to = await self.resolve(chat_key)
        content = await self._live_client().build_document_message(
            data, caption=caption or None, title=file_name, filename=file_name, mimetype=mime
        )
        if reply_to:
            content.documentMessage.contextInfo.MergeFrom(await self.quote(reply_to, to))
        return await self._send(to, content)

    async def _send(self, to: Any, content: Any) -> SendReceipt:
        try:
            response = await self._live_client().send_message(to, content)
        except SendMessageError as exc:
            if _PERMANENT_ERROR.search(str(exc)):
                raise PermanentSendError(str(exc)) from exc
            raise
        channel_id = str(response.ID)
        state = DeliveryState.SENT
        early = self._processor.best_pending_state(channel_id)
        if early is not None and DELIVERY_RANK[early] > DELIVERY_RANK[state]:
            state = early
        return SendReceipt(channel_id, state)

    async def mark_read(self, chat_key: str, channel_ids: list[str], sender_jid: str | None = None) -> None:
        """Send read receipts for incoming messages of one sender (``sender_jid`` is required in groups)."""
        if not channel_ids:
            return
        chat = await self.resolve(chat_key)
        sender = _jid(sender_jid) if sender_jid else chat
        await self._live_client().mark_read(*channel_ids, chat=chat, sender=sender, receipt=ReceiptType.READ)


def _jid(text: str) -> Any:
    address = parse_jid(text)
    if address is None:
        raise PermanentSendError(f"not a WhatsApp JID: {text!r}")
    return build_jid(address.user, address.server)
