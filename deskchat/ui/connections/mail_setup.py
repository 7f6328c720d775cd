"""Adding a mailbox (or signing one in again): provider, servers, and sign-in by browser or by password.

The servers are filled from the address as soon as it is typed: well-known domains from the provider table, other
domains from their published autoconfiguration (looked up off the GUI thread, with a short timeout). Nothing is
stored until the server accepted the sign-in; a refusal is told in words and the attendant can correct it.
"""

from __future__ import annotations

import ipaddress
import threading
import webbrowser
from collections.abc import Callable, Mapping

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskchat.channels.email import autoconfig
from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.channels.email.oauth_microsoft import DeviceCode
from deskchat.channels.email.providers import MailServers, OAuthProvider, preset_for
from deskchat.core.events import ChannelKind
from deskchat.core.identity import normalize_email
from deskchat.services.accounts import AccountsService
from deskchat.services.email_accounts import EmailDriver
from deskchat.ui.connections import mail_signin
from deskchat.ui.connections.mail_signin import Grant, Problem, SignInProblem
from deskchat.ui.tasks import run_async

GENERIC = "imap"
BROWSER, PASSWORD = "browser", "password"
_SIGN_IN_OF = {"google": SignIn.GOOGLE, "microsoft": SignIn.MICROSOFT}


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


class ServerFields:
    """Host, port and security of one server (TLS or STARTTLS; no encryption only for this computer's own server)."""

    def __init__(self, parent: QWidget, kind: str) -> None:
        self.host = QLineEdit(parent)
        self.host.setObjectName(f"{kind}Host")
        self.port = QSpinBox(parent)
        self.port.setObjectName(f"{kind}Port")
        self.port.setRange(1, 65535)
        self.security = QComboBox(parent)
        self.security.setObjectName(f"{kind}Security")
        self.security.addItem("SSL/TLS", Security.SSL)
        self.security.addItem("STARTTLS", Security.STARTTLS)
        self._none_label = QCoreApplication.translate("ServerFields", "None (this computer only)")
        self.host.textChanged.connect(self._offer_plain_for_loopback)

    def _offer_plain_for_loopback(self, host: str) -> None:
        index = self.security.findData(Security.NONE)
        if is_loopback(host) and index < 0:
            self.security.addItem(self._none_label, Security.NONE)
        elif not is_loopback(host) and index >= 0:
            self.security.removeItem(index)

    def show(self, server: Server) -> None:
        self.host.setText(server.host)
        self.port.setValue(server.port)
        self.security.setCurrentIndex(max(0, self.security.findData(server.security)))

    def server(self) -> Server:
        return Server(self.host.text().strip(), self.port.value(), Security(self.security.currentData()))


class MailSetupDialog(QDialog):
    """Emits ``mailbox_added`` with the new account's id once it is stored and starting."""

    mailbox_added = Signal(int)

    def __init__(
        self,
        service: AccountsService,
        email: EmailDriver,
        providers: Mapping[str, OAuthProvider],
        parent: QWidget | None = None,
        *,
        again: tuple[int, MailAccount] | None = None,
        open_browser: Callable[[str], object] | None = None,
        lookup: Callable[[str], MailServers | None] = autoconfig.look_up,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mailSetupDialog")
        self.setWindowTitle(self.tr("Sign in again") if again else self.tr("Add a mailbox"))
        self._service = service
        self._email = email
        self._providers = providers
        self._again = again
        self._open_browser = open_browser or (lambda url: webbrowser.open(url))
        self._lookup = lookup
        self._servers_edited = False
        self._looked_up = ""
        self._cancelled = threading.Event()
        self._device_code = False

        self.address_field = QLineEdit(self)
        self.address_field.setObjectName("mailAddress")
        self.address_field.setPlaceholderText(self.tr("atendimento@empresa.com.br"))
        self.name_field = QLineEdit(self)
        self.name_field.setObjectName("mailDisplayName")
        self.name_field.setPlaceholderText(self.tr("Name shown to customers, e.g. Suporte Empresa"))
        self.provider_box = QComboBox(self)
        self.provider_box.setObjectName("mailProvider")
        self.provider_box.addItem(self.tr("Gmail / Google Workspace"), "google")
        self.provider_box.addItem(self.tr("Microsoft 365 / Outlook"), "microsoft")
        self.provider_box.addItem(self.tr("Generic IMAP"), GENERIC)
        self.method_box = QComboBox(self)
        self.method_box.setObjectName("mailMethod")
        self.method_box.addItem(self.tr("Sign in with the browser"), BROWSER)
        self.method_box.addItem(self.tr("Password or app password"), PASSWORD)
        self.username_field = QLineEdit(self)
        self.username_field.setObjectName("mailUsername")
        self.username_field.setPlaceholderText(self.tr("Same as the address"))
        self.password_field = QLineEdit(self)
        self.password_field.setObjectName("mailPassword")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.imap = ServerFields(self, "imap")
        self.smtp = ServerFields(self, "smtp")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("mailSetupStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.device_code_label = QLabel(self)
        self.device_code_label.setObjectName("mailDeviceCode")
        self.device_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.device_code_label.setWordWrap(True)
        self.device_code_label.hide()
        self.device_code_button = QPushButton(self.tr("Sign in on another device with a code"), self)
        self.device_code_button.setObjectName("mailUseDeviceCode")
        self.device_code_button.clicked.connect(self._sign_in_with_code)
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setObjectName("mailSetupConnect")
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(lambda: run_async(self.submit(), self))

        form = QFormLayout()
        form.addRow(self.tr("E-mail address"), self.address_field)
        form.addRow(self.tr("Your name"), self.name_field)
        form.addRow(self.tr("Provider"), self.provider_box)
        form.addRow(self.tr("Sign-in"), self.method_box)
        form.addRow(self.tr("Password"), self.password_field)
        servers = QGroupBox(self.tr("Servers"), self)
        servers_form = QFormLayout(servers)
        for title, fields in ((self.tr("IMAP (incoming)"), self.imap), (self.tr("SMTP (outgoing)"), self.smtp)):
            servers_form.addRow(title, fields.host)
            servers_form.addRow(self.tr("Port"), fields.port)
            servers_form.addRow(self.tr("Security"), fields.security)
        servers_form.addRow(self.tr("User name"), self.username_field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(servers)
        layout.addWidget(self.status_label)
        layout.addWidget(self.device_code_label)
        layout.addWidget(self.device_code_button)
        layout.addWidget(buttons)

        self.address_field.editingFinished.connect(self.apply_presets)
        self.provider_box.currentIndexChanged.connect(self._provider_chosen)
        self.method_box.currentIndexChanged.connect(self._method_chosen)
        for fields in (self.imap, self.smtp):
            fields.host.textEdited.connect(self._edited_by_hand)
        self.provider_box.setCurrentIndex(self.provider_box.findData(GENERIC))
        self._provider_chosen()
        if again is not None:
            self._fill_from(again[1])

    # -- presets and autoconfiguration ---------------------------------------------------------------------------

    def _edited_by_hand(self) -> None:
        self._servers_edited = True

    def apply_presets(self) -> None:
        """Fill provider and servers from the address: a known domain at once, others by autoconfig lookup."""
        if not self.isVisible():  # the line loses focus as the dialog closes: nothing to fill any more
            return
        address = self.address_field.text().strip()
        domain = address.rpartition("@")[2].lower()
        preset = preset_for(address)
        if preset is not None:
            self.provider_box.setCurrentIndex(self.provider_box.findData(preset.provider_id))
            self._show_servers(preset)
        elif autoconfig.valid_domain(domain) and domain != self._looked_up and not self._servers_edited:
            self._looked_up = domain
            self.provider_box.setCurrentIndex(self.provider_box.findData(GENERIC))
            self.status_label.setText(self.tr("Looking up the servers of %1…").replace("%1", domain))
            run_async(self._autoconfigure(domain), self)

    async def _autoconfigure(self, domain: str) -> None:
        if not shiboken6.isValid(self):
            return  # closed before the lookup began
        found = await mail_signin.look_up_servers(domain, self._lookup)
        if not shiboken6.isValid(self) or not self.isVisible():
            return  # closed meanwhile
        if self.address_field.text().strip().rpartition("@")[2].lower() != domain or self._servers_edited:
            return  # the attendant moved on
        if found is None:
            self.status_label.setText(self.tr("Type the servers your IT or mail provider gave you."))
            return
        self._show_servers(found)
        self.status_label.setText(self.tr("Servers found for %1.").replace("%1", domain))

    def _show_servers(self, servers: MailServers) -> None:
        if not self._servers_edited:
            self.imap.show(servers.imap)
            self.smtp.show(servers.smtp)

    def _provider_chosen(self) -> None:
        provider = self._providers.get(str(self.provider_box.currentData()))
        oauth = provider is not None
        self.method_box.setCurrentIndex(self.method_box.findData(BROWSER if oauth else PASSWORD))
        self.method_box.setEnabled(oauth)
        self.device_code_button.setVisible(str(self.provider_box.currentData()) == "microsoft")
        if provider is not None and provider.imap is not None and provider.smtp is not None:
            self._show_servers(MailServers(provider.imap, provider.smtp, provider.id))
        self._method_chosen()

    def _method_chosen(self) -> None:
        self.password_field.setEnabled(self.method_box.currentData() == PASSWORD)

    def _fill_from(self, account: MailAccount) -> None:
        self.address_field.setText(account.address)
        self.address_field.setReadOnly(True)
        self.name_field.setText(account.display_name)
        self.username_field.setText(account.username)
        provider_id = str(account.sign_in) if account.sign_in != SignIn.PASSWORD else GENERIC
        self.provider_box.setCurrentIndex(self.provider_box.findData(provider_id))
        self.method_box.setCurrentIndex(self.method_box.findData(PASSWORD if provider_id == GENERIC else BROWSER))
        self._servers_edited = True
        self.imap.show(account.imap)
        self.smtp.show(account.smtp)

    # -- signing in ----------------------------------------------------------------------------------------------

    def problem_words(self, problem: Problem, account: MailAccount) -> str:
        provider = self.provider_box.currentText()
        return {
            Problem.REFUSED: self.tr(
                "The server refused this user name or password. Check them; Gmail and Outlook accept only an app "
                "password here, or sign in with the browser."
            ),
            Problem.UNREACHABLE: self.tr(
                "Cannot reach the mail server %1 (port %2). Check the server name, port and security, and the "
                "internet connection."
            )
            .replace("%1", account.imap.host)
            .replace("%2", str(account.imap.port)),
            Problem.NOT_SET_UP: self.tr(
                "Sign-in with %1 is not set up on this computer. Ask IT to set the client id in the policy file, "
                "or use an app password."
            ).replace("%1", provider),
            Problem.SIGN_IN_FAILED: self.tr("The sign-in in the browser did not complete. Try again."),
        }[problem]

    def _form_account(self) -> MailAccount | None:
        """The mailbox as typed, or None after saying what is missing."""
        address = normalize_email(self.address_field.text()) or ""
        if "@" not in address or not autoconfig.valid_domain(address.rpartition("@")[2]):
            self.status_label.setText(self.tr("Type the mailbox's e-mail address."))
            return None
        imap, smtp = self.imap.server(), self.smtp.server()
        if not imap.host or not smtp.host:
            self.status_label.setText(self.tr("Type the IMAP and SMTP servers."))
            return None
        browser = self.method_box.currentData() == BROWSER
        if not browser and not self.password_field.text():
            self.status_label.setText(self.tr("Type the password (or app password)."))
            return None
        sign_in = _SIGN_IN_OF.get(str(self.provider_box.currentData()), SignIn.PASSWORD) if browser else SignIn.PASSWORD
        return MailAccount(address, self.name_field.text().strip(), imap, smtp, sign_in, self.username_field.text())

    def _sign_in_with_code(self) -> None:
        self._device_code = True
        run_async(self.submit(), self)

    def _show_device_code(self, code: DeviceCode) -> None:
        self.device_code_label.setText(
            self.tr("On any device, open %1 and type the code %2.")
            .replace("%1", code.verification_uri)
            .replace("%2", code.user_code)
        )
        self.device_code_label.show()

    async def _grant(self, account: MailAccount) -> Grant | None:
        if account.sign_in == SignIn.PASSWORD:
            return None
        provider = self._providers[str(account.sign_in)]
        self.status_label.setText(self.tr("Finish the sign-in in the browser window that opened…"))
        if account.sign_in == SignIn.GOOGLE:
            return await mail_signin.google_sign_in(provider, account.address, self._open_browser)
        if self._device_code:
            return await mail_signin.microsoft_device_code(provider, self._show_device_code, self._cancelled)
        return await mail_signin.microsoft_sign_in(provider, account.address)

    async def submit(self) -> int | None:
        """Check the sign-in with the server, then keep the mailbox and start it; returns its id (None: refused)."""
        account = self._form_account()
        if account is None:
            return None
        if self._again is None and self._already_connected(account.address):
            self.status_label.setText(self.tr("This mailbox is already connected."))
            return None
        self.connect_button.setEnabled(False)
        password = self.password_field.text()
        try:
            grant = await self._grant(account)
            if self._cancelled.is_set():
                return None  # the attendant closed the dialog meanwhile: keep nothing
            self.status_label.setText(self.tr("Checking the sign-in with the server…"))
            if grant is None:
                await mail_signin.check_password(account, password)
            else:
                await mail_signin.check_grant(account, grant)
        except SignInProblem as problem:
            if not self._cancelled.is_set():
                self.status_label.setText(self.problem_words(problem.problem, account))
            return None
        finally:
            if not self._cancelled.is_set():
                self.connect_button.setEnabled(True)
                self._device_code = False
        if self._cancelled.is_set():
            return None
        account_id = await self._keep(account, password, grant)
        self.accept()
        return account_id

    async def _keep(self, account: MailAccount, password: str, grant: Grant | None) -> int:
        password = password if grant is None else ""
        refresh_token = grant.refresh_token if grant is not None else ""
        provider = self._providers.get(str(account.sign_in))
        if self._again is not None:
            account_id = self._again[0]
            await self._email.replace_credentials(
                account_id, password=password, refresh_token=refresh_token, provider=provider
            )
            await self._service.restart(account_id)
            return account_id
        account_id = await self._email.add_mailbox(
            account, password=password, refresh_token=refresh_token, provider=provider
        )
        await self._service.connect(account_id)
        self.mailbox_added.emit(account_id)
        return account_id

    def _already_connected(self, address: str) -> bool:
        return any(
            row.address == address and self._email.can_resume(row.id)
            for row in self._service.accounts()
            if row.kind == ChannelKind.EMAIL
        )

    def done(self, result: int) -> None:
        self._cancelled.set()  # a device-code wait stops polling
        super().done(result)
