"""The attendant's window, driven as a person would: open a conversation, read it, send, search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from ui_harness import App

from deskchat.core.events import ConversationStatus
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.chat import MessageRole
from deskchat.ui.models.conversation_list import ConversationIdRole, ConversationRole
from deskchat.ui.tasks import settle


def _open_first_pending(app: App, qtbot: Any) -> int:
    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    conversation_id = int(index.data(ConversationIdRole))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())  # the badge and read receipts are written in the background
    return conversation_id


def test_window_shows_three_panes_and_the_pending_conversations(app: App) -> None:
    window = app.window
    assert window.splitter.count() == 3
    pending = window.conversation_pane.lists[ConversationStatus.PENDING].model()
    assert pending.rowCount() == 6
    # newest conversation first
    assert pending.index(0, 0).data() == "Cliente 5"
    assert "6" in window.conversation_pane.tabs.tabText(0)


def test_selecting_a_conversation_shows_its_messages_and_customer(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    assert chat.title.text() == "Cliente 5"
    assert chat.model.rowCount() == 5
    assert chat.model.index(4, 0).data() == "Bom dia, sobre o pedido 54, qual o prazo de entrega?"
    # the customer's record follows the chat on the next turn of the event loop
    qtbot.waitUntil(lambda: app.window.info_pane.conversation_id is not None)
    assert app.window.info_pane.findChild(QLabel, "contactName").text() == "Cliente 5"


def test_enter_sends_and_the_bubble_is_queued_at_once(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    chat.composer.insertPlainText("Olá! Seu pedido sai hoje.")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    last = chat.model.index(chat.model.rowCount() - 1, 0).data(MessageRole)
    assert last.message.text == "Olá! Seu pedido sai hoje."
    assert last.message.outgoing and last.message.delivery == "queued"
    assert chat.composer.toPlainText() == ""
    assert app.channel.sent == []  # not yet: the outbox worker delivers it

    app.run(app.runtime.worker.drain_once())
    last = chat.model.index(chat.model.rowCount() - 1, 0).data(MessageRole)
    assert last.message.delivery == "sent"
    assert [message.text for message in app.channel.sent] == ["Olá! Seu pedido sai hoje."]


def test_shift_enter_breaks_the_line_without_sending(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    rows = chat.model.rowCount()
    qtbot.keyClicks(chat.composer, "linha 1")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(chat.composer, "linha 2")
    app.run(settle())
    assert chat.composer.toPlainText() == "linha 1\nlinha 2"
    assert chat.model.rowCount() == rows


def test_a_refused_message_shows_failed_and_retry_sends_once(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    app.channel.refuse = True
    qtbot.keyClicks(chat.composer, "Teste")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    app.run(app.runtime.worker.drain_once())
    row = chat.model.rowCount() - 1
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "failed"

    app.channel.refuse = False
    index = chat.model.index(row, 0)
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton, pos=chat.view.visualRect(index).center())
    app.run(settle())
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "queued"
    app.run(app.runtime.worker.drain_once())
    app.run(app.runtime.worker.drain_once())
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "sent"
    assert len(app.channel.sent) == 1


def test_offline_message_stays_queued_and_goes_later(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    app.channel.offline = True
    qtbot.keyClicks(chat.composer, "Vai quando voltar a rede")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    app.run(app.runtime.worker.drain_once())
    row = chat.model.rowCount() - 1
    assert chat.model.index(row, 0).data(MessageRole).message.delivery == "queued"
    assert app.channel.sent == []


def test_accepting_moves_the_conversation_to_in_progress(app: App, qtbot: Any) -> None:
    conversation_id = _open_first_pending(app, qtbot)
    qtbot.mouseClick(app.window.chat_pane.accept_button, Qt.MouseButton.LeftButton)
    app.run(settle())
    pane = app.window.conversation_pane
    qtbot.waitUntil(lambda: pane.models[ConversationStatus.PENDING].row_of(conversation_id) == -1)
    assert pane.models[ConversationStatus.OPEN].row_of(conversation_id) == 0
    assert app.window.chat_pane.close_button.isVisible()
    assert not app.window.chat_pane.accept_button.isVisible()


def test_search_finds_messages_and_opens_their_conversation(app: App, qtbot: Any) -> None:
    pane = app.window.conversation_pane
    qtbot.keyClicks(pane.search_field, "pedido 32")
    pane.run_search()
    assert pane.stack.currentWidget() is pane.search_view
    assert pane.search_model.rowCount() == 1
    index = pane.search_model.index(0, 0)
    qtbot.mouseClick(
        pane.search_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=pane.search_view.visualRect(index).center(),
    )
    app.run(settle())
    assert app.window.chat_pane.title.text() == "Cliente 3"


def test_live_incoming_message_appears_in_the_open_chat(app: App, qtbot: Any) -> None:
    from deskchat.core.messages import Identity, InboundMessage

    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    rows = chat.model.rowCount()
    message = InboundMessage(
        account_id=app.account_id,
        chat_key="5511987650005@s.whatsapp.net",
        chat_title="Cliente 5",
        identities=[Identity("phone", "+5511987650005")],
        channel_id="LIVE-1",
        text="Chegou! Obrigado.",
        sent_at=2_000_000_000_000,
    )
    app.run(app.runtime.ingest.ingest([message]))
    assert chat.model.rowCount() == rows + 1
    assert chat.model.index(rows, 0).data() == "Chegou! Obrigado."


def test_splitter_sizes_are_remembered(app: App, qtbot: Any, tmp_path: Any) -> None:
    app.window.resize(760, 700)  # fits the offscreen screen, so the geometry is restored as it was
    app.window.splitter.setSizes([200, 330, 200])
    wanted = app.window.splitter.sizes()
    app.window.close()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    runtime = app.runtime
    again = MainWindow(WindowServices(app.store, runtime.bus, runtime.messaging, runtime.tickets), settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.splitter.sizes() == wanted


def test_a_bulk_import_shows_up_after_the_list_reload(app: App, qtbot: Any) -> None:
    from deskchat.core.messages import Identity, InboundMessage

    batch = [
        InboundMessage(
            account_id=app.account_id,
            chat_key=f"55219999900{n % 40:02d}@s.whatsapp.net",
            chat_title=f"Histórico {n % 40}",
            identities=[Identity("phone", f"+55219999900{n % 40:02d}")],
            channel_id=f"H{n}",
            text=f"mensagem antiga {n}",
            sent_at=2_100_000_000_000 + n,
        )
        for n in range(400)
    ]
    pane = app.window.conversation_pane
    with qtbot.waitSignal(app.window.bridge.conversations_reset, timeout=5000):
        app.run(app.runtime.ingest.ingest(batch))
    pane.on_conversations_reset()  # what the debounce timer calls
    app.run(settle())
    pending = pane.models[ConversationStatus.PENDING]
    assert pending.rowCount() == 46
    assert pending.index(0, 0).data() == "Histórico 39"
    assert pane.tabs.tabText(0).endswith(" 46")


def test_opening_a_conversation_clears_its_badge_and_sends_read_receipts(app: App, qtbot: Any) -> None:
    pending = app.window.conversation_pane.models[ConversationStatus.PENDING]
    assert pending.index(0, 0).data(ConversationRole).unread_count == 5
    conversation_id = _open_first_pending(app, qtbot)
    app.run(settle())
    qtbot.waitUntil(lambda: pending.index(pending.row_of(conversation_id), 0).data(ConversationRole).unread_count == 0)
    assert app.channel.read == [("5511987650005@s.whatsapp.net", [f"IN-5-{n}" for n in range(5)])]


def test_read_receipts_can_be_turned_off(app: App, qtbot: Any) -> None:
    app.runtime.reading.send_receipts = False
    conversation_id = _open_first_pending(app, qtbot)
    app.run(settle())
    pending = app.window.conversation_pane.models[ConversationStatus.PENDING]
    qtbot.waitUntil(lambda: pending.index(pending.row_of(conversation_id), 0).data(ConversationRole).unread_count == 0)
    assert app.channel.read == []


def test_replying_quotes_the_message_and_sends_its_id(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    quoted = chat.model.index(2, 0).data(MessageRole).message
    menu = chat.attachment_actions.menu_at(chat.view.visualRect(chat.model.index(2, 0)).center())
    assert menu is not None
    (reply,) = [action for action in menu.actions() if action.objectName() == "replyAction"]
    reply.trigger()
    menu.close()
    assert chat.reply_bar.isVisible() and quoted.text[:20] in chat.reply_bar.label.text()
    chat.composer.insertPlainText("Sim, sai hoje.")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    assert not chat.reply_bar.isVisible()
    last = chat.model.index(chat.model.rowCount() - 1, 0).data(MessageRole)
    assert last.message.reply_to_channel_id == quoted.channel_id
    assert last.quote == quoted.text
    app.run(app.runtime.worker.drain_once())
    assert app.channel.sent[-1].reply_to_channel_id == quoted.channel_id


def test_escape_cancels_a_reply(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    chat.start_reply(chat.model.index(0, 0).data(MessageRole).message.id)
    assert chat.reply_bar.isVisible()
    qtbot.keyClick(chat.composer, Qt.Key.Key_Escape)
    assert not chat.reply_bar.isVisible()
