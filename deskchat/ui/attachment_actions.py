"""Opening and saving a chat attachment: right-click a bubble, then "Open" or "Save as…".

The bytes come from the media vault. The name a customer gave a file is never trusted
(:func:`deskchat.core.filenames.safe_file_name`: no path parts, no control or bidi characters, no Windows-reserved
names, no trailing dots or spaces). "Open" writes the file, read-only and marked as from the Internet, into the
profile's private folder of opened copies (:mod:`deskchat.ui.private_copies`) and hands it to the system's viewer; a
file whose opening can run code (:func:`deskchat.core.filenames.is_risky`: programs, scripts, installers, shortcuts,
documents with macros) is opened only after the attendant confirms. An attachment that is not in the vault says why
in the menu (still downloading, expired, failed).
"""

from __future__ import annotations

import asyncio
import atexit
import mimetypes
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Final

from PySide6.QtCore import QObject, QPoint, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QFileDialog, QMenu, QMessageBox, QWidget

from deskchat.core.filenames import is_risky, safe_file_name
from deskchat.store import media
from deskchat.store.database import Store
from deskchat.store.media import AttachmentInfo, DownloadState
from deskchat.ui.models.chat import MessageIdRole
from deskchat.ui.private_copies import open_copies_folder, remove_private_folder, write_private_copy, write_saved_file
from deskchat.ui.tasks import run_async

# Extensions of common types, the same on every OS (``mimetypes`` also reads the system's tables).
_EXTENSIONS: Final = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "text/plain": ".txt",
    "application/zip": ".zip",
    "application/x-msdownload": ".exe",
    "application/vnd.android.package-archive": ".apk",
}


def with_extension(name: str, mime: str) -> str:
    """``name`` with the extension its type implies when it has none (so the right viewer opens it)."""
    if Path(name).suffix:
        return name
    base = mime.split(";", 1)[0].strip().lower()
    return name + (_EXTENSIONS.get(base) or mimetypes.guess_extension(base) or "")


class AttachmentActions(QObject):
    """The context menu of a chat view's bubbles with attachments.

    Args:
        view: the chat's list view (its rows answer ``MessageIdRole``).
        store: where the attachments and their bytes are.
        temp_root: the private folder opened files go to; by default the profile's, removed at exit.
    """

    def __init__(
        self,
        view: QAbstractItemView,
        store: Store,
        temp_root: Path | None = None,
        reply: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._store = store
        self._temp_root = temp_root
        self._reply = reply  # when given, every bubble's menu starts with "Reply"
        self.menu: QMenu | None = None  # the menu shown last
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show_menu)

    # -- the menu ----------------------------------------------------------------------------------------------

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu_at(pos)
        if menu is not None:
            menu.popup(self._view.viewport().mapToGlobal(pos))  # not exec(): no nested event loop

    def menu_at(self, pos: QPoint) -> QMenu | None:
        """The menu for the bubble at ``pos`` (viewport coordinates), or None when it has no attachment."""
        index = self._view.indexAt(pos)
        message_id = index.data(MessageIdRole) if index.isValid() else None
        if message_id is None:
            return None
        with self._store.read() as conn:
            found = media.attachments_of(conn, int(message_id))
        if not found and self._reply is None:
            return None
        if self.menu is not None:
            self.menu.close()
        menu = QMenu(self._view)
        menu.setObjectName("attachmentMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self._reply is not None:
            reply = self._reply
            replying = menu.addAction(self.tr("Reply"))
            replying.setObjectName("replyAction")
            replying.triggered.connect(lambda *_args: reply(int(message_id)))
            if found:
                menu.addSeparator()
        for info in found:
            if len(found) > 1:
                menu.addSection(self.file_name_of(info))
            self._add_actions(menu, info)
        menu.destroyed.connect(lambda *_args: self._forget_menu(menu))
        self.menu = menu
        return menu

    def _forget_menu(self, menu: QMenu) -> None:
        if self.menu is menu:
            self.menu = None

    def _add_actions(self, menu: QMenu, info: AttachmentInfo) -> None:
        if info.state is not DownloadState.DONE:
            status = menu.addAction(self.state_text(info.state))
            status.setEnabled(False)
            return
        opening = menu.addAction(self.tr("Open"))
        opening.setObjectName("openAttachment")
        opening.triggered.connect(lambda *_args: self.open_attachment(info))
        saving = menu.addAction(self.tr("Save as…"))
        saving.setObjectName("saveAttachment")
        saving.triggered.connect(lambda *_args: self.save_attachment(info))

    def state_text(self, state: DownloadState) -> str:
        """Why an attachment cannot be opened, in the attendant's words."""
        texts = {
            DownloadState.PENDING: self.tr("Still downloading…"),
            DownloadState.EXPIRED: self.tr("Media expired — ask the customer to send it again"),
            DownloadState.FAILED: self.tr("Download failed"),
            DownloadState.SKIPPED: self.tr("Too large to download automatically"),
        }
        return texts.get(state, self.tr("Download failed"))

    def file_name_of(self, info: AttachmentInfo) -> str:
        return with_extension(safe_file_name(info.file_name, self.tr("attachment")), info.mime)

    # -- open --------------------------------------------------------------------------------------------------

    def open_attachment(self, info: AttachmentInfo) -> None:
        """Open a copy with the system's viewer; one that can run code only after the attendant confirms."""
        name = self.file_name_of(info)
        if not is_risky(name, info.mime):
            run_async(self.open_copy(info.id, name), self._view)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Open a file that can run code?"),
            self.tr(
                "“%1” can run code on this computer when opened (a program, script, installer, shortcut or "
                "document with macros). Open it only if you trust who sent it and expected this file."
            ).replace("%1", name),
            QMessageBox.StandardButton.Cancel,
            self._view,
        )
        box.setObjectName("confirmExecutable")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.addButton(self.tr("Open anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(partial(self._confirmed, box, info.id, name))
        box.open()  # not exec(): its nested event loop would stall the asyncio loop

    def _confirmed(self, box: QMessageBox, attachment_id: int, name: str, button: QAbstractButton) -> None:
        if box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
            run_async(self.open_copy(attachment_id, name), self._view)

    async def open_copy(self, attachment_id: int, name: str) -> Path | None:
        """Write the attachment read-only into the private folder and open it; returns the file written."""
        stored = await self._store.read_later(partial(media.media_of_attachment, attachment_id=attachment_id))
        if stored is None:
            self._tell(self.tr("This file is not available any more."))
            return None
        path = await asyncio.to_thread(write_private_copy, self._private_folder(), name, stored.data)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._tell(self.tr("No application on this computer opens “%1”. Use “Save as…”.").replace("%1", name))
        return path

    def _private_folder(self) -> Path:
        if self._temp_root is None:
            self._temp_root = open_copies_folder(self._store.profile.root)
            atexit.register(remove_private_folder, self._temp_root)  # and at the next start, after a crash
        return self._temp_root

    # -- save --------------------------------------------------------------------------------------------------

    def save_attachment(self, info: AttachmentInfo) -> None:
        """Ask where to save the attachment, then write it there."""
        name = self.file_name_of(info)
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation) or str(Path.home())
        target, _filter = QFileDialog.getSaveFileName(self._view, self.tr("Save attachment"), str(Path(folder, name)))
        if target:
            run_async(self.save_copy(info.id, Path(target)), self._view)

    async def save_copy(self, attachment_id: int, target: Path) -> bool:
        """Write the attachment's bytes to ``target`` (the attendant chose it); False when it is not in the vault."""
        stored = await self._store.read_later(partial(media.media_of_attachment, attachment_id=attachment_id))
        if stored is None:
            self._tell(self.tr("This file is not available any more."))
            return False
        await asyncio.to_thread(write_saved_file, target, stored.data)
        return True

    # -- words -------------------------------------------------------------------------------------------------

    def _tell(self, text: str) -> None:
        parent: QWidget = self._view
        box = QMessageBox(QMessageBox.Icon.Information, "DeskChat", text, QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("attachmentMessage")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
