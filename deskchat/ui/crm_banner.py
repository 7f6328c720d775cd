"""The banner in the status bar while the CRM lane is stalled: "CRM unavailable — N items in the queue", with
"Reconnect to the CRM" when a sign-in is needed and "Open journal" always; while the lane drains but items failed
or conflict, "CRM: N items need your attention". It follows ``crm_sync_changed``."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from deskchat.services.crm_sync_status import Stalled


class CrmBanner(QWidget):
    journal_requested = Signal()
    reconnect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crmBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("crmBannerText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setStyleSheet("color: #c62828; font-weight: bold;")
        layout.addWidget(self.label)
        self.reconnect_button = QPushButton(self.tr("Reconnect to the CRM"), self)
        self.reconnect_button.setObjectName("crmReconnect")
        self.reconnect_button.clicked.connect(self.reconnect_requested)
        layout.addWidget(self.reconnect_button)
        self.journal_button = QPushButton(self.tr("Open journal"), self)
        self.journal_button.setObjectName("crmBannerJournal")
        self.journal_button.clicked.connect(self.journal_requested)
        layout.addWidget(self.journal_button)
        self.hide()

    def show_status(self, stalled: str, queued: int, failed: int = 0, conflicts: int = 0) -> None:
        """While the lane is stalled: unavailable, with how many wait; otherwise, while items failed or conflict:
        how many need the attendant; else hidden."""
        if not stalled:
            self._show_attention(failed + conflicts)
            return
        self.label.setStyleSheet("color: #c62828; font-weight: bold;")
        why = {
            Stalled.SIGN_IN: self.tr("sign-in needed"),
            Stalled.RATE_LIMITED: self.tr("too many requests, waiting"),
        }.get(stalled, "")
        text = self.tr("CRM unavailable — %n item(s) in the queue", "", queued)
        self.label.setText(f"{text} ({why})" if why else text)
        self.reconnect_button.setVisible(stalled == Stalled.SIGN_IN)
        self.show()

    def _show_attention(self, count: int) -> None:
        if count <= 0:
            self.hide()
            return
        self.label.setStyleSheet("color: #ef6c00; font-weight: bold;")
        self.label.setText(self.tr("CRM: %n item(s) need your attention", "", count))
        self.reconnect_button.hide()
        self.show()
