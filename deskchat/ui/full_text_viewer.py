"""The whole text of a long message, read-only, in its own window (a bubble shows only its start).

QPlainTextEdit lays out only the blocks it shows, so a text of many lines opens at once; a single line of megabytes
would still be laid out whole, so very long lines are shown broken into pieces (the viewer is for reading).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

# Lines longer than this are shown in pieces of this length.
PIECE_CHARS = 2000


def readable_lines(text: str) -> str:
    """``text`` with every line longer than :data:`PIECE_CHARS` broken into pieces."""
    if len(text) <= PIECE_CHARS:
        return text
    pieces: list[str] = []
    for line in text.split("\n"):
        if len(line) <= PIECE_CHARS:
            pieces.append(line)
        else:
            pieces.extend(line[first : first + PIECE_CHARS] for first in range(0, len(line), PIECE_CHARS))
    return "\n".join(pieces)


class FullTextViewer(QDialog):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fullTextViewer")
        self.setWindowTitle(self.tr("Whole message"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.text_view = QPlainTextEdit(self)
        self.text_view.setObjectName("fullText")
        self.text_view.setReadOnly(True)
        self.text_view.setFont(QFont(self.font()))
        self.text_view.setPlainText(readable_lines(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)
