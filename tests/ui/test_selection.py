"""The list's highlight stays on the open conversation when its row moves; Enter opens that conversation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView
from ui_harness import BASE_MS, App

from deskchat.core.events import ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle

PENDING = ConversationStatus.PENDING


def _highlighted(view: QListView) -> tuple[list[int], int | None]:
    """Ids of the selected rows and of the current row (what Enter opens)."""
    selection = view.selectionModel()
    current = selection.currentIndex()
    return (
        [int(index.data(ConversationIdRole)) for index in selection.selectedIndexes()],
        int(current.data(ConversationIdRole)) if current.isValid() else None,
    )


def _open_row(app: App, qtbot: Any, row: int) -> int:
    view = app.window.conversation_pane.lists[PENDING]
    index = view.model().index(row, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    return int(index.data(ConversationIdRole))


def _customer_writes(app: App, customer: int, channel_id: str, minutes_later: int) -> None:
    phone = f"+55119876500{customer:02d}"
    message = InboundMessage(
        account_id=app.account_id,
        chat_key=f"{phone[1:]}@s.whatsapp.net",
        chat_title=f"Cliente {customer}",
        identities=[Identity("phone", phone)],
        channel_id=channel_id,
        text="Mais uma pergunta",
        sent_at=BASE_MS + 3_600_000 + minutes_later * 60_000,
        sender_name=f"Cliente {customer}",
    )
    app.run(app.runtime.ingest.ingest([message]))


def _assert_follows(app: App, qtbot: Any, view: QListView, conversation_id: int) -> None:
    assert _highlighted(view) == ([conversation_id], conversation_id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter opens the highlighted row: the same conversation
    app.run(settle())
    assert app.window.chat_pane.model.conversation_id == conversation_id


def test_a_new_message_in_the_open_conversation_moves_its_row_and_the_highlight(app: App, qtbot: Any) -> None:
    view = app.window.conversation_pane.lists[PENDING]
    opened = _open_row(app, qtbot, 3)
    _customer_writes(app, 2, "NEW-2", 1)  # row 3 is "Cliente 2"
    qtbot.waitUntil(lambda: view.model().index(0, 0).data(ConversationIdRole) == opened)
    _assert_follows(app, qtbot, view, opened)


def test_another_customers_message_leaves_the_highlight_on_the_open_conversation(app: App, qtbot: Any) -> None:
    view = app.window.conversation_pane.lists[PENDING]
    opened = _open_row(app, qtbot, 0)
    _customer_writes(app, 1, "NEW-1", 1)
    qtbot.waitUntil(lambda: view.model().index(1, 0).data(ConversationIdRole) == opened)
    _assert_follows(app, qtbot, view, opened)


def test_sending_moves_the_row_and_the_highlight(app: App, qtbot: Any) -> None:
    view = app.window.conversation_pane.lists[PENDING]
    opened = _open_row(app, qtbot, 4)
    chat = app.window.chat_pane
    chat.composer.insertPlainText("Seu pedido sai hoje.")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    qtbot.waitUntil(lambda: view.model().index(0, 0).data(ConversationIdRole) == opened)
    _assert_follows(app, qtbot, view, opened)


def test_accepting_moves_the_highlight_to_the_in_progress_tab(app: App, qtbot: Any) -> None:
    pane = app.window.conversation_pane
    pending = pane.lists[PENDING]
    opened = _open_row(app, qtbot, 2)
    qtbot.mouseClick(app.window.chat_pane.accept_button, Qt.MouseButton.LeftButton)
    app.run(settle())
    qtbot.waitUntil(lambda: pane.models[PENDING].row_of(opened) == -1)
    assert _highlighted(pending) == ([], None)  # no other customer is highlighted in Pendentes
    qtbot.keyClick(app.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    _assert_follows(app, qtbot, pane.lists[ConversationStatus.OPEN], opened)


def test_a_conversation_opened_from_search_is_highlighted_in_its_list(app: App, qtbot: Any) -> None:
    pane = app.window.conversation_pane
    view = pane.lists[PENDING]
    _open_row(app, qtbot, 0)
    qtbot.keyClicks(pane.search_field, "pedido 32")
    pane.run_search()
    hit = pane.search_model.index(0, 0)
    qtbot.mouseClick(
        pane.search_view.viewport(), Qt.MouseButton.LeftButton, pos=pane.search_view.visualRect(hit).center()
    )
    app.run(settle())
    opened = app.window.chat_pane.model.conversation_id
    assert opened is not None and opened != view.model().index(0, 0).data(ConversationIdRole)
    pane.search_field.clear()
    pane.run_search()
    assert pane.stack.currentWidget() is view
    _assert_follows(app, qtbot, view, opened)
