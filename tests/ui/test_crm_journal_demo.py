"""--demo shows the CRM sync at work: the banner (the demo CRM does not answer), the journal with an item waiting,
one failed with its reason and one conflict, badges on the demo records, and a conflict badge that opens the dialog."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from deskchat.demo import populate_demo
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import crm_queue
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import SyncState
from deskchat.store.database import Store
from deskchat.ui.crm_sync_badge import CrmSyncBadge
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.tasks import settle


@pytest.fixture
def demo_window(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any
) -> Iterator[tuple[MainWindow, Store]]:
    store = Store.open(profile)
    populate_demo(store, now_ms=now_ms())
    runtime = Runtime(store)
    window = MainWindow(
        WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, demo=True),
        QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, store
    window.close()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def test_the_demo_shows_the_banner_the_journal_and_the_badges(
    demo_window: tuple[MainWindow, Store], qtbot: QtBot, loop: asyncio.AbstractEventLoop
) -> None:
    window, store = demo_window
    qtbot.waitUntil(window.crm_banner.isVisible, timeout=3000)
    assert window.crm_banner.label.text() == "CRM unavailable — 2 item(s) in the queue"

    window.crm_banner.journal_button.click()
    journal = window.crm_journal_dialog
    assert journal is not None and journal.isVisible()
    states = [entry.state for entry in journal.entries]
    assert states == [SyncState.CONFLICT, SyncState.FAILED, SyncState.RETRY, SyncState.PENDING]
    assert journal.text_at(journal.entries[1].item_id, 2) == "o CRM recusou: CNPJ inválido (422)"

    badge = CrmSyncBadge(store, window.bridge)
    qtbot.addWidget(badge)
    texts = []
    for entry in journal.entries:
        badge.show_record(entry.record_key)
        texts.append(badge.text().split(" às ")[0].split(" at ")[0])
    assert texts == ["Conflict — choose which version stays", "Failed — action needed", "Waiting to retry", "Pending"]

    conflict = journal.entries[0]
    badge.show_record(conflict.record_key)
    badge.activated.connect(window.open_crm_item)
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    loop.run_until_complete(settle())
    assert journal.conflict_dialog is not None and journal.conflict_dialog.isVisible()
    assert journal.conflict_dialog.field_names() == ["status", "priority"]
    with store.read() as conn:
        assert crm_queue.conflict_of(conn, conflict.item_id) is not None
