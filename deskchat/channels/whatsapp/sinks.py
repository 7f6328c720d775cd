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

Async sinks may raise: the event is then retried (see :mod:`.pipeline`); one that still fails goes alone to the dead
letters. Sync sinks must not block, except :attr:`WhatsAppSinks.spool_append`, which runs on neonize's Go thread and
blocks while the disk is full (back-pressure).

The inbound spool (``InboundSpool`` in the app): every event carrying customer data is appended with its raw bytes
before neonize's callback returns to Go; ``on_messages`` removes the rows of the events it stores in its own
transaction (``consumed``), ``spool_remove`` those of receipts and changes once applied. A receipt or change whose
message is not stored yet is written to the store by ``pending_keep`` in the transaction that removes its spool row,
and removed by ``pending_drop`` once applied or evicted (see :mod:`.waiting`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from deskchat.channels.whatsapp.states import Status
from deskchat.channels.whatsapp.values import (
    ContactHint,
    IdentityLink,
    MessageChange,
    ReadElsewhere,
)
from deskchat.core.events import DeliveryState
from deskchat.core.messages import InboundMessage, SyncState
from deskchat.core.pending import PendingRecord
from deskchat.core.spool import SpooledEvent

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


class MessagesSink(Protocol):
    """Store messages; remove the spool rows ``consumed`` and save ``sync`` in the same transaction."""

    def __call__(
        self, batch: Sequence[InboundMessage], consumed: Sequence[int] = (), sync: SyncState | None = None
    ) -> Awaitable[object]: ...


async def _no_messages(
    batch: Sequence[InboundMessage], consumed: Sequence[int] = (), sync: SyncState | None = None
) -> object:
    log.warning("WhatsApp messages not wired: %d dropped", len(batch))
    return None


async def _no_pending(account_id: int) -> Sequence[SpooledEvent]:
    return ()


async def _no_removal(account_id: int, spool_ids: Sequence[int]) -> None:
    return None


async def _no_pending_records(account_id: int) -> Sequence[PendingRecord]:
    return ()


async def _no_dead_letters(account_id: int, spool_id: int, error: str) -> None:
    log.error("account %d: an event failed after its retries (no dead-letter table wired): %s", account_id, error)


def _ignore_storage_full(account_id: int, full: bool) -> None:
    return None


async def _no_receipts(account_id: int, channel_ids: Sequence[str], state: DeliveryState) -> int:
    return 0


async def _no_changes(changes: Sequence[MessageChange]) -> Sequence[MessageChange]:
    return ()


async def _nothing(account_id: int, items: object) -> None:
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
    on_messages: MessagesSink = _no_messages
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
    #: Look up a quoted message that the adapter has not seen in this session.
    quote_lookup: Callable[[int, str], Awaitable[Quote | None]] = _no_quote
    #: Keep one raw event durably (any thread; blocks while the disk is full); returns its spool id. None: no spool.
    spool_append: Callable[[int, str, bytes], int] | None = None
    #: The account's spooled events left by a crash or a stop, oldest first.
    spool_pending: Callable[[int], Awaitable[Sequence[SpooledEvent]]] = _no_pending
    #: Remove spool rows whose result was applied outside ``on_messages`` (receipts, changes, nothing to store).
    spool_remove: Callable[[int, Sequence[int]], Awaitable[None]] = _no_removal
    #: Store receipts/changes waiting for their message and remove the spool rows they came from, in one transaction
    #: (account, records, spool ids); returns the records' row ids. None: they wait in memory only.
    pending_keep: Callable[[int, Sequence[PendingRecord], Sequence[int]], Awaitable[Sequence[int]]] | None = None
    #: Remove waiting values (by row id) that were applied or evicted.
    pending_drop: Callable[[int, Sequence[int]], Awaitable[None]] = _no_removal
    #: The account's waiting values left by the last run, oldest first.
    pending_load: Callable[[int], Awaitable[Sequence[PendingRecord]]] = _no_pending_records
    #: Move one spooled event to the dead letters (account, spool id, reason): one that still failed after its retries,
    #: or one the processor rejected as malformed (its batch-mates were stored).
    dead_letter: Callable[[int, int, str], Awaitable[None]] = _no_dead_letters
    #: Writes of this account fail for want of disk space (True), or work again (False).
    on_storage_full: Callable[[int, bool], None] = _ignore_storage_full
