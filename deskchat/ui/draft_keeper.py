"""Drafts per conversation: the composer's text and the reply bar belong to the conversation they were typed for.

Switching conversations keeps the draft of the one left (in memory at once, in the store soon after) and shows the
draft of the one opened; typing saves the draft to the store debounced (:data:`SAVE_DELAY_MS` after the last change,
through the store's writer, never synchronously per keystroke); sending clears it. The files chosen for a message
would be kept too, but today's composer holds none (a chosen file is queued at once), so ``attachments`` stays empty.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from deskchat.store import drafts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.drafts import EMPTY, Draft
from deskchat.ui.reply_bar import ReplyBar, ReplyTarget
from deskchat.ui.tasks import run_async

SAVE_DELAY_MS = 500

#: Finds what the reply bar shows for a message of a conversation: (conversation id, channel id) → target.
ResolveReply = Callable[[int, str], ReplyTarget | None]


class DraftKeeper(QObject):
    saved = Signal()  # changed drafts reached the store

    def __init__(
        self, store: Store, composer: QPlainTextEdit, reply_bar: ReplyBar, resolve_reply: ResolveReply, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._composer = composer
        self._reply_bar = reply_bar
        self._resolve_reply = resolve_reply
        self._widget = parent
        self._current: int | None = None
        self._known: dict[int, Draft] = {}  # drafts read or edited in this session (the store may lag behind)
        self._unsaved: set[int] = set()
        self._restoring = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_later)
        composer.textChanged.connect(self._edited)
        reply_bar.target_changed.connect(self._edited)

    def switch_to(self, conversation_id: int | None) -> None:
        """Keep the draft of the conversation left and show the draft of ``conversation_id`` (nothing for None)."""
        if self._current is not None and self._current != conversation_id:
            self._capture(self._current)
            self._save_timer.start(0)
        self._current = conversation_id
        draft = self.draft_of(conversation_id) if conversation_id is not None else EMPTY
        self._restoring = True
        try:
            if self._composer.toPlainText() != draft.text:
                self._composer.setPlainText(draft.text)
                self._composer.moveCursor(self._composer.textCursor().MoveOperation.End)
            target = None
            if conversation_id is not None and draft.reply_to_channel_id is not None:
                target = self._resolve_reply(conversation_id, draft.reply_to_channel_id) or ReplyTarget(
                    0, draft.reply_to_channel_id, ""
                )
            if target is None:
                self._reply_bar.clear()
            else:
                self._reply_bar.reply_to(target)
        finally:
            self._restoring = False

    def draft_of(self, conversation_id: int) -> Draft:
        """The conversation's draft as last edited here, else as stored."""
        known = self._known.get(conversation_id)
        if known is None:
            with self._store.read() as conn:
                known = drafts.get(conn, conversation_id)
            self._known[conversation_id] = known
        return known

    def sent(self, conversation_id: int) -> None:
        """The conversation's message went out: its draft is gone."""
        self._known[conversation_id] = EMPTY
        self._unsaved.add(conversation_id)
        self._save_timer.start(0)

    def save_later(self) -> None:
        """Write the changed drafts through the store's writer (in the background)."""
        pending = self._take_unsaved()
        if pending:
            run_async(self._write(pending), self._widget)

    async def _write(self, pending: dict[int, Draft]) -> None:
        await self._store.write(lambda conn: drafts.save_all(conn, pending, now_ms()))
        self.saved.emit()

    def save_now(self) -> None:
        """Write the changed drafts and wait (closing the window)."""
        if self._current is not None:
            self._capture(self._current)
        self._save_timer.stop()
        pending = self._take_unsaved()
        if pending:
            self._store.write_now(lambda conn: drafts.save_all(conn, pending, now_ms()))

    # -- helpers -----------------------------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._restoring or self._current is None:
            return
        self._capture(self._current)
        self._save_timer.start()

    def _capture(self, conversation_id: int) -> None:
        target = self._reply_bar.target
        draft = Draft(self._composer.toPlainText(), target.channel_id if target is not None else None)
        if self._known.get(conversation_id, EMPTY) != draft:
            self._known[conversation_id] = draft
            self._unsaved.add(conversation_id)

    def _take_unsaved(self) -> dict[int, Draft]:
        pending = {conversation_id: self._known.get(conversation_id, EMPTY) for conversation_id in self._unsaved}
        self._unsaved.clear()
        return pending
