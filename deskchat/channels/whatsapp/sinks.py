"""How the WhatsApp adapter talks to the app: small injected callables, no store or Qt imports.

The app wires them to its services, e.g.::

    WhatsAppSinks(
        on_messages=ingest.ingest,                  # IngestService.ingest(batch)
        on_receipt=receipts.apply,                  # ReceiptService.apply(account_id, ids, state) -> changed count
        on_changes=changes.apply,                   # applies reactions/edits/revokes, returns those without target
        on_state=lambda account, status: bus.publish(ChannelStateChanged(account, status.state, status.detail)),
        on_qr=connection_screen.show_qr,
        on_log=integration_log.add,
    )

Async sinks may raise: the event is then retried (see :mod:`.pipeline`). Sync sinks must not block.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from deskchat.channels.whatsapp.states import Status
from deskchat.channels.whatsapp.values import (
    ContactHint,
    IdentityLink,
    MessageChange,
    ReadElsewhere,
    Rejected,
)
from deskchat.core.events import DeliveryState
from deskchat.core.messages import InboundMessage

log = logging.getLogger("deskchat.wa")


@dataclass(frozen=True, slots=True)
class QrCode:
    """One QR code to show: ``code`` is encoded as is; it is replaced after ``expires_in`` seconds."""

    code: str
    index: int  # 0 for the first code of a pairing attempt
    expires_in: float


@dataclass(frozen=True, slots=True)
class Quote:
    """What a reply needs to know about the message it quotes (when the adapter has not seen it)."""

    from_me: bool
    text: str
    author_jid: str = ""  # in groups: the quoted author's JID


async def _no_messages(batch: Sequence[InboundMessage]) -> object:
    log.warning("WhatsApp messages not wired: %d dropped", len(batch))
    return None


async def _no_receipts(account_id: int, channel_ids: Sequence[str], state: DeliveryState) -> int:
    return 0


async def _no_changes(changes: Sequence[MessageChange]) -> Sequence[MessageChange]:
    return ()


async def _nothing(account_id: int, items: object) -> None:
    return None


async def _no_dead_letters(account_id: int, rejected: Sequence[Rejected]) -> None:
    return None


def _ignore_state(account_id: int, status: Status) -> None:
    return None


def _ignore_qr(account_id: int, qr: QrCode) -> None:
    return None


def _ignore_log(account_id: int, event: str, detail: str) -> None:
    return None


def _ignore_progress(account_id: int, percent: int, stored: int) -> None:
    return None


async def _no_quote(account_id: int, channel_id: str) -> Quote | None:
    return None


@dataclass(frozen=True)
class WhatsAppSinks:
    """Callbacks of one adapter (every one optional)."""

    #: Store messages (deduplicated on channel id); a ``pending`` row with the same id must be upgraded.
    on_messages: Callable[[Sequence[InboundMessage]], Awaitable[object]] = _no_messages
    #: Move ticks of outgoing messages; returns how many messages changed (``ReceiptService.apply``).
    on_receipt: Callable[[int, Sequence[str], DeliveryState], Awaitable[int]] = _no_receipts
    #: Apply reactions, edits, revokes; returns the changes whose target message is not stored (kept for later).
    on_changes: Callable[[Sequence[MessageChange]], Awaitable[Sequence[MessageChange]]] = _no_changes
    #: The account read messages on the phone: clear the conversation's unread badge.
    on_read_elsewhere: Callable[[int, ReadElsewhere], Awaitable[None]] = _nothing
    #: A LID and a phone number are one person: attach both identities to the contact, re-key a LID conversation.
    on_links: Callable[[int, Sequence[IdentityLink]], Awaitable[None]] = _nothing
    #: Names WhatsApp knows for people (history sync push names).
    on_hints: Callable[[int, Sequence[ContactHint]], Awaitable[None]] = _nothing
    on_state: Callable[[int, Status], None] = _ignore_state
    on_qr: Callable[[int, QrCode], None] = _ignore_qr
    #: Integration log entries (``accounts.add_log_entry``): event name and free-text detail.
    on_log: Callable[[int, str, str], None] = _ignore_log
    #: A history-sync piece was stored: WhatsApp's progress figure (0-100) and how many messages it held.
    on_history_progress: Callable[[int, int, int], None] = _ignore_progress
    #: Events refused as malformed, each to be dead-lettered alone (awaited before their group counts as processed;
    #: their batch-mates were stored). Each is also written to ``on_log`` as ``event_rejected``.
    on_rejected: Callable[[int, Sequence[Rejected]], Awaitable[None]] = _no_dead_letters
    #: Look up a quoted message that the adapter has not seen in this session.
    quote_lookup: Callable[[int, str], Awaitable[Quote | None]] = _no_quote
