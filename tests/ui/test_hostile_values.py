"""Whatever the store holds (bytes in a text column, invalid UTF-8, NUL, NULL, 2^62 or -1 as a time), the window
starts, paints the list, opens the conversation and paints its bubbles; a bad value is logged once, never fatal."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import QModelIndex, QRect, QSettings, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from sqlalchemy import Connection
from ui_harness import App

from deskchat.core.events import ConversationStatus
from deskchat.paths import Profile
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.conversations import ConversationRow
from deskchat.store.database import Store
from deskchat.ui.conversation_delegate import ConversationDelegate
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.chat import MessageRole
from deskchat.ui.models.conversation_list import ConversationIdRole, ConversationRole
from deskchat.ui.tasks import settle

BENCH = Path(__file__).resolve().parent.parent / "bench"
HUGE_MS = 2**62


def _spoil(conn: Connection) -> int:
    """Store hostile values in the newest conversation and its messages (as a broken decoder once did)."""
    conversation_id = int(conn.exec_driver_sql("SELECT id FROM conversations ORDER BY last_message_at DESC").scalar())
    conn.exec_driver_sql(
        "UPDATE conversations SET title = x'436c69656e7465ff', last_preview = CAST(x'eda080' AS TEXT),"
        " last_message_at = ?, unread_count = -5 WHERE id = ?",
        (HUGE_MS, conversation_id),
    )
    conn.exec_driver_sql("UPDATE conversations SET last_message_at = -1 WHERE id <> ?", (conversation_id,))
    ids = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
    ]
    spoilers = [
        "UPDATE messages SET text = x'4f6cc3a1ff', sender_name = x'ff00' WHERE id = ?",  # bytes, invalid UTF-8
        "UPDATE messages SET text = 'a' || char(0) || 'b', sent_at = ? WHERE id = ?",
        "UPDATE messages SET text = CAST(x'eda080' AS TEXT), sent_at = -1, edited_at = ? WHERE id = ?",
        "UPDATE messages SET reply_to_channel_id = x'00ff', deleted_at = ?, kind = x'ff' WHERE id = ?",
    ]
    for statement, message_id in zip(spoilers, ids, strict=False):
        arguments = (message_id,) if statement.count("?") == 1 else (HUGE_MS, message_id)
        conn.exec_driver_sql(statement, arguments)
    return conversation_id


def test_the_window_starts_and_opens_a_conversation_whatever_was_stored(
    app: App, qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    conversation_id = app.store.write_now(_spoil)
    app.window.close()
    caplog.set_level(logging.WARNING, "deskchat.store")
    window = MainWindow(
        WindowServices(app.store, app.runtime.bus, app.runtime.messaging, app.runtime.tickets),
        QSettings(str(tmp_path / "again.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        assert not window.grab().isNull()  # paints every visible row
        view = window.conversation_pane.lists[ConversationStatus.PENDING]
        model = view.model()
        (index,) = [
            model.index(row, 0)
            for row in range(model.rowCount())
            if model.index(row, 0).data(ConversationIdRole) == conversation_id
        ]
        assert index.data() == "Cliente\ufffd"  # the bad byte shows as a replacement character
        row = index.data(ConversationRole)
        assert row.unread_count == 0 and row.last_preview == "\ufffd\ufffd\ufffd"
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
        app.run(settle())
        chat = window.chat_pane
        assert chat.model.conversation_id == conversation_id
        texts = [chat.model.index(row, 0).data(MessageRole).message.text for row in range(chat.model.rowCount())]
        assert "Olá\ufffd" in texts and "a\x00b" in texts and "\ufffd\ufffd\ufffd" in texts
        assert not window.grab().isNull()  # paints the bubbles
        window.resize(window.width() - 200, window.height())
        assert not window.grab().isNull()
        warnings = [r.getMessage() for r in caplog.records if r.name == "deskchat.store"]
        assert any("messages.text" in message for message in warnings)
        assert len(warnings) == len(set(warnings))  # once per column, not per row or paint
        assert not any("Olá" in message or "Cliente" in message for message in warnings)  # no customer text
    finally:
        window.close()


def test_a_row_that_cannot_be_painted_paints_a_placeholder(qtbot: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Values that never came from the store (2^62 ms, a lone surrogate) must not raise out of paint either."""

    class OneRow:
        def __init__(self, row: ConversationRow) -> None:
            self.row = row

    bad = ConversationRow(1, 1, 1, "whatsapp", "Ana \ud800", "pending", 3, HUGE_MS, "oi \ud800", False, False)
    delegate = ConversationDelegate()
    image = QImage(400, 68, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 400, 68)

    class FakeIndex(QModelIndex):
        def data(self, role: int = 0) -> Any:  # type: ignore[override]
            return bad if role == ConversationRole else None

    caplog.set_level(logging.WARNING, "deskchat.ui")
    delegate.paint(painter, option, FakeIndex())
    delegate.paint(painter, option, FakeIndex())
    painter.end()
    reported = [r for r in caplog.records if r.name == "deskchat.ui"]
    assert len(reported) <= 1


def test_the_app_self_test_passes_on_a_profile_with_hostile_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.setenv("BENCH_KEYRING_FILE", str(tmp_path / "keys.json"))
    from bench_keyring import FileKeyring  # a keyring the child process can read too

    keyring.set_keyring(FileKeyring())
    profile = Profile(tmp_path / "profile")
    store = Store.open(profile)
    try:
        import asyncio

        from ui_harness import customer_messages

        from deskchat.runtime import Runtime

        account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
        runtime = Runtime(store)
        asyncio.run(runtime.ingest.ingest(customer_messages(account_id)))
        store.write_now(_spoil)
    finally:
        store.close()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="bench_keyring.FileKeyring",
        PYTHONPATH=os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")]),
    )
    done = subprocess.run(
        [sys.executable, "-m", "deskchat", "--profile", str(profile.root), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "self-test ok" in done.stdout
