"""The message history of linked conversations, pushed to the CRM case they are linked to, in batches.

It follows the bus: a message stored or updated (an outgoing one counts once its channel accepted it) in a
conversation linked to a case with a CRM id is queued for that case's history (``append`` items of
:meth:`CrmPush.enqueue_history`). Bursts are coalesced: requests gathered for :data:`COALESCE_S` go out as one
batch per case of at most :data:`~deskchat.services.crm_push.HISTORY_BATCH` messages.

A conversation newly linked to a case — by hand, by a lead or case created for it, by auto-lead, by subject or phone —
pushes its earlier messages too, once: the store remembers which message was queued for which case, and which links
had their earlier messages queued (:mod:`deskchat.store.crm_history`), in the same transaction as the queued items.
Links are looked for every :data:`LINK_CHECK_S` (linking publishes no event) and at once on conversation changes. At
start (when the CRM account is ready) every linked conversation is searched for what was stored but never queued.

Each message has a stable CRM id (derived from the case and the local message), so a message queued twice is a
duplicate the server ignores. Only the plain text is sent, never an e-mail's HTML; attachments by name, type and size.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import ContactChanged, ConversationChanged, ConversationsReset, MessageStored, MessageUpdated
from deskchat.services.crm_push import HISTORY_BATCH, Channel, CrmPush, HistoryMessage
from deskchat.store import crm_history
from deskchat.store.crm_history import Due, HistoryEntry

log = logging.getLogger("deskchat.crm.history")

COALESCE_S: Final = 1.0  # a burst of messages within this time goes out as few batches
LINK_CHECK_S: Final = 5.0  # how often new links are looked for when nothing else happens
MAX_BODY_CHARS: Final = 65_536  # the contract's limit of a message body
MAX_SENDER_CHARS: Final = 320
MAX_EXTERNAL_ID_CHARS: Final = 500
BATCH_BYTES: Final = 1_000_000  # a batch is cut before its bodies reach this size
_READ_CHUNK: Final = 200  # messages read from the store at a time
_ID_SPACE: Final = uuid.UUID("6f1f6b7e-3c52-4e1a-9d0e-6a4c2f1d8b11")


def history_message_id(case_crm_id: str, message_id: int) -> str:
    """The CRM id of a local message in a case's history: the same every time it is queued."""
    return str(uuid.uuid5(_ID_SPACE, f"{case_crm_id}/{message_id}"))


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} KB"
    return f"{size} B"


def history_body(entry: HistoryEntry) -> str:
    """The plain text of a message for the CRM: the subject of an e-mail first, attachments by name last."""
    parts: list[str] = []
    if entry.subject:
        parts.append(f"Assunto: {entry.subject}")
    if entry.text:
        parts.append(entry.text + (" […]" if entry.text_cut else ""))
    parts += [f"[Anexo: {name or 'sem nome'} ({mime}, {_size(size)})]" for name, mime, size in entry.attachments]
    body = "\n\n".join(parts)
    return body if len(body) <= MAX_BODY_CHARS else body[: MAX_BODY_CHARS - 3] + "[…]"


def _channel(account_kind: str) -> Channel:
    return "whatsapp" if account_kind == "whatsapp" else "email" if account_kind == "email" else "manual"


def _history_message(case_crm_id: str, entry: HistoryEntry) -> HistoryMessage:
    sender = entry.sender_name[:MAX_SENDER_CHARS] or None
    external = entry.channel_id if 0 < len(entry.channel_id) <= MAX_EXTERNAL_ID_CHARS else None
    return HistoryMessage(
        direction="out" if entry.outgoing else "in",
        channel=_channel(entry.account_kind),
        body=history_body(entry),
        sent_at_ms=entry.sent_at,
        sender=sender,
        external_id=external,
        id=history_message_id(case_crm_id, entry.message_id),
    )


class CrmHistory:
    """Args:
    crm_push: where CRM writes are queued (None until the CRM account exists: requests wait meanwhile).
    """

    def __init__(
        self,
        store: Any,
        bus: EventBus,
        crm_push: Callable[[], CrmPush | None],
        *,
        coalesce_s: float = COALESCE_S,
        link_check_s: float = LINK_CHECK_S,
    ) -> None:
        self._store = store
        self._push = crm_push
        self._coalesce_s = coalesce_s
        self._link_check_s = link_check_s
        self._messages: set[int] = set()
        self._links_due = True
        self._everything_due = True  # at start: what was stored but never queued is found again
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # batches queued since start
        self.idle = asyncio.Event()  # nothing waits to be looked at (or the CRM account is not there yet)
        self._unfollow = [
            bus.subscribe(MessageStored, self._on_message),
            bus.subscribe(MessageUpdated, self._on_message),
            bus.subscribe(ConversationChanged, self._on_links_maybe),
            bus.subscribe(ContactChanged, self._on_links_maybe),
            bus.subscribe(ConversationsReset, self._on_reset),
        ]
        self._want()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="crm-history")

    async def stop(self) -> None:
        for unfollow in self._unfollow:
            unfollow()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def search_everything(self) -> None:
        """Look at every linked conversation (the CRM account became ready)."""
        self._everything_due = True
        self._want()

    def check_links(self) -> None:
        """Look for conversations newly linked to a case now rather than at the next periodic check."""
        self._links_due = True
        self._want()

    def _want(self) -> None:
        self.idle.clear()
        self._wanted.set()

    def _on_message(self, event: MessageStored | MessageUpdated) -> None:
        self._messages.add(event.message_id)
        self._links_due = True  # a new conversation may have been linked with its first message
        self._want()

    def _on_links_maybe(self, _event: ConversationChanged | ContactChanged) -> None:
        self.check_links()

    def _on_reset(self, _event: ConversationsReset) -> None:
        self.search_everything()  # many messages stored at once (a history sync) publish no event each

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wanted.wait(), self._link_check_s)
                await asyncio.sleep(self._coalesce_s)  # the rest of a burst joins this round
            except TimeoutError:
                self._links_due = True
            self._wanted.clear()
            push = self._push()
            if push is None:  # no CRM yet: the search at the account's start finds what is stored meanwhile
                self._messages.clear()
                self._everything_due = True
                self.idle.set()
                continue
            messages, links, everything = sorted(self._messages), self._links_due, self._everything_due
            self._messages, self._links_due, self._everything_due = set(), False, False
            work = partial(self._queue_due, push=push, messages=messages, links=links, everything=everything)
            try:
                self.batches += await push.in_transaction(work)
            except Exception as error:  # its text may quote stored values: only its kind is logged
                log.error("the CRM history could not be queued (%s); searched again next round", type(error).__name__)
                self._everything_due = True
            if not self._wanted.is_set():
                self.idle.set()

    def _queue_due(self, conn: Connection, push: CrmPush, messages: list[int], *, links: bool, everything: bool) -> int:
        """In one transaction: find what is due, queue it in batches, remember it; returns how many batches."""
        now = push.now()
        due: set[Due] = set()
        if links or everything:
            crm_history.forget_gone_links(conn)
            new = crm_history.new_links(conn)
            if not everything:
                due.update(crm_history.due_in_links(conn, new))
            crm_history.remember_links(conn, new, now=now)
        if everything:
            due.update(crm_history.due_everywhere(conn))
        else:
            due.update(crm_history.due_among(conn, messages))
        if not due:
            return 0
        crm_ids = crm_history.case_crm_ids(conn, (case_id for case_id, _ in due))
        by_case: dict[int, list[int]] = defaultdict(list)
        for case_id, message_id in due:
            by_case[case_id].append(message_id)
        batches = 0
        for case_id, message_ids in sorted(by_case.items()):
            batches += self._queue_case(conn, push, crm_ids[case_id], sorted(message_ids), now=now)
            crm_history.remember_queued(conn, ((case_id, message_id) for message_id in message_ids), now=now)
        return batches

    def _queue_case(
        self, conn: Connection, push: CrmPush, case_crm_id: str, message_ids: list[int], *, now: int
    ) -> int:
        """Queue a case's messages in time order, in batches of at most HISTORY_BATCH messages and BATCH_BYTES."""
        ordered = crm_history.in_time_order(conn, message_ids)
        batches, batch, size = 0, list[HistoryMessage](), 0
        for start in range(0, len(ordered), _READ_CHUNK):  # read a chunk at a time: a backfill may be long
            chunk = ordered[start : start + _READ_CHUNK]
            read = crm_history.entries(conn, chunk, max_text_bytes=MAX_BODY_CHARS * 4)
            for message in (_history_message(case_crm_id, read[message_id]) for message_id in chunk):
                if batch and (len(batch) >= HISTORY_BATCH or size + len(message.body) > BATCH_BYTES):
                    push.enqueue_history(conn, case_crm_id, batch, now=now)
                    batches, batch, size = batches + 1, [], 0
                batch.append(message)
                size += len(message.body)
        if batch:
            push.enqueue_history(conn, case_crm_id, batch, now=now)
            batches += 1
        return batches
