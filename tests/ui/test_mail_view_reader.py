"""A mail opened from the chat (double-click or Enter on its bubble) shows its sanitised HTML with remote images
blocked until the attendant asks, for this mail or always for its sender (remembered across openings); a body not
stored yet is fetched at once; hostile subjects and names are shown as plain text."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from mail_harness import CUSTOMER, MailApp, mail_app_fixture
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from deskchat.ui.mail_reader import MailReader
from deskchat.ui.tasks import settle

HOSTILE_SUBJECT = '<b>URGENTE</b><img src="https://evil.example/x.png"> &amp; <a href="javascript:alert(1)">aqui</a>'
HOSTILE_NAME = "<i>Suporte</i> <script>alert(1)</script>"


@pytest.fixture
def app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Any, tmp_path: Any) -> Iterator[MailApp]:
    yield from mail_app_fixture(qtbot, loop, profile, tmp_path)


@pytest.fixture
def hostile_app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Any, tmp_path: Any) -> Iterator[MailApp]:
    yield from mail_app_fixture(qtbot, loop, profile, tmp_path, subject=HOSTILE_SUBJECT, sender_name=HOSTILE_NAME)


def _mail_bubble(app: MailApp) -> QModelIndex:
    app.window.open_conversation(app.mail_conversation)
    app.run(settle())
    model = app.window.chat_pane.model
    index = model.index(model.row_of(app.mail_message), 0)
    assert index.isValid()
    return index


def _double_click_mail(app: MailApp, qtbot: Any) -> MailReader:
    index = _mail_bubble(app)
    view = app.window.chat_pane.view
    view.scrollTo(index)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    reader = app.window.chat_pane.mail_reader
    assert reader is not None and reader.isVisible()
    qtbot.waitExposed(reader)
    return reader


def test_double_click_opens_the_mail_with_remote_images_blocked_until_asked(app: MailApp, qtbot: Any) -> None:
    reader = _double_click_mail(app, qtbot)
    assert "O pedido 123 não chegou." in reader.view.browser.toPlainText()
    assert reader.subject_label.text() == "RE: RE: [Caso #42] Pedido atrasado"
    assert CUSTOMER in reader.from_label.text()
    assert reader.view.show_remote_button.isVisible() and reader.view.always_show_button.isVisible()
    assert app.fetcher.asked == []  # nothing went to the network

    reader.view.show_remote_button.click()
    app.run(settle())
    assert app.fetcher.asked == [["https://tracker.loja.example/p.png?u=ana"]]
    assert not reader.view.show_remote_button.isVisible()
    assert "https://tracker.loja.example/p.png?u=ana" in reader.view.browser.remote_images

    reader.close()
    app.run(settle())
    again = app.window.chat_pane.open_mail(app.mail_message)  # "this message" only: blocked again next time
    app.run(settle())
    assert again.view.show_remote_button.isVisible() and len(app.fetcher.asked) == 1


def test_enter_on_the_bubble_opens_the_mail(app: MailApp, qtbot: Any) -> None:
    index = _mail_bubble(app)
    view = app.window.chat_pane.view
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    app.run(settle())
    reader = app.window.chat_pane.mail_reader
    assert reader is not None and reader.message_id == app.mail_message


def test_always_show_from_this_sender_is_remembered_across_openings(app: MailApp, qtbot: Any) -> None:
    reader = _double_click_mail(app, qtbot)
    reader.view.always_show_button.click()
    app.run(settle())
    assert len(app.fetcher.asked) == 1
    reader.close()
    app.run(settle())

    again = app.window.chat_pane.open_mail(app.mail_message)
    app.run(settle())
    assert len(app.fetcher.asked) == 2  # fetched without asking
    assert not again.view.show_remote_button.isVisible() and not again.view.always_show_button.isVisible()


def test_a_mail_without_its_body_is_fetched_when_opened(app: MailApp, qtbot: Any) -> None:
    app.store.write_now(
        lambda conn: conn.exec_driver_sql(
            "UPDATE messages SET body_state = 'headers', html = '' WHERE id = ?", (app.mail_message,)
        )
    )
    reader = app.window.chat_pane.open_mail(app.mail_message)
    app.run(settle())
    assert app.bodies_fetched == [app.mail_message]
    assert reader.view.show_remote_button.isVisible()  # the fetched HTML is shown, its images blocked


def test_hostile_subjects_and_names_are_plain_text(hostile_app: MailApp, qtbot: Any) -> None:
    reader = _double_click_mail(hostile_app, qtbot)
    for label in (reader.subject_label, reader.from_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert reader.subject_label.text() == HOSTILE_SUBJECT  # shown as typed, never as markup
    assert reader.from_label.text().startswith(HOSTILE_NAME)
    assert "evil.example" not in " ".join(reader.view.browser.requested)
    composer = hostile_app.window.chat_pane.mail_composer
    assert composer.subject_edit.text().startswith("RE: <b>URGENTE</b>")  # a line edit: plain text
    assert QApplication.activePopupWidget() is None
