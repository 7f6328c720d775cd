"""One customer, one timeline: a customer who writes on WhatsApp and by e-mail is one row and one chat, each message
marked with its channel, and the reply goes by the channel the attendant picks (the customer's last one by default).

Real window offscreen; the channels are fakes at the boundary; messages come in through the real ingest.
"""

from __future__ import annotations

import json
from typing import Any

from loop_harness import until
from PySide6.QtCore import Qt
from ui_harness import BASE_MS, App, FakeChannel

from deskchat.channels.base import Capability
from deskchat.core.messages import Identity, InboundMessage
from deskchat.store import accounts, contacts
from deskchat.store.clock import now_ms
from deskchat.store.conversations import ConversationRow
from deskchat.ui import tasks
from deskchat.ui.bubble_delegate import footer_text
from deskchat.ui.models.chat import ChatItem
from deskchat.ui.models.conversation_list import ConversationRole
from deskchat.ui.panes.conversations import TAB_ORDER

CUSTOMER_PHONE = "+5511987650000"  # "Cliente 0" of the harness: five WhatsApp messages
CUSTOMER_MAIL = "cliente0@empresa.com.br"


def _add_mailbox(app: App) -> int:
    mailbox = app.store.write_now(
        lambda conn: accounts.create_account(conn, "email", "Suporte", "suporte@deskchat.test", now=now_ms())
    )
    app.runtime.channels[mailbox] = FakeChannel(capabilities=frozenset({Capability.SEND_TEXT}))

    def learn_address(conn: Any) -> None:  # the CRM record lists both: one person
        contact_id = contacts.find_contact(conn, [Identity("phone", CUSTOMER_PHONE)])
        assert contact_id is not None
        contacts.add_identities(conn, contact_id, [Identity("email", CUSTOMER_MAIL)])

    app.store.write_now(learn_address)
    return mailbox


def _mail(mailbox: int, number: int, sent_at: int, subject: str, text: str) -> InboundMessage:
    return InboundMessage(
        account_id=mailbox,
        chat_key=CUSTOMER_MAIL,
        chat_title=CUSTOMER_MAIL,
        identities=[Identity("email", CUSTOMER_MAIL)],
        channel_id=f"<mail-{number}@empresa.com.br>",
        text=text,
        sent_at=sent_at,
        sender_name="Cliente 0",
        kind="email",
        subject=subject,
    )


def _rows(app: App, tab: int = 0) -> list[ConversationRow]:
    model = app.window.conversation_pane.models[TAB_ORDER[tab]]
    return [model.index(n, 0).data(ConversationRole) for n in range(model.rowCount())]


def _customer_rows(app: App) -> list[ConversationRow]:
    return [row for tab in range(3) for row in _rows(app, tab) if row.title == "Cliente 0"]


def _open_row(app: App, qtbot: Any, row: ConversationRow) -> None:
    pane = app.window.conversation_pane
    view = pane.current_list()
    position = pane.models[pane.current_status()].row_of(row.id)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(position, 0)).center()
    )
    app.run(until(lambda: app.window.chat_pane.model.rowCount() > 0, "condition"))
    app.run(tasks.settle())  # marking every channel read ends on this test's loop


def _items(app: App) -> list[ChatItem]:
    model = app.window.chat_pane.model
    return [model.item_at(n) for n in range(model.rowCount())]


def _last_outbox(app: App) -> tuple[int, str]:
    with app.store.read() as conn:
        account_id, payload = conn.exec_driver_sql(
            "SELECT account_id, payload_json FROM outbox ORDER BY id DESC LIMIT 1"
        ).one()
    return int(account_id), str(json.loads(payload)["chat_key"])


def _send(app: App, qtbot: Any, text: str) -> None:
    chat = app.window.chat_pane
    chat.composer.setFocus()
    qtbot.keyClicks(chat.composer, text)
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return)
    app.run(until(lambda: any(item.message.text == text for item in _items(app)), "the message shows"))


def test_whatsapp_and_mail_of_one_customer_are_one_row_and_one_timeline_in_time_order(app: App, qtbot: Any) -> None:
    mailbox = _add_mailbox(app)
    mail = _mail(mailbox, 1, BASE_MS + 2500, "Pedido 02", "Segue o comprovante por e-mail.")
    app.run(app.runtime.ingest.ingest([mail]))
    app.run(until(lambda: _customer_rows(app)[0].channels == ("email", "whatsapp"), "condition"))

    (row,) = _customer_rows(app)
    assert row.channels == ("email", "whatsapp")
    assert row.unread_count == 6  # five WhatsApp messages and the mail, summed

    _open_row(app, qtbot, row)
    items = _items(app)
    assert [item.message.sent_at for item in items] == sorted(item.message.sent_at for item in items)
    assert [item.channel for item in items] == ["whatsapp"] * 3 + ["email"] + ["whatsapp"] * 2
    assert "E-mail" in footer_text(items[3]) and "WhatsApp" in footer_text(items[0])
    app.run(until(lambda: _customer_rows(app)[0].unread_count == 0, "opening reads every channel"))


def test_a_new_mail_moves_the_one_row_to_the_top_without_a_second_row(app: App, qtbot: Any) -> None:
    mailbox = _add_mailbox(app)
    app.run(app.runtime.ingest.ingest([_mail(mailbox, 1, BASE_MS + 2500, "Pedido", "Primeiro e-mail")]))
    app.run(until(lambda: len(_customer_rows(app)[0].channels) == 2, "condition"))
    rows_before = len(_rows(app))
    assert _rows(app)[0].title != "Cliente 0"

    app.run(app.runtime.ingest.ingest([_mail(mailbox, 2, BASE_MS + 3_600_000, "Pedido", "Novo e-mail urgente")]))
    app.run(until(lambda: _rows(app)[0].title == "Cliente 0", "condition"))
    assert len(_rows(app)) == rows_before
    assert len(_customer_rows(app)) == 1
    assert _rows(app)[0].last_preview == "Novo e-mail urgente"


def test_the_reply_goes_by_the_customers_last_channel_or_the_one_picked(app: App, qtbot: Any) -> None:
    mailbox = _add_mailbox(app)
    app.run(app.runtime.ingest.ingest([_mail(mailbox, 1, BASE_MS + 3_600_000, "Pedido", "Respondo por e-mail")]))
    app.run(until(lambda: len(_customer_rows(app)[0].channels) == 2, "condition"))
    _open_row(app, qtbot, _customer_rows(app)[0])
    picker = app.window.chat_pane.reply_channel
    assert picker.isVisible()
    assert picker.chosen_channel() == "email"  # the customer wrote last by e-mail

    _send(app, qtbot, "Recebido, obrigado")
    assert _last_outbox(app) == (mailbox, CUSTOMER_MAIL)

    assert picker.choose("whatsapp")
    _send(app, qtbot, "Tambem pelo WhatsApp")
    assert _last_outbox(app) == (app.account_id, CUSTOMER_PHONE[1:] + "@s.whatsapp.net")

    assert picker.choose("email")
    _send(app, qtbot, "De volta ao e-mail")
    assert _last_outbox(app) == (mailbox, CUSTOMER_MAIL)
    marks = {item.message.text: item.channel for item in _items(app) if item.message.outgoing}
    assert marks == {"Recebido, obrigado": "email", "Tambem pelo WhatsApp": "whatsapp", "De volta ao e-mail": "email"}


def test_a_customer_on_one_channel_shows_no_picker(app: App, qtbot: Any) -> None:
    _add_mailbox(app)
    (other,) = [row for row in _rows(app) if row.title == "Cliente 1"]
    _open_row(app, qtbot, other)
    assert not app.window.chat_pane.reply_channel.isVisible()
    assert {item.channel for item in _items(app)} == {"whatsapp"}


def test_a_search_hit_in_a_mail_opens_the_customers_whole_timeline(app: App, qtbot: Any) -> None:
    mailbox = _add_mailbox(app)
    app.run(app.runtime.ingest.ingest([_mail(mailbox, 1, BASE_MS + 2500, "Boleto", "Segue o boleto vencido")]))
    app.run(until(lambda: len(_customer_rows(app)[0].channels) == 2, "condition"))
    pane = app.window.conversation_pane
    qtbot.keyClicks(pane.search_field, "vencido")
    app.run(until(lambda: pane.search_model.rowCount() == 1, "condition"))
    view = pane.search_view
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(pane.search_model.index(0, 0)).center()
    )
    app.run(until(lambda: app.window.chat_pane.model.rowCount() == 6, "condition"))
    app.run(tasks.settle())
    assert {item.channel for item in _items(app)} == {"whatsapp", "email"}
