"""'Nova conversa' (Ctrl+N), driven from the keyboard over the real window, with a fake channel at the boundary."""

from __future__ import annotations

from typing import Any

from loop_harness import until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_harness import App, FakeChannel

from deskchat.channels.base import Capability
from deskchat.core.events import ConversationStatus
from deskchat.store import accounts, conversations
from deskchat.store.clock import now_ms
from deskchat.ui.new_conversation import NewConversationDialog
from deskchat.ui.tasks import settle

NEW_NUMBER = "+5521987654321"
NEW_CHAT_KEY = "5521987654321@s.whatsapp.net"


def _open_dialog(app: App, qtbot: Any) -> NewConversationDialog:
    qtbot.keyClick(app.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = app.window.new_conversation_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.isModal()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.address)  # ready to type
    return dialog


def _conversation_count(app: App) -> int:
    with app.store.read() as conn:
        return sum(conversations.count_by_status(conn).values())


def _notice_text(dialog: NewConversationDialog) -> str:
    box = dialog.findChild(QMessageBox, "notice")
    assert box is not None and box.isVisible()
    text = box.text()
    box.close()
    return str(text)


def test_a_new_number_opens_a_new_conversation_and_the_first_message_goes_to_the_channels_chat_key(
    app: App, qtbot: Any
) -> None:
    app.channel.on_whatsapp[NEW_NUMBER] = NEW_CHAT_KEY
    app.channel.hold_lookups = True
    before = _conversation_count(app)
    dialog = _open_dialog(app, qtbot)
    assert dialog.account.currentData() == app.account_id

    qtbot.keyClicks(dialog.address, "(21) 9 8765-4321")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    qtbot.keyClicks(dialog.name, "Dona Marta")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    app.run(until(lambda: app.channel.lookups == [NEW_NUMBER], "the channel is asked about the number"))
    assert dialog.status.text() == "Checking the number with WhatsApp…"
    assert not dialog.start_button.isEnabled()  # a second Enter starts nothing more

    app.channel.hold_lookups = False
    app.run(until(lambda: not dialog.isVisible(), "the dialog closes"))
    app.run(settle())
    chat = app.window.chat_pane
    conversation_id = chat.model.conversation_id
    assert conversation_id is not None
    assert _conversation_count(app) == before + 1
    assert chat.title.text() == "Dona Marta"
    assert chat.composer.hasFocus()
    with app.store.read() as conn:
        row = conversations.get(conn, conversation_id)
        assert row is not None and row.status == ConversationStatus.OPEN  # "Em atendimento": the attendant started it
        assert conversations.channel_address(conn, conversation_id) == (app.account_id, NEW_CHAT_KEY)
    qtbot.waitUntil(
        lambda: app.window.conversation_pane.lists[ConversationStatus.OPEN].model().row_of(conversation_id) >= 0
    )

    qtbot.keyClicks(chat.composer, "Bom dia, Dona Marta! Aqui e da Loja.")
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(settle())
    app.run(app.runtime.worker.drain_once())
    assert [(sent.chat_key, sent.text) for sent in app.channel.sent] == [
        (NEW_CHAT_KEY, "Bom dia, Dona Marta! Aqui e da Loja.")
    ]


def test_an_existing_customers_number_opens_their_conversation_without_a_duplicate(app: App, qtbot: Any) -> None:
    with app.store.read() as conn:
        existing = conversations.by_channel_key(conn, app.account_id, "5511987650003@s.whatsapp.net")
    assert existing is not None
    before = _conversation_count(app)
    dialog = _open_dialog(app, qtbot)

    qtbot.keyClicks(dialog.address, "011 98765-0003")  # the trunk prefix, as customers write it
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    app.run(until(lambda: not dialog.isVisible(), "the dialog closes"))
    app.run(settle())

    assert app.window.chat_pane.model.conversation_id == existing
    assert app.window.chat_pane.title.text() == "Cliente 3"
    assert _conversation_count(app) == before
    assert app.channel.lookups == []  # a known customer needs no question to WhatsApp
    with app.store.read() as conn:
        row = conversations.get(conn, existing)
        assert row is not None and row.status == ConversationStatus.OPEN  # taken from "Pendentes"


def test_a_number_not_on_whatsapp_is_told_in_words_and_stays_for_correcting(app: App, qtbot: Any) -> None:
    before = _conversation_count(app)
    dialog = _open_dialog(app, qtbot)
    qtbot.keyClicks(dialog.address, "+55 11 9 1234 5678")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    app.run(until(lambda: dialog.status.text() != "Checking the number with WhatsApp…", "the answer"))

    assert dialog.status.text() == "This number is not on WhatsApp."
    assert _notice_text(dialog) == "This number is not on WhatsApp."
    assert dialog.isVisible() and dialog.address.text() == "+55 11 9 1234 5678"
    assert dialog.start_button.isEnabled()
    assert _conversation_count(app) == before


def test_an_account_without_connection_is_told_in_words(app: App, qtbot: Any) -> None:
    app.channel.offline = True
    dialog = _open_dialog(app, qtbot)
    qtbot.keyClicks(dialog.address, "(21) 98765-4321")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    app.run(settle())
    assert dialog.status.text() == "No connection to WhatsApp — try again when it is connected."
    assert _notice_text(dialog) == dialog.status.text()


def test_an_invalid_number_is_refused_before_asking_the_channel(app: App, qtbot: Any) -> None:
    dialog = _open_dialog(app, qtbot)
    qtbot.keyClicks(dialog.address, "12345")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert dialog.status.text().startswith("Invalid phone number.")
    assert _notice_text(dialog) == dialog.status.text()
    assert app.channel.lookups == []


def test_esc_closes_the_dialog_and_starts_nothing(app: App, qtbot: Any) -> None:
    before = _conversation_count(app)
    dialog = _open_dialog(app, qtbot)
    qtbot.keyClicks(dialog.address, "(21) 98765-4321")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    app.run(settle())
    assert app.channel.lookups == []
    assert _conversation_count(app) == before
    assert app.window.chat_pane.model.conversation_id is None


def test_the_menu_offers_it_with_its_shortcut(app: App) -> None:
    action = app.window.new_conversation_action
    assert action.shortcut().toString() == "Ctrl+N"
    assert action.isEnabled()
    assert action in app.window.menuBar().actions()[0].menu().actions()


def _add_mailbox(app: App) -> int:
    mailbox = app.store.write_now(
        lambda conn: accounts.create_account(conn, "email", "Suporte", "suporte@loja.com.br", now=now_ms())
    )
    app.runtime.channels[mailbox] = FakeChannel(account_id=mailbox, capabilities=frozenset({Capability.SEND_TEXT}))
    return mailbox


def test_an_invalid_email_address_is_refused_and_a_valid_one_starts_a_mail_conversation(app: App, qtbot: Any) -> None:
    mailbox = _add_mailbox(app)
    dialog = _open_dialog(app, qtbot)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Backtab)  # from the address back to the account
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.account)
    qtbot.keyClick(dialog.account, Qt.Key.Key_Down)
    assert dialog.account.currentData() == mailbox
    qtbot.keyClick(dialog.account, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.address)

    qtbot.keyClicks(dialog.address, "cliente@@empresa")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    assert dialog.status.text().startswith("Invalid address.")
    assert _notice_text(dialog) == dialog.status.text()
    assert dialog.isVisible()

    dialog.address.clear()
    qtbot.keyClicks(dialog.address, "Compras <Compras@Empresa.com.br>")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    app.run(until(lambda: not dialog.isVisible(), "the dialog closes"))
    conversation_id = app.window.chat_pane.model.conversation_id
    assert conversation_id is not None
    with app.store.read() as conn:
        assert conversations.channel_address(conn, conversation_id) == (mailbox, "compras@empresa.com.br")
