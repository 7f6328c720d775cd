"""Running coroutines from Qt slots, with failures reported instead of lost."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from PySide6.QtWidgets import QWidget

from deskchat.ui import crash

_running: set[asyncio.Task[Any]] = set()
#: Failures reported so far (tests check it stays empty).
failures: list[BaseException] = []


def run_async(coroutine: Awaitable[Any], parent: QWidget | None = None) -> asyncio.Task[Any]:
    """Schedule ``coroutine`` on the running loop; an exception is a bug: logged and shown in the crash dialog.

    Expected failures (a mistyped number, a server that said no) are the coroutine's to tell, through
    :class:`deskchat.services.notices.Notices`. ``parent`` is kept for callers; the crash dialog needs none.
    """
    task = asyncio.ensure_future(coroutine)
    _running.add(task)

    def done(finished: asyncio.Task[Any]) -> None:
        _running.discard(finished)
        if finished.cancelled():
            return
        error = finished.exception()
        if error is not None:
            failures.append(error)
            crash.reporter().report(error, crash.ACTION)

    task.add_done_callback(done)
    return task


async def settle() -> None:
    """Wait until every coroutine started by :func:`run_async` has finished (tests and shutdown use it)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
