"""Work on the window's worker thread whose result is handed to the GUI thread safely.

For reads that must not wait for the event loop (models are built before it runs). One long-lived thread does them
all, in order: the store's connection pool keeps one connection per thread and closes the oldest when more threads
come, even one in use, so a thread per read would break other threads' reads. The result travels through one
long-lived relay object, never through the widget or model that asked (it may be deleted meanwhile: emitting on it
from another thread would race its destruction); the callback runs only if its owner still exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger("deskchat.ui")

T = TypeVar("T")


class _Relay(QObject):
    delivered = Signal(object)  # a callable to run on the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _run(callback: Callable[[], None]) -> None:
        callback()


_relay: _Relay | None = None
_worker: ThreadPoolExecutor | None = None


def run_in_thread(work: Callable[[], T], done: Callable[[T], Any], owner: QObject, name: str) -> None:
    """Run ``work()`` on the window's worker thread, then ``done(result)`` on the GUI thread if ``owner`` still
    exists.

    Call from the GUI thread. A failure of ``work`` (the store closed meanwhile) is logged by its type and dropped.
    """
    global _relay, _worker
    if _relay is None:
        _relay = _Relay()  # on the GUI thread, for the life of the process
    if _worker is None:
        _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskchat-window-reader")
    relay = _relay

    def deliver(result: T) -> None:
        if shiboken6.isValid(owner):
            done(result)

    def run() -> None:
        try:
            result = work()
        except Exception as error:
            log.info("%s skipped (%s)", name, type(error).__name__)
            return
        relay.delivered.emit(lambda: deliver(result))

    _worker.submit(run)
