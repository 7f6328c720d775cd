"""A bug in a slot, a task, a loop callback or a thread is logged without customer data and shown in a non-modal
crash dialog; the app keeps running."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from deskchat.ui import crash, tasks
from deskchat.ui.crash import CrashDialog, install_crash_hooks

CANARY = "Maria Canário +55 11 98765-4321"

pytestmark = [pytest.mark.qt_no_exception_capture, pytest.mark.allow_error_logs]


class CustomerDataError(RuntimeError):
    pass


def failing_slot() -> None:
    raise CustomerDataError(CANARY)


@pytest.fixture
def hooks(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    uninstall = install_crash_hooks(loop)
    yield
    uninstall()
    dialog = crash.reporter().dialog
    if dialog is not None:
        dialog.close()
    gc.collect()


def _dialog(qtbot: Any) -> CrashDialog:
    qtbot.waitUntil(lambda: crash.reporter().dialog is not None and crash.reporter().dialog.isVisible(), timeout=3000)
    dialog = crash.reporter().dialog
    assert dialog is not None
    return dialog


def _check_report(dialog: CrashDialog, caplog: pytest.LogCaptureFixture, where: str) -> None:
    details = dialog.details.toPlainText()
    assert "CustomerDataError" in details and f"in: {where}" in details
    assert "failing_slot" in details or "fail" in details
    assert not dialog.isModal() and QApplication.activeModalWidget() is None
    assert dialog.message.text().startswith("An unexpected error occurred")
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors and all(record.name == "deskchat.crash" for record in errors)
    assert "CustomerDataError" in caplog.text
    assert CANARY not in caplog.text and CANARY not in details  # the message may hold customer data


def test_a_bug_in_a_slot_shows_the_crash_dialog_and_the_app_keeps_running(
    qtbot: Any, hooks: None, caplog: pytest.LogCaptureFixture
) -> None:
    button = QPushButton("go")
    qtbot.addWidget(button)
    clicks: list[int] = []
    button.clicked.connect(failing_slot)
    button.clicked.connect(lambda: clicks.append(1))
    button.show()
    button.click()
    dialog = _dialog(qtbot)
    _check_report(dialog, caplog, crash.SLOT)
    button.click()  # still alive, and the second report joins the open dialog
    qtbot.waitUntil(lambda: dialog.details.toPlainText().count("in: slot") == 2)
    assert clicks == [1, 1]
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.details.toPlainText()


def test_a_failing_loop_callback_is_reported(
    qtbot: Any, loop: asyncio.AbstractEventLoop, hooks: None, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        asyncio.get_running_loop().call_soon(failing_slot)
        await asyncio.sleep(0.05)

    loop.run_until_complete(scenario())
    _check_report(_dialog(qtbot), caplog, crash.LOOP)


def test_a_failing_thread_is_reported(qtbot: Any, hooks: None, caplog: pytest.LogCaptureFixture) -> None:
    worker = threading.Thread(target=failing_slot)
    worker.start()
    worker.join()
    _check_report(_dialog(qtbot), caplog, crash.THREAD)


def test_a_failing_action_started_from_the_ui_is_reported(
    qtbot: Any, loop: asyncio.AbstractEventLoop, hooks: None, caplog: pytest.LogCaptureFixture
) -> None:
    async def action() -> None:
        failing_slot()

    tasks.run_async(action())
    loop.run_until_complete(tasks.settle())
    _check_report(_dialog(qtbot), caplog, crash.ACTION)
    assert [type(error) for error in tasks.failures] == [CustomerDataError]
    tasks.failures.clear()
