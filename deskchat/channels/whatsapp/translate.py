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

History sync is translated by :mod:`.history`; its functions are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from neonize.proto.Neonize_pb2 import Receipt, UndecryptableMessage

from deskchat.channels.whatsapp import content
from deskchat.channels.whatsapp.history import HistoryChunk, history_chunks, history_hints, history_links
from deskchat.channels.whatsapp.jids import Address, from_proto, group_identities, peer_of
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
    to_ms,
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

_RECEIPT_STATES: Final = {
    Receipt.DELIVERED: DeliveryState.DELIVERED,
    Receipt.READ: DeliveryState.READ,
    Receipt.PLAYED: DeliveryState.PLAYED,
}


def _alt(jid: Any) -> Address | None:
    return from_proto(jid) if jid.User else None


def _person_addresses(source: Any) -> list[Address | None]:
    """The addresses of the *other* person of a 1:1 chat (never our own JID)."""
    chat = from_proto(source.Chat)
    if source.IsFromMe:
        return [chat, _alt(source.RecipientAlt)]
    return [chat, from_proto(source.Sender), _alt(source.SenderAlt)]


def conversation_of(source: Any, pn_for_lid: Mapping[str, str]) -> Conversation | None:
    """The conversation of a ``MessageSource``; ``None`` for status updates, broadcast lists and newsletters."""
    chat = from_proto(source.Chat)
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
        addresses = [] if source.IsFromMe else [from_proto(source.Sender), _alt(source.SenderAlt)]
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
    sender = peer_of([from_proto(source.Sender), _alt(source.SenderAlt)])
    if sender is None:
        return str(source.Sender.User)
    return sender.pn_user or sender.lid_user or ""


def translate_message(
    event: Any, account_id: int, pn_for_lid: Mapping[str, str] | None = None
) -> InboundMessage | MessageChange | None:
    """A ``MessageEv`` as a message to store or a change to a stored one; ``None`` if there is nothing to keep."""
    info = event.Info
    source = info.MessageSource
    conversation = conversation_of(source, pn_for_lid or {})
    if conversation is None or not info.ID:
        return None
    parsed = content.parse(event.Message, info.ID, edit_marker=info.Edit)
    if parsed is None:
        return None
    at = to_ms(info.Timestamp)
    from_me = bool(source.IsFromMe)
    if isinstance(parsed, content.Body):
        return inbound(account_id, conversation, info.ID, parsed, at, from_me, info.Pushname)
    if isinstance(parsed, content.Reaction):
        sender = _actor(source, conversation)
        when = parsed.at or at
        return ReactionChange(account_id, conversation.chat_key, parsed.target_id, sender, parsed.emoji, when, from_me)
    if isinstance(parsed, content.Edit):
        when = parsed.at or at
        return EditChange(account_id, conversation.chat_key, parsed.target_id, parsed.new_text, when, from_me)
    return RevokeChange(account_id, conversation.chat_key, parsed.target_id, at, from_me)


def placeholder(event: Any, account_id: int, pn_for_lid: Mapping[str, str] | None = None) -> InboundMessage | None:
    """An ``UndecryptableMessageEv`` as a "waiting for this message" row, replaced when the real one arrives.

    ``None`` when WhatsApp asks to hide the failure (reactions, poll votes and the like fail that way).
    """
    if event.HasField("DecryptFailMode") and event.DecryptFailMode == UndecryptableMessage.DECRYPT_FAIL_HIDE:
        return None
    info = event.Info
    conversation = conversation_of(info.MessageSource, pn_for_lid or {})
    if conversation is None or not info.ID:
        return None
    body = content.Body(PENDING_KIND, "")
    return inbound(
        account_id,
        conversation,
        info.ID,
        body,
        to_ms(info.Timestamp),
        bool(info.MessageSource.IsFromMe),
        info.Pushname,
    )


def receipt_update(event: Any, pn_for_lid: Mapping[str, str] | None = None) -> ReceiptUpdate | ReadElsewhere | None:
    """A ``ReceiptEv`` as a tick change; ``None`` for receipt types DeskChat ignores or an unset type."""
    # proto2 "required" enum: an unset Type reads back as DELIVERED, so presence is checked first.
    if not event.HasField("Type") or not event.MessageIDs:
        return None
    ids = tuple(str(message_id) for message_id in event.MessageIDs)
    conversation = conversation_of(event.MessageSource, pn_for_lid or {})
    chat_key = conversation.chat_key if conversation is not None else None
    if event.Type == Receipt.READ_SELF:
        return ReadElsewhere(chat_key, ids)
    state = _RECEIPT_STATES.get(event.Type)
    if state is None or event.MessageSource.IsFromMe:
        return None
    return ReceiptUpdate(ids, state, chat_key)
