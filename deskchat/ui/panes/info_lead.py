"""The info pane's box for a customer the CRM does not know yet: "Criar lead" from the conversation's contact, or
"Vincular a cliente existente" after searching the CRM's clients by name, CNPJ, phone or e-mail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from deskchat.services.crm_desk import CrmDesk
from deskchat.ui.panes.info_fields import plain_label, shown_text

MAX_SEARCH = 100  # the contract's limit for a search text


class LeadSection(QGroupBox):
    """Shown instead of the client box while the conversation's customer has no CRM record."""

    def __init__(
        self, parent: QWidget, desk: CrmDesk | None, conversation_id: int, changed: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("CRM client"))
        self.setObjectName("crmLead")
        self._desk = desk
        self._conversation_id = conversation_id
        self._changed = changed
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr("Not in the CRM yet: this contact will become a lead."), self))
        self.create_button = QPushButton(self.tr("Create lead"), self)
        self.create_button.setObjectName("createLead")
        self.create_button.setEnabled(desk is not None)
        self.create_button.clicked.connect(self._create_lead)
        layout.addWidget(self.create_button)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("clientSearch")
        self.search_box.setMaxLength(MAX_SEARCH)
        self.search_box.setPlaceholderText(self.tr("Search a client: name, CNPJ, phone or e-mail"))
        self.search_box.setEnabled(desk is not None)
        self.search_box.textChanged.connect(self._search)
        layout.addWidget(self.search_box)
        self.results = QListWidget(self)
        self.results.setObjectName("clientSearchResults")
        self.results.setUniformItemSizes(True)
        self.results.hide()
        layout.addWidget(self.results)
        self.link_button = QPushButton(self.tr("Link to existing client"), self)
        self.link_button.setObjectName("linkClient")
        self.link_button.setEnabled(False)
        self.link_button.clicked.connect(self._link)
        self.results.currentItemChanged.connect(lambda item, _old: self.link_button.setEnabled(item is not None))
        layout.addWidget(self.link_button)

    def _search(self, text: str) -> None:
        self.results.clear()
        if self._desk is None or len(text.strip()) < 2:
            self.results.hide()
            return
        for match in self._desk.search_clients(text):
            client = match.client
            words = " · ".join(part for part in (client.name, client.cnpj) if part)
            item = QListWidgetItem(shown_text(words) or self.tr("(no name)"))
            item.setData(Qt.ItemDataRole.UserRole, client.id)
            self.results.addItem(item)
        if self.results.count() == 0:
            self.results.addItem(QListWidgetItem(self.tr("No client found")))
        self.results.show()

    def _create_lead(self) -> None:
        from deskchat.ui.tasks import run_async

        if self._desk is not None:
            self.create_button.setEnabled(False)
            run_async(self._run(self._desk.create_lead(self._conversation_id)), self)

    def _link(self) -> None:
        from deskchat.ui.tasks import run_async

        item = self.results.currentItem()
        client_id = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        if self._desk is not None and isinstance(client_id, int):
            self.link_button.setEnabled(False)
            run_async(self._run(self._desk.link_to_client(self._conversation_id, client_id)), self)

    async def _run(self, action: Awaitable[object]) -> None:
        await action
        self._changed()
