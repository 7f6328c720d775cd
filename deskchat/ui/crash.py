"""Bugs that slipped through: logged without customer data and shown in a non-modal crash dialog.

:func:`install_crash_hooks` routes ``sys.excepthook`` (an exception in a Qt slot), ``threading.excepthook`` (a worker
thread) and the asyncio loop's exception handler (a callback or a task nobody awaited) to one
:class:`CrashReporter`; :func:`deskchat.ui.tasks.run_async` sends its failed tasks there too. The app keeps running:
a bug in one slot never ends it.

The report holds exception types and the code's frames, never exception messages or variables: those may carry a
customer's text, name or number, and the attendant may paste the details into a ticket for IT.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat import __version__

log = logging.getLogger("deskchat.crash")

#: Where a report came from (shown in the details).
SLOT, THREAD, LOOP, ACTION = "slot", "thread", "loop", "action"


def describe_bug(error: BaseException, where: str) -> str:
    """The bug's exception types and frames (file, line, function, code), oldest cause first, without messages."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines = [f"DeskChat {__version__}, Python {platform.python_version()}, {platform.platform()}", f"in: {where}"]
    for exception in reversed(chain):
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(exception.__traceback__):
            lines.append(f'  File "{_short(frame.filename)}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        kind = type(exception)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message left out: it may hold customer data)")
    return "\n".join(lines)


def _short(filename: str) -> str:
    """A source path from the package down (no user name or profile folder in the report)."""
    parts = Path(filename).parts
    for anchor in ("deskchat", "site-packages", "asyncio", "qasync"):
        if anchor in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index(anchor) :])
    return Path(filename).name


class CrashDialog(QDialog):
    """ "An unexpected error occurred…", the details, "Copy details" and "Close"; never modal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("DeskChat — unexpected error"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.message = QLabel(
            self.tr(
                "An unexpected error occurred… DeskChat keeps running. If it happens again, copy the details and"
                " send them to IT."
            ),
            self,
        )
        self.message.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton(self.tr("Copy details"), self)
        self.copy_button.setObjectName("copyCrashDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_details)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def add_report(self, report: str) -> None:
        if self.details.toPlainText():
            self.details.appendPlainText("\n" + "-" * 40)
        self.details.appendPlainText(report)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashReporter(QObject):
    """Logs each bug and shows it; safe to call from any thread (the dialog is shown on the GUI thread)."""

    _reported = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.count = 0
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, error: BaseException, where: str) -> None:
        details = describe_bug(error, where)
        log.error("unexpected error\n%s", details)
        self.count += 1
        self._reported.emit(details)

    def report_text(self, what: str, where: str) -> None:
        """A bug the loop described without an exception (its own words, no values)."""
        details = f"DeskChat {__version__}\nin: {where}\n{what}"
        log.error("unexpected error\n%s", details)
        self.count += 1
        self._reported.emit(details)

    def _show(self, details: str) -> None:
        if self.dialog is None:
            parent = QApplication.activeWindow()
            self.dialog = CrashDialog(parent)
            self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.add_report(details)
        self.dialog.show()
        self.dialog.raise_()

    def _forget_dialog(self) -> None:
        self.dialog = None


_reporter: CrashReporter | None = None


def reporter() -> CrashReporter:
    """The app's reporter (made on first use; needs the QApplication)."""
    global _reporter
    if _reporter is None:
        _reporter = CrashReporter(QApplication.instance())
    return _reporter


def install_crash_hooks(loop: asyncio.AbstractEventLoop | None = None) -> Callable[[], None]:
    """Route uncaught exceptions of slots, threads and ``loop`` to :func:`reporter`; returns the undo."""
    crash = reporter()
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook
    previous_loop_handler = loop.get_exception_handler() if loop is not None else None

    def excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous_hook(kind, error, tb)
            return
        if error.__traceback__ is None:
            error = error.with_traceback(tb)
        crash.report(error, SLOT)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        crash.report(args.exc_value, THREAD)

    def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            crash.report(error, LOOP)
        else:
            crash.report_text(str(context.get("message", "unknown")), LOOP)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    if loop is not None:
        loop.set_exception_handler(loop_handler)

    def uninstall() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook
        if loop is not None:
            loop.set_exception_handler(previous_loop_handler)

    return uninstall
