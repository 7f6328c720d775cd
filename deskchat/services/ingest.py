"""Inbound: a channel event becomes stored rows (one transaction) and then bus events."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import (
    ConversationChanged,
    ConversationsReset,
    DeliveryState,
    MessageStored,
    MessageUpdated,
)
from deskchat.core.messages import IdentityKind, InboundMessage, SyncState
from deskchat.core.sync_steps import SyncStep
from deskchat.core.tickets import DEFAULT_REOPEN_WINDOW
from deskchat.services.tickets import apply_customer_message
from deskchat.store import case_links, contacts, conversations, spool, sync_state, sync_steps
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage

log = logging.getLogger("deskchat.ingest")

#: From this many messages on, a batch is written with one multi-row insert and announced as one list reload.
BULK_THRESHOLD = 200


@dataclass(frozen=True, slots=True)
class Stored:
    conversation_id: int  # of the stored row (an upgraded placeholder keeps its own)
    message_id: int | None  # None: already stored, nothing changed
    upgraded: bool = False  # the message took over its placeholder row (``message_id``) instead of adding one


class ConversationCache:
    """(account, chat key) → conversation id, for the conversations seen lately (bounded)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._capacity = capacity
        self._ids: OrderedDict[tuple[int, str], int] = OrderedDict()

    def get(self, key: tuple[int, str]) -> int | None:
        found = self._ids.get(key)
        if found is not None:
            self._ids.move_to_end(key)
        return found

    def put(self, key: tuple[int, str], conversation_id: int) -> None:
        self._ids[key] = conversation_id
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)

    def clear(self) -> None:
        self._ids.clear()


def preview_of(message: InboundMessage) -> str:
    if message.text:
        return message.text
    if message.subject:
        return message.subject
    if message.attachments:
        return message.attachments[0].file_name
    return message.kind


def _conversation_for(conn: Connection, message: InboundMessage, cache: ConversationCache, now: int) -> int:
    key = (message.account_id, message.chat_key)
    conversation_id = cache.get(key)
    if conversation_id is None:
        name = "" if message.is_group else message.sender_name or message.chat_title
        contact_id = contacts.find_or_create_contact(conn, list(message.identities), name, now=now)
        conversation_id = conversations.find_or_create_conversation(
            conn,
            message.account_id,
            message.chat_key,
            contact_id,
            message.chat_title,
            is_group=message.is_group,
            now=now,
        )
        cache.put(key, conversation_id)
    return conversation_id


def thread_parent(conn: Connection, message: InboundMessage, earlier: set[tuple[int, str]]) -> str | None:
    """Which message a mail answers: its In-Reply-To when that mail is stored (or earlier in ``earlier``, the batch),
    else the newest stored References entry; when none is stored, In-Reply-To (else the last reference), so the
    parent still resolves if it arrives later. Messages without thread headers keep what the channel said."""
    thread = message.thread
    if thread is None or not (thread.in_reply_to or thread.references):
        return message.reply_to_channel_id
    candidates = list(dict.fromkeys(c for c in (thread.in_reply_to, *reversed(thread.references)) if c))
    known = message_store.known_channel_ids(conn, message.account_id, candidates)
    known.update(c for c in candidates if (message.account_id, c) in earlier)
    return next((c for c in candidates if c in known), candidates[0])


def _new_message(message: InboundMessage, conversation_id: int, reply_to: str | None) -> NewMessage:
    delivery = message.delivery or (DeliveryState.SENT if message.outgoing else DeliveryState.RECEIVED)
    return NewMessage(
        conversation_id=conversation_id,
        account_id=message.account_id,
        channel_id=message.channel_id,
        outgoing=message.outgoing,
        text=message.text,
        sent_at=message.sent_at,
        delivery=delivery,
        kind=message.kind,
        sender_name=message.sender_name,
        subject=message.subject,
        reply_to_channel_id=reply_to,
        attachments=message.attachments,
    )


def store_batch(
    conn: Connection,
    batch: Sequence[InboundMessage],
    cache: ConversationCache | None = None,
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW,
    *,
    now: int,
) -> list[Stored]:
    """Store ``batch`` in the caller's transaction at ``now`` (unix ms), deduplicated; each conversation's list row is
    updated once.

    A real message whose id is stored as a placeholder upgrades that row. A customer's new message counts as unread
    and reopens a ticket closed up to ``reopen_window`` ago (see :func:`apply_customer_message`), unless it comes
    from history.
    """
    cache = cache if cache is not None else ConversationCache()
    conversation_ids: list[int] = []
    rows: list[NewMessage] = []
    seen: dict[tuple[int, str], int] = {}  # this batch's conversations, without touching the LRU per message
    earlier: set[tuple[int, str]] = set()  # (account, channel id) of this batch's mails so far, for threading
    for message in batch:
        key = (message.account_id, message.chat_key)
        conversation_id = seen.get(key) or _conversation_for(conn, message, cache, now)
        seen[key] = conversation_id
        conversation_ids.append(conversation_id)
        reply_to = message.reply_to_channel_id
        if message.thread is not None:
            reply_to = thread_parent(conn, message, earlier)
            earlier.add((message.account_id, message.channel_id))
        rows.append(_new_message(message, conversation_id, reply_to))
    results = _write(conn, rows, conversation_ids, in_bulk=len(batch) >= BULK_THRESHOLD, now=now)
    _update_conversations(conn, batch, results, reopen_window)
    _link_by_phone(conn, batch, results, now)
    return results


_PHONE_KINDS = frozenset({IdentityKind.PHONE, IdentityKind.WA_PN})


def _link_by_phone(conn: Connection, batch: Sequence[InboundMessage], results: list[Stored], now: int) -> None:
    """A customer's live WhatsApp message links its conversation to the customer's open case ("phone")."""
    chats = {
        stored.conversation_id
        for message, stored in zip(batch, results, strict=True)
        if stored.message_id is not None
        and not (message.outgoing or message.historical or message.automatic or message.is_group)
        and message.kind != "email"
        and any(identity.kind in _PHONE_KINDS for identity in message.identities)
    }
    for conversation_id in chats:
        case_links.link_to_open_case(conn, conversation_id, case_links.BY_PHONE, now=now)


def _write(
    conn: Connection, rows: list[NewMessage], conversation_ids: list[int], *, in_bulk: bool, now: int
) -> list[Stored]:
    if in_bulk:
        written = message_store.put_messages(conn, rows, now=now)
        results = [Stored(cid, mid) for cid, mid in zip(conversation_ids, written.ids, strict=True)]
        for upgrade in written.upgraded:  # messages that were not inserted: their results say None so far
            results[upgrade.position] = Stored(upgrade.conversation_id, upgrade.id, upgraded=True)
        return results
    results = []
    for conversation_id, row in zip(conversation_ids, rows, strict=True):
        one = message_store.put_message(conn, row, now=now)
        results.append(
            Stored(conversation_id, None) if one is None else Stored(one.conversation_id, one.id, one.upgraded)
        )
    return results


def _update_conversations(
    conn: Connection, batch: Sequence[InboundMessage], results: list[Stored], reopen_window: timedelta
) -> None:
    """List rows (newest preview, unread badges) and tickets after the batch's rows were written."""
    newest: dict[int, InboundMessage] = {}
    unread: dict[int, int] = {}
    newest_incoming: dict[int, int] = {}
    for message, stored in zip(batch, results, strict=True):
        if stored.message_id is None:
            continue  # already stored: nothing changes
        conversation_id = stored.conversation_id
        if not (message.outgoing or message.historical or stored.upgraded):
            unread[conversation_id] = unread.get(conversation_id, 0) + 1
        if not (message.outgoing or message.historical or stored.upgraded or message.automatic):
            newest_incoming[conversation_id] = max(newest_incoming.get(conversation_id, 0), message.sent_at)
        best = newest.get(conversation_id)
        if best is None or message.sent_at >= best.sent_at:
            newest[conversation_id] = message
    for conversation_id in conversations.closed_among(conn, list(newest_incoming)):
        apply_customer_message(conn, conversation_id, newest_incoming[conversation_id], reopen_window)
    conversations.record_messages(
        conn,
        [
            conversations.ListUpdate(
                conversation_id, message.sent_at, preview_of(message), message.outgoing, unread.get(conversation_id, 0)
            )
            for conversation_id, message in newest.items()
        ],
    )


def _new_html(batch: Sequence[InboundMessage], results: list[Stored]) -> list[tuple[int, str]]:
    """(row id, HTML) of the messages this batch inserted with an HTML part (a mail whose body came with it)."""
    return [
        (stored.message_id, message.html)
        for message, stored in zip(batch, results, strict=True)
        if message.html and stored.message_id is not None and not stored.upgraded
    ]


class IngestService:
    """Stores channel messages and tells the rest of the app.

    Attributes:
        ignore_groups: group messages (``InboundMessage.is_group``) are dropped here, before the store is touched:
            they are not stored, not counted and not announced, and :meth:`ingest` returns no result for them. This
            is the ``whatsapp.groups = "ignore"`` setting; every channel hands its messages (live and history) to
            :meth:`ingest`, so no channel needs to know. Groups stored before stay in the store (the list hides them).
        reopen_window: how long after closing a ticket a customer's message still reopens it.
    Both may change while the app runs (the runtime follows the settings); a change applies from the next batch.
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        *,
        ignore_groups: bool = False,
        reopen_window: timedelta = DEFAULT_REOPEN_WINDOW,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock  # unix ms: the store's stored_at, created_at and sync times (tests pass a fake one)
        self.ignore_groups = ignore_groups
        self.reopen_window = reopen_window
        self._cache = ConversationCache()  # used on the writer thread only
        self._stale = False  # chat keys changed: the writer empties the cache before its next batch

    def forget_conversations(self) -> None:
        """Conversations were re-keyed (a LID chat moved to its number): resolve every chat key again."""
        self._stale = True

    async def ingest(
        self,
        batch: Sequence[InboundMessage],
        consumed: Sequence[int] = (),
        sync: SyncState | None = None,
        steps: Sequence[SyncStep] = (),
    ) -> list[Stored]:
        """Store ``batch`` and announce it; one result per message kept (see :attr:`ignore_groups`).

        The channel's own steps run in the same transaction: the spool rows ``consumed`` (the raw events this batch
        came from) are removed, ``steps`` (:mod:`deskchat.core.sync_steps`: e-mail UID map, flags, bodies, case
        links) are written, and ``sync`` (its progress marker) is saved, or none of it happens.
        """
        if self.ignore_groups:
            batch = [message for message in batch if not message.is_group]
        if not batch and not consumed and sync is None and not steps:
            return []
        step_results: list[sync_steps.StepsWritten] = []
        reopen_window = self.reopen_window
        consumed = list(consumed)

        def work(conn: Connection) -> list[Stored]:
            now = self._clock()
            if self._stale:
                self._stale = False
                self._cache.clear()
            try:
                results = store_batch(conn, batch, self._cache, reopen_window, now=now) if batch else []
            except BaseException:
                self._cache.clear()  # it may name rows of the transaction being rolled back
                raise
            if batch:
                sync_steps.put_html(conn, _new_html(batch, results))
            if consumed:
                spool.remove(conn, consumed)
            if steps:
                inserted = {
                    (message.account_id, message.channel_id)
                    for message, stored in zip(batch, results, strict=True)
                    if stored.message_id is not None and not stored.upgraded
                }
                step_results[:] = [sync_steps.apply_steps(conn, steps, inserted, now=now)]
            if sync is not None:
                sync_state.save_sync_state(
                    conn,
                    sync.account_id,
                    sync.folder,
                    uidvalidity=sync.uidvalidity,
                    highest_uid=sync.highest_uid,
                    highest_modseq=sync.highest_modseq,
                    cursor=sync.cursor,
                    now=now,
                )
            return results

        results = await self._store.write(work)
        if batch:
            self._announce(batch, results)
        for written in step_results:
            for conversation_id, message_id in written.messages:
                self._bus.publish(MessageUpdated(conversation_id, message_id))
            for conversation_id in written.conversations | {c for c, _m in written.messages}:
                self._bus.publish(ConversationChanged(conversation_id))
        return results

    def _announce(self, batch: Sequence[InboundMessage], results: list[Stored]) -> None:
        if len(batch) >= BULK_THRESHOLD:
            self._bus.publish(ConversationsReset())
            for stored in results:
                if stored.upgraded and stored.message_id is not None:
                    self._bus.publish(MessageUpdated(stored.conversation_id, stored.message_id))
            return
        touched: set[int] = set()
        for message, stored in zip(batch, results, strict=True):
            touched.add(stored.conversation_id)
            if stored.message_id is None:
                continue
            if stored.upgraded:
                self._bus.publish(MessageUpdated(stored.conversation_id, stored.message_id))
            else:
                self._bus.publish(
                    MessageStored(stored.conversation_id, stored.message_id, message.outgoing, message.historical)
                )
        for conversation_id in touched:
            self._bus.publish(ConversationChanged(conversation_id))
