"""A mail's HTML, shown safely: no scripts (QTextBrowser runs none), no network and no local files; only the mail's
own ``cid:`` images load. Remote images stay blocked until the attendant clicks "Mostrar imagens remotas"; they are
then fetched off the GUI thread (bounded) and shown. Links open in the system browser after the real address is
shown, never inside DeskChat.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from deskchat.channels.email.remote_images import fetch_images
from deskchat.ui.tasks import run_async

_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
Fetcher = Callable[[Iterable[str]], Mapping[str, bytes]]


def remote_image_urls(html: str) -> list[str]:
    """The http(s) image addresses a (sanitised) mail asks for, in order, once each."""
    found = (match.group(1).strip() for match in _IMG_SRC.finditer(html))
    return list(dict.fromkeys(url for url in found if url.lower().startswith(("http://", "https://"))))


class MailBrowser(QTextBrowser):
    """The HTML view; :meth:`loadResource` serves ``cid:`` images, and remote ones once they were fetched."""

    linkChosen = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self.linkChosen.emit)
        self.cid_images: dict[str, bytes] = {}
        self.remote_images: dict[str, bytes] = {}
        self.requested: list[str] = []  # every resource the document asked for (what a test checks)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Never ``None``: QTextDocument then opens the address itself as a local file (``file:///dev/zero``, a
        FIFO: a hang). A blocked image is an empty image, any other resource an empty text."""
        address = url if isinstance(url, QUrl) else QUrl(url)
        self.requested.append(address.toString())
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return ""  # no style sheets, no frames: nothing but images is ever loaded
        scheme = address.scheme().lower()
        if scheme == "cid":
            data = self.cid_images.get(address.path()) or self.cid_images.get(address.toString()[4:])
        elif scheme in ("http", "https"):
            data = self.remote_images.get(address.toString())
        else:
            data = None  # file:, relative paths, data: and anything else stay blocked
        image = QImage()
        if data is not None:
            image.loadFromData(data)
        return image


class MailView(QWidget):
    """A mail with its remote-images bar; ``fetcher`` gets the addresses to fetch (tests give a fake one)."""

    remoteImagesShown = Signal()
    alwaysShowChosen = Signal()  # "Always show from this sender" (the reader remembers it)

    def __init__(self, parent: QWidget | None = None, *, fetcher: Fetcher = fetch_images) -> None:
        super().__init__(parent)
        self._fetcher = fetcher
        self._html = ""
        self._offer_always = False
        self.browser = MailBrowser(self)
        self.browser.setObjectName("mailBrowser")
        self.browser.linkChosen.connect(self._open_link)
        self.browser.highlighted.connect(self._show_address)  # the real address under the pointer, before a click
        self.link_label = QLabel(self)
        self.link_label.setObjectName("mailLinkAddress")
        self.link_label.setTextFormat(Qt.TextFormat.PlainText)
        self.blocked_label = QLabel(self.tr("Remote images were blocked to protect your privacy."), self)
        self.blocked_label.setObjectName("mailRemoteBlocked")
        self.show_remote_button = QPushButton(self.tr("Show remote images"), self)
        self.show_remote_button.setObjectName("mailShowRemote")
        self.show_remote_button.clicked.connect(lambda: run_async(self.show_remote_images(), self))
        self.always_show_button = QPushButton(self.tr("Always show from this sender"), self)
        self.always_show_button.setObjectName("mailAlwaysShowRemote")
        self.always_show_button.clicked.connect(self._always_show)
        self.always_show_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.blocked_label, 1)
        bar.addWidget(self.show_remote_button)
        bar.addWidget(self.always_show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.browser)
        layout.addWidget(self.link_label)

    def show_mail(self, html: str, text: str = "", cid_images: Mapping[str, bytes] | None = None) -> None:
        """Show sanitised ``html`` (or ``text``, as plain text, when the mail has no HTML part)."""
        self._html = html
        self.browser.cid_images = dict(cid_images or {})
        self.browser.remote_images = {}
        if html:
            self.browser.setHtml(html)
        else:
            self.browser.setPlainText(text)
        self.show_remote_button.setEnabled(True)
        self._show_blocked_bar(bool(remote_image_urls(html)))

    def offer_always_show(self, offered: bool) -> None:
        """Offer "Always show from this sender" next to "Show remote images" (a mail with a sender address)."""
        self._offer_always = offered
        self._show_blocked_bar(self.show_remote_button.isVisibleTo(self))

    def _show_blocked_bar(self, blocked: bool) -> None:
        self.blocked_label.setVisible(blocked)
        self.show_remote_button.setVisible(blocked)
        self.always_show_button.setVisible(blocked and self._offer_always)

    def _always_show(self) -> None:
        self.alwaysShowChosen.emit()
        run_async(self.show_remote_images(), self)

    async def show_remote_images(self) -> None:
        urls = remote_image_urls(self._html)
        if not urls:
            return
        self.show_remote_button.setEnabled(False)
        fetched = await asyncio.get_running_loop().run_in_executor(None, self._fetcher, urls)
        self.browser.remote_images = dict(fetched)
        self.browser.setHtml(self._html)  # lay out again: loadResource now finds them
        self._show_blocked_bar(False)
        self.remoteImagesShown.emit()

    def _show_address(self, url: QUrl) -> None:
        self.link_label.setText(url.toString())

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
