"""The open timeline while the customer writes: every channel of the open customer counts as open (no notification),
a channel that starts while their timeline is open shows in it at once, and a new channel the picker cannot start is
told in words with the picker back on the channel it was on.

Real window offscreen; the channels are fakes at the boundary; messages come in through the real ingest.
"""

from __future__ import annotations

from typing import Any

import pytest
from loop_harness import until
from PySide6.QtWidgets import QMessageBox
from test_notifications import Shown
from test_timeline import CUSTOMER_PHONE, _add_mailbox, _customer_rows, _items, _mail, _open_row
from ui_harness import BASE_MS, App

from deskchat.core.messages import Identity, InboundMessage
from deskchat.ui import tasks
from deskchat.ui.notices import NOTICE_OBJECT_NAME


def _whatsapp(app: App, number: int, sent_at: int, text: str) -> InboundMessage:
    return InboundMessage(
        account_id=app.account_id,
        chat_key=CUSTOMER_PHONE[1:] + "@s.whatsapp.net",
        chat_title="Cliente 0",
        identities=[Identity("phone", CUSTOMER_PHONE)],
        channel_id=f"LIVE-{number}",
        text=text,
        sent_at=sent_at,
        sender_name="Cliente 0",
    )


def _settle(app: App) -> None:
    app.run(tasks.settle())
    app.run(app.window.notifier.service.settle())


def _focus(app: App, qtbot: Any) -> None:
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow)


def test_a_message_on_the_open_customers_other_channel_does_not_notify(
    app: App, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = Shown(app.window.notifier, monkeypatch)
    mailbox = _add_mailbox(app)
    app.run(app.runtime.ingest.ingest([_mail(mailbox, 1, BASE_MS + 3_600_000, "Pedido", "Por e-mail")]))
    app.run(until(lambda: len(_customer_rows(app)[0].channels) == 2, "one row, two channels"))
    _open_row(app, qtbot, _customer_rows(app)[0])
    assert app.window.chat_pane.reply_channel.chosen_channel() == "email"  # the reply goes by mail
    _settle(app)
    _focus(app, qtbot)
    shown.messages.clear()
    shown.sounds = 0

    app.run(app.runtime.ingest.ingest([_whatsapp(app, 1, BASE_MS + 3_700_000, "E agora pelo WhatsApp")]))
    _settle(app)
    app.run(until(lambda: _items(app)[-1].message.text == "E agora pelo WhatsApp", "the message shows"))
    assert shown.messages == [] and shown.sounds == 0

    app.run(app.runtime.ingest.ingest([_mail(mailbox, 2, BASE_MS + 3_800_000, "Pedido", "E por e-mail de novo")]))
    _settle(app)
    assert shown.messages == [] and shown.sounds == 0


def test_a_first_mail_while_the_whatsapp_timeline_is_open_joins_it_at_once(
    app: App, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = Shown(app.window.notifier, monkeypatch)
    mailbox = _add_mailbox(app)
    (row,) = _customer_rows(app)
    assert row.channels == ("whatsapp",)
    _open_row(app, qtbot, row)
    before = len(_items(app))
    _settle(app)
    _focus(app, qtbot)
    shown.messages.clear()
    shown.sounds = 0

    app.run(app.runtime.ingest.ingest([_mail(mailbox, 1, BASE_MS + 3_600_000, "Novo", "Meu primeiro e-mail")]))
    app.run(until(lambda: len(_items(app)) == before + 1, "the mail joins the open timeline"))
    newest = _items(app)[-1]
    assert (newest.message.text, newest.channel) == ("Meu primeiro e-mail", "email")
    picker = app.window.chat_pane.reply_channel
    app.run(until(picker.isVisible, "the picker offers the new channel"))
    assert picker.choose("email")
    _settle(app)
    assert shown.messages == [] and shown.sounds == 0  # the customer's timeline is open: nothing to notify


def _mail_only_customer(app: App) -> int:
    """A customer who wrote only by e-mail and whose phone is known: the picker offers WhatsApp as a new channel."""
    mailbox = _add_mailbox(app)
    mail = _mail(mailbox, 9, BASE_MS + 3_600_000, "Oi", "So por e-mail")
    mail = InboundMessage(
        **{
            **mail.__dict__,
            "chat_key": "outra@cliente.com.br",
            "chat_title": "Outra Cliente",
            "identities": [Identity("email", "outra@cliente.com.br"), Identity("phone", "+5521999990000")],
            "sender_name": "Outra Cliente",
        }
    )
    [stored] = app.run(app.runtime.ingest.ingest([mail]))
    return int(stored.conversation_id)


@pytest.mark.parametrize(
    "refusal,expected",
    [
        ("offline", "No connection to WhatsApp — try again when it is connected."),
        ("not_on_whatsapp", "This number is not on WhatsApp."),
    ],
)
def test_a_new_channel_the_picker_cannot_start_is_told_and_the_picker_stays(
    app: App, qtbot: Any, refusal: str, expected: str
) -> None:
    conversation_id = _mail_only_customer(app)
    app.window.open_conversation(conversation_id)
    picker = app.window.chat_pane.reply_channel
    assert picker.isVisible() and picker.chosen_channel() == "email"
    app.channel.offline = refusal == "offline"
    app.channel.on_whatsapp.clear()

    assert picker.choose("whatsapp")
    app.run(tasks.settle())

    box = app.window.findChild(QMessageBox, NOTICE_OBJECT_NAME)
    assert box is not None and box.text() == expected
    assert picker.chosen_channel() == "email"
    assert app.window.chat_pane.model.conversation_id == conversation_id
    assert tasks.failures == []  # told in words, not the crash dialog
    box.close()
