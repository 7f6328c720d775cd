"""A draft (text and reply bar) belongs to its conversation, survives a restart and goes when sent."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QSettings, Qt
from ui_harness import App

from deskchat.core.events import ConversationStatus
from deskchat.store import drafts
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.chat import MessageIdRole, MessageRole
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle


def _click_conversation(app: App, qtbot: Any, window: MainWindow, conversation_id: int) -> None:
    view = window.conversation_pane.lists[ConversationStatus.PENDING]
    model = view.model()
    (index,) = [
        model.index(row, 0)
        for row in range(model.rowCount())
        if model.index(row, 0).data(ConversationIdRole) == conversation_id
    ]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    assert window.chat_pane.model.conversation_id == conversation_id


def _pending_ids(window: MainWindow) -> list[int]:
    model = window.conversation_pane.lists[ConversationStatus.PENDING].model()
    return [int(model.index(row, 0).data(ConversationIdRole)) for row in range(model.rowCount())]


def _stored_draft(app: App, conversation_id: int) -> drafts.Draft:
    with app.store.read() as conn:
        return drafts.get(conn, conversation_id)


def test_a_draft_stays_with_its_conversation_across_switches_restarts_and_is_gone_when_sent(
    app: App, qtbot: Any, tmp_path: Any
) -> None:
    first, second = _pending_ids(app.window)[:2]
    chat = app.window.chat_pane

    _click_conversation(app, qtbot, app.window, first)
    qtbot.keyClicks(chat.composer, "Ola, cliente A")
    quoted_id = int(chat.model.index(chat.model.rowCount() - 1, 0).data(MessageIdRole))
    chat.start_reply(quoted_id)
    quoted = chat.reply_bar.target
    assert quoted is not None

    _click_conversation(app, qtbot, app.window, second)
    assert chat.composer.toPlainText() == ""  # nothing carried over
    assert chat.reply_bar.target is None and not chat.reply_bar.isVisible()
    qtbot.keyClicks(chat.composer, "Texto para B")

    _click_conversation(app, qtbot, app.window, first)
    assert chat.composer.toPlainText() == "Ola, cliente A"
    assert chat.reply_bar.target is not None and chat.reply_bar.target.channel_id == quoted.channel_id
    assert chat.reply_bar.isVisible()

    # a new window on the same store (as after a restart) finds both drafts
    app.window.close()
    again = MainWindow(
        WindowServices(app.store, app.runtime.bus, app.runtime.messaging, app.runtime.tickets),
        QSettings(str(tmp_path / "window2.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    try:
        chat = again.chat_pane
        _click_conversation(app, qtbot, again, second)
        assert chat.composer.toPlainText() == "Texto para B"
        assert chat.reply_bar.target is None
        _click_conversation(app, qtbot, again, first)
        assert chat.composer.toPlainText() == "Ola, cliente A"
        assert chat.reply_bar.target is not None and chat.reply_bar.target.message_id == quoted_id
        assert "Replying to" in chat.reply_bar.label.text()

        # sending empties the draft, in the window and in the store
        qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
        app.run(settle())
        last = chat.model.index(chat.model.rowCount() - 1, 0).data(MessageRole).message
        assert (last.text, last.reply_to_channel_id) == ("Ola, cliente A", quoted.channel_id)
        assert _stored_draft(app, first).is_empty
        _click_conversation(app, qtbot, again, second)
        _click_conversation(app, qtbot, again, first)
        assert chat.composer.toPlainText() == ""
        assert chat.reply_bar.target is None
        assert _stored_draft(app, second).text == "Texto para B"
    finally:
        again.close()


def test_typing_saves_the_draft_in_the_background_after_a_pause(app: App, qtbot: Any) -> None:
    (first,) = _pending_ids(app.window)[:1]
    _click_conversation(app, qtbot, app.window, first)
    keeper = app.window.chat_pane.drafts
    saved = asyncio.Event()
    keeper.saved.connect(saved.set)
    qtbot.keyClicks(app.window.chat_pane.composer, "rascunho")
    assert _stored_draft(app, first).is_empty  # not on every keystroke
    app.run(asyncio.wait_for(saved.wait(), 5))
    assert _stored_draft(app, first).text == "rascunho"
