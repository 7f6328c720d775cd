"""Asking from inside a task suspends only that task; a dismissed question gets its cancel answer."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from loop_harness import WAIT_S, run, until, visible
from PySide6.QtWidgets import QWidget

from deskchat.ui.notices import QUESTION_OBJECT_NAME, WindowNotices


@pytest.fixture(autouse=True)
def collect_widgets_on_the_gui_thread() -> Iterator[None]:
    """Boxes and windows of a test are collected here, not later on a worker thread (a Qt warning there)."""
    yield
    gc.collect()


def test_a_dismissed_question_gets_the_cancel_answer(qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    notices = WindowNotices(window)

    async def scenario() -> str:
        asking = asyncio.ensure_future(notices.ask("Send it now?", ["Send", "Later", "Never"], cancel="Later"))
        await until(lambda: bool(visible(window, QUESTION_OBJECT_NAME)), "the question")
        [box] = visible(window, QUESTION_OBJECT_NAME)
        assert box.defaultButton().text() == "Send"
        box.reject()  # Escape or the window's close button
        return await asyncio.wait_for(asking, WAIT_S)

    assert run(loop, scenario()) == "Later"
