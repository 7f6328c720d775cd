"""One mailbox on the connection screen: its state in words, first-sync progress, sign in again, disconnect, log."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from deskchat.services.accounts import AccountsService, AccountState
from deskchat.services.notices import Notices
from deskchat.ui.connections.card_parts import (
    common_event_words,
    confirmed,
    fill_log,
    hint_label,
    linked_today_text,
    log_list,
    status_label,
)
from deskchat.ui.connections.mail_folders import FolderChoice, MailFoldersDialog
from deskchat.ui.notices import WindowNotices
from deskchat.ui.tasks import run_async

ADDRESS_SHOWN_CHARS = 28
_RUNNING = frozenset({"online", "connecting", "reconnecting", "offline", "server_unavailable"})


def shortened_address(address: str, limit: int = ADDRESS_SHOWN_CHARS) -> str:
    """``fulano@empresa…`` when the address is longer than ``limit`` characters."""
    return address if len(address) <= limit else address[: limit - 1] + "…"


class EmailCard(QGroupBox):
    """Driven by the accounts service (state, log, actions) and the bus bridge; ``demo`` shows a simulated mailbox."""

    disconnected = Signal(int)
    sign_in_again = Signal(int)

    def __init__(
        self,
        service: AccountsService,
        account_id: int,
        address: str,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        folders: FolderChoice | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"emailCard_{account_id}")
        self.setTitle(self.tr("E-mail — %1").replace("%1", address))
        self._service = service
        self.account_id = account_id
        self.address = address
        self.demo = demo
        self._folders = folders
        self.folders_dialog: MailFoldersDialog | None = None
        self.notices: Notices = WindowNotices(self)

        self.status_label = status_label(self, "mailStatus")
        self.hint_label = hint_label(self, "mailHint")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("mailFirstSync")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setObjectName("mailConnect")
        self.connect_button.clicked.connect(lambda: run_async(self._service.connect(self.account_id), self))
        self.sign_in_button = QPushButton(self.tr("Sign in again"), self)
        self.sign_in_button.setObjectName("mailSignInAgain")
        self.sign_in_button.clicked.connect(lambda: self.sign_in_again.emit(self.account_id))
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        self.disconnect_button.setObjectName("mailDisconnect")
        self.disconnect_button.clicked.connect(self.confirm_disconnect)
        self.folders_button = QPushButton(self.tr("Synced folders…"), self)
        self.folders_button.setObjectName("mailFolders")
        self.folders_button.setEnabled(folders is not None)
        self.folders_button.clicked.connect(self.open_folders)
        self.linked_label = QLabel(self)
        self.linked_label.setObjectName("mailLinkedToday")
        self.log_list = log_list(self, "mailLog")

        actions = QHBoxLayout()
        actions.addWidget(self.connect_button)
        actions.addWidget(self.sign_in_button)
        actions.addWidget(self.disconnect_button)
        actions.addStretch(1)
        actions.addWidget(self.folders_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.progress)
        layout.addLayout(actions)
        layout.addWidget(self.linked_label)
        layout.addWidget(QLabel(self.tr("Integration log"), self))
        layout.addWidget(self.log_list)
        self.show_state(AccountState("demo") if demo else service.state(account_id))
        self.refresh_log()

    def open_folders(self) -> MailFoldersDialog | None:
        """Which folders the mailbox syncs besides INBOX and Sent."""
        if self._folders is None:
            return None
        self.folders_dialog = MailFoldersDialog(self._folders, self.account_id, self)
        self.folders_dialog.open()
        return self.folders_dialog

    # -- state ---------------------------------------------------------------------------------------------------

    def state_words(self, state: AccountState) -> tuple[str, str]:
        """The state in words, and what the attendant can do about it."""
        retry = f"{state.retry_in:.0f}" if state.retry_in is not None else "?"
        texts = {
            "demo": (self.tr("Demo (simulated)"), self.tr("Sample mailbox: nothing is sent or received.")),
            "not_connected": (self.tr("Not connected"), self.tr("Press “Connect” to receive and send mail.")),
            "connecting": (self.tr("Connecting"), ""),
            "online": (
                self.tr("Connected (%1)").replace("%1", shortened_address(self.address)),
                self.tr("New mail arrives here within seconds."),
            ),
            "reconnecting": (self.tr("Reconnecting"), self.tr("The connection dropped; DeskChat is restoring it.")),
            "offline": (
                self.tr("No internet"),
                self.tr("The mail server cannot be reached. DeskChat keeps trying; your mail waits in the outbox."),
            ),
            "server_unavailable": (
                self.tr("Server unavailable — next attempt in %1 s").replace("%1", retry),
                self.tr("The mail server answers but refuses service for now. DeskChat keeps trying."),
            ),
            "auth_required": (
                self.tr("Sign-in needed"),
                self.tr("The mail server no longer accepts the sign-in (password changed or access revoked)."),
            ),
        }
        return texts.get(state.state, (state.state, ""))

    def show_state(self, state: AccountState) -> None:
        words, hint = self.state_words(state)
        self.status_label.setText(words)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        self.connect_button.setVisible(not self.demo and state.state == "not_connected")
        self.sign_in_button.setVisible(not self.demo and state.state == "auth_required")
        self.disconnect_button.setVisible(not self.demo)
        if state.state not in _RUNNING:
            self.progress.hide()
        self.linked_label.setText(linked_today_text(self._service, self.account_id))

    def on_state_changed(self, account_id: int, _state: str, _detail: str) -> None:
        if account_id == self.account_id and not self.demo:
            self.show_state(self._service.state(account_id))

    def on_history_progressed(self, account_id: int, percent: int, _stored: int) -> None:
        """The first sync's progress (headers of every folder); hidden once complete."""
        if account_id != self.account_id:
            return
        self.progress.setValue(max(0, min(percent, 100)))
        self.progress.setFormat(self.tr("First sync: %p%"))
        self.progress.setVisible(percent < 100)

    # -- disconnecting -------------------------------------------------------------------------------------------

    def confirm_disconnect(self) -> None:
        run_async(self.disconnect_if_confirmed(), self)

    async def disconnect_if_confirmed(self) -> None:
        question = self.tr(
            "Disconnect this mailbox from DeskChat? Its password or sign-in is deleted from this computer; "
            "the mail already received stays here."
        )
        if await confirmed(self.notices, question):
            await self._service.disconnect(self.account_id)
            self.disconnected.emit(self.account_id)

    # -- log -----------------------------------------------------------------------------------------------------

    def event_words(self, event: str) -> str:
        return {
            **common_event_words(),
            "account_added": self.tr("Mailbox added"),
            "mail_sent": self.tr("Mail sent"),
            "signed_in_again": self.tr("Signed in again"),
        }.get(event, event)

    def refresh_log(self) -> None:
        fill_log(self.log_list, self._service, self.account_id, self.event_words)

    def on_logged(self, account_id: int) -> None:
        if account_id == self.account_id:
            self.refresh_log()
