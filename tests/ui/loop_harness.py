"""Driving the qasync loop in tests: a ticking task that stands for the app's background work, waiting on the loop
for a condition, and running a scenario with a safety net against a nested event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

WAIT_S = 5.0
T = TypeVar("T")


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait on the loop (other tasks run meanwhile) until ``condition`` holds; fail after WAIT_S seconds."""
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


class Ticker:
    """A task that stands for the outbox, the media queue and the WhatsApp pipelines: it must keep ticking."""

    def __init__(self) -> None:
        self.ticks = 0
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(0.005)

    async def keeps_ticking(self) -> None:
        start = self.ticks
        await until(lambda: self.ticks >= start + 10, "ten more ticks")


def run(loop: asyncio.AbstractEventLoop, scenario: Coroutine[Any, Any, T]) -> T:
    """Run ``scenario`` on the qasync loop, with a safety net for the old code: a box running its own event loop
    inside a task leaves every task stuck for good, so after a while the boxes are closed and the loop is stopped;
    the test then fails instead of hanging."""

    def give_up() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.close()
        loop.stop()

    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(give_up)
    watchdog.start(int(WAIT_S * 3 * 1000))
    try:
        return loop.run_until_complete(scenario)
    finally:
        watchdog.stop()


def visible(parent: Any, name: str) -> list[QMessageBox]:
    return [box for box in parent.findChildren(QMessageBox, name) if box.isVisible()]


def answer(box: QMessageBox, label: str) -> None:
    """Click the button of ``box`` labelled ``label``."""
    [button] = [b for b in box.buttons() if isinstance(b, QPushButton) and b.text() == label]
    button.click()
