"""The status bar names each account once: a CRM account called "CRM" (as connecting names it) or the demo's
"CRM (demonstração)" is not shown as "CRM CRM …"."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from ui_harness import App

from deskchat.core.events import ChannelStateChanged
from deskchat.store import accounts
from deskchat.store.clock import now_ms


def _status_texts(app: App) -> list[str]:
    bar = app.window.statusBar()
    return [label.text() for label in bar.findChildren(QLabel) if label.isVisible()]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("CRM", "CRM: Connected — ana@127.0.0.1"),
        ("CRM (demonstração)", "CRM (demonstração): Connected — ana@127.0.0.1"),
    ],
)
def test_the_crm_account_is_named_once(app: App, qtbot: QtBot, name: str, shown: str) -> None:
    added = app.store.write_now(lambda conn: accounts.create_account(conn, "crm", name, now=now_ms()))
    app.runtime.bus.publish(ChannelStateChanged(added, "online", "ana@127.0.0.1"))
    qtbot.waitUntil(lambda: shown in _status_texts(app), timeout=2000)
    assert not any("CRM CRM" in text for text in _status_texts(app))
