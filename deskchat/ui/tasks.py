"""Running coroutines from Qt slots, with failures shown instead of lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("deskchat.ui")

_running: set[asyncio.Task[Any]] = set()


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
            if parent is not None:
                QMessageBox.warning(
                    parent,
                    "DeskChat",
                    QCoreApplication.translate("Tasks", "The action could not be completed: %1").replace(
                        "%1", str(error)
                    ),
                )

    task.add_done_callback(done)
    return task


async def settle() -> None:
    """Wait until every coroutine started by :func:`run_async` has finished (tests and shutdown use it)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
