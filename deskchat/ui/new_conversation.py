"""'Nova conversa' (Ctrl+N): the attendant starts a conversation with a customer who has not written first.

A non-modal dialog over the window: the account (the WhatsApp numbers and mailboxes connected), the customer's phone
number or e-mail address, and optionally a name. Enter starts, Esc closes. While the channel checks the number the
dialog says so; a refusal is told in words (in the dialog and in a non-modal notice) and the address stays for
correcting. On success the dialog closes and :attr:`NewConversationDialog.started` carries the conversation's id.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.core.events import ChannelKind
from deskchat.services.conversations_start import (
    ConversationStarter,
    Refusal,
    StartableAccount,
    StartRefused,
    customer_identity,
)
from deskchat.ui.notices import WindowNotices
from deskchat.ui.tasks import run_async


def refusal_text(refusal: Refusal, kind: str) -> str:
    """Why a conversation could not be started on a ``kind`` account, in the attendant's words (the "Nova conversa"
    dialog and the reply-channel picker say it alike)."""
    if kind == ChannelKind.EMAIL and refusal is Refusal.OFFLINE:
        return QCoreApplication.translate(
            "NewConversationDialog", "No connection to the mailbox — try again when it is connected."
        )
    if kind == ChannelKind.EMAIL and refusal is Refusal.CHECK_FAILED:
        return QCoreApplication.translate(
            "NewConversationDialog", "The mail server did not answer in time — try again in a moment."
        )
    return {
        Refusal.NO_ACCOUNT: QCoreApplication.translate(
            "NewConversationDialog", "This account is no longer connected. Choose another one."
        ),
        Refusal.INVALID_PHONE: QCoreApplication.translate(
            "NewConversationDialog", "Invalid phone number. Type it with the area code, e.g. (11) 98765-4321."
        ),
        Refusal.INVALID_EMAIL: QCoreApplication.translate(
            "NewConversationDialog", "Invalid address. Type an e-mail address such as customer@company.com."
        ),
        Refusal.NOT_ON_CHANNEL: QCoreApplication.translate("NewConversationDialog", "This number is not on WhatsApp."),
        Refusal.OFFLINE: QCoreApplication.translate(
            "NewConversationDialog", "No connection to WhatsApp — try again when it is connected."
        ),
        Refusal.CHECK_FAILED: QCoreApplication.translate(
            "NewConversationDialog", "WhatsApp did not answer in time — try again in a moment."
        ),
    }[refusal]


class NewConversationDialog(QDialog):
    """Pick an account, type a number or an address (and a name), press Enter."""

    #: The conversation to open (new, or the customer's existing one).
    started = Signal(int)

    def __init__(self, starter: ConversationStarter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newConversationDialog")
        self.setWindowTitle(self.tr("New conversation"))
        self.setModal(False)
        self._starter = starter
        self._task: asyncio.Task[None] | None = None
        self.notices = WindowNotices(self)

        self.account = QComboBox(self)
        self.account.setObjectName("newConversationAccount")
        self.address = QLineEdit(self)
        self.address.setObjectName("newConversationAddress")
        self.address.setMaxLength(320)  # the longest e-mail address; phone numbers are far shorter
        self.name = QLineEdit(self)
        self.name.setObjectName("newConversationName")
        self.name.setMaxLength(200)
        self.name.setPlaceholderText(self.tr("Optional"))
        self.status = QLabel(self)
        self.status.setObjectName("newConversationStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        form = QFormLayout()
        self._address_label = QLabel(self)
        form.addRow(self.tr("&Account:"), self.account)
        form.addRow(self._address_label, self.address)
        self._address_label.setBuddy(self.address)
        form.addRow(self.tr("&Name:"), self.name)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button: QPushButton = self.buttons.addButton(
            self.tr("&Start conversation"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setObjectName("newConversationStart")
        self.start_button.setDefault(True)
        self.start_button.setAutoDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.account.currentIndexChanged.connect(self._account_changed)
        self.address.textEdited.connect(lambda _text: self.status.clear())
        self.setMinimumWidth(420)

    # -- accounts ----------------------------------------------------------------------------------------------

    def refresh_accounts(self) -> None:
        """List the accounts connected now, keeping the one chosen before."""
        chosen = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        for account in self._starter.accounts():
            self.account.addItem(self._account_text(account), account.id)
            self.account.setItemData(self.account.count() - 1, account.kind, Qt.ItemDataRole.UserRole + 1)
        position = self.account.findData(chosen)
        self.account.setCurrentIndex(max(position, 0))
        self.account.blockSignals(False)
        self._account_changed()
        if self.account.count() == 0:
            self.status.setText(
                self.tr("No account is connected. Connect one in DeskChat › Service integrations (Ctrl+I).")
            )

    def _account_text(self, account: StartableAccount) -> str:
        kind = self.tr("WhatsApp") if account.kind == ChannelKind.WHATSAPP else self.tr("E-mail")
        text = f"{kind} — {account.name}"
        return f"{text} ({account.address})" if account.address and account.address != account.name else text

    def _kind(self) -> str:
        return str(self.account.currentData(Qt.ItemDataRole.UserRole + 1) or ChannelKind.WHATSAPP)

    def _account_changed(self) -> None:
        has_account = self.account.count() > 0
        self.start_button.setEnabled(has_account and self._task is None)
        if self._kind() == ChannelKind.EMAIL:
            self._address_label.setText(self.tr("&E-mail:"))
            self.address.setPlaceholderText(self.tr("customer@company.com"))
        else:
            self._address_label.setText(self.tr("&Phone:"))
            self.address.setPlaceholderText(self.tr("(11) 98765-4321"))
        self.status.clear()

    # -- starting ----------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._task is None:
            self.refresh_accounts()
        self.address.setFocus()
        self.address.selectAll()

    def accept(self) -> None:
        """Enter or the start button: check the address and start (the dialog stays open until it is done)."""
        if self._task is not None or self.account.count() == 0:
            return
        account_id = int(self.account.currentData())
        address, name = self.address.text(), self.name.text()
        try:
            customer_identity(self._kind(), address)  # a typo is told at once, before any question to the channel
        except StartRefused as refused:
            self._refused(refused.refusal)
            return
        if self._starter.asks_channel(account_id):
            self.status.setText(
                self.tr("Checking the number with WhatsApp…")
                if self._kind() == ChannelKind.WHATSAPP
                else self.tr("Checking the address…")
            )
        self._set_busy(True)
        self._task = run_async(self._start(account_id, address, name), self)

    async def _start(self, account_id: int, address: str, name: str) -> None:
        try:
            started = await self._starter.start(account_id, address, name)
        except StartRefused as refused:
            self._refused(refused.refusal)
            return
        finally:
            self._task = None
            self._set_busy(False)
        self.status.clear()
        self.address.clear()
        self.name.clear()
        self.hide()
        self.started.emit(started.conversation_id)

    def reject(self) -> None:
        """Esc or Cancel: close; a check still running is abandoned."""
        if self._task is not None:
            self._task.cancel()
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.account, self.address, self.name):
            widget.setEnabled(not busy)
        self.start_button.setEnabled(not busy and self.account.count() > 0)
        if not busy:
            self.address.setFocus()

    def _refused(self, refusal: Refusal) -> None:
        text = self.refusal_text(refusal, self._kind())
        self.status.setText(text)
        self.notices.warning(text)
        self.address.setFocus()
        self.address.selectAll()

    def refusal_text(self, refusal: Refusal, kind: str) -> str:
        return refusal_text(refusal, kind)
