"""Running coroutines from Qt slots, with failures shown instead of lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("deskchat.ui")

_running: set[asyncio.Task[Any]] = set()
#: Failures shown to the attendant so far (tests check it stays empty).
failures: list[BaseException] = []


def run_async(coroutine: Awaitable[Any], parent: QWidget | None = None) -> asyncio.Task[Any]:
    """Schedule ``coroutine`` on the running loop; an exception is logged and shown to the attendant."""
    task = asyncio.ensure_future(coroutine)
    _running.add(task)

    def done(finished: asyncio.Task[Any]) -> None:
        _running.discard(finished)
        if finished.cancelled():
            return
        error = finished.exception()
        if error is not None:
            log.error("action failed", exc_info=error)
            failures.append(error)
            if parent is not None:
                # not QMessageBox.warning(): its nested event loop would stall the asyncio loop behind it
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    "DeskChat",
                    QCoreApplication.translate("Tasks", "The action could not be completed: %1").replace(
                        "%1", str(error)
                    ),
                    QMessageBox.StandardButton.Ok,
                    parent,
                )
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()

    task.add_done_callback(done)
    return task


async def settle() -> None:
    """Wait until every coroutine started by :func:`run_async` has finished (tests and shutdown use it)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
