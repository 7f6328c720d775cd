"""In an e-mail conversation the chat pane's composer is a mail composer: a reply comes prefilled (recipient,
"RE: [Caso #N] …" without stacking, the previous mail quoted, the mailbox's signature), Enter breaks the line and
Ctrl+Enter queues the mail with its recipients, subject and files; bad addresses are told in words and nothing is
queued; recipients, subject and text stay with their conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mail_harness import CUSTOMER, MAIL_ID, MailApp, mail_app_fixture
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from deskchat.channels.email.compose import reply_subject
from deskchat.store import mail_preferences, messages
from deskchat.ui.i18n import install_translations
from deskchat.ui.mail_composer import MailComposer
from deskchat.ui.models.chat import ChatItem, MessageRole
from deskchat.ui.tasks import settle


@pytest.fixture
def app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Any, tmp_path: Any, qapp: Any) -> Iterator[MailApp]:
    install_translations(qapp, "pt_BR")  # the attendant reads Portuguese
    try:
        yield from mail_app_fixture(qtbot, loop, profile, tmp_path)
    finally:
        install_translations(qapp, "en")


def _open_mail(app: MailApp) -> MailComposer:
    app.window.open_conversation(app.mail_conversation)
    app.run(settle())
    pane = app.window.chat_pane
    assert pane.composer_stack.currentWidget() is pane.mail_composer
    return pane.mail_composer


def _count(app: MailApp) -> int:
    with app.store.read() as conn:
        return messages.count_in_conversation(conn, app.mail_conversation)


def _picture(folder: Path) -> Path:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#1e88e5"))
    path = folder / "foto.png"
    assert image.save(str(path))
    return path


def test_a_reply_is_prefilled_with_recipient_case_subject_quote_and_signature(app: MailApp) -> None:
    composer = _open_mail(app)
    assert composer.to_edit.text() == CUSTOMER
    assert composer.subject_edit.text() == "RE: [Caso #42] Pedido atrasado"  # no "RE: RE:"
    quote = composer.quote_view.toPlainText()
    assert quote.splitlines()[0].startswith("Em ") and quote.splitlines()[0].endswith("Carla Dias escreveu:")
    assert "> Bom dia,\n> O pedido 123 não chegou." in quote
    assert "Ana Souza" in composer.signature_edit.toPlainText()  # the attendant's name by default


def test_whatsapp_conversations_keep_the_chat_composer(app: MailApp) -> None:
    _open_mail(app)
    app.window.open_conversation(app.chat_conversation)
    app.run(settle())
    pane = app.window.chat_pane
    assert pane.composer_stack.currentWidget() is pane.chat_composer_page


def test_enter_breaks_the_line_and_ctrl_enter_sends_the_mail_with_its_files(
    app: MailApp, qtbot: Any, tmp_path: Path
) -> None:
    composer = _open_mail(app)
    before = _count(app)
    composer.cc_edit.setText("Financeiro <financeiro@loja.example>")
    composer.bcc_edit.setText("gerencia@empresa.com.br")
    qtbot.keyClicks(composer.body, "Oi, Carla,")
    qtbot.keyClick(composer.body, Qt.Key.Key_Return)
    qtbot.keyClicks(composer.body, "segue a nota.")
    assert composer.body.toPlainText() == "Oi, Carla,\nsegue a nota."
    assert _count(app) == before  # Enter sent nothing

    composer.add_paths([_picture(tmp_path), _write(tmp_path / "nota.pdf", b"%PDF-1.4 nota")])
    app.run(settle())
    previews = [composer.attachment_list.item(i) for i in range(composer.attachment_list.count())]
    assert [p.text().split(" — ")[0] for p in previews] == ["foto.png", "nota.pdf"]
    assert not previews[0].icon().isNull() and previews[1].icon().isNull()  # a thumbnail for the picture only

    qtbot.keyClick(composer.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.run(settle())
    assert _count(app) == before + 1
    bubble = app.window.chat_pane.model.index(app.window.chat_pane.model.rowCount() - 1, 0).data(MessageRole)
    assert isinstance(bubble, ChatItem) and bubble.message.outgoing and bubble.message.kind == "email"
    assert bubble.message.subject == "RE: [Caso #42] Pedido atrasado"

    async def deliver() -> None:
        app.runtime.worker.start()  # the outbox worker runs on the loop, and stops there
        try:
            await asyncio.wait_for(app.mailbox.arrived.wait(), 10)
        finally:
            await app.runtime.worker.stop()

    app.run(deliver())
    (sent,) = app.mailbox.sent
    assert [a.address for a in sent.to] == [CUSTOMER]
    assert [(a.address, a.name) for a in sent.cc] == [("financeiro@loja.example", "Financeiro")]
    assert [a.address for a in sent.bcc] == ["gerencia@empresa.com.br"]
    assert sent.subject == "RE: [Caso #42] Pedido atrasado"
    assert [f.file_name for f in sent.files] == ["foto.png", "nota.pdf"]
    assert sent.files[1].data == b"%PDF-1.4 nota"
    assert sent.text.startswith("Oi, Carla,\nsegue a nota.\n\n-- \n")
    assert "Ana Souza" in sent.text and "> O pedido 123 não chegou." in sent.text
    assert sent.thread is not None and sent.thread.in_reply_to == MAIL_ID
    # the composer is ready for the next mail, the draft is gone
    assert composer.body.toPlainText() == "" and composer.attachment_list.count() == 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("field", "typed", "named"),
    [
        ("to_edit", "carla@loja.example, joao@@loja", "joao@@loja"),
        ("cc_edit", "financeiro", "financeiro"),
        ("bcc_edit", "Chefe <chefe@empresa", "Chefe <chefe@empresa"),
    ],
)
def test_a_bad_address_is_told_in_words_and_nothing_is_sent(
    app: MailApp, qtbot: Any, field: str, typed: str, named: str
) -> None:
    composer = _open_mail(app)
    before = _count(app)
    getattr(composer, field).setText(typed)
    qtbot.keyClicks(composer.body, "Texto")
    qtbot.keyClick(composer.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    app.run(settle())
    assert composer.error_label.isVisible()
    assert named in composer.error_label.text() and "não é um endereço de e-mail válido" in composer.error_label.text()
    assert _count(app) == before
    assert composer.body.toPlainText() == "Texto"  # nothing lost


def test_an_empty_to_is_refused(app: MailApp, qtbot: Any) -> None:
    composer = _open_mail(app)
    composer.to_edit.clear()
    qtbot.keyClicks(composer.body, "Texto")
    composer.send_button.click()
    assert composer.error_label.isVisible() and "Para" in composer.error_label.text()


def test_recipients_subject_and_text_stay_with_their_conversation(app: MailApp, qtbot: Any) -> None:
    composer = _open_mail(app)
    composer.cc_edit.setText("financeiro@loja.example")
    composer.subject_edit.setText("Nota fiscal 991")
    qtbot.keyClicks(composer.body, "Rascunho do e-mail")
    app.window.open_conversation(app.chat_conversation)
    app.run(settle())
    with app.store.read() as conn:
        stored = mail_preferences.mail_draft_of(conn, app.mail_conversation)
    assert stored is not None and stored.subject == "Nota fiscal 991" and stored.text == "Rascunho do e-mail"
    assert app.window.chat_pane.composer.toPlainText() == ""  # nothing carried over to the chat

    app.window.open_conversation(app.mail_conversation)
    app.run(settle())
    assert composer.cc_edit.text() == "financeiro@loja.example"
    assert composer.subject_edit.text() == "Nota fiscal 991"
    assert composer.body.toPlainText() == "Rascunho do e-mail"


def test_the_signature_is_kept_per_mailbox(app: MailApp, qtbot: Any) -> None:
    composer = _open_mail(app)
    composer.signature_edit.setPlainText("Abraços,\nAna — Suporte")
    app.window.open_conversation(app.chat_conversation)  # leaving stores it at once
    app.run(settle())
    with app.store.read() as conn:
        assert mail_preferences.signature_of(conn, app.mailbox.account_id) == "Abraços,\nAna — Suporte"
    app.window.open_conversation(app.mail_conversation)
    app.run(settle())
    assert composer.signature_edit.toPlainText() == "Abraços,\nAna — Suporte"


def test_hostile_subjects_stay_plain_text_in_the_composer() -> None:
    hostile = 'RE: Re: RES: <b onmouseover="x">Oi</b>\u202e\r\nBcc: todos@empresa.com.br'
    subject = reply_subject(hostile, "7")
    assert subject.startswith("RE: [Caso #7] <b")
    assert "\n" not in subject and "\r" not in subject and "\u202e" not in subject
    assert reply_subject("[Caso #7] RE: Pedido", "7") == "RE: [Caso #7] Pedido"
    assert reply_subject("Pedido", None) == "RE: Pedido"
