"""Processing of one account's data events, in order: messages, receipts, history sync.

Connection events are passed on to the adapter's state machine. Receipts and changes (reactions, edits, revokes)
whose message is not stored yet are kept, in memory and in the store (:mod:`.waiting`: a crash loses none), and
applied as soon as a message with that id is stored by this processor; for our own sends,
:meth:`EventProcessor.best_pending_state` hands the receipts that raced the send to the adapter, and
:class:`RetryPending` items retry the ones that arrive before the outbox has written the id.

**One bad event never fails its batch-mates.** Each event of a group is parsed and translated on its own. One that
cannot be made sane (:class:`~.sanitize.MalformedEvent`, or any error while reading it) is *rejected*: its batch-mates
are stored, then each rejected event goes alone to the dead letters (``sinks.dead_letter``, with its spool row; one
that was never spooled is only written to the integration log as ``event_rejected``), and
:meth:`EventProcessor.process` returns normally, so the pipeline never retries a group for a malformed event. Errors
of the sinks themselves (the store) still raise: the pipeline retries, then dead-letters alone what still fails. A
history blob that cannot be split is rejected whole; one with some undecodable conversations or messages stores the
rest and is then rejected (a retry stores nothing twice).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from neonize.proto.Neonize_pb2 import HistorySync, Message, Receipt, UndecryptableMessage
from neonize.utils.jid import Jid2String, JIDToNonAD

from deskchat.channels.whatsapp import history, translate
from deskchat.channels.whatsapp.jids import from_proto
from deskchat.channels.whatsapp.memory import AddressBook, PendingByTarget, QuoteCache, QuotedMessage
from deskchat.channels.whatsapp.neonize_client import MESSAGE_KINDS, RawEvent
from deskchat.channels.whatsapp.sanitize import MalformedEvent
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.channels.whatsapp.values import (
    IdentityLink,
    MessageChange,
    ReadElsewhere,
    ReceiptUpdate,
)
from deskchat.channels.whatsapp.waiting import Parked, WaitingValues
from deskchat.channels.whatsapp.wire import RawHistorySync, split_history
from deskchat.core.events import DELIVERY_RANK, DeliveryState
from deskchat.core.messages import Identity, InboundMessage, SyncState

log = logging.getLogger("deskchat.wa")

MESSAGE_GROUP: Final = "messages"
#: History messages stored per transaction, and translated between two yields to the event loop.
HISTORY_CHUNK: Final = 1000
HISTORY_SLICE: Final = 100
_MESSAGE_EVENTS: Final = (Message, UndecryptableMessage)


@dataclass(frozen=True, slots=True)
class Queued:
    """A pipeline item: an event and the generation of the neonize client that produced it."""

    generation: int
    event: Any


@dataclass(frozen=True, slots=True)
class RetryPending:
    """Synthetic item: try again the receipts/changes waiting for these message ids."""

    channel_ids: tuple[str, ...]


def _merge_identities(batch: list[InboundMessage]) -> list[InboundMessage]:
    """Give every message of a chat all identities seen for it in the batch (the store reads them per chat)."""
    known: dict[str, dict[Identity, None]] = {}
    for message in batch:
        known.setdefault(message.chat_key, {}).update(dict.fromkeys(message.identities))
    return [
        message
        if len(message.identities) == len(known[message.chat_key])
        else replace(message, identities=tuple(known[message.chat_key]))
        for message in batch
    ]


def _reason(exc: Exception) -> str:
    """Why an event was refused, without customer data (exception messages may quote the event)."""
    if isinstance(exc, MalformedEvent):
        return exc.reason
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
    return f"translation failed: {type(exc).__name__}{where}"


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event refused as malformed (:class:`~.sanitize.MalformedEvent`): it goes to the dead letters on its own.

    ``kind`` is the event's type name (``"Message"``, ``"HistorySync"``, …) and ``reason`` what was wrong, without
    customer data.
    """

    item: Queued
    kind: str
    reason: str


def group_key(item: Queued | RetryPending) -> Hashable | None:
    if not isinstance(item, Queued):
        return None
    event = item.event
    if isinstance(event, _MESSAGE_EVENTS) or (isinstance(event, RawEvent) and event.kind in MESSAGE_KINDS):
        return MESSAGE_GROUP
    return None


def spool_id_of(item: Queued | RetryPending) -> int | None:
    """The spool row an item came from (None for items that carry no customer data)."""
    if isinstance(item, Queued) and isinstance(item.event, RawEvent):
        return item.event.spool_id
    return None


def _unpacked(item: Queued) -> tuple[Any, int | None]:
    """The neonize event of an item and its spool id; a raw event is parsed here (raises on malformed bytes)."""
    if isinstance(item.event, RawEvent):
        return item.event.parse(), item.event.spool_id
    return item.event, None


def _ids(spool_ids: Sequence[int | None]) -> list[int]:
    return [spool_id for spool_id in spool_ids if spool_id is not None]


class EventProcessor:
    """Turns queued events into sink calls.

    Args:
        account_id: the account.
        sinks: the app's callbacks.
        on_connection_event: called for every other event (state machine), with the event's client generation.
        pn_lookup: resolves a LID to a phone-number user through whatsmeow's local store (None if unknown).
        group_title: the subject of a group chat ("" if unknown); live group messages do not carry it.
    """

    def __init__(
        self,
        account_id: int,
        sinks: WhatsAppSinks,
        on_connection_event: Callable[[int, Any], None],
        pn_lookup: Callable[[str], Awaitable[str | None]],
        group_title: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.sinks = sinks
        self.addresses = AddressBook()
        self.quotes = QuoteCache()
        self.waiting = WaitingValues(account_id, sinks)
        self._to_retry: list[str] | None = None  # loaded waiting values to try at once (None: not loaded yet)
        self._on_connection_event = on_connection_event
        self._pn_lookup = pn_lookup
        self._group_title = group_title

    @property
    def pending_receipts(self) -> PendingByTarget[Parked[DeliveryState]]:
        return self.waiting.receipts

    @property
    def pending_changes(self) -> PendingByTarget[Parked[MessageChange]]:
        return self.waiting.changes

    async def process(self, group: list[Queued | RetryPending]) -> None:
        """Handle one group from the pipeline (several messages, or one other item)."""
        if self._to_retry is None:  # the first group of a run: what waited when the last run ended comes first
            self._to_retry = await self.waiting.load()
        if self._to_retry:
            await self._retry_pending(self._to_retry)
            self._to_retry = []
        await self._process(group)
        await self.waiting.flush()

    async def _process(self, group: list[Queued | RetryPending]) -> None:
        first = group[0]
        rejected: list[Rejected] = []
        if isinstance(first, RetryPending):
            await self._retry_pending(first.channel_ids)
            return
        unpacked: list[tuple[Queued, Any, int | None]] = []
        for item in group:
            if not isinstance(item, Queued):
                continue
            try:  # parsing the raw bytes: a failure here is the event's own
                event, spool_id = _unpacked(item)
            except Exception as exc:
                rejected.append(self._rejected(item, exc))
                continue
            unpacked.append((item, event, spool_id))
        if unpacked:
            queued, event, spool_id = unpacked[0]
            if isinstance(event, _MESSAGE_EVENTS):
                await self._messages(unpacked, rejected)
            elif isinstance(event, Receipt):
                await self._receipt(queued, event, spool_id, rejected)
            elif isinstance(event, (HistorySync, RawHistorySync)):
                await self._history(queued, event, spool_id, rejected)
            else:
                self._on_connection_event(first.generation, event)
        if rejected:
            await self._reject(rejected)

    async def _reject(self, rejected: list[Rejected]) -> None:
        for one in rejected:
            log.warning("account %d: %s event rejected: %s", self.account_id, one.kind, one.reason)
            spool_id = spool_id_of(one.item)
            if spool_id is None:
                self.sinks.on_log(self.account_id, "event_rejected", f"{one.kind}: {one.reason}")
            else:
                await self.sinks.dead_letter(self.account_id, spool_id, f"{one.kind}: {one.reason}")
                self.sinks.on_log(self.account_id, "dead_letter", f"{one.kind}: {one.reason}")

    @staticmethod
    def _rejected(item: Queued, exc: Exception) -> Rejected:
        event = item.event
        if isinstance(event, RawEvent):
            kind = event.kind
        else:
            kind = "HistorySync" if isinstance(event, RawHistorySync) else type(event).__name__
        return Rejected(item, kind, _reason(exc))

    # -- messages ----------------------------------------------------------------------------------------------

    async def _messages(self, items: list[tuple[Queued, Any, int | None]], rejected: list[Rejected]) -> None:
        """Store a burst of messages; the spool rows of the stored (or ignored) ones go in the same transaction,
        those of reactions, edits and revokes once these are applied (applying one twice is harmless)."""
        batch: list[InboundMessage] = []
        changes: list[MessageChange] = []
        links: list[IdentityLink] = []
        consumed: list[int | None] = []
        change_ids: list[int | None] = []
        for queued, event, spool_id in items:
            if not isinstance(event, _MESSAGE_EVENTS):
                rejected.append(self._rejected(queued, MalformedEvent("not a message event in a message group")))
                continue
            try:  # pure reading of the event: a failure here is the event's own
                source = event.Info.MessageSource
                link = translate.link_of(source)
                lid = self._lid_to_resolve(source)
            except Exception as exc:
                rejected.append(self._rejected(queued, exc))
                continue
            if link is not None and self.addresses.learn(link):
                links.append(link)
            if lid is not None:
                await self._resolve_lid(lid)  # whatsmeow's store: a failure here is retried with the group
            pn_for_lid = self.addresses.pn_for_lid
            try:
                if isinstance(event, Message):
                    item = translate.translate_message(event, self.account_id, pn_for_lid)
                else:
                    item = translate.placeholder(event, self.account_id, pn_for_lid)
            except Exception as exc:
                rejected.append(self._rejected(queued, exc))
                continue
            if item is None:
                consumed.append(spool_id)
                continue
            self._remember_chat(source, item.chat_key)
            if isinstance(item, InboundMessage):
                batch.append(item)
                consumed.append(spool_id)
                if isinstance(event, Message):
                    self._remember_quote(event)
            else:
                changes.append(item)
                change_ids.append(spool_id)
        if links:
            await self.sinks.on_links(self.account_id, links)
        if batch:
            await self._name_groups(batch)
        stored_ids = _ids(consumed)
        if batch or stored_ids:
            await self.sinks.on_messages(_merge_identities(batch), stored_ids)
        if batch:
            await self._retry_pending([message.channel_id for message in batch])
        if changes:
            await self._apply_changes(changes, _ids(change_ids))

    async def _name_groups(self, batch: list[InboundMessage]) -> None:
        if self._group_title is None:
            return
        for index, message in enumerate(batch):
            if message.is_group and not message.chat_title:
                title = await self._group_title(message.chat_key)
                if title:
                    batch[index] = replace(message, chat_title=title)

    def _lid_to_resolve(self, source: Any) -> str | None:
        """The LID of a LID-only 1:1 message whose number is not known yet."""
        if source.IsGroup:
            return None
        chat = from_proto(source.Chat, "chat JID")
        if chat is None or chat.kind != "lid" or chat.user in self.addresses.pn_for_lid:
            return None
        alternate = source.RecipientAlt if source.IsFromMe else source.SenderAlt
        return None if alternate.User else chat.user

    async def _resolve_lid(self, lid_user: str) -> None:
        """Ask whatsmeow's LID map for the number of a LID-only 1:1 chat (local, no network)."""
        pn_user = await self._pn_lookup(lid_user)
        if pn_user:
            link = IdentityLink(lid_user, pn_user)
            self.addresses.learn(link)
            await self.sinks.on_links(self.account_id, [link])

    def _remember_chat(self, source: Any, chat_key: str) -> None:
        chat = from_proto(source.Chat)
        if chat is not None and chat.kind in ("pn", "group"):
            self.addresses.remember_send_jid(chat_key, str(chat))

    def _remember_quote(self, event: Any) -> None:
        source = event.Info.MessageSource
        sender = source.Sender
        if sender.Server == "lid" and source.SenderAlt.User:
            sender = source.SenderAlt
        try:
            quoted = QuotedMessage(
                from_me=bool(source.IsFromMe),
                author_jid=Jid2String(JIDToNonAD(sender)),
                message=event.Message.SerializePartialToString(),
            )
        except Exception:  # only a reply's quote is lost; the message itself is stored
            log.warning("account %d: message not kept for quoting", self.account_id)
            return
        self.quotes.put(event.Info.ID, quoted)

    # -- receipts and changes ----------------------------------------------------------------------------------

    async def _receipt(self, queued: Queued, event: Any, spool_id: int | None, rejected: list[Rejected]) -> None:
        """Apply a receipt; its spool row goes with the waiting copies of the ids not stored yet (or dead-lettered)."""
        try:
            update = translate.receipt_update(event, self.addresses.pn_for_lid)
        except Exception as exc:
            rejected.append(self._rejected(queued, exc))
            return
        if isinstance(update, ReadElsewhere):
            await self.sinks.on_read_elsewhere(self.account_id, update)
            await self.sinks.spool_remove(self.account_id, _ids([spool_id]))
        elif isinstance(update, ReceiptUpdate):
            await self.apply_receipt(update.channel_ids, update.state, update.chat_key, _ids([spool_id]))
        else:
            await self.sinks.spool_remove(self.account_id, _ids([spool_id]))

    async def apply_receipt(
        self,
        channel_ids: Sequence[str],
        state: DeliveryState,
        chat_key: str | None = None,
        spool_ids: Sequence[int] = (),
    ) -> None:
        """Apply a receipt; ids whose message is not stored (yet) wait, durably (counted to ``chat_key``)."""
        waiting: list[tuple[str, DeliveryState, str]] = []
        for channel_id in channel_ids:
            if not await self.sinks.on_receipt(self.account_id, [channel_id], state):
                waiting.append((channel_id, state, chat_key or ""))
        await self.waiting.park(receipts=waiting, spool_ids=spool_ids)

    def best_pending_state(self, channel_id: str) -> DeliveryState | None:
        """Take the receipts already received for our just-sent message ``channel_id`` (they raced the send; the
        sender stores the state with the message, their rows go at the next flush)."""
        taken = [parked for _, _, values in self.waiting.receipts.take([channel_id]) for parked in values]
        self.waiting.forget(taken)
        states = [parked.value for parked in taken]
        return max(states, key=DELIVERY_RANK.__getitem__) if states else None

    async def _apply_changes(self, changes: Sequence[MessageChange], spool_ids: Sequence[int] = ()) -> None:
        """Apply changes; those whose message is not stored wait, durably, with the removal of ``spool_ids``."""
        await self.waiting.park(changes=await self.sinks.on_changes(changes), spool_ids=spool_ids)

    async def _retry_pending(self, channel_ids: Sequence[str]) -> None:
        waiting = self.waiting
        for channel_id, since, receipts in waiting.receipts.take(channel_ids):
            best = max(receipts, key=lambda parked: DELIVERY_RANK[parked.value])
            if await self.sinks.on_receipt(self.account_id, [channel_id], best.value):
                waiting.forget(receipts)
            else:
                waiting.receipts.add(channel_id, best, since, best.chat)
                waiting.forget([parked for parked in receipts if parked is not best])
        taken = waiting.changes.take(channel_ids)
        if not taken:
            return
        still = list(await self.sinks.on_changes([parked.value for _, _, values in taken for parked in values]))
        for channel_id, since, parked_changes in taken:
            for parked in parked_changes:
                if parked.value in still:
                    still.remove(parked.value)
                    waiting.changes.add(channel_id, parked, since, parked.chat)
                else:
                    waiting.forget([parked])

    # -- history sync ------------------------------------------------------------------------------------------

    async def _history(self, queued: Queued, event: Any, spool_id: int | None, rejected: list[Rejected]) -> None:
        """Store a history blob: conversations parsed and translated in slices (the loop runs in between), stored
        ≈1,000 messages per transaction, the next chunk being translated while the previous one is written. The
        spool row goes with the history's sync state once every chunk is stored (a replay stores nothing twice); a
        blob with malformed parts stores the rest and then goes to the dead letters."""
        conversations: Iterable[Any]
        try:
            if isinstance(event, RawHistorySync):
                split = split_history(event.payload)
                header, conversations = split.header, split.encoded_conversations
            else:
                header, conversations = event.Data, iter(event.Data.conversations)
        except (ValueError, IndexError, DecodeError) as exc:
            rejected.append(self._rejected(queued, MalformedEvent(f"malformed history blob ({type(exc).__name__})")))
            return
        links = [link for link in history.mapping_links(header) if self.addresses.learn(link)]
        if links:
            await self.sinks.on_links(self.account_id, links)
        hints = history.history_hints(header)
        if hints:
            await self.sinks.on_hints(self.account_id, hints)
        writing: asyncio.Task[None] | None = None
        messages: list[InboundMessage] = []
        changes: list[MessageChange] = []
        stored = 0
        malformed = 0
        try:
            pn_for_lid = self.addresses.pn_for_lid
            for piece in history.conversation_chunks(conversations, self.account_id, pn_for_lid, HISTORY_SLICE):
                new_links = [link for link in piece.links if self.addresses.learn(link)]
                if new_links:
                    await self.sinks.on_links(self.account_id, new_links)
                messages.extend(piece.messages)
                changes.extend(piece.changes)
                malformed += piece.malformed
                if len(messages) >= HISTORY_CHUNK:
                    writing = await self._next_write(writing, messages, changes)
                    stored += len(messages)
                    messages, changes = [], []
                await asyncio.sleep(0)  # let the UI run between slices
            writing = await self._next_write(writing, messages, changes)
            stored += len(messages)
            if writing is not None:
                await writing
        finally:
            if writing is not None and not writing.done():
                writing.cancel()
        cursor = f"type={header.syncType} chunk={header.chunkOrder} progress={header.progress}"
        if malformed:
            reason = f"{malformed} malformed conversation(s) or message(s) skipped"
            rejected.append(self._rejected(queued, MalformedEvent(reason)))
            await self.sinks.on_messages([], [], SyncState(self.account_id, "history", cursor=cursor))
        else:
            await self.sinks.on_messages([], _ids([spool_id]), SyncState(self.account_id, "history", cursor=cursor))
        self.sinks.on_log(self.account_id, "history_sync", f"{cursor} messages={stored}")
        self.sinks.on_history_progress(self.account_id, int(header.progress), stored)

    async def _next_write(
        self, previous: asyncio.Task[None] | None, messages: list[InboundMessage], changes: list[MessageChange]
    ) -> asyncio.Task[None] | None:
        """Wait for the previous chunk's write, then start writing this one (writes stay in order)."""
        if previous is not None:
            await previous
        if not messages and not changes:
            return None
        return asyncio.get_running_loop().create_task(self._write_history_chunk(messages, changes))

    async def _write_history_chunk(self, messages: list[InboundMessage], changes: list[MessageChange]) -> None:
        if messages:
            await self.sinks.on_messages(messages)
            await self._retry_pending([message.channel_id for message in messages])
        if changes:
            await self._apply_changes(changes)
