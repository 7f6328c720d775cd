"""Channel-neutral values that cross the channel seam: who a customer is, what they sent, what we send.

Every channel (WhatsApp, e-mail) translates its wire events into these values and receives outgoing work as these
values; the services and the store know nothing else of a channel. Values are plain frozen dataclasses: no Qt, no
SQL, no channel library types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from deskchat.core.events import DeliveryState


class IdentityKind(StrEnum):
    """How a person is reached; a contact has many identities."""

    PHONE = "phone"  # E.164
    WA_PN = "wa_pn"  # WhatsApp phone-number JID (user part, digits)
    WA_LID = "wa_lid"  # WhatsApp LID (user part)
    WA_GROUP = "wa_group"  # WhatsApp group JID
    EMAIL = "email"  # lower-cased address
    CRM = "crm"  # the CRM's contact id


@dataclass(frozen=True, slots=True)
class Identity:
    kind: str  # an IdentityKind value
    value: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a message; its bytes are fetched later through ``remote_ref`` (the channel's own data)."""

    file_name: str
    mime: str
    size: int = 0
    thumbnail: bytes | None = None
    remote_ref: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    """An e-mail recipient or sender: the address, and the name shown for it (plain text)."""

    address: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ThreadRefs:
    """Where a message sits in a thread: its own id header and the ids it answers (e-mail Message-ID and friends)."""

    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()


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
    quoted_text: str = ""  # the quoted message's text as the channel sent it, when it is not stored
    delivery: DeliveryState | None = None  # for outgoing history; None means RECEIVED / SENT
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    is_group: bool = False
    historical: bool = False  # from a history sync: never unread, never reopens a ticket
    html: str = ""  # a sanitised HTML part (e-mail)
    to: Sequence[Address] = ()
    cc: Sequence[Address] = ()
    thread: ThreadRefs | None = None
    automatic: bool = False  # an auto-reply (Auto-Submitted, X-Autoreply, Precedence: bulk): never reopens a case


# -- changes to a stored message (the channel's own id of the target, and who made the change) ------------------


@dataclass(frozen=True, slots=True)
class ReactionChange:
    """``sender`` set ``emoji`` ("" removes it) on message ``target_id``."""

    account_id: int
    chat_key: str
    target_id: str
    sender: str  # "me" for the account itself, or the reacting person's id on the channel
    emoji: str
    at: int  # unix ms
    from_me: bool


@dataclass(frozen=True, slots=True)
class EditChange:
    account_id: int
    chat_key: str
    target_id: str
    new_text: str
    at: int  # unix ms
    from_me: bool


@dataclass(frozen=True, slots=True)
class RevokeChange:
    """Deleted for everyone (by its author, or by a group admin)."""

    account_id: int
    chat_key: str
    target_id: str
    at: int  # unix ms
    from_me: bool


MessageChange = ReactionChange | EditChange | RevokeChange


#: How a file is sent: an image is shown inline with an optional caption; anything else goes as a document.
FileKind = Literal["image", "document"]


@dataclass(frozen=True)
class OutboundFile:
    """A file to send; ``data`` are the bytes kept in the store's media vault."""

    kind: FileKind
    file_name: str
    mime: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OutboundMessage:
    """What the outbox asks a channel to send.

    ``channel_id`` is the id chosen for this message before its first send and reused on every resend, for channels
    that accept a caller's id (:attr:`~deskchat.channels.base.Capability.CHOSEN_IDS`): a resend after a crash is then
    the same message, never a second copy. ``idempotency_key`` is the outbox row's key (e-mail Message-ID, CRM key).
    """

    account_id: int
    chat_key: str
    idempotency_key: str
    text: str = ""
    channel_id: str = ""
    reply_to_channel_id: str | None = None
    files: Sequence[OutboundFile] = ()
    subject: str = ""
    html: str = ""
    to: Sequence[Address] = ()
    cc: Sequence[Address] = ()
    bcc: Sequence[Address] = ()
    thread: ThreadRefs | None = None


@dataclass(frozen=True, slots=True)
class SyncState:
    """A channel's own progress marker, committed in the same transaction as the messages it covers.

    ``folder`` names the stream (an IMAP folder, ``history`` for WhatsApp, ``crm`` for the CRM cursor).
    """

    account_id: int
    folder: str
    uidvalidity: int | None = None
    highest_uid: int | None = None
    highest_modseq: int | None = None
    cursor: str = ""
