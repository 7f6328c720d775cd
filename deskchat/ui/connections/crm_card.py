"""The CRM on the connection screen: address, user and password, "Testar conexão", "Conectar", the state in words,
"Reconectar ao CRM" when the sign-in died, and "Desconectar" after a question.

The address may be fixed by IT (setting ``crm.url`` in the policy file): it is then shown read-only. The password
field is emptied once the CRM accepted it; it is never stored (the CRM's tokens are, in the encrypted store).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.config import CRM_URL, Settings
from deskchat.services.accounts import AccountsService, AccountState
from deskchat.services.crm_accounts import QUEUE_PAUSED, CrmDriver, Verdict, probe
from deskchat.services.notices import Notices
from deskchat.ui.notices import WindowNotices
from deskchat.ui.tasks import run_async


class CrmCard(QGroupBox):
    """Driven by the CRM driver (actions) and the accounts service (state); states arrive through the dialog."""

    disconnected = Signal()

    def __init__(
        self,
        service: AccountsService,
        crm: CrmDriver,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crmCard")
        self.setTitle(self.tr("CRM"))
        self._service = service
        self._crm = crm
        self._demo = demo
        self.notices: Notices = WindowNotices(self)

        self.url_field = QLineEdit(self)
        self.url_field.setObjectName("crmUrl")
        self.url_field.setPlaceholderText(self.tr("https://crm.your-company.com"))
        self.user_field = QLineEdit(self)
        self.user_field.setObjectName("crmUser")
        self.password_field = QLineEdit(self)
        self.password_field.setObjectName("crmPassword")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.url_locked_label = QLabel(self.tr("set by IT"), self)
        self.url_locked_label.setObjectName("crmUrlLocked")
        self.url_locked_label.hide()

        self.status_label = QLabel(self)
        self.status_label.setObjectName("crmStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("crmResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)

        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("crmTest")
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setObjectName("crmConnect")
        self.reconnect_button = QPushButton(self.tr("Reconnect to the CRM"), self)
        self.reconnect_button.setObjectName("crmReconnect")
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        self.disconnect_button.setObjectName("crmDisconnect")
        self.test_button.clicked.connect(lambda: run_async(self.test_connection(), self))
        self.connect_button.clicked.connect(lambda: run_async(self.sign_in(), self))
        self.reconnect_button.clicked.connect(lambda: run_async(self.sign_in(), self))
        self.disconnect_button.clicked.connect(lambda: run_async(self.disconnect_if_confirmed(), self))

        url_row = QHBoxLayout()
        url_row.addWidget(self.url_field, 1)
        url_row.addWidget(self.url_locked_label)
        form = QFormLayout()
        form.addRow(self.tr("Address"), url_row)
        form.addRow(self.tr("User"), self.user_field)
        form.addRow(self.tr("Password"), self.password_field)
        actions = QHBoxLayout()
        for button in (self.test_button, self.connect_button, self.reconnect_button, self.disconnect_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)

        account_id = crm.account_id()
        if account_id is not None:
            saved = crm.settings_of(account_id)
            self.url_field.setText(saved.url)
            self.user_field.setText(saved.user)
        if settings is not None and settings.get(CRM_URL):
            self.url_field.setText(settings.get(CRM_URL))
            if settings.is_locked(CRM_URL):
                self.url_field.setReadOnly(True)
                self.url_locked_label.show()
                self.url_field.setToolTip(self.tr("Your IT department set the CRM address."))
        self.refresh()

    # -- state -----------------------------------------------------------------------------------------------------

    def state(self) -> AccountState:
        account_id = self._crm.account_id()
        if account_id is None:  # the demo without the crm-server extra: a simulated CRM
            return AccountState("demo" if self._demo else "not_connected")
        return self._service.state(account_id)

    def state_words(self, state: AccountState) -> str:
        if state.state == "online":
            return self.tr("Connected (%1)").replace("%1", state.detail)
        if state.state == "auth_required":
            if state.detail == QUEUE_PAUSED:
                return self.tr("Queue paused — Reconnect to the CRM")
            return self.tr("Sign-in required")
        if state.state in ("offline", "server_unavailable", "reconnecting"):
            if state.retry_in is not None:
                seconds = str(max(1, round(state.retry_in)))
                return self.tr("CRM unavailable — retrying in %1 s").replace("%1", seconds)
            return self.tr("CRM unavailable")
        if state.state == "connecting":
            return self.tr("Connecting…")
        if state.state == "demo":
            return self.tr("Demo (simulated)")
        return self.tr("Not connected")

    def refresh(self) -> None:
        state = self.state()
        self.status_label.setText(self.state_words(state))
        signed_in = state.state in ("online", "offline", "server_unavailable", "reconnecting", "connecting")
        needs_sign_in = state.state == "auth_required"
        demo = state.state == "demo"
        self.reconnect_button.setVisible(needs_sign_in)
        self.connect_button.setVisible(not signed_in and not needs_sign_in and not demo)
        self.disconnect_button.setVisible((signed_in or needs_sign_in) and not demo)
        self.test_button.setEnabled(not demo)
        for field in (self.user_field, self.password_field):
            field.setEnabled(not demo)

    def on_state_changed(self, account_id: int, _state: str, _detail: str) -> None:
        if account_id == self._crm.account_id():
            self.refresh()

    # -- actions ---------------------------------------------------------------------------------------------------

    def verdict_words(self, verdict: Verdict) -> str:
        return {
            Verdict.OK: self.tr("The CRM answers and accepted the user and password."),
            Verdict.WRONG_PASSWORD: self.tr("Wrong user or password."),
            Verdict.NOT_A_CRM: self.tr("This address answers, but it is not a DeskChat CRM."),
            Verdict.UNREACHABLE: self.tr("The CRM cannot be reached at this address."),
            Verdict.TLS_ERROR: self.tr("The secure connection failed (TLS certificate or protocol)."),
        }[verdict]

    def _inputs(self) -> tuple[str, str, str] | None:
        url, user, password = self.url_field.text().strip(), self.user_field.text().strip(), self.password_field.text()
        if not url or not user or not password:
            self.result_label.setText(self.tr("Fill in the address, the user and the password."))
            return None
        return url, user, password

    async def test_connection(self) -> Verdict | None:
        inputs = self._inputs()
        if inputs is None:
            return None
        self.result_label.setText(self.tr("Testing…"))
        verdict, _tokens = await probe(*inputs)
        self.result_label.setText(self.verdict_words(verdict))
        return verdict

    async def sign_in(self) -> Verdict | None:
        """ "Conectar" and "Reconectar ao CRM": the password is forgotten here once the CRM accepted it."""
        inputs = self._inputs()
        if inputs is None:
            return None
        self.result_label.setText(self.tr("Connecting…"))
        verdict = await self._crm.connect(*inputs)
        self.result_label.setText("" if verdict is Verdict.OK else self.verdict_words(verdict))
        if verdict is Verdict.OK:
            self.password_field.clear()
        self.refresh()
        return verdict

    async def disconnect_if_confirmed(self) -> None:
        account_id = self._crm.account_id()
        if account_id is None:
            return
        disconnect, keep = self.tr("Disconnect"), self.tr("Cancel")
        answer = await self.notices.ask(
            self.tr(
                "Disconnect DeskChat from the CRM? Changes not yet sent wait here until you connect again; the CRM"
                " sign-in is ended on this computer."
            ),
            [disconnect, keep],
            cancel=keep,
        )
        if answer == disconnect:
            await self._service.disconnect(account_id)
            self.refresh()
            self.disconnected.emit()
