"""The connection screen, "Integrações de Atendimento": one card per WhatsApp number and per mailbox, and adding
more of each. In the demo profile it shows the sample accounts, simulated, with nothing to connect."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from deskchat.channels.email.providers import OAuthProvider, provider_table
from deskchat.config import Settings
from deskchat.config.policy import policy_mail_provider_overrides
from deskchat.core.events import ChannelKind
from deskchat.demo.mail_folders import DemoFolderChoice
from deskchat.services.accounts import AccountsService
from deskchat.services.crm_accounts import CrmDriver
from deskchat.services.email_accounts import EmailDriver
from deskchat.services.whatsapp_accounts import WhatsAppDriver
from deskchat.ui.bridge import BusBridge
from deskchat.ui.connections.card_parts import demo_card
from deskchat.ui.connections.crm_card import CrmCard
from deskchat.ui.connections.email_card import EmailCard
from deskchat.ui.connections.mail_setup import MailSetupDialog
from deskchat.ui.connections.whatsapp_card import WhatsAppCard
from deskchat.ui.tasks import run_async


class ConnectionsDialog(QDialog):
    """Talks to the accounts service (accounts, states, log), to the WhatsApp driver to pair a number and to the
    e-mail driver to add a mailbox; without drivers (``demo``) it only shows the accounts."""

    def __init__(
        self,
        service: AccountsService,
        whatsapp: WhatsAppDriver | None,
        bridge: BusBridge,
        parent: QWidget | None = None,
        *,
        email: EmailDriver | None = None,
        mail_providers: Mapping[str, OAuthProvider] | None = None,
        crm: CrmDriver | None = None,
        settings: Settings | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionsDialog")
        self.setWindowTitle(self.tr("Service integrations"))
        self.resize(560, 760)
        self._service = service
        self._whatsapp = whatsapp
        self._email = email
        self._providers = mail_providers
        self._bridge = bridge
        self.demo = demo
        self.cards: dict[int, WhatsAppCard] = {}
        self.mail_cards: dict[int, EmailCard] = {}
        self.demo_cards: dict[int, QGroupBox] = {}
        self.mail_setup: MailSetupDialog | None = None
        self._demo_folders = DemoFolderChoice()
        intro = QLabel(
            self.tr(
                "Link the WhatsApp numbers and mailboxes you serve customers with. Each one resumes by itself "
                "next time."
            ),
            self,
        )
        intro.setWordWrap(True)
        self._cards_box = QWidget(self)
        self._wa_layout = QVBoxLayout()
        self._mail_layout = QVBoxLayout()
        cards_layout = QVBoxLayout(self._cards_box)
        cards_layout.addLayout(self._wa_layout)
        cards_layout.addLayout(self._mail_layout)
        self._crm_layout = QVBoxLayout()
        cards_layout.addLayout(self._crm_layout)
        cards_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._cards_box)
        self.add_button = QPushButton(self.tr("Add a WhatsApp number"), self)
        self.add_button.setObjectName("waAddAccount")
        self.add_button.clicked.connect(self._ask_new_account)
        self.add_mail_button = QPushButton(self.tr("Add a mailbox"), self)
        self.add_mail_button.setObjectName("mailAddAccount")
        self.add_mail_button.clicked.connect(self.open_mail_setup)
        for button, driver in ((self.add_button, whatsapp), (self.add_mail_button, email)):
            button.setEnabled(driver is not None and not demo)
            if demo:
                button.setToolTip(self.tr("Not available in the demo profile"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.add_mail_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(add_row)
        layout.addWidget(buttons)
        if whatsapp is not None and not demo:
            service.ensure_one(ChannelKind.WHATSAPP, self.tr("Main number"))
        for account in service.accounts():
            if account.kind == ChannelKind.WHATSAPP:
                self._add_whatsapp(account.id, account.name)
            elif account.kind == ChannelKind.EMAIL and self._shows_mailbox(account.id):
                self.add_mail_card(account.id, account.address or account.name)
        self.crm_card = None if crm is None else CrmCard(service, crm, settings, self._cards_box, demo=demo)
        if self.crm_card is not None:
            self._crm_layout.addWidget(self.crm_card)
        bridge.channel_state_changed.connect(self._on_state)
        bridge.qr_changed.connect(self._on_qr)
        bridge.integration_logged.connect(self._on_logged)
        bridge.history_progressed.connect(self._on_history)

    # -- cards ---------------------------------------------------------------------------------------------------

    def _add_whatsapp(self, account_id: int, name: str) -> None:
        if self.demo or self._whatsapp is None:
            card = demo_card(self._cards_box, self.tr("WhatsApp — %1").replace("%1", name), account_id)
            self.demo_cards[account_id] = card
            self._wa_layout.addWidget(card)
        else:
            self.add_card(account_id, name)

    def add_card(self, account_id: int, name: str) -> WhatsAppCard:
        assert self._whatsapp is not None
        card = WhatsAppCard(self._service, self._whatsapp, account_id, name, self._cards_box)
        self.cards[account_id] = card
        self._wa_layout.addWidget(card)
        return card

    def _shows_mailbox(self, account_id: int) -> bool:
        """Demo mailboxes, and real ones still signed in (a disconnected one keeps its mail but has no card)."""
        if self.demo or self._email is None:
            return self.demo
        return self._email.can_resume(account_id) or self._service.state(account_id).state != "not_connected"

    def add_mail_card(self, account_id: int, address: str) -> EmailCard:
        folders = self._demo_folders if self.demo else self._email
        card = EmailCard(self._service, account_id, address, self._cards_box, demo=self.demo, folders=folders)
        card.disconnected.connect(self._remove_mail_card)
        card.sign_in_again.connect(self.open_sign_in_again)
        self.mail_cards[account_id] = card
        self._mail_layout.addWidget(card)
        return card

    def _remove_mail_card(self, account_id: int) -> None:
        card = self.mail_cards.pop(account_id, None)
        if card is not None:
            self._mail_layout.removeWidget(card)
            card.deleteLater()

    def _on_state(self, account_id: int, state: str, detail: str) -> None:
        if self.crm_card is not None:
            self.crm_card.on_state_changed(account_id, state, detail)
        card = self.cards.get(account_id) or self.mail_cards.get(account_id)
        if card is not None:
            card.on_state_changed(account_id, state, detail)

    def _on_qr(self, account_id: int, code: str, index: int, expires_in: float) -> None:
        card = self.cards.get(account_id)
        if card is not None:
            card.on_qr(account_id, code, index, expires_in)

    def _on_logged(self, account_id: int) -> None:
        card = self.cards.get(account_id) or self.mail_cards.get(account_id)
        if card is not None:
            card.on_logged(account_id)

    def _on_history(self, account_id: int, percent: int, stored: int) -> None:
        card = self.mail_cards.get(account_id)
        if card is not None:
            card.on_history_progressed(account_id, percent, stored)

    # -- adding a mailbox ----------------------------------------------------------------------------------------

    def providers(self) -> Mapping[str, OAuthProvider]:
        """DeskChat's mail providers with IT's overrides from the policy file (read when first needed)."""
        if self._providers is None:
            self._providers = provider_table(policy_mail_provider_overrides())
        return self._providers

    def open_mail_setup(self) -> MailSetupDialog | None:
        if self._email is None:
            return None
        setup = MailSetupDialog(self._service, self._email, self.providers(), self)
        setup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        setup.mailbox_added.connect(self._mailbox_added)
        self.mail_setup = setup
        setup.open()
        return setup

    def open_sign_in_again(self, account_id: int) -> MailSetupDialog | None:
        if self._email is None:
            return None
        again = (account_id, self._email.mailbox(account_id))
        setup = MailSetupDialog(self._service, self._email, self.providers(), self, again=again)
        setup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.mail_setup = setup
        setup.open()
        return setup

    def _mailbox_added(self, account_id: int) -> None:
        address = next((row.address for row in self._service.accounts() if row.id == account_id), "")
        if account_id not in self.mail_cards:
            self.add_mail_card(account_id, address)

    # -- adding a WhatsApp number --------------------------------------------------------------------------------

    def _ask_new_account(self) -> QInputDialog:
        """Ask for the new number's name in a window-modal box without a nested event loop."""
        ask = QInputDialog(self)
        ask.setObjectName("newAccountName")
        ask.setWindowTitle(self.tr("Add a WhatsApp number"))
        ask.setLabelText(self.tr("A name for this number (e.g. Vendas, Suporte):"))
        ask.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ask.textValueSelected.connect(self._name_chosen)
        ask.open()
        return ask

    def _name_chosen(self, name: str) -> None:
        if name.strip():
            run_async(self.add_account(name.strip()), self)

    async def add_account(self, name: str) -> WhatsAppCard:
        account_id = await self._service.add_account(ChannelKind.WHATSAPP, name)
        return self.add_card(account_id, name)
