"""The CRM journal: every CRM write not yet done — what waits, what failed and why, what conflicts — with "Try now"
per item and for all, and "Resolve…" for a conflict (the conflict dialog). It follows the CRM queue live."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskchat.services.crm_conflicts import ConflictResolver
from deskchat.services.crm_sync_status import CrmSyncMonitor
from deskchat.store import crm_queue
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import JournalEntry, RecordSync, SyncState
from deskchat.store.database import Store
from deskchat.ui.bridge import BusBridge
from deskchat.ui.crm_conflict import CrmConflictDialog
from deskchat.ui.crm_sync_badge import sync_state_text
from deskchat.ui.tasks import run_async

STATE, RECORD, REASON, ACTION = range(4)


class CrmJournalDialog(QDialog):
    def __init__(
        self,
        store: Store,
        monitor: CrmSyncMonitor,
        resolver: ConflictResolver,
        bridge: BusBridge | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crmJournal")
        self.setWindowTitle(self.tr("CRM sync journal"))
        self.resize(1040, 420)
        self._store, self._monitor, self._resolver, self._clock = store, monitor, resolver, clock
        self.entries: list[JournalEntry] = []
        self.conflict_dialog: CrmConflictDialog | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("crmJournalSummary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("crmJournalTable")
        self.table.setHorizontalHeaderLabels([self.tr("State"), self.tr("Record"), self.tr("Reason"), ""])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        for column in (STATE, RECORD, ACTION):  # the state and the record are read whole, never "Conflito — e…"
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        self.retry_all_button = QPushButton(self.tr("Try all now"), self)
        self.retry_all_button.setObjectName("crmRetryAll")
        self.retry_all_button.clicked.connect(lambda: run_async(self._retry(None), self))
        row.addWidget(self.retry_all_button)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        row.addWidget(close)
        layout.addLayout(row)
        if bridge is not None:
            bridge.crm_sync_changed.connect(self.reload)
        self.reload()

    def _operation_text(self, entry: JournalEntry) -> str:
        names = {
            ("create", "contacts"): self.tr("New lead"),
            ("update", "contacts"): self.tr("Client change"),
            ("create", "cases"): self.tr("New case"),
            ("update", "cases"): self.tr("Case change"),
            ("create", "notes"): self.tr("Note"),
            ("append", "cases"): self.tr("Message history"),
        }
        return names.get((entry.operation, entry.collection), self.tr("CRM change"))

    def _reason_text(self, entry: JournalEntry) -> str:
        reason = entry.reason
        for noise in ("CrmTransientError: ", "RetryAfter: "):
            reason = reason.replace(noise, "")
        return reason

    def reload(self, *_changed: object) -> None:
        with self._store.read() as conn:
            self.entries = crm_queue.journal(conn, self._clock())
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            sync = RecordSync(entry.state, entry.reason, entry.retry_at, entry.item_id)
            record = self._operation_text(entry) + (f" — {entry.label}" if entry.label else "")
            for column, text in (
                (STATE, sync_state_text(sync)),
                (RECORD, record),
                (REASON, self._reason_text(entry)),
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            self.table.setCellWidget(row, ACTION, self._action_button(entry))
        waiting = sum(entry.state in (SyncState.PENDING, SyncState.RETRY) for entry in self.entries)
        failed = sum(entry.state == SyncState.FAILED for entry in self.entries)
        conflicts = sum(entry.state == SyncState.CONFLICT for entry in self.entries)
        self.summary.setText(
            self.tr("%1 waiting, %2 failed, %3 in conflict")
            .replace("%1", str(waiting))
            .replace("%2", str(failed))
            .replace("%3", str(conflicts))
            if self.entries
            else self.tr("Everything is synced with the CRM.")
        )
        self.retry_all_button.setEnabled(bool(self.entries))

    def _action_button(self, entry: JournalEntry) -> QPushButton:
        if entry.state == SyncState.CONFLICT:
            button = QPushButton(self.tr("Resolve…"), self.table)
            button.clicked.connect(lambda: run_async(self.open_conflict(entry.item_id, entry.label), self))
        else:
            button = QPushButton(self.tr("Try now"), self.table)
            button.clicked.connect(lambda: run_async(self._retry([entry.item_id]), self))
        button.setObjectName(f"crmAction_{entry.item_id}")
        return button

    def row_of(self, item_id: int) -> int:
        return next(row for row, entry in enumerate(self.entries) if entry.item_id == item_id)

    def action_button(self, item_id: int) -> QPushButton:
        widget = self.table.cellWidget(self.row_of(item_id), ACTION)
        assert isinstance(widget, QPushButton)
        return widget

    def text_at(self, item_id: int, column: int) -> str:
        item = self.table.item(self.row_of(item_id), column)
        return item.text() if item is not None else ""

    async def _retry(self, item_ids: list[int] | None) -> None:
        await self._monitor.retry_now(item_ids)
        self.reload()

    async def open_conflict(self, item_id: int, label: str = "") -> CrmConflictDialog | None:
        """Show the conflict dialog for a stored conflict; one without a stored version is tried again (the new
        412 fetches the record)."""
        conflict = await self._resolver.conflict(item_id)
        if conflict is None:
            await self._retry([item_id])
            return None
        self.conflict_dialog = CrmConflictDialog(conflict, label, self)
        self.conflict_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.conflict_dialog.decided.connect(lambda item, choices: run_async(self._resolve(item, choices), self))
        self.conflict_dialog.open()
        return self.conflict_dialog

    async def _resolve(self, item_id: int, choices: dict[str, object]) -> None:
        await self._resolver.resolve(item_id, choices)  # type: ignore[arg-type]
        await self._monitor.refresh()
        self.reload()
