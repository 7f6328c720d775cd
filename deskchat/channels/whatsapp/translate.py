"""Pure functions from neonize (whatsmeow) events to DeskChat values.

**Channel ids.** A WhatsApp message is stored with ``channel_id`` = its plain WhatsApp message id (``MessageInfo.ID``,
``MessageKey.ID``, ``SendResponse.ID``). The store makes it unique per account. The chat is deliberately *not* part
of the id, because the same message reaches us under different chat JIDs: live with a LID chat, from history sync
with the phone-number chat, or the other way round. Receipts (``Receipt.MessageIDs``), quotes (``stanzaID``),
reactions, edits and revokes (``MessageKey.ID``) all name a message by this id alone. WhatsApp ids are 64 to 128
random bits chosen by the sending device, so accidental collisions do not happen. A hostile sender *can* reuse an id
on purpose, so every :data:`MessageChange` carries its ``chat_key`` and ``from_me``: whoever applies it must check
that the target message is in that conversation and was written by that side.

**Placeholders.** An undecryptable message becomes an :class:`InboundMessage` with kind ``"pending"`` and empty text
under the same channel id. When whatsmeow's retry succeeds, the real message arrives with that id and must replace
the placeholder row (the ingest path upgrades a ``pending`` row instead of ignoring the duplicate).

**Hostile values.** Every value is made sane on the way in (:mod:`.sanitize`): texts are ``str`` without NUL,
absurd timestamps become the receive time, absurd sizes 0. An event that cannot be made sane (a malformed chat or
sender JID, a malformed message id) raises :class:`MalformedEvent`; the caller reports that event alone and stores
its batch-mates.

History sync is translated by :mod:`.history`; its functions are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from neonize.proto.Neonize_pb2 import Receipt, UndecryptableMessage

from deskchat.channels.whatsapp import content, sanitize
from deskchat.channels.whatsapp.history import HistoryChunk, history_chunks, history_hints, history_links
from deskchat.channels.whatsapp.jids import Address, from_proto, group_identities, peer_of
from deskchat.channels.whatsapp.sanitize import MalformedEvent
from deskchat.channels.whatsapp.values import (
    ME,
    PENDING_KIND,
    ContactHint,
    Conversation,
    EditChange,
    IdentityLink,
    MessageChange,
    ReactionChange,
    ReadElsewhere,
    ReceiptUpdate,
    RevokeChange,
    inbound,
)
from deskchat.core.events import DeliveryState
from deskchat.core.messages import InboundMessage

__all__ = [
    "ME",
    "PENDING_KIND",
    "ContactHint",
    "Conversation",
    "EditChange",
    "HistoryChunk",
    "IdentityLink",
    "MalformedEvent",
    "MessageChange",
    "ReactionChange",
    "ReadElsewhere",
    "ReceiptUpdate",
    "RevokeChange",
    "conversation_of",
    "history_chunks",
    "history_hints",
    "history_links",
    "link_of",
    "placeholder",
    "receipt_update",
    "translate_message",
]

#: A receipt naming more messages is cut (a read receipt for a burst names a few dozen).
RECEIPT_ID_LIMIT: Final = 1024

_RECEIPT_STATES: Final = {
    Receipt.DELIVERED: DeliveryState.DELIVERED,
    Receipt.READ: DeliveryState.READ,
    Receipt.PLAYED: DeliveryState.PLAYED,
}


def _alt(jid: Any) -> Address | None:
    return from_proto(jid, "alternate JID") if jid.User else None


def _person_addresses(source: Any) -> list[Address | None]:
    """The addresses of the *other* person of a 1:1 chat (never our own JID)."""
    chat = from_proto(source.Chat, "chat JID")
    if source.IsFromMe:
        return [chat, _alt(source.RecipientAlt)]
    return [chat, from_proto(source.Sender, "sender JID"), _alt(source.SenderAlt)]


def conversation_of(source: Any, pn_for_lid: Mapping[str, str]) -> Conversation | None:
    """The conversation of a ``MessageSource``; ``None`` for status updates, broadcast lists and newsletters.

    Raises:
        MalformedEvent: a JID of the source is malformed.
    """
    chat = from_proto(source.Chat, "chat JID")
    if chat is None:
        return None
    if source.IsGroup or chat.kind == "group":
        return Conversation(str(chat), group_identities(chat), True, None)
    if chat.kind not in ("pn", "lid"):
        return None
    peer = peer_of(_person_addresses(source), pn_for_lid)
    if peer is None:
        return None
    return Conversation(peer.chat_key, peer.identities, False, peer)


def link_of(source: Any) -> IdentityLink | None:
    """The LID ↔ phone-number pair a ``MessageSource`` reveals (of the other person, or of a group member)."""
    if source.IsGroup:
        addresses = [] if source.IsFromMe else [from_proto(source.Sender, "sender JID"), _alt(source.SenderAlt)]
    else:
        addresses = _person_addresses(source)
    pn = lid = None
    for address in addresses:
        if address is None:
            continue
        if address.kind == "pn":
            pn = pn or address.user
        elif address.kind == "lid":
            lid = lid or address.user
    return IdentityLink(lid, pn) if pn and lid else None


def _actor(source: Any, conversation: Conversation) -> str:
    if source.IsFromMe:
        return ME
    if conversation.peer is not None:
        return conversation.peer.pn_user or conversation.peer.lid_user or ""
    sender = peer_of([from_proto(source.Sender, "sender JID"), _alt(source.SenderAlt)])
    if sender is None:
        return str(source.Sender.User)
    return sender.pn_user or sender.lid_user or ""


def translate_message(
    event: Any, account_id: int, pn_for_lid: Mapping[str, str] | None = None, received_ms: int | None = None
) -> InboundMessage | MessageChange | None:
    """A ``MessageEv`` as a message to store or a change to a stored one; ``None`` if there is nothing to keep.

    ``received_ms`` (default: now) replaces a timestamp outside [2009, now + 1 day].

    Raises:
        MalformedEvent: the event cannot be made sane (see the module docstring).
    """
    info = event.Info
    source = info.MessageSource
    conversation = conversation_of(source, pn_for_lid or {})
    message_id = sanitize.message_id(info.ID)
    if conversation is None or not message_id:
        return None
    parsed = content.parse(event.Message, message_id, edit_marker=sanitize.text(info.Edit, 4))
    if parsed is None:
        return None
    at = sanitize.timestamp_ms(info.Timestamp, received_ms)
    from_me = bool(source.IsFromMe)
    chat_key = conversation.chat_key
    if isinstance(parsed, content.Body):
        return inbound(account_id, conversation, message_id, parsed, at, from_me, info.Pushname)
    if isinstance(parsed, content.Reaction):
        sender = _actor(source, conversation)
        when = sanitize.optional_timestamp_ms(parsed.at, received_ms) or at
        return ReactionChange(account_id, chat_key, parsed.target_id, sender, parsed.emoji, when, from_me)
    if isinstance(parsed, content.Edit):
        when = sanitize.optional_timestamp_ms(parsed.at, received_ms) or at
        return EditChange(account_id, chat_key, parsed.target_id, parsed.new_text, when, from_me)
    return RevokeChange(account_id, chat_key, parsed.target_id, at, from_me)


def placeholder(
    event: Any, account_id: int, pn_for_lid: Mapping[str, str] | None = None, received_ms: int | None = None
) -> InboundMessage | None:
    """An ``UndecryptableMessageEv`` as a "waiting for this message" row, replaced when the real one arrives.

    ``None`` when WhatsApp asks to hide the failure (reactions, poll votes and the like fail that way).

    Raises:
        MalformedEvent: as :func:`translate_message`.
    """
    if event.HasField("DecryptFailMode") and event.DecryptFailMode == UndecryptableMessage.DECRYPT_FAIL_HIDE:
        return None
    info = event.Info
    conversation = conversation_of(info.MessageSource, pn_for_lid or {})
    message_id = sanitize.message_id(info.ID)
    if conversation is None or not message_id:
        return None
    body = content.Body(PENDING_KIND, "")
    return inbound(
        account_id,
        conversation,
        message_id,
        body,
        sanitize.timestamp_ms(info.Timestamp, received_ms),
        bool(info.MessageSource.IsFromMe),
        info.Pushname,
    )


def receipt_update(event: Any, pn_for_lid: Mapping[str, str] | None = None) -> ReceiptUpdate | ReadElsewhere | None:
    """A ``ReceiptEv`` as a tick change; ``None`` for receipt types DeskChat ignores or an unset type.

    Malformed message ids are left out; at most :data:`RECEIPT_ID_LIMIT` are kept.

    Raises:
        MalformedEvent: a JID of the source is malformed.
    """
    # proto2 "required" enum: an unset Type reads back as DELIVERED, so presence is checked first.
    if not event.HasField("Type") or not event.MessageIDs:
        return None
    ids = tuple(_receipt_ids(event.MessageIDs))
    if not ids:
        return None
    conversation = conversation_of(event.MessageSource, pn_for_lid or {})
    chat_key = conversation.chat_key if conversation is not None else None
    if event.Type == Receipt.READ_SELF:
        return ReadElsewhere(chat_key, ids)
    state = _RECEIPT_STATES.get(event.Type)
    if state is None or event.MessageSource.IsFromMe:
        return None
    return ReceiptUpdate(ids, state, chat_key)


def _receipt_ids(values: Any) -> list[str]:
    ids: list[str] = []
    for value in values[:RECEIPT_ID_LIMIT]:
        try:
            message_id = sanitize.message_id(value)
        except MalformedEvent:
            continue
        if message_id:
            ids.append(message_id)
    return ids
