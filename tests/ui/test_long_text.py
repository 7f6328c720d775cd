"""A long text is folded in its bubble ("see the whole message" opens it whole) and cut early in the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from ui_harness import BASE_MS, App

from deskchat.core.events import ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.ui.bubble_delegate import layout_for
from deskchat.ui.full_text_viewer import FullTextViewer
from deskchat.ui.models.chat import FOLD_CHARS, FOLD_LINES, MessageRole, NewDayRole
from deskchat.ui.models.conversation_list import ConversationIdRole, ConversationRole
from deskchat.ui.tasks import settle

LONG_LINES = "\n".join(f"linha {n} do contrato" for n in range(5000))


def _receive(app: App, text: str) -> None:
    message = InboundMessage(
        account_id=app.account_id,
        chat_key="5511987700099@s.whatsapp.net",
        chat_title="Cliente Longo",
        identities=[Identity("phone", "+5511987700099")],
        channel_id=f"LONG-{len(text)}",
        text=text,
        sent_at=BASE_MS + 7_200_000 + len(text) % 1000,
    )
    app.run(app.runtime.ingest.ingest([message]))


def _open_top(app: App, qtbot: Any) -> None:
    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    qtbot.waitUntil(lambda: view.model().index(0, 0).data() == "Cliente Longo")
    index = view.model().index(0, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    assert app.window.chat_pane.model.conversation_id == index.data(ConversationIdRole)


def test_a_long_text_is_folded_and_opens_whole_on_request(app: App, qtbot: Any) -> None:
    _receive(app, LONG_LINES)
    _open_top(app, qtbot)
    row = app.window.conversation_pane.lists[ConversationStatus.PENDING].model().index(0, 0).data(ConversationRole)
    assert row.last_preview == "linha 0 do contrato"  # the first line only

    chat = app.window.chat_pane
    index = chat.model.index(chat.model.rowCount() - 1, 0)
    shown = index.data()
    assert shown.count("\n") == FOLD_LINES - 1 and LONG_LINES.startswith(shown)
    assert chat.view.visualRect(index).height() < 2000  # a bubble of 60 lines, not of 5,000

    item = index.data(MessageRole)
    rect = chat.view.visualRect(index)
    lay = layout_for(item, bool(index.data(NewDayRole)), rect.width(), chat.view.font())
    assert lay.more is not None
    link = rect.topLeft() + QPoint(int(lay.more.left()) + 10, int(lay.more.center().y()))
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton, pos=link)
    viewer = chat.findChild(FullTextViewer)
    assert viewer is not None and viewer.isVisible()
    assert viewer.text_view.toPlainText() == LONG_LINES
    assert viewer.text_view.isReadOnly()
    viewer.close()


def test_a_text_without_line_breaks_is_folded_and_its_preview_cut(app: App, qtbot: Any) -> None:
    text = "palavra " * 50_000  # 400,000 characters on one line
    _receive(app, text)
    _open_top(app, qtbot)
    row = app.window.conversation_pane.lists[ConversationStatus.PENDING].model().index(0, 0).data(ConversationRole)
    assert len(row.last_preview) <= 200 and text.startswith(row.last_preview)
    chat = app.window.chat_pane
    index = chat.model.index(chat.model.rowCount() - 1, 0)
    assert len(index.data()) == FOLD_CHARS
    assert chat.view.visualRect(index).height() < 2000
    viewer = chat.show_whole_text(index.data(MessageRole).message.id)
    assert viewer is not None and viewer.text_view.toPlainText().replace("\n", "") == text
    viewer.close()


def test_a_short_text_is_not_folded(app: App, qtbot: Any) -> None:
    _receive(app, "Bom dia!\nTudo bem?")
    _open_top(app, qtbot)
    chat = app.window.chat_pane
    index = chat.model.index(chat.model.rowCount() - 1, 0)
    assert index.data() == "Bom dia!\nTudo bem?"
    assert not index.data(MessageRole).folded


def test_a_text_of_megabytes_shows_loading_then_its_start_without_reading_it_on_the_gui_thread(
    app: App, qtbot: Any
) -> None:
    text = "\n".join(f"cláusula {n}: " + "texto " * 30 for n in range(12_000))  # about 2.3 MB
    _receive(app, text)
    _open_top(app, qtbot)
    chat = app.window.chat_pane
    index = chat.model.index(chat.model.rowCount() - 1, 0)
    qtbot.waitUntil(lambda: index.data() != "Loading a long message…")
    assert len(index.data()) == FOLD_CHARS and text.startswith(index.data())
    assert index.data(MessageRole).folded
    viewer = chat.show_whole_text(index.data(MessageRole).message.id)
    assert viewer is not None and viewer.text_view.toPlainText() == text
    viewer.close()
