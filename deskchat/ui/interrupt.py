"""Ctrl+C in the terminal closes the window, so the app shuts down in order (as if the attendant closed it).

Python runs a signal handler only when the interpreter gets control; Qt's event loop may sit in C++ for long, and a
``KeyboardInterrupt`` raised inside a slot or timer is only reported there. So the handler is woken through a socket
(``signal.set_wakeup_fd``) that a :class:`QSocketNotifier` watches, and it asks the window to close from the loop.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QWidget


def close_on_interrupt(window: QWidget) -> Callable[[], None]:
    """SIGINT closes ``window``; returns the undo (restores the previous handler and wake-up descriptor)."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:  # running Python here lets the interpreter run the handler below
        try:
            while reader.recv(64):
                pass
        except BlockingIOError:
            pass

    def interrupted(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, window.close)

    notifier.activated.connect(drain)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    previous_handler = signal.signal(signal.SIGINT, interrupted)

    def undo() -> None:
        signal.signal(signal.SIGINT, previous_handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        reader.close()
        writer.close()

    return undo
