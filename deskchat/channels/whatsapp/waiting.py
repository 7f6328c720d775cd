"""Receipts and changes that arrived before their message, kept in memory *and* in the store.

Why the store's ``pending_changes`` table rather than keeping the events' spool rows: a receipt names several
messages (each may wait or not), a history blob's changes share one huge spool row that is removed with the
history's sync state, and a replayed spool row would restart its TTL. A row per waiting value, written in the
transaction that removes the spool rows it came from (:meth:`WaitingValues.park`), has none of these problems: a
crash loses nothing, and each value leaves the store exactly when it leaves memory — applied, handed to a send
(:meth:`WaitingValues.forget`), or evicted by :class:`~.memory.PendingByTarget`'s bounds and TTL (its
``on_evict``). So the bounds per target, per chat and in all hold in the store too (at most one batch more, until
:meth:`WaitingValues.flush`). At the next start :meth:`WaitingValues.load` refills memory through the same bounds.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final, Generic, TypeVar

from deskchat.channels.whatsapp.memory import PendingByTarget
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.channels.whatsapp.values import EditChange, MessageChange, ReactionChange, RevokeChange
from deskchat.core.events import DeliveryState
from deskchat.core.pending import PendingRecord

log = logging.getLogger("deskchat.wa")

V = TypeVar("V")

RECEIPT_KIND: Final = "receipt"
_CHANGE_KINDS: Final[dict[str, type[ReactionChange] | type[EditChange] | type[RevokeChange]]] = {
    "reaction": ReactionChange,
    "edit": EditChange,
    "revoke": RevokeChange,
}
_KIND_OF: Final = {cls: kind for kind, cls in _CHANGE_KINDS.items()}


@dataclass(frozen=True, slots=True)
class Parked(Generic[V]):
    """A waiting value, the chat it came from (for the per-chat bounds) and its row (None: not stored)."""

    value: V
    chat: str
    row_id: int | None


def _change_size(parked: Parked[MessageChange]) -> int:
    """Estimated bytes of a waiting change (an edit holds its whole new text)."""
    change = parked.value
    text = change.new_text if isinstance(change, EditChange) else ""
    return 256 + 4 * len(text)


def encode_receipt(target: str, state: DeliveryState, chat: str, received_at: int) -> PendingRecord:
    payload = json.dumps({"state": str(state), "chat": chat}).encode()
    return PendingRecord(target, RECEIPT_KIND, payload, received_at)


def encode_change(change: MessageChange, received_at: int) -> PendingRecord:
    payload = json.dumps(asdict(change), ensure_ascii=False).encode()
    return PendingRecord(change.target_id, _KIND_OF[type(change)], payload, received_at)


def decode(record: PendingRecord) -> tuple[DeliveryState, str] | MessageChange:
    """The receipt (state, chat) or change a row holds; raises on a row this version cannot read."""
    fields: dict[str, Any] = json.loads(record.payload)
    if record.kind == RECEIPT_KIND:
        return DeliveryState(fields["state"]), str(fields["chat"])
    return _CHANGE_KINDS[record.kind](**fields)


class WaitingValues:
    """The account's waiting receipts and changes (see the module docstring).

    Args:
        clock: monotonic seconds (the TTL of :class:`~.memory.PendingByTarget`).
        wall_ms: unix milliseconds (when a value was received, kept with its row).
    """

    def __init__(
        self,
        account_id: int,
        sinks: WhatsAppSinks,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self._account_id = account_id
        self._sinks = sinks
        self._clock = clock
        self._wall_ms = wall_ms
        self._dropped: list[int] = []  # rows whose values left memory, to remove at the next flush
        self.receipts: PendingByTarget[Parked[DeliveryState]] = PendingByTarget(clock=clock, on_evict=self._gone)
        self.changes: PendingByTarget[Parked[MessageChange]] = PendingByTarget(
            clock=clock, size_of=_change_size, on_evict=self._gone
        )

    def _gone(self, parked: Parked[Any]) -> None:
        if parked.row_id is not None:
            self._dropped.append(parked.row_id)

    def forget(self, values: Sequence[Parked[Any]]) -> None:
        """These values were applied (or handed out): their rows go at the next :meth:`flush`."""
        for parked in values:
            self._gone(parked)

    async def park(
        self,
        receipts: Sequence[tuple[str, DeliveryState, str]] = (),
        changes: Sequence[MessageChange] = (),
        spool_ids: Sequence[int] = (),
    ) -> None:
        """Keep receipts ``(target, state, chat)`` and changes until their message is stored: written with the
        removal of ``spool_ids`` (the events they came from) in one transaction, then held in memory."""
        now = self._wall_ms()
        records = [encode_receipt(target, state, chat, now) for target, state, chat in receipts]
        records += [encode_change(change, now) for change in changes]
        keep = self._sinks.pending_keep
        row_ids: Sequence[int | None]
        if keep is None:  # no durable store wired (tests of the adapter alone): memory only
            if spool_ids:
                await self._sinks.spool_remove(self._account_id, spool_ids)
            row_ids = [None] * len(records)
        elif records or spool_ids:
            row_ids = await keep(self._account_id, records, spool_ids)
        else:
            return
        for (target, state, chat), row_id in zip(receipts, row_ids, strict=False):
            self.receipts.add(target, Parked(state, chat, row_id), chat=chat)
        for change, row_id in zip(changes, row_ids[len(receipts) :], strict=True):
            self.changes.add(change.target_id, Parked(change, change.chat_key, row_id), chat=change.chat_key)
        await self.flush()

    async def flush(self) -> None:
        """Remove the rows of values that left memory (applied, handed out, evicted)."""
        if not self._dropped:
            return
        rows, self._dropped = self._dropped, []
        try:
            await self._sinks.pending_drop(self._account_id, rows)
        except BaseException:
            self._dropped[:0] = rows
            raise

    async def load(self) -> list[str]:
        """Refill memory from the store (at start, before any event); returns the targets to try again at once
        (their message may have been stored just before a crash). Expired or unreadable rows are removed."""
        records = await self._sinks.pending_load(self._account_id)
        now_ms, now = self._wall_ms(), self._clock()
        targets: dict[str, None] = {}
        for record in records:
            assert record.row_id is not None
            since = now - max(0, now_ms - record.received_at) / 1000
            try:
                value = decode(record)
            except Exception as exc:  # a damaged row: it cannot be applied
                log.warning("account %d: a waiting change could not be read (%s)", self._account_id, type(exc).__name__)
                self._dropped.append(record.row_id)
                continue
            if isinstance(value, tuple):
                state, chat = value
                self.receipts.add(record.target_channel_id, Parked(state, chat, record.row_id), since, chat)
            else:
                parked = Parked(value, value.chat_key, record.row_id)
                self.changes.add(value.target_id, parked, since, value.chat_key)
            targets[record.target_channel_id] = None
        await self.flush()
        return [target for target in targets if target in self.receipts or target in self.changes]
