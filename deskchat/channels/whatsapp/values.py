"""Values the WhatsApp adapter hands to the app, besides :class:`~deskchat.channels.base.InboundMessage`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from deskchat.channels.whatsapp import sanitize
from deskchat.channels.whatsapp.content import Body
from deskchat.channels.whatsapp.jids import Peer
from deskchat.core.events import DeliveryState
from deskchat.core.messages import EditChange as EditChange
from deskchat.core.messages import Identity, InboundMessage
from deskchat.core.messages import MessageChange as MessageChange
from deskchat.core.messages import ReactionChange as ReactionChange
from deskchat.core.messages import RevokeChange as RevokeChange

#: Reaction ``sender`` used for reactions the account itself made (from the phone or another device).
ME: Final = "me"
PENDING_KIND: Final = "pending"


@dataclass(frozen=True, slots=True)
class ReceiptUpdate:
    """Our outgoing messages ``channel_ids`` reached ``state`` (DELIVERED, READ or PLAYED)."""

    channel_ids: tuple[str, ...]
    state: DeliveryState
    chat_key: str | None


@dataclass(frozen=True, slots=True)
class ReadElsewhere:
    """The account read incoming messages on another device (the phone): the unread badge can be cleared."""

    chat_key: str | None
    channel_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IdentityLink:
    """A LID and a phone-number JID user are the same person."""

    lid_user: str
    pn_user: str


@dataclass(frozen=True, slots=True)
class ContactHint:
    """A name WhatsApp knows for a person (their push name)."""

    identities: tuple[Identity, ...]
    name: str


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a message belongs: the chat key, who the customer is, and whether it is a group."""

    chat_key: str
    identities: tuple[Identity, ...]
    is_group: bool
    peer: Peer | None  # the other person of a 1:1 chat


def inbound(
    account_id: int,
    conversation: Conversation,
    channel_id: str,
    body: Body,
    sent_at: int,
    from_me: bool,
    push_name: str,
    delivery: DeliveryState | None = None,
    title: str = "",
    *,
    historical: bool = False,
) -> InboundMessage:
    """Build the :class:`InboundMessage` of one message (live or from history).

    ``title`` is the conversation's name when known (group subject, the phone's contact name); a 1:1 chat falls
    back to the customer's push name. Names are made sane here (:mod:`.sanitize`); ``body`` and ``sent_at`` already
    are.
    """
    name = "" if from_me else sanitize.name(push_name)
    title = sanitize.name(title)
    return InboundMessage(
        account_id=account_id,
        chat_key=conversation.chat_key,
        chat_title=title or ("" if conversation.is_group else name),
        identities=conversation.identities,
        channel_id=channel_id,
        text=body.text,
        sent_at=sent_at,
        outgoing=from_me,
        kind=body.kind,
        sender_name=name,
        reply_to_channel_id=body.reply_to,
        delivery=delivery,
        attachments=body.attachments,
        is_group=conversation.is_group,
        historical=historical,
    )
