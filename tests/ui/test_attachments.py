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
from PySide6.QtGui import QAction, QContextMenuEvent, QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox
from ui_harness import BASE_MS, App, FakeChannel

from deskchat.channels.base import Capability
from deskchat.core.messages import Attachment, Identity, InboundMessage
from deskchat.ui.attachment_actions import MAX_NAME_BYTES, is_executable, safe_file_name, with_extension
from deskchat.ui.i18n import install_translations
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
    """Files handed to the system's viewer (none is launched); the private folder goes under ``tmp_path``."""
    urls: list[Path] = []

    def open_url(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
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
    assert private.parent == tmp_path and private.name.startswith("deskchat-files-")
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


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("boleto_maio.pdf", "boleto_maio.pdf"),
        ("Relatório de vendas.xlsx", "Relatório de vendas.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\drivers\\evil.sys", "evil.sys"),
        ("/home/ana/Documentos/nota.pdf", "nota.pdf"),
        ("C:\\Users\\ana\\nota.pdf", "nota.pdf"),
        ("C:nota.pdf", "C_nota.pdf"),
        ("pasta/", "attachment"),
        ("..", "attachment"),
        (".", "attachment"),
        ("", "attachment"),
        ("   ", "attachment"),
        ("\u202e\u200b", "attachment"),
        ("fatura\u202efdp.exe", "faturafdp.exe"),  # shown as "faturaexe.pdf" with the override
        ("\u2066nota\u2069\u200f.pdf", "nota.pdf"),
        ("foto\u200b\ufeff.jpg", "foto.jpg"),
        ("linha1\nlinha2\r\t.txt", "linha1linha2.txt"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("sino\x07\x1b[31m.txt", "sino[31m.txt"),
        ("espaço\u00a0duro.txt", "espaço duro.txt"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("PRN.pdf", "_PRN.pdf"),
        ("AUX", "_AUX"),
        ("NUL.tar.gz", "_NUL.tar.gz"),
        ("COM1", "_COM1"),
        ("com9.jpg", "_com9.jpg"),
        ("LPT1.doc", "_LPT1.doc"),
        ("lpt3", "_lpt3"),
        ("CONIN$", "_CONIN$"),
        ("aux .txt", "_aux .txt"),
        ("console.txt", "console.txt"),
        ("COM10.txt", "COM10.txt"),
        ("report.pdf.", "report.pdf"),
        ("report.pdf...", "report.pdf"),
        ("report.pdf   ", "report.pdf"),
        ("report. . .", "report"),
        ("CON.", "_CON"),
        (".bashrc", "bashrc"),
        ("decomposed cafe\u0301.txt", "decomposed café.txt"),
    ],
)
def test_file_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


@pytest.mark.parametrize(
    ("name", "extension"), [("a" * 300 + ".pdf", ".pdf"), ("ç" * 200 + ".jpeg", ".jpeg"), ("x" * 400, "")]
)
def test_very_long_names_are_cut_keeping_the_extension(name: str, extension: str) -> None:
    safe = safe_file_name(name)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe.endswith(extension) and len(safe) > len(extension) + 10
    assert safe == safe_file_name(safe)  # already safe: unchanged


def test_the_fallback_name_is_made_safe_too() -> None:
    assert safe_file_name("", fallback="anexo") == "anexo"
    assert safe_file_name("..", fallback="../CON") == "_CON"


@pytest.mark.parametrize(
    ("name", "mime", "executable"),
    [
        ("boleto.pdf", "application/pdf", False),
        ("foto.jpg", "image/jpeg", False),
        ("setup.exe", "application/octet-stream", True),
        ("fatura.pdf.exe", "application/pdf", True),
        ("SCRIPT.BAT", "text/plain", True),
        ("atalho.lnk", "", True),
        ("app.apk", "", True),
        ("instalar.msi", "", True),
        ("macro.vbs", "", True),
        ("run.ps1", "", True),
        ("deploy.sh", "", True),
        ("lib.jar", "", True),
        ("page.js", "", True),
        ("tela.scr", "", True),
        ("nota", "application/x-msdownload", True),
        ("nota.txt", "application/x-sh; charset=utf-8", True),
    ],
)
def test_programs_and_scripts_are_recognised(name: str, mime: str, executable: bool) -> None:
    assert is_executable(name, mime) is executable


def test_a_name_without_extension_gets_the_one_of_its_type() -> None:
    assert with_extension("document-3EB0", "application/pdf") == "document-3EB0.pdf"
    assert with_extension("boleto.pdf", "image/jpeg") == "boleto.pdf"
    assert with_extension("arquivo", "application/x-unknown-type") == "arquivo"
