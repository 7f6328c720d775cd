"""Sending files from the window: the attach button, files dropped on the chat, refusals before queuing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolButton, QWidget
from ui_harness import App

from deskchat.core.events import ConversationStatus
from deskchat.ui.i18n import install_translations
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.chat import ChatItem, MessageRole
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle


def _open_first_pending(app: App, qtbot: Any) -> int:
    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    return int(index.data(ConversationIdRole))


def _last_bubble(app: App) -> ChatItem:
    model = app.window.chat_pane.model
    item = model.index(model.rowCount() - 1, 0).data(MessageRole)
    assert isinstance(item, ChatItem)
    return item


def _photo(folder: Path, name: str = "vitrine.png") -> Path:
    image = QImage(800, 600, QImage.Format.Format_ARGB32)
    image.fill(QColor("#1e88e5"))
    path = folder / name
    assert image.save(str(path))
    return path


def _drag_and_drop(target: QWidget, mime: QMimeData) -> tuple[QDragEnterEvent, QDropEvent]:
    """What Qt's drag manager sends a widget as files are dragged onto it and let go (a drop needs its enter)."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    point = target.rect().center()
    enter = QDragEnterEvent(point, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(point), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    if enter.isAccepted():
        QApplication.sendEvent(target, drop)
    return enter, drop


def _pick(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> list[tuple[Any, ...]]:
    """Make the file picker return ``paths``; returns the calls it got."""
    calls: list[tuple[Any, ...]] = []

    def chosen(*args: Any, **kwargs: Any) -> tuple[list[str], str]:
        calls.append(args)
        return [str(path) for path in paths], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", chosen)
    return calls


def test_the_attach_button_sends_a_picture_with_the_composer_text_as_caption(
    app: App, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    photo = _photo(tmp_path)
    calls = _pick(monkeypatch, photo)
    button = chat.findChild(QToolButton, "attachButton")
    assert button is chat.files.attach_button and button.isVisible() and button.isEnabled()
    rows = chat.model.rowCount()
    chat.composer.insertPlainText("Olha a vitrine nova!")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    app.run(settle())

    assert len(calls) == 1
    assert chat.model.rowCount() == rows + 1
    bubble = _last_bubble(app)
    assert (bubble.message.kind, bubble.message.text) == ("image", "Olha a vitrine nova!")
    assert bubble.message.outgoing and bubble.message.delivery == "queued"
    assert [(a.file_name, a.mime, a.size) for a in bubble.attachments] == [
        ("vitrine.png", "image/png", photo.stat().st_size)
    ]
    assert bubble.thumbnail is not None
    thumbnail = QImage.fromData(bubble.thumbnail)
    assert (thumbnail.width(), thumbnail.height()) == (240, 180)
    assert bubble.thumbnail.startswith(b"\xff\xd8")  # JPEG
    assert chat.composer.toPlainText() == ""  # the text went as the caption
    assert app.channel.files == []  # not yet: the outbox worker delivers it

    app.run(app.runtime.worker.drain_once())
    assert _last_bubble(app).message.delivery == "sent"
    [sent] = app.channel.files
    assert (sent.kind, sent.file_name, sent.caption) == ("image", "vitrine.png", "Olha a vitrine nova!")
    assert sent.data == photo.read_bytes()
    assert app.channel.sent == []


def test_a_document_keeps_the_composer_text(
    app: App, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    contract = tmp_path / "contrato_2025.pdf"
    contract.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    _pick(monkeypatch, contract)
    chat.composer.insertPlainText("Segue o contrato")

    qtbot.mouseClick(chat.files.attach_button, Qt.MouseButton.LeftButton)
    app.run(settle())

    bubble = _last_bubble(app)
    assert (bubble.message.kind, bubble.message.text, bubble.thumbnail) == ("document", "", None)
    assert [(a.file_name, a.mime) for a in bubble.attachments] == [("contrato_2025.pdf", "application/pdf")]
    assert chat.composer.toPlainText() == "Segue o contrato"
    app.run(app.runtime.worker.drain_once())
    assert _last_bubble(app).message.delivery == "sent"
    assert [(sent.kind, sent.mime) for sent in app.channel.files] == [("document", "application/pdf")]


def test_files_dropped_on_the_chat_are_sent(app: App, qtbot: Any, tmp_path: Path) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    photo = _photo(tmp_path, "foto.png")
    sheet = tmp_path / "planilha.csv"
    sheet.write_text("produto;preço\ncadeira;199,90\n", encoding="utf-8")
    rows = chat.model.rowCount()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo)), QUrl.fromLocalFile(str(sheet))])

    enter, drop = _drag_and_drop(chat.view.viewport(), mime)
    app.run(settle())

    assert enter.isAccepted()
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction  # the source keeps its files
    assert chat.model.rowCount() == rows + 2
    image, document = (chat.model.index(row, 0).data(MessageRole) for row in (rows, rows + 1))
    assert (image.message.kind, image.attachments[0].file_name, image.message.delivery) == (
        "image",
        "foto.png",
        "queued",
    )
    assert (document.message.kind, document.attachments[0].file_name) == ("document", "planilha.csv")
    assert image.thumbnail is not None

    app.run(app.runtime.worker.drain_once())
    assert [chat.model.index(row, 0).data(MessageRole).message.delivery for row in (rows, rows + 1)] == [
        "sent",
        "sent",
    ]
    assert [(sent.kind, sent.file_name) for sent in app.channel.files] == [
        ("image", "foto.png"),
        ("document", "planilha.csv"),
    ]


def test_a_drop_without_files_is_ignored(app: App, qtbot: Any) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    rows = chat.model.rowCount()
    mime = QMimeData()
    mime.setText("só texto")
    enter, _drop = _drag_and_drop(chat.view.viewport(), mime)
    app.run(settle())
    assert not enter.isAccepted()
    assert chat.model.rowCount() == rows


def test_files_dropped_on_the_composer_are_sent_not_pasted(app: App, qtbot: Any, tmp_path: Path) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    notes = tmp_path / "orçamento.txt"
    notes.write_text("3 cadeiras, 1 mesa", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])

    _enter, drop = _drag_and_drop(chat.composer.viewport(), mime)
    app.run(settle())

    assert drop.isAccepted()
    assert chat.composer.toPlainText() == ""
    assert (_last_bubble(app).message.kind, _last_bubble(app).attachments[0].file_name) == ("document", "orçamento.txt")


@pytest.fixture
def brazilian_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil))
    yield
    QLocale.setDefault(previous)


@pytest.mark.usefixtures("brazilian_locale")
def test_a_file_over_the_limit_is_refused_in_words_before_queuing(
    app: App, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _open_first_pending(app, qtbot)
    chat = app.window.chat_pane
    video = tmp_path / "video_da_obra.mp4"
    with video.open("wb") as sparse:
        sparse.truncate(101 * 1024 * 1024)  # sparse: nothing is written, and the app must not read it either
    _pick(monkeypatch, video, _photo(tmp_path))
    rows = chat.model.rowCount()
    chat.composer.insertPlainText("A foto")

    qtbot.mouseClick(chat.files.attach_button, Qt.MouseButton.LeftButton)
    app.run(settle())

    box = chat.findChild(QMessageBox, "filesRefused")
    assert box is not None and box.isVisible()
    assert "video_da_obra.mp4" in box.text() and "101,0 MB" in box.text() and "100 MB" in box.text()
    assert chat.model.rowCount() == rows + 1  # the picture chosen with it went
    assert _last_bubble(app).attachments[0].file_name == "vitrine.png"
    assert _last_bubble(app).message.text == "A foto"
    box.close()


def test_the_attach_button_speaks_portuguese(qapp: QApplication, app: App, qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "pt.ini"), QSettings.Format.IniFormat)
    services = WindowServices(app.store, app.runtime.bus, app.runtime.messaging, app.runtime.tickets)
    assert install_translations(qapp, "pt_BR")
    try:
        window = MainWindow(services, settings)
        qtbot.addWidget(window)
        button = window.chat_pane.files.attach_button
        assert (button.text(), button.accessibleName()) == ("Anexar", "Anexar")
        assert button.toolTip().startswith("Anexar imagens ou documentos")
    finally:
        install_translations(qapp, "en")
