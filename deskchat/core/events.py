"""Domain events: frozen dataclasses carrying ids, never ORM or Qt objects.

Events are published on :class:`deskchat.core.bus.EventBus` after the store committed the change they describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeliveryState(StrEnum):
    """Where an outgoing message is on its way to the customer (incoming messages are ``RECEIVED``)."""

    QUEUED = "queued"  # in the outbox, not yet accepted by the channel (clock icon)
    SENT = "sent"  # accepted by the server (one tick)
    DELIVERED = "delivered"  # reached the customer's device (two grey ticks)
    READ = "read"  # read by the customer (two blue ticks)
    PLAYED = "played"  # voice note played
    FAILED = "failed"  # the channel refused it; the attendant may retry
    RECEIVED = "received"  # incoming


#: Order of the outgoing states: a receipt never moves a message backwards.
DELIVERY_RANK: dict[DeliveryState, int] = {
    DeliveryState.FAILED: 0,
    DeliveryState.QUEUED: 1,
    DeliveryState.SENT: 2,
    DeliveryState.DELIVERED: 3,
    DeliveryState.READ: 4,
    DeliveryState.PLAYED: 5,
    DeliveryState.RECEIVED: 0,
}


class ChannelKind(StrEnum):
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    CRM = "crm"  # the company's CRM: an account with a state, a log and an outbox lane, but no conversations


class ConversationStatus(StrEnum):
    """The attendant's tabs: Pendentes / Em atendimento / Encerrados."""

    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Event:
    """Base class of every event on the bus."""


@dataclass(frozen=True, slots=True)
class MessageStored(Event):
    conversation_id: int
    message_id: int
    outgoing: bool
    historical: bool = False  # from a history sync: never unread, never notified


@dataclass(frozen=True, slots=True)
class MessageUpdated(Event):
    """Delivery state, edit, delete mark or reaction of a stored message changed."""

    conversation_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class ConversationChanged(Event):
    """Status, unread count, preview or assignment of a conversation changed."""

    conversation_id: int


@dataclass(frozen=True, slots=True)
class ConversationsReset(Event):
    """Many conversations changed at once (bulk import, history sync): lists reload."""


@dataclass(frozen=True, slots=True)
class ContactChanged(Event):
    contact_id: int


@dataclass(frozen=True, slots=True)
class ChannelStateChanged(Event):
    """A channel account's connection state changed; ``state`` is a stable machine name, ``detail`` free text."""

    account_id: int
    state: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class QrCodeChanged(Event):
    """A pairing QR code to show (``code`` is encoded as is); it is replaced after ``expires_in`` seconds."""

    account_id: int
    code: str
    index: int
    expires_in: float


@dataclass(frozen=True, slots=True)
class IntegrationLogged(Event):
    """A new entry in an account's integration log."""

    account_id: int


@dataclass(frozen=True, slots=True)
class HistorySyncProgressed(Event):
    """A piece of the first-link history was stored; ``percent`` is WhatsApp's own progress figure (0-100)."""

    account_id: int
    percent: int
    messages: int


@dataclass(frozen=True, slots=True)
class AccountsChanged(Event):
    """A channel account was added (or removed): lists of accounts (status bar, connection screen) reload."""

    account_id: int
    kind: str  # a ChannelKind value
    removed: bool = False


@dataclass(frozen=True, slots=True)
class StorageFullChanged(Event):
    """The disk is full (``full``): received messages wait (in the spool, or in the channel) until space returns."""

    full: bool


@dataclass(frozen=True, slots=True)
class CrmSyncChanged(Event):
    """The CRM queue or lane changed: sync badges and the journal refresh; ``stalled`` says why the lane does not
    drain ("" when it does: "unavailable", "sign_in" or "rate_limited") with ``queued`` items waiting."""

    stalled: str
    queued: int
    failed: int
    conflicts: int


@dataclass(frozen=True, slots=True)
class CrmRecordsPulled(Event):
    """A CRM pull stored new data: the local contacts whose client record or cases changed, and the changed cases
    (the info pane refreshes when it shows one of them)."""

    contact_ids: frozenset[int]
    case_ids: frozenset[int]
