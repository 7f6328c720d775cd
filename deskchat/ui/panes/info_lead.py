"""The info pane's box for a customer the CRM does not know yet: "Criar lead" from the conversation's contact, or
"Vincular a cliente existente" after searching the CRM's clients by name, CNPJ, phone or e-mail: the local ones at
once, the connected CRM's own (``GET /contacts?q=``) when the typing pauses; when the CRM cannot answer, the local
ones stay and a line says why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from deskchat.services.crm_desk import CRM_SIGN_IN, CRM_UNREACHABLE, CrmDesk, FoundClient
from deskchat.ui.panes.info_fields import plain_label, shown_text

MAX_SEARCH = 100  # the contract's limit for a search text
SEARCH_PAUSE_MS = 300  # the CRM is asked once the typing pauses this long


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
        self._found: list[FoundClient] = []
        self._crm_timer = QTimer(self)
        self._crm_timer.setSingleShot(True)
        self._crm_timer.setInterval(SEARCH_PAUSE_MS)
        self._crm_timer.timeout.connect(self._search_crm)
        self.search_notice = plain_label("", self, name="clientSearchNotice")
        self.search_notice.hide()
        layout.addWidget(self.search_notice)
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
        """The local clients at once; the CRM's own after a pause in the typing."""
        self._crm_timer.stop()
        self.search_notice.hide()
        if self._desk is None or len(text.strip()) < 2:
            self._show([])
            self.results.hide()
            return
        self._show([FoundClient(m.client.name, m.client.cnpj, local=m) for m in self._desk.search_local_clients(text)])
        if self._desk.searches_crm:
            self._crm_timer.start()

    def _search_crm(self) -> None:
        from deskchat.ui.tasks import run_async

        if self._desk is not None:
            run_async(self._ask_crm(self._desk, self.search_box.text()), self)

    async def _ask_crm(self, desk: CrmDesk, text: str) -> None:
        search = await desk.search_clients(text)
        if not shiboken6.isValid(self) or self.search_box.text() != text:
            return  # the pane moved on, or the attendant typed more
        self._show(search.found)
        notice = {
            CRM_UNREACHABLE: self.tr("The CRM did not answer: only the clients kept here are shown."),
            CRM_SIGN_IN: self.tr("Sign in to the CRM again to search it: only the clients kept here are shown."),
        }.get(search.crm_missing, "")
        self.search_notice.setText(notice)
        self.search_notice.setVisible(bool(notice))

    def _show(self, found: list[FoundClient]) -> None:
        item = self.results.currentItem()
        index = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        chosen = _key(self._found[index]) if isinstance(index, int) and 0 <= index < len(self._found) else None
        self.results.clear()
        self._found = found
        for index, client in enumerate(found):
            words = " · ".join(part for part in (client.name, client.cnpj) if part) or self.tr("(no name)")
            if client.local is None:
                words = self.tr("%1 (in the CRM)").replace("%1", words)
            item = QListWidgetItem(shown_text(words))
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.results.addItem(item)
        if self.results.count() == 0:
            self.results.addItem(QListWidgetItem(self.tr("No client found")))
        self.results.show()
        keys = [_key(client) for client in found]
        if chosen is not None and chosen in keys:
            self.results.setCurrentRow(keys.index(chosen))  # the attendant's choice survives the CRM's answer

    def _create_lead(self) -> None:
        from deskchat.ui.tasks import run_async

        if self._desk is not None:
            self.create_button.setEnabled(False)
            run_async(self._run(self._desk.create_lead(self._conversation_id)), self)

    def _link(self) -> None:
        from deskchat.ui.tasks import run_async

        item = self.results.currentItem()
        index = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        if self._desk is not None and isinstance(index, int) and 0 <= index < len(self._found):
            self._crm_timer.stop()
            self.link_button.setEnabled(False)
            run_async(self._run(self._desk.link_to_found_client(self._conversation_id, self._found[index])), self)

    async def _run(self, action: Awaitable[object]) -> None:
        await action
        self._changed()


def _key(found: FoundClient) -> str:
    if found.local is not None:
        return f"local:{found.local.client.id}"
    assert found.remote is not None
    return f"crm:{found.remote['id']}"
