"""History sync (``waHistorySync.HistorySync``) → chunks of messages and changes, identity links and names.

WhatsApp sends the history as several blobs (``chunkOrder``, ``progress``); each becomes one ``HistorySyncEv``.
Messages overlap with the live stream and with other blobs, so everything here is safe to store twice: ids are the
plain WhatsApp message ids (see :mod:`.translate`) and the store deduplicates on them.

:func:`history_chunks` is a generator: the caller stores one chunk (≈1,000 messages, one transaction) and yields to
the event loop before asking for the next, so a large history never blocks the UI.

Values are made sane as in :mod:`.translate`. A conversation that cannot be decoded or has a malformed id, and a
message that cannot be made sane, are skipped and counted (:attr:`HistoryChunk.malformed`) so the rest of the blob is
stored; the caller reports the blob as malformed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import Conversation as HistoryConversation
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

from deskchat.channels.whatsapp import content, sanitize
from deskchat.channels.whatsapp.jids import group_identities, identities, parse_jid, peer_of
from deskchat.channels.whatsapp.values import (
    ME,
    ContactHint,
    Conversation,
    EditChange,
    IdentityLink,
    MessageChange,
    ReactionChange,
    RevokeChange,
    inbound,
)
from deskchat.core.events import DeliveryState
from deskchat.core.messages import InboundMessage

HISTORY_CHUNK: Final = 1000

_STATUS: Final = {
    WebMessageInfo.ERROR: DeliveryState.FAILED,
    WebMessageInfo.PENDING: DeliveryState.SENT,  # still on the phone's queue; this device will never send it
    WebMessageInfo.SERVER_ACK: DeliveryState.SENT,
    WebMessageInfo.DELIVERY_ACK: DeliveryState.DELIVERED,
    WebMessageInfo.READ: DeliveryState.READ,
    WebMessageInfo.PLAYED: DeliveryState.PLAYED,
}


@dataclass(frozen=True, slots=True)
class HistoryChunk:
    """Messages to ingest (one transaction), then changes to apply to stored messages."""

    messages: tuple[InboundMessage, ...]
    changes: tuple[MessageChange, ...]
    links: tuple[IdentityLink, ...] = ()  # LID ↔ number pairs of the chunk's conversations
    malformed: int = 0  # conversations and messages of the chunk that were skipped as malformed


def _pair(*jids: str) -> IdentityLink | None:
    pn = lid = None
    for text in jids:
        address = parse_jid(text) if text else None
        if address is None:
            continue
        if address.kind == "pn":
            pn = pn or address.user
        elif address.kind == "lid":
            lid = lid or address.user
    return IdentityLink(lid, pn) if pn and lid else None


def mapping_links(data: Any) -> list[IdentityLink]:
    """LID ↔ phone-number pairs of the history's mapping table."""
    links: list[IdentityLink] = []
    for mapping in data.phoneNumberToLidMappings:
        link = _pair(mapping.pnJID, mapping.lidJID)
        if link is not None:
            links.append(link)
    return links


def conversation_link(conversation: Any) -> IdentityLink | None:
    """The LID ↔ phone-number pair a history ``Conversation`` names (``ID``, ``pnJID``, ``lidJID``)."""
    return _pair(conversation.ID, conversation.pnJID, conversation.lidJID)


def history_links(data: Any) -> list[IdentityLink]:
    """LID ↔ phone-number pairs from the mapping table and from each conversation's ``pnJID``/``lidJID``."""
    links = mapping_links(data)
    for conversation in data.conversations:
        link = conversation_link(conversation)
        if link is not None:
            links.append(link)
    return links


def history_hints(data: Any) -> list[ContactHint]:
    """Push names of people (not groups)."""
    hints: list[ContactHint] = []
    for entry in data.pushnames:
        address = parse_jid(entry.ID)
        pushname = sanitize.name(entry.pushname)
        if address is None or not pushname:
            continue
        if address.kind == "pn":
            hints.append(ContactHint(identities(address.user, None), pushname))
        elif address.kind == "lid":
            hints.append(ContactHint(identities(None, address.user), pushname))
    return hints


def _conversation(conv: Any, pn_for_lid: Mapping[str, str]) -> Conversation | None:
    chat = parse_jid(conv.ID)
    if chat is None:
        return None
    if chat.kind == "group":
        return Conversation(str(chat), group_identities(chat), True, None)
    if chat.kind not in ("pn", "lid"):
        return None  # status@broadcast, broadcast lists, newsletters
    peer = peer_of([chat, parse_jid(conv.pnJID), parse_jid(conv.lidJID)], pn_for_lid)
    if peer is None:
        return None
    return Conversation(peer.chat_key, peer.identities, False, peer)


def _reactor(key: Any, conversation: Conversation) -> str:
    if key.fromMe:
        return ME
    if conversation.peer is not None:
        return conversation.peer.pn_user or conversation.peer.lid_user or ""
    sender = peer_of([parse_jid(key.participant)]) if key.participant else None
    if sender is None:
        return ""
    return sender.pn_user or sender.lid_user or ""


def _message(
    info: Any, conversation: Conversation, account_id: int, title: str, changes: list[MessageChange]
) -> InboundMessage | None:
    """One ``WebMessageInfo``: returns the message to store, appends the changes it makes to ``changes``."""
    if not info.HasField("message"):
        return None  # system stubs (encryption notices, group events) carry no message
    key = info.key
    message_id = sanitize.message_id(key.ID)
    if not message_id:
        return None
    from_me = key.fromMe
    sent_at = sanitize.timestamp_ms(info.messageTimestamp)
    parsed = content.parse(info.message, message_id)
    chat_key = conversation.chat_key
    if info.reactions:
        for reaction in info.reactions:
            at = sanitize.optional_timestamp_ms(reaction.senderTimestampMS) or sent_at
            sender = _reactor(reaction.key, conversation)
            emoji = sanitize.emoji(reaction.text)
            changes.append(ReactionChange(account_id, chat_key, message_id, sender, emoji, at, reaction.key.fromMe))
    if parsed is None:
        return None
    if isinstance(parsed, content.Body):
        delivery = _STATUS.get(info.status, DeliveryState.SENT) if from_me and info.HasField("status") else None
        return inbound(
            account_id,
            conversation,
            message_id,
            parsed,
            sent_at,
            from_me,
            info.pushName,
            delivery,
            title,
            historical=True,
        )
    if isinstance(parsed, content.Reaction):
        sender = _reactor(key, conversation)
        at = sanitize.optional_timestamp_ms(parsed.at) or sent_at
        changes.append(ReactionChange(account_id, chat_key, parsed.target_id, sender, parsed.emoji, at, from_me))
    elif isinstance(parsed, content.Edit):
        at = sanitize.optional_timestamp_ms(parsed.at) or sent_at
        changes.append(EditChange(account_id, chat_key, parsed.target_id, parsed.new_text, at, from_me))
    else:
        changes.append(RevokeChange(account_id, chat_key, parsed.target_id, sent_at, from_me))
    return None


def history_chunks(
    data: Any,
    account_id: int,
    pn_for_lid: Mapping[str, str] | None = None,
    chunk_size: int = HISTORY_CHUNK,
) -> Iterator[HistoryChunk]:
    """The messages of ``data`` (a ``waHistorySync.HistorySync``) in chunks of at most ``chunk_size``.

    Changes (reactions, edits, revokes) found in a chunk come with it, to be applied after its messages are stored.
    """
    return conversation_chunks(data.conversations, account_id, pn_for_lid, chunk_size)


def conversation_chunks(
    conversations: Iterable[Any],
    account_id: int,
    pn_for_lid: Mapping[str, str] | None = None,
    chunk_size: int = HISTORY_CHUNK,
) -> Iterator[HistoryChunk]:
    """Like :func:`history_chunks` over history ``Conversation`` messages.

    ``conversations`` may hold encoded conversations (``bytes``/``memoryview``), decoded here one at a time; one
    that cannot be decoded is counted as malformed.
    """
    lids = pn_for_lid or {}
    messages: list[InboundMessage] = []
    changes: list[MessageChange] = []
    links: list[IdentityLink] = []
    malformed = 0
    for item in conversations:
        conv = _decoded(item)
        if conv is None or parse_jid(conv.ID) is None:
            malformed += 1
            continue
        link = conversation_link(conv)
        if link is not None:
            links.append(link)
        conversation = _conversation(conv, lids)
        if conversation is None:
            continue
        title = conv.name or conv.displayName
        for entry in conv.messages:
            before = len(changes)
            try:
                message = _message(entry.message, conversation, account_id, title, changes)
            except sanitize.MalformedEvent:
                del changes[before:]
                malformed += 1
                continue
            if message is not None:
                messages.append(message)
            if len(messages) >= chunk_size:
                yield HistoryChunk(tuple(messages), tuple(changes), tuple(links), malformed)
                messages, changes, links, malformed = [], [], [], 0
    if messages or changes or links or malformed:
        yield HistoryChunk(tuple(messages), tuple(changes), tuple(links), malformed)


def _decoded(item: Any) -> Any | None:
    """A history ``Conversation``, decoded if still encoded; ``None`` if it cannot be decoded."""
    if not isinstance(item, (bytes, bytearray, memoryview)):
        return item
    try:
        return HistoryConversation.FromString(item)
    except (DecodeError, ValueError):
        return None
