"""A mail opened from the chat (double-click or Enter on its bubble): subject, sender, recipients and date as plain
text, and the body in :class:`~deskchat.ui.mail_view.MailView` (sanitised HTML, else the text). A body not fetched
yet is fetched at once. Remote images stay blocked unless the attendant asks, for this mail or always for its sender
(remembered in the store)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from deskchat.channels.email.remote_images import fetch_images
from deskchat.core.messages import Address
from deskchat.services.email_sending import customer_address
from deskchat.store import mail_preferences, mail_reading
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.mail_reading import StoredMail
from deskchat.ui.mail_view import Fetcher, MailView
from deskchat.ui.tasks import run_async

# Fetches the body of a mail stored with headers only: (account id, message id).
FetchBody = Callable[[int, int], Awaitable[None]]


def _names(addresses: tuple[Address, ...]) -> str:
    return ", ".join(f"{a.name} <{a.address}>" if a.name else a.address for a in addresses)


class MailReader(QWidget):
    """A window of its own showing one stored mail."""

    loaded = Signal()  # the mail (with its body, when it had to be fetched) is shown

    def __init__(
        self,
        store: Store,
        message_id: int,
        parent: QWidget | None = None,
        *,
        fetch_body: FetchBody | None = None,
        fetcher: Fetcher = fetch_images,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("mailReader")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._store = store
        self.message_id = message_id
        self._fetch_body = fetch_body
        self.mail: StoredMail | None = None
        self.subject_label = self._label("mailReaderSubject")
        font = self.subject_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.subject_label.setFont(font)
        self.from_label = self._label("mailReaderFrom")
        self.to_label = self._label("mailReaderTo")
        self.cc_label = self._label("mailReaderCc")
        self.date_label = self._label("mailReaderDate")
        self.view = MailView(self, fetcher=fetcher)
        self.view.alwaysShowChosen.connect(self._remember_sender)
        self.header = header = QFormLayout()
        header.addRow(self.tr("From:"), self.from_label)
        header.addRow(self.tr("To:"), self.to_label)
        header.addRow(self.tr("Cc:"), self.cc_label)
        header.addRow(self.tr("Date:"), self.date_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject_label)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self.resize(760, 640)
        self.reload()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # subjects and names are plain text, never markup
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    @property
    def sender_address(self) -> str:
        mail = self.mail
        if mail is None:
            return ""
        if mail.from_address:
            return mail.from_address
        return "" if mail.outgoing else self._customer_address(mail.conversation_id)

    def _customer_address(self, conversation_id: int) -> str:
        with self._store.read() as conn:
            return customer_address(conn, conversation_id)

    def reload(self) -> None:
        """Show the mail as stored; fetch its body first when only its headers are stored."""
        with self._store.read() as conn:
            self.mail = mail_reading.mail_of(conn, self.message_id)
        mail = self.mail
        if mail is None:
            self.subject_label.setText(self.tr("This e-mail is no longer stored."))
            self.view.show_mail("", "")
            return
        self.setWindowTitle(mail.subject or self.tr("(no subject)"))
        self.subject_label.setText(mail.subject or self.tr("(no subject)"))
        sender = mail.from_address or self.sender_address
        self.from_label.setText(f"{mail.sender_name} <{sender}>" if mail.sender_name and sender else sender)
        self.to_label.setText(_names(mail.to))
        self.cc_label.setText(_names(mail.cc))
        self.header.setRowVisible(self.to_label, bool(mail.to))  # no empty "Para:" / "Cc:" lines
        self.header.setRowVisible(self.cc_label, bool(mail.cc))
        self.date_label.setText(datetime.fromtimestamp(mail.sent_at / 1000).strftime("%d/%m/%Y %H:%M"))
        if not mail.body_fetched and self._fetch_body is not None:
            self.view.show_mail("", self.tr("Loading the e-mail…"))
            fetch = self._fetch_body
            self._fetch_body = None  # once: a body the server cannot give is shown as far as it is stored
            run_async(self._fetch_then_show(fetch, mail), self)
            return
        self._show_body(mail)

    async def _fetch_then_show(self, fetch: FetchBody, mail: StoredMail) -> None:
        await fetch(mail.account_id, mail.id)
        self.reload()

    def _show_body(self, mail: StoredMail) -> None:
        self.view.show_mail(mail.html, mail.text)
        sender = self.sender_address
        self.view.offer_always_show(bool(sender) and not mail.outgoing)
        if mail.html and sender:
            with self._store.read() as conn:
                allowed = mail_preferences.remote_images_allowed(conn, sender)
            if allowed:
                run_async(self.view.show_remote_images(), self)
        self.loaded.emit()

    def _remember_sender(self) -> None:
        sender = self.sender_address
        if sender:
            run_async(
                self._store.write(lambda conn: mail_preferences.allow_remote_images(conn, sender, now=now_ms())), self
            )
