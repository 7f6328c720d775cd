"""The status bar follows the channels live, also for an account added while the window is open."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from ui_harness import App

from deskchat.core.events import ChannelStateChanged, StorageFullChanged
from deskchat.store import accounts
from deskchat.store.clock import now_ms


def _status_texts(app: App) -> list[str]:
    """The status bar's texts, left to right."""
    bar = app.window.statusBar()
    bar.layout().activate()
    labels = [label for label in bar.findChildren(QLabel) if label.isVisible()]
    return [label.text() for label in sorted(labels, key=lambda label: label.mapTo(bar, label.rect().topLeft()).x())]


def test_an_account_added_later_shows_its_state_in_the_status_bar(app: App) -> None:
    assert not any("Vendas 2" in text for text in _status_texts(app))
    added = app.store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Vendas 2", now=now_ms()))

    app.runtime.bus.publish(ChannelStateChanged(added, "waiting_qr"))
    assert "WhatsApp Vendas 2: Waiting for the QR code to be read" in _status_texts(app)

    app.runtime.bus.publish(ChannelStateChanged(added, "online", "+55 11 98765-0000"))
    texts = _status_texts(app)
    assert "WhatsApp Vendas 2: Connected — +55 11 98765-0000" in texts
    assert sum("Vendas 2" in text for text in texts) == 1  # one entry per account
    assert texts[-1].startswith("v")  # the version stays last


def test_a_state_for_an_account_not_stored_is_ignored(app: App) -> None:
    before = _status_texts(app)
    app.runtime.bus.publish(ChannelStateChanged(9999, "online"))
    assert _status_texts(app) == before


def test_a_full_disk_is_shown_while_it_lasts(app: App, qtbot: QtBot) -> None:
    full_text = "Disk full — received messages wait for space"
    assert full_text not in _status_texts(app)

    app.runtime.bus.publish(StorageFullChanged(True))
    qtbot.waitUntil(lambda: full_text in _status_texts(app), timeout=2000)
    app.window.show_history_progress(1, 40, 1000)  # a passing message does not hide it
    assert full_text in _status_texts(app)
    assert _status_texts(app)[-1].startswith("v")  # the version stays last

    app.runtime.bus.publish(StorageFullChanged(False))  # space is back
    qtbot.waitUntil(lambda: full_text not in _status_texts(app), timeout=2000)
