"""The mail composer's drafts per conversation (recipients, subject, text), kept like the chat drafts: in memory at
once, in the store soon after (debounced, through the store's writer), removed when the mail is sent."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from deskchat.store import mail_preferences
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.mail_preferences import MailDraft
from deskchat.ui.tasks import run_async

SAVE_DELAY_MS = 500


class MailDrafts(QObject):
    saved = Signal()  # changed drafts reached the store

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self._store = store
        self._widget = parent
        self._known: dict[int, MailDraft | None] = {}  # None: no draft (prefill a reply)
        self._unsaved: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_later)

    def draft_of(self, conversation_id: int) -> MailDraft | None:
        if conversation_id not in self._known:
            with self._store.read() as conn:
                self._known[conversation_id] = mail_preferences.mail_draft_of(conn, conversation_id)
        return self._known[conversation_id]

    def edited(self, conversation_id: int, draft: MailDraft) -> None:
        self._remember(conversation_id, draft)
        self._timer.start()

    def keep(self, conversation_id: int, draft: MailDraft) -> None:
        """The attendant left the conversation: keep what the composer shows (saved at once, in the background)."""
        self._remember(conversation_id, draft)
        self._timer.start(0)

    def sent(self, conversation_id: int) -> None:
        self._known[conversation_id] = None
        self._unsaved.add(conversation_id)
        self._timer.start(0)

    def _remember(self, conversation_id: int, draft: MailDraft) -> None:
        if self._known.get(conversation_id) != draft:
            self._known[conversation_id] = draft
            self._unsaved.add(conversation_id)

    def _take(self) -> dict[int, MailDraft | None]:
        pending = {conversation_id: self._known.get(conversation_id) for conversation_id in self._unsaved}
        self._unsaved.clear()
        return pending

    def save_later(self) -> None:
        pending = self._take()
        if pending:
            run_async(self._write(pending), self._widget)

    async def _write(self, pending: dict[int, MailDraft | None]) -> None:
        await self._store.write(lambda conn: mail_preferences.save_mail_drafts(conn, pending, now=now_ms()))
        self.saved.emit()

    def save_now(self) -> None:
        self._timer.stop()
        pending = self._take()
        if pending:
            self._store.write_now(lambda conn: mail_preferences.save_mail_drafts(conn, pending, now=now_ms()))
