"""A real window over a real encrypted store, with a fake channel at the channel boundary."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui_harness import App, FakeChannel, customer_messages

from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui import tasks
from deskchat.ui.main_window import MainWindow, WindowServices


@pytest.fixture(autouse=True)
def no_failed_actions() -> Iterator[None]:
    """Every action a test starts must succeed unless the test expects otherwise (and clears the list)."""
    tasks.failures.clear()
    yield
    assert tasks.failures == []


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[App]:
    store = Store.open(profile)
    account_id = store.write_now(
        lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", "+5511", now=now_ms())
    )
    runtime = Runtime(store)
    channel = FakeChannel()
    runtime.channels[account_id] = channel
    loop.run_until_complete(runtime.ingest.ingest(customer_messages(account_id)))
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        WindowServices(
            store,
            runtime.bus,
            runtime.messaging,
            runtime.tickets,
            reading=runtime.reading,
            conversation_start=runtime.conversation_start,
        ),
        settings,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield App(loop, store, runtime, window, channel, account_id)
    window.close()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()  # collect the window here, on the GUI thread, not later on some worker thread
