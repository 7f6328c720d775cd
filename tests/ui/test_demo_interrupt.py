"""Ctrl+C in the terminal of a running DeskChat (e.g. ``--demo``) closes the window, and so the app, in order."""

from __future__ import annotations

import os
import signal

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from deskchat.ui.interrupt import close_on_interrupt


def test_ctrl_c_closes_the_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    undo = close_on_interrupt(window)
    try:
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    finally:
        undo()


def test_undo_gives_back_the_previous_handler(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    before = signal.getsignal(signal.SIGINT)
    close_on_interrupt(window)()
    assert signal.getsignal(signal.SIGINT) is before
