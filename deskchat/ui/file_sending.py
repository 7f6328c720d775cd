"""Sending files from the chat pane: the attach button, files dropped on the chat, and refusals in words.

A chosen or dropped file is read, and an image's thumbnail made (Qt decodes it: ≤ 240 px, JPEG), in a worker thread;
then :meth:`MessagingService.send_file` queues it like a text: the bubble shows a clock at once and the outbox worker
delivers it. The composer's text becomes the caption of the first picture. Files the service would refuse (too big,
empty) are refused here before they are read.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QLocale, QMimeData, QObject, Qt
from PySide6.QtGui import QDropEvent, QImage, QImageReader, QImageWriter, QKeySequence, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPlainTextEdit, QToolButton, QWidget

from deskchat.services.messaging import (
    IMAGE_MIMES,
    MAX_FILE_BYTES,
    EmptyFile,
    FileTooLarge,
    FileToSend,
    check_file_size,
    file_kind,
    guess_mime,
)
from deskchat.ui.tasks import run_async

SendFile = Callable[[int, FileToSend], Awaitable[int]]

THUMBNAIL_MAX_PX = 240
THUMBNAIL_QUALITY = 80
ATTACH_SHORTCUT = "Ctrl+Shift+A"
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def make_thumbnail(data: bytes) -> bytes | None:
    """A JPEG preview of the picture in ``data``, at most 240 px each way; None when Qt cannot decode it."""
    source = QBuffer()
    source.setData(QByteArray(data))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(source)
    reader.setAutoTransform(True)  # photos from phones are often rotated by their EXIF orientation
    size = reader.size()
    if size.isValid() and (size.width() > THUMBNAIL_MAX_PX or size.height() > THUMBNAIL_MAX_PX):
        reader.setScaledSize(size.scaled(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    if max(image.width(), image.height()) > THUMBNAIL_MAX_PX:  # a reader that ignores the scaled size
        image = image.scaled(
            THUMBNAIL_MAX_PX,
            THUMBNAIL_MAX_PX,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    if image.hasAlphaChannel():  # JPEG has none: transparent parts become white, not black
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(Qt.GlobalColor.white)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    target = QBuffer()
    target.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(target, QByteArray(b"jpeg"))
    writer.setQuality(THUMBNAIL_QUALITY)
    if not writer.write(image):
        return None
    return bytes(target.data().data())


def read_file(path: Path, caption: str = "") -> FileToSend:
    """Read ``path`` into a :class:`FileToSend` (in a worker thread: it may be 100 MB).

    Raises:
        FileTooLarge, EmptyFile: before reading it.
        OSError: it could not be read.
    """
    check_file_size(path.name, path.stat().st_size)
    data = path.read_bytes()
    mime = guess_mime(path.name)
    thumbnail = None
    as_document = False
    if file_kind(mime, len(data)) == "image":
        thumbnail = make_thumbnail(data)
        as_document = thumbnail is None  # not a picture after all: WhatsApp could not show it either
    return FileToSend(path.name, data, mime, caption, thumbnail, as_document)


def local_files(mime: QMimeData) -> list[Path]:
    """The local files among the dragged URLs."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def _fill(template: str, *values: str) -> str:
    """Qt's ``%1 %2 …`` placeholders, filled in one pass (a file name may itself contain ``%2``)."""

    def value(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return values[number - 1] if 0 < number <= len(values) else match.group(0)

    return re.sub(r"%(\d)", value, template)


def _size_text(size: int, precision: int = 1) -> str:
    return QLocale().formattedDataSize(size, precision, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


class FileSending(QObject):
    """The chat pane's file actions.

    Args:
        pane: the chat pane (parent of the button and of the messages shown).
        send_file: queues a file in a conversation; None hides the button and ignores drops.
        conversation: the open conversation's id, or None.
        composer: its text becomes a picture's caption; files dropped on it are sent, not pasted as paths.
        chat: the bubbles' viewport, where files are dropped.
    """

    def __init__(
        self,
        pane: QWidget,
        send_file: SendFile | None,
        conversation: Callable[[], int | None],
        composer: QPlainTextEdit,
        chat: QWidget,
    ) -> None:
        super().__init__(pane)
        self._pane = pane
        self._send_file = send_file
        self._conversation = conversation
        self._composer = composer
        self._chat = chat
        self._last_dir = ""
        self.attach_button = QToolButton(pane)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setText(self.tr("Attach"))  # words: an emoji glyph is missing on many desktops
        self.attach_button.setAccessibleName(self.tr("Attach"))
        shortcut = QKeySequence(ATTACH_SHORTCUT)
        self.attach_button.setShortcut(shortcut)
        self.attach_button.setToolTip(
            self.tr("Attach images or documents (or drop files on the chat)")
            + f" — {shortcut.toString(QKeySequence.SequenceFormat.NativeText)}"
        )
        self.attach_button.clicked.connect(self.choose_files)
        self.attach_button.setVisible(send_file is not None)
        if send_file is not None:
            chat.setAcceptDrops(True)
            chat.installEventFilter(self)
            composer.viewport().installEventFilter(self)

    def can_send(self) -> bool:
        return self._send_file is not None and self._conversation() is not None

    # -- choosing and dropping ---------------------------------------------------------------------------------

    def choose_files(self) -> None:
        """Ask for files with the system's picker and send them."""
        if not self.can_send():
            return
        file_filter = ";;".join(
            (self.tr("All files (*)"), self.tr("Images (*.jpg *.jpeg *.png *.webp)"), self.tr("PDF files (*.pdf)"))
        )
        names, _chosen_filter = QFileDialog.getOpenFileNames(
            self._pane, self.tr("Send files"), self._last_dir, file_filter
        )
        if names:
            self._last_dir = str(Path(names[0]).parent)
            self.send_paths([Path(name) for name in names])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _DRAG_EVENTS or not isinstance(event, QDropEvent):
            return False
        paths = local_files(event.mimeData()) if self.can_send() else []
        if not paths:
            if watched is self._chat:  # the bubbles take no other drops
                event.ignore()
                return True
            return False  # text dropped on the composer is pasted as usual
        event.setDropAction(Qt.DropAction.CopyAction)  # never let the source delete a file we were given
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.send_paths(paths)
        return True

    # -- sending -----------------------------------------------------------------------------------------------

    def send_paths(self, paths: Sequence[Path]) -> None:
        """Queue ``paths`` in the open conversation, in order; the composer's text captions the first picture."""
        conversation_id = self._conversation()
        if conversation_id is None or self._send_file is None or not paths:
            return
        caption = ""
        if any(guess_mime(path.name) in IMAGE_MIMES for path in paths):
            caption = self._composer.toPlainText().strip()
            self._composer.clear()
        run_async(self._send_all(self._send_file, conversation_id, list(paths), caption), self._pane)

    async def _send_all(self, send_file: SendFile, conversation_id: int, paths: list[Path], caption: str) -> None:
        refused: list[str] = []
        for path in paths:
            captioned = bool(caption) and guess_mime(path.name) in IMAGE_MIMES
            try:
                file = await asyncio.to_thread(read_file, path, caption if captioned else "")
                await send_file(conversation_id, file)
            except FileTooLarge as error:
                refused.append(
                    _fill(
                        self.tr("“%1” is %2; files up to %3 can be sent."),
                        error.file_name,
                        _size_text(error.size),
                        _size_text(MAX_FILE_BYTES, 0),
                    )
                )
            except EmptyFile as error:
                refused.append(_fill(self.tr("“%1” is empty."), error.file_name))
            except OSError as error:
                refused.append(_fill(self.tr("“%1” could not be read: %2"), path.name, error.strerror or str(error)))
            else:
                if captioned:
                    caption = ""
        if caption and not self._composer.toPlainText():
            self._composer.setPlainText(caption)  # the picture it was for was not sent: give the text back
        if refused:
            self._show_refusal(refused)

    def _show_refusal(self, reasons: list[str]) -> None:
        # not QMessageBox.warning(): its nested event loop would stall the asyncio loop behind it
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "DeskChat",
            self.tr("These files were not sent:") + "\n\n" + "\n".join(reasons),
            QMessageBox.StandardButton.Ok,
            self._pane,
        )
        box.setObjectName("filesRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
