"""The real neonize client behind the connection screen, on this machine that cannot reach WhatsApp."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from deskchat.core.events import ChannelStateChanged
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.tasks import settle


def test_connect_without_internet_says_so_keeps_retrying_and_quits_within_3_seconds(
    qtbot: Any, qapp: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path
) -> None:
    qapp.setQuitOnLastWindowClosed(False)  # as the app runs: its own shutdown, not Qt's
    store = Store.open(profile)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
    runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir)  # the real adapter
    services = WindowServices(
        store, runtime.bus, runtime.messaging, runtime.tickets, whatsapp=runtime.whatsapp, accounts=runtime.accounts
    )
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_connections()
    assert dialog is not None
    card = dialog.cards[account_id]
    states: list[str] = []
    offline = asyncio.Event()

    def seen(event: ChannelStateChanged) -> None:
        states.append(event.state)
        if event.state in ("offline", "waiting_qr"):
            offline.set()

    runtime.bus.subscribe(ChannelStateChanged, seen)

    async def connect_and_wait() -> None:
        qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
        await settle()
        await asyncio.wait_for(offline.wait(), timeout=30)

    loop.run_until_complete(connect_and_wait())
    if states[-1] == "waiting_qr":
        loop.run_until_complete(runtime.stop())
        store.close()
        pytest.skip("this machine reaches WhatsApp")
    assert card.status_label.text() == "No internet"
    assert "keeps trying" in card.hint_label.text()

    async def quit_app() -> bool:
        window.close()
        return await asyncio.wait_for(runtime.stop(), timeout=3.0)  # the app's shutdown budget

    stuck = loop.run_until_complete(quit_app())
    assert not stuck
    assert states[0] == "connecting" and "offline" in states
    store.close()
    qapp.setQuitOnLastWindowClosed(True)
