"""Attachments in the chat: right-click a bubble to open or save its file; names are made safe; programs ask first."""

from __future__ import annotations

import gc
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neonize.exc import DownloadError
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QContextMenuEvent, QDesktopServices, QImage, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QStyleOptionViewItem
from ui_harness import BASE_MS, App, FakeChannel

from deskchat.channels.base import Capability
from deskchat.core.messages import Attachment, Identity, InboundMessage
from deskchat.ui.attachment_actions import with_extension
from deskchat.ui.bubble_delegate import attachment_label
from deskchat.ui.i18n import install_translations
from deskchat.ui.private_copies import (
    OPEN_COPIES_FOLDER,
    mark_from_internet,
    remove_leftover_copies,
    write_private_copy,
    write_saved_file,
    zone_identifier,
)
from deskchat.ui.tasks import settle

#: A popup menu grabs the keyboard, which the headless (offscreen) platform cannot do.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")

BOLETO = b"%PDF-1.7 boleto de maio, vencimento dia 10"
PROGRAM = b"MZ\x90\x00 not really a program"


@pytest.fixture(autouse=True)
def windows_die_on_the_gui_thread() -> Iterator[None]:
    """Collect the windows of earlier tests here: the downloads below run Python in store and executor threads, and a
    window collected there would be destroyed off the GUI thread ("Timers cannot be stopped from another thread")."""
    gc.collect()
    yield
    gc.collect()


@dataclass
class DownloadingChannel(FakeChannel):
    """The fake WhatsApp channel, able to download media too."""

    media: dict[str, bytes | Exception] = field(default_factory=dict)
    capabilities: frozenset[Capability] = FakeChannel.capabilities | {Capability.DOWNLOAD_MEDIA}

    async def download(self, remote_ref: str) -> bytes:
        found = self.media[remote_ref]
        if isinstance(found, Exception):
            raise found
        return found


@dataclass
class Chat:
    app: App
    conversation_id: int
    messages: dict[str, int]  # channel id → message id


def _customer_sends(app: App, *files: tuple[str, Attachment]) -> Chat:
    batch = [
        InboundMessage(
            account_id=app.account_id,
            chat_key="5511912345678@s.whatsapp.net",
            chat_title="Cliente Arquivos",
            identities=[Identity("phone", "+5511912345678")],
            channel_id=channel_id,
            text="segue o arquivo" if channel_id == "TEXT" else "",
            sent_at=BASE_MS + 3_600_000 + number * 1000,
            kind="document",
            sender_name="Cliente Arquivos",
            attachments=(attachment,) if attachment.file_name else (),
        )
        for number, (channel_id, attachment) in enumerate(files)
    ]
    stored = app.run(app.runtime.ingest.ingest(batch))
    ids = {message.channel_id: result.message_id for message, result in zip(batch, stored, strict=True)}
    assert all(ids.values())
    return Chat(app, stored[0].conversation_id, {key: int(value or 0) for key, value in ids.items()})


@pytest.fixture
def chat(app: App, qtbot: Any) -> Chat:
    """A customer who sent a boleto, a program, an old photo and a video still on its way; all fetched once."""
    channel = DownloadingChannel(
        media={
            "ref-boleto": BOLETO,
            "ref-program": PROGRAM,
            "ref-old-photo": DownloadError("download failed with status code 404"),
            "ref-video": DownloadError("failed to download media from last host: i/o timeout"),
        }
    )
    app.runtime.channels[app.account_id] = channel
    sent = _customer_sends(
        app,
        ("TEXT", Attachment("", "")),
        ("BOLETO", Attachment("../../boleto\u202emaio.pdf", "application/pdf", 0, None, "ref-boleto")),
        ("PROGRAM", Attachment("nota_fiscal", "application/x-msdownload", 0, None, "ref-program")),
        ("OLD", Attachment("foto.jpg", "image/jpeg", 0, b"thumb", "ref-old-photo")),
        ("VIDEO", Attachment("video.mp4", "video/mp4", 0, None, "ref-video")),
    )
    app.window.open_conversation(sent.conversation_id)
    model = app.window.chat_pane.model
    with qtbot.waitSignals([model.dataChanged] * 3):  # done, done, expired: each bubble repaints
        app.run(app.runtime.media_downloads.drain_once())
    return sent


def _right_click(chat: Chat, qtbot: Any, channel_id: str) -> QMenu | None:
    pane = chat.app.window.chat_pane
    index = pane.model.index(pane.model.row_of(chat.messages[channel_id]), 0)
    pane.view.scrollTo(index)
    viewport = pane.view.viewport()
    pos = pane.view.visualRect(index).center()
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=pos)
    # what the platform sends after a right button press (QTest does not synthesise it)
    QApplication.sendEvent(viewport, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos)))
    qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=pos)
    return pane.attachment_actions.menu


def _action(menu: QMenu, name: str) -> QAction:
    found = [action for action in menu.actions() if action.objectName() == name]
    assert len(found) == 1, [action.text() for action in menu.actions()]
    return found[0]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Files handed to the system's viewer (none is launched); nothing may be written to the system's temp folder."""
    urls: list[Path] = []

    def open_url(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    shared_temp = tmp_path / "system-temp"
    shared_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared_temp))
    return urls


def test_open_writes_a_read_only_copy_in_a_private_folder(
    chat: Chat, qtbot: Any, opened: list[Path], tmp_path: Path
) -> None:
    menu = _right_click(chat, qtbot, "BOLETO")
    assert menu is not None
    _action(menu, "openAttachment").trigger()
    chat.app.run(settle())

    [path] = opened
    assert path.name == "boletomaio.pdf"  # no path parts, no right-to-left override
    assert path.read_bytes() == BOLETO
    private = path.parent.parent
    assert private == chat.app.store.profile.root / OPEN_COPIES_FOLDER  # DeskChat's own folder, cleared at start
    assert list((tmp_path / "system-temp").iterdir()) == []  # no plaintext copy in the shared temp folder
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o400
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
    else:
        assert not path.stat().st_mode & stat.S_IWRITE

    # opening it again gives a fresh copy (the first may still be open in a viewer)
    menu = _right_click(chat, qtbot, "BOLETO")
    assert menu is not None
    _action(menu, "openAttachment").trigger()
    chat.app.run(settle())
    assert len(opened) == 2 and opened[1] != opened[0] and opened[1].read_bytes() == BOLETO


def test_a_program_is_opened_only_after_the_attendant_confirms(chat: Chat, qtbot: Any, opened: list[Path]) -> None:
    view = chat.app.window.chat_pane.view
    for answer in (QMessageBox.ButtonRole.RejectRole, QMessageBox.ButtonRole.AcceptRole):
        menu = _right_click(chat, qtbot, "PROGRAM")
        assert menu is not None
        _action(menu, "openAttachment").trigger()
        [box] = [found for found in view.findChildren(QMessageBox, "confirmExecutable") if found.isVisible()]
        assert "nota_fiscal.exe" in box.text()
        assert opened == []  # nothing written or opened while the question is up
        [button] = [b for b in box.buttons() if box.buttonRole(b) == answer]
        button.click()
        assert not box.isVisible()
        chat.app.run(settle())
    [path] = opened
    assert path.name == "nota_fiscal.exe" and path.read_bytes() == PROGRAM


def test_save_as_proposes_the_safe_name_and_writes_the_file(
    chat: Chat, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []
    target = tmp_path / "Downloads" / "boleto-maio.pdf"
    target.parent.mkdir()

    def get_save_file_name(_parent: Any, _title: str, proposed: str, *_args: Any) -> tuple[str, str]:
        asked.append(proposed)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    menu = _right_click(chat, qtbot, "BOLETO")
    assert menu is not None
    _action(menu, "saveAttachment").trigger()
    chat.app.run(settle())

    [proposed] = asked
    assert Path(proposed).name == "boletomaio.pdf"
    assert target.read_bytes() == BOLETO


def test_a_cancelled_save_writes_nothing(chat: Chat, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: ("", ""))
    menu = _right_click(chat, qtbot, "BOLETO")
    assert menu is not None
    _action(menu, "saveAttachment").trigger()
    chat.app.run(settle())


@pytest.mark.parametrize(
    ("channel_id", "english", "portuguese"),
    [
        ("OLD", "Media expired — ask the customer to send it again", "Mídia expirada — peça ao cliente para reenviar"),
        ("VIDEO", "Still downloading…", "Ainda baixando…"),
    ],
)
def test_media_not_in_the_vault_says_why_in_words(
    chat: Chat, qtbot: Any, qapp: QApplication, channel_id: str, english: str, portuguese: str
) -> None:
    menu = _right_click(chat, qtbot, channel_id)
    assert menu is not None
    [status] = [a for a in menu.actions() if a.objectName() != "replyAction" and not a.isSeparator()]
    assert status.text() == english and not status.isEnabled()
    menu.close()

    install_translations(qapp, "pt_BR")
    try:
        menu = _right_click(chat, qtbot, channel_id)
        assert menu is not None
        shown = [a.text() for a in menu.actions() if a.objectName() != "replyAction" and not a.isSeparator()]
        assert shown == [portuguese]
        menu.close()
    finally:
        install_translations(qapp, "en")


def test_a_bubble_without_attachments_only_offers_a_reply(chat: Chat, qtbot: Any) -> None:
    menu = _right_click(chat, qtbot, "TEXT")
    assert menu is not None
    assert [action.objectName() for action in menu.actions()] == ["replyAction"]
    menu.close()
    pane = chat.app.window.chat_pane
    below_the_bubbles = QPoint(5, pane.view.viewport().height() - 2)
    assert not pane.view.indexAt(below_the_bubbles).isValid()
    assert pane.attachment_actions.menu_at(below_the_bubbles) is None


def test_a_name_without_extension_gets_the_one_of_its_type() -> None:
    assert with_extension("document-3EB0", "application/pdf") == "document-3EB0.pdf"
    assert with_extension("boleto.pdf", "image/jpeg") == "boleto.pdf"
    assert with_extension("arquivo", "application/x-unknown-type") == "arquivo"


#: Types the issue found opening without a question (a sample of each family; the full table is in
#: tests/unit/core/test_filenames.py), sent with a harmless declared type, some with the tricks names play.
RISKY_FILES = {
    "CHM": "ajuda.chm",
    "XLL": "addin.xll",
    "ONE": "notas.one",
    "MSIX": "app.msix",
    "APPINSTALLER": "instalar.appinstaller",
    "LIBRARY": "docs.library-ms",
    "SEARCH": "busca.search-ms",
    "RDP": "acesso.rdp",
    "DOCM": "contrato.DOCM",
    "XLSM": "planilha.xlsm.",
    "DOUBLE": "boleto.pdf.exe",
    "BIDI": "fatura\u202efdp.exe",
    "MACOS": "Instalar.command",
    "LINUX": "instalar.desktop",
}


@pytest.fixture
def risky_chat(app: App, qtbot: Any) -> Chat:
    """A customer who sent one file of each risky kind, all downloaded."""
    data = b"PK\x03\x04 looks harmless"
    app.runtime.channels[app.account_id] = DownloadingChannel(media={f"ref-{key}": data for key in RISKY_FILES})
    sent = _customer_sends(
        app,
        *(
            (key, Attachment(name, "application/octet-stream", 0, None, f"ref-{key}"))
            for key, name in RISKY_FILES.items()
        ),
    )
    app.window.open_conversation(sent.conversation_id)
    model = app.window.chat_pane.model
    with qtbot.waitSignals([model.dataChanged] * len(RISKY_FILES)):
        app.run(app.runtime.media_downloads.drain_once())
    return sent


def test_every_risky_type_asks_before_opening(risky_chat: Chat, qtbot: Any, opened: list[Path]) -> None:
    view = risky_chat.app.window.chat_pane.view
    for key in RISKY_FILES:
        menu = _right_click(risky_chat, qtbot, key)
        assert menu is not None
        _action(menu, "openAttachment").trigger()
        shown = [found for found in view.findChildren(QMessageBox, "confirmExecutable") if found.isVisible()]
        assert len(shown) == 1, key
        [box] = shown
        assert "\u202e" not in box.text()
        [cancel] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole]
        cancel.click()
        risky_chat.app.run(settle())
    assert opened == []  # nothing was written or opened without a yes


def test_a_reversed_name_reads_as_it_is_in_the_bubble() -> None:
    assert attachment_label("document", "fatura\u202efdp.exe") == "faturafdp.exe"
    assert attachment_label("document", "../../\u2066boleto\u2069.pdf") == "boleto.pdf"
    assert attachment_label("document", "\u202e") == "Attachment"


class RecordingPainter(QPainter):
    """A painter on an image that remembers every text drawn through it."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        self.texts.extend(arg for arg in args if isinstance(arg, str))
        super().drawText(*args)


def _painted_texts(view: Any, row: int) -> list[str]:
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.font = view.font()
    image = QImage(
        max(option.rect.width(), 1), max(option.rect.height(), 1) + option.rect.top(), QImage.Format.Format_ARGB32
    )
    painter = RecordingPainter(image)
    try:
        view.itemDelegate().paint(painter, option, index)
    finally:
        painter.end()
    return painter.texts


def test_a_reversed_name_reads_as_it_is_in_the_list_and_the_bubble(app: App, qtbot: Any) -> None:
    sent = _customer_sends(app, ("EVIL", Attachment("fatura\u202efdp.exe", "application/pdf", 0, None, "ref-evil")))
    app.window.open_conversation(sent.conversation_id)
    app.run(settle())  # opening marks the conversation read
    conversations = app.window.conversation_pane.current_list()
    [row] = [
        number
        for number in range(conversations.model().rowCount())
        if "fatura" in " ".join(_painted_texts(conversations, number))
    ]
    listed = " ".join(_painted_texts(conversations, row))
    assert "faturafdp.exe" in listed and "\u202e" not in listed

    chat_view = app.window.chat_pane.view
    pane = app.window.chat_pane
    bubble = " ".join(_painted_texts(chat_view, pane.model.row_of(sent.messages["EVIL"])))
    assert "faturafdp.exe" in bubble and "\u202e" not in bubble


# -- the files written outside the store -------------------------------------------------------------------------


def test_the_mark_of_the_web_says_internet_zone() -> None:
    assert zone_identifier() == b"[ZoneTransfer]\r\nZoneId=3\r\n"


def test_on_windows_every_copy_gets_the_mark_of_the_web(tmp_path: Path) -> None:
    written: dict[str, bytes] = {}
    assert mark_from_internet(tmp_path / "boleto.pdf", platform="win32", write=written.__setitem__)
    assert written == {f"{tmp_path / 'boleto.pdf'}:Zone.Identifier": zone_identifier()}

    def refused(_path: str, _content: bytes) -> None:
        raise OSError(22, "no alternate data streams on this file system")

    assert not mark_from_internet(tmp_path / "boleto.pdf", platform="win32", write=refused)
    assert not mark_from_internet(tmp_path / "boleto.pdf", platform="linux", write=written.__setitem__)
    assert len(written) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the name with a colon is a real stream")
def test_a_private_copy_is_marked_before_it_is_made_read_only(tmp_path: Path) -> None:
    # On Linux "name:Zone.Identifier" is a plain file beside the copy: the stream, as Windows would hold it.
    copy = write_private_copy(tmp_path / "open-files", "boleto.pdf", BOLETO, platform="win32")
    stream = copy.with_name("boleto.pdf:Zone.Identifier")
    assert stream.read_bytes() == zone_identifier()
    assert copy.read_bytes() == BOLETO and not copy.stat().st_mode & stat.S_IWUSR


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the name with a colon is a real stream")
def test_a_saved_file_is_marked_too(tmp_path: Path) -> None:
    target = tmp_path / "Downloads" / "boleto.pdf"
    target.parent.mkdir()
    write_saved_file(target, BOLETO, platform="win32")
    assert target.read_bytes() == BOLETO
    assert target.with_name("boleto.pdf:Zone.Identifier").read_bytes() == zone_identifier()
    write_saved_file(target, BOLETO, platform="linux")  # elsewhere: the file only
    assert sorted(path.name for path in target.parent.iterdir()) == ["boleto.pdf", "boleto.pdf:Zone.Identifier"]


def test_copies_left_by_a_crashed_run_are_removed_at_the_next_start(tmp_path: Path) -> None:
    profile_root = tmp_path / "profile"
    old = write_private_copy(profile_root / OPEN_COPIES_FOLDER, "boleto.pdf", BOLETO)
    older = write_private_copy(profile_root / OPEN_COPIES_FOLDER, "nota.pdf", BOLETO)
    assert old.exists() and older.exists()  # read-only files in private sub-folders, as a run leaves them
    (profile_root / "deskchat.db").write_bytes(b"store")

    remove_leftover_copies(profile_root)  # what app.main does before anything else

    assert not (profile_root / OPEN_COPIES_FOLDER).exists()
    assert [path.name for path in profile_root.iterdir()] == ["deskchat.db"]
    remove_leftover_copies(profile_root)  # nothing left: nothing to do


@pytest.mark.skipif(sys.platform == "win32", reason="a symbolic link needs privileges on Windows")
def test_start_up_cleaning_never_follows_a_link_out_of_the_profile(tmp_path: Path) -> None:
    outside = tmp_path / "documents"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    profile_root = tmp_path / "profile"
    profile_root.mkdir()
    (profile_root / OPEN_COPIES_FOLDER).symlink_to(outside)
    remove_leftover_copies(profile_root)
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not (profile_root / OPEN_COPIES_FOLDER).exists()
