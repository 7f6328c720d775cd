"""The bar above the composer while the attendant replies to a message: what is quoted, and a way to cancel."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

#: The bar shows one line of the quoted text: no more than this is looked at.
QUOTE_CHARS = 300


@dataclass(frozen=True)
class ReplyTarget:
    message_id: int
    channel_id: str
    text: str


class ReplyBar(QFrame):
    target_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyBar")
        self.setStyleSheet("QFrame#replyBar { background: #f0f2f5; border-left: 4px solid #06cf9c; }")
        self.target: ReplyTarget | None = None
        self.label = QLabel(self)
        self.label.setObjectName("replyText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("replyCancel")
        self.cancel_button.setText("✕")
        self.cancel_button.setToolTip(self.tr("Cancel the reply (Esc)"))
        self.cancel_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    def reply_to(self, target: ReplyTarget) -> None:
        self.target = target
        quoted = " ".join(target.text[:QUOTE_CHARS].split()) or self.tr("(attachment)")
        elided = self.label.fontMetrics().elidedText(quoted, Qt.TextElideMode.ElideRight, 480)
        self.label.setText(self.tr("Replying to: %1").replace("%1", elided))
        self.show()
        self.target_changed.emit()

    def clear(self) -> None:
        changed = self.target is not None
        self.target = None
        self.hide()
        if changed:
            self.target_changed.emit()
