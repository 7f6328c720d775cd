"""The attendant's side of :class:`deskchat.services.notices.Notices`: non-modal message boxes.

Every box is opened with ``open()`` (window-modal, no nested event loop) and answers through its signals, so the
asyncio loop behind it keeps running: outbox, media queue and WhatsApp pipelines go on while a box is up. ``ask``
suspends only the task that awaits it, on an asyncio future that the box's ``finished`` signal completes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from deskchat.services.notices import dismissal

NOTICE_OBJECT_NAME = "notice"
QUESTION_OBJECT_NAME = "question"


class WindowNotices:
    """Shows notices over ``parent`` (a window or dialog) without blocking anything."""

    def __init__(self, parent: QWidget | None) -> None:
        self._parent = parent

    def info(self, text: str) -> None:
        self._show(QMessageBox.Icon.Information, text)

    def warning(self, text: str) -> None:
        self._show(QMessageBox.Icon.Warning, text)

    def error(self, text: str) -> None:
        self._show(QMessageBox.Icon.Critical, text)

    def _show(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, "DeskChat", text, QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName(NOTICE_OBJECT_NAME)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a customer's text or a server's answer is never markup
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    async def ask(self, question: str, choices: Sequence[str], *, cancel: str | None = None) -> str:
        dismissed = dismissal(choices, cancel)
        box = QMessageBox(QMessageBox.Icon.Question, "DeskChat", question, QMessageBox.StandardButton.NoButton)
        box.setParent(self._parent, box.windowFlags())
        box.setObjectName(QUESTION_OBJECT_NAME)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        buttons: dict[QAbstractButton, str] = {}
        for position, choice in enumerate(choices):
            role = QMessageBox.ButtonRole.RejectRole if choice == dismissed else QMessageBox.ButtonRole.AcceptRole
            button = box.addButton(choice, role)
            buttons[button] = choice
            if position == 0:
                box.setDefaultButton(button)
        escape = next(button for button, choice in buttons.items() if choice == dismissed)
        box.setEscapeButton(escape)

        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def finished(_result: int) -> None:
            if not answer.done():
                answer.set_result(buttons.get(box.clickedButton(), dismissed))

        def destroyed() -> None:
            if not answer.done():
                answer.set_result(dismissed)

        box.finished.connect(finished)
        box.destroyed.connect(destroyed)
        box.open()
        try:
            return await answer
        except asyncio.CancelledError:  # the asking task was cancelled: take the question away
            box.close()
            raise
