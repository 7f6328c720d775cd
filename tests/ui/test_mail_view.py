"""A mail shown in DeskChat loads nothing from the network or the disk: its own cid: images show, remote images
(tracking pixels) stay blocked until "Mostrar imagens remotas", and links open outside after showing where they go."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QUrl

from deskchat.channels.email.mime import parse
from deskchat.ui import tasks
from deskchat.ui.mail_view import MailView, remote_image_urls

# a 1x1 PNG
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
MAIL = (
    b"From: Loja <vendas@loja.example>\r\nTo: suporte@empresa.com.br\r\nSubject: Oferta\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
    b'<p>Oi</p><img src="https://tracker.example/p.gif?u=ana"><img src="cid:logo@loja">'
    b'<img src="file:///etc/passwd"><a href="https://loja.example/oferta">ver</a>\r\n'
    b"--b\r\nContent-Type: image/png\r\nContent-ID: <logo@loja>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.b64encode(PIXEL)
    + b"\r\n--b--\r\n"
)


class FakeFetcher:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, urls: Iterable[str]) -> Mapping[str, bytes]:
        wanted = list(urls)
        self.asked.append(wanted)
        return {url: PIXEL for url in wanted}


def _show(qtbot: Any) -> tuple[MailView, FakeFetcher]:
    mail = parse(MAIL)
    fetcher = FakeFetcher()
    view = MailView(fetcher=fetcher)
    qtbot.addWidget(view)
    cids = {a.content_id: a.data for a in mail.attachments if a.content_id}
    view.show_mail(mail.html, mail.text, cids)
    view.show()
    qtbot.waitExposed(view)
    return view, fetcher


def test_remote_images_stay_blocked_until_the_attendant_asks(qtbot: Any, loop: Any) -> None:
    view, fetcher = _show(qtbot)
    assert remote_image_urls(view._html) == ["https://tracker.example/p.gif?u=ana"]
    assert view.show_remote_button.isVisible() and view.blocked_label.isVisible()
    assert fetcher.asked == []  # nothing went to the network
    assert "cid:logo@loja" in view.browser.requested  # the mail's own image was loaded
    assert not any(url.startswith("file:") for url in view.browser.requested if url in view.browser.remote_images)

    view.show_remote_button.click()
    loop.run_until_complete(tasks.settle())
    assert fetcher.asked == [["https://tracker.example/p.gif?u=ana"]]
    assert not view.show_remote_button.isVisible()


def test_only_cid_images_load_and_local_files_never(qtbot: Any) -> None:
    view, _ = _show(qtbot)
    browser = view.browser
    image_kind = 2  # QTextDocument.ResourceType.ImageResource
    assert not browser.loadResource(image_kind, QUrl("cid:logo@loja")).isNull()
    for blocked in ("https://tracker.example/p.gif?u=ana", "file:///etc/passwd", "passwd", "data:image/png;base64,x"):
        assert browser.loadResource(image_kind, QUrl(blocked)).isNull()  # an empty image, never None
    assert browser.loadResource(3, QUrl("https://evil.example/style.css")) == ""  # a style sheet: never


def test_a_fifo_or_device_named_by_a_mail_is_never_opened(qtbot: Any, tmp_path: Any) -> None:
    """Returning None from loadResource makes QTextDocument open the address itself: a FIFO would hang the window."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    view = MailView(fetcher=FakeFetcher())
    qtbot.addWidget(view)
    view.show_mail(f'<img src="file://{fifo}"><img src="{fifo}"><img src="file:///dev/zero">')
    view.show()
    qtbot.waitExposed(view)  # a hang here is caught by the test timeout
    assert f"file://{fifo}" in view.browser.requested


def test_a_link_shows_its_real_address_and_opens_outside(qtbot: Any, monkeypatch: Any) -> None:
    opened: list[str] = []
    monkeypatch.setattr("deskchat.ui.mail_view.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    view, _ = _show(qtbot)
    view.browser.highlighted.emit(QUrl("https://loja.example/oferta"))
    assert view.link_label.text() == "https://loja.example/oferta"
    view.browser.anchorClicked.emit(QUrl("https://loja.example/oferta"))
    view.browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://loja.example/oferta"]
