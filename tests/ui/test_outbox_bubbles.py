"""What the attendant sees of the outbox: a clock while the number is away, the reason of a "falhou", one retry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from ui_harness import App

from deskchat.core.events import ConversationStatus
from deskchat.ui.models.chat import MessageRole
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle


def _open_and_send(app: App, qtbot: Any, text: str) -> int:
    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    assert index.data(ConversationIdRole) is not None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    chat = app.window.chat_pane
    qtbot.keyClicks(chat.composer, text)
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    return chat.model.rowCount() - 1


def test_a_parked_message_shows_its_reason_and_a_retry_goes_once_under_the_same_id(app: App, qtbot: Any) -> None:
    app.channel.refuse = True
    row = _open_and_send(app, qtbot, "Confirma o endereco")
    app.run(app.runtime.worker.drain_once())
    chat = app.window.chat_pane
    index = chat.model.index(row, 0)
    assert index.data(MessageRole).message.delivery == "failed"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "número inválido"
    chosen = index.data(MessageRole).message.channel_id

    app.channel.refuse = False
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton, pos=chat.view.visualRect(index).center())
    app.run(settle())
    app.run(app.runtime.worker.drain_once())
    app.run(app.runtime.worker.drain_once())
    index = chat.model.index(row, 0)
    assert index.data(MessageRole).message.delivery == "sent"
    assert index.data(Qt.ItemDataRole.ToolTipRole) is None
    assert [(sent.text, sent.channel_id) for sent in app.channel.sent] == [("Confirma o endereco", chosen)]


def test_a_message_typed_while_the_number_is_away_keeps_its_clock_for_an_hour(app: App, qtbot: Any) -> None:
    app.channel.offline = True
    row = _open_and_send(app, qtbot, "Vai quando voltar a rede")
    for _ in range(12):  # every pass of the drainer while the number stays away
        app.run(app.runtime.worker.drain_once())
    chat = app.window.chat_pane
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "queued"

    app.channel.offline = False
    app.run(app.runtime.worker.drain_once())
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "sent"
    assert [sent.text for sent in app.channel.sent] == ["Vai quando voltar a rede"]
