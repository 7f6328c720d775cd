"""Who is told of what when a customer writes: the decision, without Qt.

:class:`NotificationService` listens on the bus. A customer's new message (not outgoing, not from a history sync, not
in a group while groups are ignored) becomes a :class:`Notification` for the presenter (a desktop notification and a
sound, each as the settings allow) unless the attendant is looking at that conversation. After every change to the
conversations it recounts the unread messages for the window title and the tray. The presenter is the UI's
(``deskchat.ui.notifier``); tests may give any object with its three methods.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Connection

from deskchat.config import GROUPS, NOTIFY_DESKTOP, NOTIFY_SOUND, Settings
from deskchat.core.bus import EventBus, Priority
from deskchat.core.events import ConversationChanged, ConversationsReset, Event, MessageStored
from deskchat.store import conversations, messages
from deskchat.store.database import Store

log = logging.getLogger("deskchat.notifications")

FIRST_LINE_CHARS = 120


@dataclass(frozen=True)
class Notification:
    """What the attendant is told of one new message."""

    conversation_id: int
    contact: str  # the conversation's title: the customer's name or number
    first_line: str
    channel: str  # a ChannelKind value
    desktop: bool  # show a desktop notification
    sound: bool  # play the sound
    more: int = 0  # other new messages that arrived with it (a burst gets one notification)


class NotificationPresenter(Protocol):
    def is_watching(self, conversation_id: int) -> bool:
        """Whether the attendant sees this conversation now (the window in front and the conversation open)."""
        ...

    def notify(self, notification: Notification) -> None: ...

    def show_unread_total(self, total: int) -> None: ...


def first_line(text: str, fallback: str) -> str:
    """The first non-blank line of ``text`` (else ``fallback``), cut to :data:`FIRST_LINE_CHARS`."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "") or fallback.strip()
    line = "".join(ch if ch.isprintable() else " " for ch in line)
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "…"


def _messages_and_conversations(
    conn: Connection, ids: list[tuple[int, int]]
) -> list[tuple[messages.MessageRow, conversations.ConversationRow]]:
    """The stored rows of ``ids`` ((conversation id, message id)), in order, skipping any gone meanwhile."""
    found = []
    known: dict[int, conversations.ConversationRow | None] = {}
    for conversation_id, message_id in ids:
        if conversation_id not in known:
            known[conversation_id] = conversations.get(conn, conversation_id)
        message, conversation = messages.get(conn, message_id), known[conversation_id]
        if message is not None and conversation is not None:
            found.append((message, conversation))
    return found


class NotificationService:
    def __init__(self, store: Store, bus: EventBus, settings: Settings, presenter: NotificationPresenter) -> None:
        self._store = store
        self._settings = settings
        self._presenter = presenter
        self._tasks: set[asyncio.Task[None]] = set()
        self._recount_pending = False
        self._waiting: list[tuple[int, int]] = []  # (conversation id, message id) stored this turn
        self._unsubscribe = [
            bus.subscribe(MessageStored, self._on_message_stored, Priority.SERVICE),
            bus.subscribe(ConversationChanged, self._on_conversations_changed, Priority.SERVICE),
            bus.subscribe(ConversationsReset, self._on_conversations_changed, Priority.SERVICE),
        ]

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for task in self._tasks:
            task.cancel()

    async def settle(self) -> None:
        """Wait until every decision and count started so far is done (tests use it)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def recount(self) -> None:
        """Count the unread messages again (coalesced: one count per turn of the loop however many changes)."""
        if self._recount_pending:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # before the loop runs (the window is attached first): one small read, now
            with self._store.read() as conn:
                self._presenter.show_unread_total(conversations.unread_total(conn, include_groups=self._groups()))
            return
        self._recount_pending = True
        self._start(self._recount())

    # -- the bus -------------------------------------------------------------------------------------------------

    def _on_message_stored(self, event: MessageStored) -> None:
        if event.outgoing or event.historical:
            return
        self._waiting.append((event.conversation_id, event.message_id))
        if len(self._waiting) == 1:  # the first of this turn: one decision for all of them
            self._start(self._consider_waiting())

    def _on_conversations_changed(self, _event: Event) -> None:
        self.recount()

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # published with no loop running (a synchronous caller): nothing to tell now
            work.close()
            self._waiting.clear()
            return
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notification failed", exc_info=task.exception())

    # -- deciding ------------------------------------------------------------------------------------------------

    async def _consider_waiting(self) -> None:
        """One notification per turn of the loop, for the newest message that deserves one; a burst from many
        customers says how many more there are instead of a notification (and a sound) for each."""
        waiting, self._waiting = self._waiting, []
        desktop, sound = self._settings.get(NOTIFY_DESKTOP), self._settings.get(NOTIFY_SOUND)
        if not (desktop or sound):
            return
        found = await self._store.read_later(partial(_messages_and_conversations, ids=waiting))
        ignore_groups = self._settings.get(GROUPS) == "ignore"
        worth = [
            (message, conversation)
            for message, conversation in found
            if not message.outgoing
            and not (conversation.is_group and ignore_groups)
            and not self._presenter.is_watching(conversation.id)
        ]
        if not worth:
            return
        message, conversation = worth[-1]
        self._presenter.notify(
            Notification(
                conversation.id,
                conversation.title,
                first_line(message.text, message.subject or conversation.last_preview),
                conversation.channel,
                desktop=desktop,
                sound=sound,
                more=len(worth) - 1,
            )
        )

    def _groups(self) -> bool:
        """Whether group conversations count (not while groups are ignored: the list hides them then)."""
        return self._settings.get(GROUPS) != "ignore"

    async def _recount(self) -> None:
        self._recount_pending = False  # a task's first step runs on the next turn: this turn's changes joined it
        total = await self._store.read_later(partial(conversations.unread_total, include_groups=self._groups()))
        self._presenter.show_unread_total(total)
