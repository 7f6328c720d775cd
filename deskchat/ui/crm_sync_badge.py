"""A CRM record's sync state in words, for the info pane: synced / pending / waiting to retry at HH:MM / conflict /
failed — action needed (the reason in the tooltip). It refreshes whenever the CRM queue changes (the bus bridge's
``crm_sync_changed``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from deskchat.store import crm_queue
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import RecordSync, SyncState
from deskchat.store.database import Store
from deskchat.ui.bridge import BusBridge

_COLOURS = {
    SyncState.SYNCED: "#2e7d32",
    SyncState.PENDING: "#616161",
    SyncState.RETRY: "#ef6c00",
    SyncState.CONFLICT: "#c62828",
    SyncState.FAILED: "#c62828",
}


def clock_time(ms: int) -> str:
    """Unix ms as the attendant's local HH:MM."""
    return QDateTime.fromMSecsSinceEpoch(ms).toString("HH:mm")


def sync_state_text(sync: RecordSync) -> str:
    """The state in words (shared with the journal)."""
    if sync.state == SyncState.SYNCED:
        return QCoreApplication.translate("CrmSyncBadge", "Synced")
    if sync.state == SyncState.RETRY and sync.retry_at is not None:
        text = QCoreApplication.translate("CrmSyncBadge", "Waiting to retry at %1")
        return text.replace("%1", clock_time(sync.retry_at))
    if sync.state == SyncState.CONFLICT:
        return QCoreApplication.translate("CrmSyncBadge", "Conflict — choose which version stays")
    if sync.state == SyncState.FAILED:
        return QCoreApplication.translate("CrmSyncBadge", "Failed — action needed")
    return QCoreApplication.translate("CrmSyncBadge", "Pending")


class CrmSyncBadge(QLabel):
    """Embed it and call :meth:`show_record` with the record's key (``"contacts:<uuid>"``, ``"cases:<uuid>"``);
    with None it hides. A click on a conflict or a failure emits :attr:`activated` with the outbox item's id (connect
    it to :meth:`MainWindow.open_crm_item`)."""

    activated = Signal(int)

    def __init__(
        self,
        store: Store,
        bridge: BusBridge | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crmSyncBadge")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._store = store
        self._clock = clock
        self._record_key: str | None = None
        self.sync = RecordSync(SyncState.SYNCED)
        self.hide()
        if bridge is not None:
            bridge.crm_sync_changed.connect(self.refresh)

    @property
    def record_key(self) -> str | None:
        return self._record_key

    def show_record(self, record_key: str | None) -> None:
        self._record_key = record_key
        self.refresh()

    def refresh(self, *_changed: object) -> None:
        """Read the record's state again (a small indexed read)."""
        key = self._record_key
        if key is None:
            self.hide()
            return
        with self._store.read() as conn:
            self.sync = crm_queue.record_sync_state(conn, key, self._clock())
        self.setText(sync_state_text(self.sync))
        self.setToolTip(self.sync.reason)
        self.setStyleSheet(f"color: {_COLOURS.get(self.sync.state, '#616161')};")
        actionable = self.sync.state in (SyncState.CONFLICT, SyncState.FAILED)
        self.setCursor(Qt.CursorShape.PointingHandCursor if actionable else Qt.CursorShape.ArrowCursor)
        self.show()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.sync.item_id is not None and self.sync.state in (SyncState.CONFLICT, SyncState.FAILED):
            self.activated.emit(self.sync.item_id)
        super().mouseReleaseEvent(event)
