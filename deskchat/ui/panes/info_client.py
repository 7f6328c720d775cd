"""The info pane's CRM client box: the client's fields, each editable in place where the attendant may edit (the
debt is the CRM's alone), why the record belongs to this customer, and the spot for its sync state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QWidget

from deskchat.services.crm_desk import SALES_STAGES, CrmDesk, Directory
from deskchat.store.crm_records import ClientRecord
from deskchat.ui.panes.info_fields import FieldEditor, format_cnpj, format_money, plain_label


class ClientSection(QGroupBox):
    """One CRM client; :meth:`show_client` refreshes every field that is not being edited."""

    def __init__(
        self, parent: QWidget, desk: CrmDesk | None, directory: Directory, changed: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("CRM client"))
        self.setObjectName("crmClient")
        self._attendants = directory.attendants
        self._desk = desk
        self._changed = changed
        self.client_id: int | None = None
        self._stages = self.stage_names()
        form = QFormLayout(self)
        self.fields: dict[str, FieldEditor] = {}
        rows = (
            ("name", self.tr("Company"), None, self.tr("A name is needed (at most 200 characters).")),
            ("cnpj", self.tr("CNPJ"), None, self.tr("Not a valid CNPJ: check the 14 digits.")),
            ("company_type", self.tr("Company type"), None, self.tr("At most 100 characters.")),
            ("credit_limit", self.tr("Credit limit"), None, self.tr("Type an amount such as 12.345,67.")),
            ("sales_stage", self.tr("Sales stage"), [(s, self._stages[s]) for s in SALES_STAGES], ""),
            ("responsible", self.tr("Responsible"), [("", self.tr("Nobody")), *directory.attendants.items()], ""),
        )
        for field, label, choices, invalid in rows:
            editor = FieldEditor(
                f"client_{field}",
                self,
                save=self._saver(field) if desk is not None else None,
                choices=choices,
                invalid_text=invalid,
            )
            self.fields[field] = editor
            form.addRow(label, editor)
            if field == "credit_limit":
                self.debt = plain_label("", self, name="client_debt")
                form.addRow(self.tr("Debt"), self.debt)
        self.link_reason = plain_label("", self, name="clientLinkReason")
        form.addRow(self.tr("Linked"), self.link_reason)
        self.sync_row = QWidget(self)
        self.sync_row.setObjectName("clientSyncBadge")
        QHBoxLayout(self.sync_row).setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Sync"), self.sync_row)
        form.setRowVisible(self.sync_row, False)  # until a sync badge is plugged in
        self._form = form

    def stage_names(self) -> dict[str, str]:
        """The contract's sales stages (and the older local ones) in words."""
        return {
            "novo": self.tr("New"),
            "lead": self.tr("Lead"),
            "qualificado": self.tr("Qualified"),
            "proposta": self.tr("Proposal"),
            "negociacao": self.tr("Negotiation"),
            "negociação": self.tr("Negotiation"),
            "ganho": self.tr("Won"),
            "fechado": self.tr("Won"),
            "perdido": self.tr("Lost"),
        }

    def set_sync_badge(self, badge: QWidget) -> None:
        """Where the record's sync state is shown (sincronizado / pendente / …): the badge replaces the previous one."""
        layout = self.sync_row.layout()
        assert layout is not None
        while (item := layout.takeAt(0)) is not None:
            old = item.widget()
            if old is not None and old is not badge:
                old.deleteLater()
        badge.setParent(self.sync_row)
        layout.addWidget(badge)
        self._form.setRowVisible(self.sync_row, True)

    def _saver(self, field: str) -> Callable[[str], Awaitable[None]]:
        async def save(text: str) -> None:
            assert self._desk is not None and self.client_id is not None
            await self._desk.edit_client(self.client_id, field, text)
            self._changed()

        return save

    def show_client(self, client: ClientRecord, link_reason: str) -> None:
        self.client_id = client.id
        shown = {
            "name": (client.name, client.name),
            "cnpj": (format_cnpj(client.cnpj), client.cnpj),
            "company_type": (client.company_type, client.company_type),
            "credit_limit": (format_money(client.credit_limit_cents), format_money(client.credit_limit_cents)),
            "sales_stage": (self._stages.get(client.sales_stage, client.sales_stage), client.sales_stage),
            "responsible": (client.responsible, self._attendant_id(client.responsible)),
        }
        for field, (text, raw) in shown.items():
            self.fields[field].show_value(text, raw)
        self.debt.setText(format_money(client.debt_cents))
        self.debt.setStyleSheet("color: #d93025; font-weight: bold;" if client.debt_cents > 0 else "")
        self.link_reason.setText(self.link_reason_text(link_reason))

    def _attendant_id(self, name: str) -> str:
        return next((key for key, value in self._attendants.items() if value == name), "")

    def link_reason_text(self, reason: str) -> str:
        return {
            "lead": self.tr("lead created here"),
            "manual": self.tr("linked by hand"),
            "phone": self.tr("linked by the phone number"),
            "email": self.tr("linked by the sender"),
        }.get(reason, self.tr("as the CRM holds it"))
