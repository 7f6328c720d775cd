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


def _message_and_conversation(
    conn: Connection, message_id: int, conversation_id: int
) -> tuple[messages.MessageRow | None, conversations.ConversationRow | None]:
    return messages.get(conn, message_id), conversations.get(conn, conversation_id)


class NotificationService:
    def __init__(self, store: Store, bus: EventBus, settings: Settings, presenter: NotificationPresenter) -> None:
        self._store = store
        self._settings = settings
        self._presenter = presenter
        self._tasks: set[asyncio.Task[None]] = set()
        self._recount_pending = False
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
        self._start(self._consider(event.conversation_id, event.message_id))

    def _on_conversations_changed(self, _event: Event) -> None:
        self.recount()

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # published with no loop running (a synchronous caller): nothing to tell now
            work.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notification failed", exc_info=task.exception())

    # -- deciding ------------------------------------------------------------------------------------------------

    async def _consider(self, conversation_id: int, message_id: int) -> None:
        desktop, sound = self._settings.get(NOTIFY_DESKTOP), self._settings.get(NOTIFY_SOUND)
        if not (desktop or sound):
            return
        message, conversation = await self._store.read_later(
            partial(_message_and_conversation, message_id=message_id, conversation_id=conversation_id)
        )
        if message is None or conversation is None or message.outgoing:
            return
        if conversation.is_group and self._settings.get(GROUPS) == "ignore":
            return
        if self._presenter.is_watching(conversation_id):
            return
        self._presenter.notify(
            Notification(
                conversation_id,
                conversation.title,
                first_line(message.text, message.subject or conversation.last_preview),
                conversation.channel,
                desktop=desktop,
                sound=sound,
            )
        )

    def _groups(self) -> bool:
        """Whether group conversations count (not while groups are ignored: the list hides them then)."""
        return self._settings.get(GROUPS) != "ignore"

    async def _recount(self) -> None:
        self._recount_pending = False  # a task's first step runs on the next turn: this turn's changes joined it
        total = await self._store.read_later(partial(conversations.unread_total, include_groups=self._groups()))
        self._presenter.show_unread_total(total)
