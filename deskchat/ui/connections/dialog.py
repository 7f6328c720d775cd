"""The connection screen, "Integrações de Atendimento": one card per WhatsApp number, and adding another."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from deskchat.config import Settings
from deskchat.core.events import ChannelKind
from deskchat.services.accounts import AccountsService
from deskchat.services.crm_accounts import CrmDriver
from deskchat.services.whatsapp_accounts import WhatsAppDriver
from deskchat.ui.bridge import BusBridge
from deskchat.ui.connections.crm_card import CrmCard
from deskchat.ui.connections.whatsapp_card import WhatsAppCard
from deskchat.ui.tasks import run_async


class ConnectionsDialog(QDialog):
    """Talks to the accounts service (accounts, states, log) and to the WhatsApp driver only to pair a number."""

    def __init__(
        self,
        service: AccountsService,
        whatsapp: WhatsAppDriver | None,  # None in the demo profile: only the CRM card
        bridge: BusBridge,
        parent: QWidget | None = None,
        *,
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
        self._bridge = bridge
        self.cards: dict[int, WhatsAppCard] = {}
        intro = QLabel(
            self.tr("Link the WhatsApp numbers you serve customers with. Each number resumes by itself next time."),
            self,
        )
        intro.setWordWrap(True)
        self._cards_box = QWidget(self)
        self._cards_layout = QVBoxLayout(self._cards_box)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._cards_box)
        self.add_button = QPushButton(self.tr("Add a WhatsApp number"), self)
        self.add_button.setObjectName("waAddAccount")
        self.add_button.clicked.connect(self._ask_new_account)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(buttons)
        if whatsapp is not None:
            service.ensure_one(ChannelKind.WHATSAPP, self.tr("Main number"))
            for account in service.accounts(ChannelKind.WHATSAPP):
                self.add_card(account.id, account.name)
        else:
            self.add_button.hide()
        self.crm_card = None if crm is None else CrmCard(service, crm, settings, self._cards_box, demo=demo)
        if self.crm_card is not None:
            self._cards_layout.addWidget(self.crm_card)
        self._cards_layout.addStretch(1)
        bridge.channel_state_changed.connect(self._on_state)
        bridge.qr_changed.connect(self._on_qr)
        bridge.integration_logged.connect(self._on_logged)

    def add_card(self, account_id: int, name: str) -> WhatsAppCard:
        assert self._whatsapp is not None
        card = WhatsAppCard(self._service, self._whatsapp, account_id, name, self._cards_box)
        self.cards[account_id] = card
        self._cards_layout.insertWidget(len(self.cards) - 1, card)
        return card

    def _on_state(self, account_id: int, state: str, detail: str) -> None:
        if self.crm_card is not None:
            self.crm_card.on_state_changed(account_id, state, detail)
        card = self.cards.get(account_id)
        if card is not None:
            card.on_state_changed(account_id, state, detail)

    def _on_qr(self, account_id: int, code: str, index: int, expires_in: float) -> None:
        card = self.cards.get(account_id)
        if card is not None:
            card.on_qr(account_id, code, index, expires_in)

    def _on_logged(self, account_id: int) -> None:
        card = self.cards.get(account_id)
        if card is not None:
            card.on_logged(account_id)

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
