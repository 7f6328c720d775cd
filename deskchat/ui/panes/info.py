"""The right pane: who the customer is (identities, merges with "Desfazer junção"), their CRM client record and
linked cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from deskchat.core.messages import Identity, IdentityKind
from deskchat.store import contacts, conversations, crm_records, merges
from deskchat.store.database import Store

if TYPE_CHECKING:
    from deskchat.services.people import People


def format_money(cents: int) -> str:
    """Brazilian currency: R$ 12.345,67."""
    whole, fraction = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    sign = "-" if cents < 0 else ""
    return f"{sign}R$ {grouped},{fraction:02d}"


def format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 55:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _plain_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and subjects are data, never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class InfoPane(QScrollArea):
    def __init__(self, store: Store, parent: QWidget | None = None, *, people: People | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._people = people
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.conversation_id: int | None = None
        self.show_conversation(None)

    def _translated_stage(self, stage: str) -> str:
        return {
            "lead": self.tr("Lead"),
            "qualificado": self.tr("Qualified"),
            "proposta": self.tr("Proposal"),
            "negociação": self.tr("Negotiation"),
            "fechado": self.tr("Won"),
            "perdido": self.tr("Lost"),
        }.get(stage, stage)

    def _translated_case_status(self, status: str) -> str:
        return {
            "open": self.tr("Open"),
            "waiting": self.tr("Waiting for customer"),
            "resolved": self.tr("Resolved"),
            "closed": self.tr("Closed"),
        }.get(status, status)

    def _translated_priority(self, priority: str) -> str:
        return {
            "low": self.tr("Low"),
            "normal": self.tr("Normal"),
            "high": self.tr("High"),
            "urgent": self.tr("Urgent"),
        }.get(priority, priority)

    def _identity_text(self, identity: Identity) -> tuple[str, str]:
        if identity.kind == IdentityKind.PHONE:
            return self.tr("Phone"), format_phone(identity.value)
        if identity.kind == IdentityKind.WA_PN:
            return self.tr("WhatsApp"), identity.value
        if identity.kind == IdentityKind.WA_LID:
            return self.tr("WhatsApp (LID)"), identity.value
        if identity.kind == IdentityKind.EMAIL:
            return self.tr("E-mail"), identity.value
        if identity.kind == IdentityKind.CRM:
            return self.tr("CRM id"), identity.value
        return identity.kind, identity.value

    def _merge_reason(self, reason: str) -> str:
        return {
            "phone": self.tr("same phone number"),
            "wa_pn": self.tr("same WhatsApp number"),
            "wa_lid": self.tr("same WhatsApp account"),
            "email": self.tr("same e-mail address"),
            "crm": self.tr("same CRM record"),
        }.get(reason, self.tr("joined by hand"))

    def _merges_box(self, joined: list[tuple[merges.Merge, str, list[Identity]]], parent: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr("Joined records"), parent)
        box.setObjectName("contactMerges")
        box_layout = QVBoxLayout(box)
        for merge, name, identities in joined:
            when = QDateTime.fromMSecsSinceEpoch(merge.merged_at).toString("dd/MM/yyyy HH:mm")
            shown = [self._identity_text(identity)[1] for identity in identities]
            who = ", ".join(part for part in (name, *shown) if part)
            label = _plain_label(f"{who} — {self._merge_reason(merge.reason)}, {when}", box)
            box_layout.addWidget(label)
            undo = QPushButton(self.tr("Undo join"), box)
            undo.setObjectName(f"undoMerge{merge.id}")
            undo.setToolTip(self.tr("Split this record off again, with the conversations and cases it brought"))
            undo.setEnabled(self._people is not None)
            undo.clicked.connect(lambda _=False, merge_id=merge.id: self._undo(merge_id))
            box_layout.addWidget(undo)
        return box

    def _undo(self, merge_id: int) -> None:
        from deskchat.ui.tasks import run_async

        if self._people is None:
            return
        task = run_async(self._people.undo_merge(merge_id), self)
        task.add_done_callback(lambda _: self.show_conversation(self.conversation_id))

    def show_conversation(self, conversation_id: int | None) -> None:
        self.conversation_id = conversation_id
        content = QWidget(self)
        content.setObjectName("infoContent")
        layout = QVBoxLayout(content)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        if conversation_id is None:
            layout.addWidget(_plain_label(self.tr("No conversation selected"), content))
            self.setWidget(content)
            return
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
            if row is None:
                self.setWidget(content)
                return
            name = contacts.contact_name(conn, row.contact_id) or row.title
            identities = contacts.identities_of(conn, row.contact_id)
            client = crm_records.client_of_contact(conn, row.contact_id)
            linked = crm_records.cases_of_conversation(conn, conversation_id)
            other_cases = [case for case in crm_records.cases_of_contact(conn, row.contact_id) if case not in linked]
            joined = [
                (merge, contacts.contact_name(conn, merge.absorbed_contact_id), merges.moved_identities(conn, merge.id))
                for merge in merges.active_merges_into(conn, row.contact_id)
            ]

        title = _plain_label(name, content)
        title.setObjectName("contactName")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)

        people = QGroupBox(self.tr("Contact"), content)
        form = QFormLayout(people)
        for identity in identities:
            label, value = self._identity_text(identity)
            form.addRow(label, _plain_label(value, people))
        layout.addWidget(people)
        if joined:
            layout.addWidget(self._merges_box(joined, content))

        crm = QGroupBox(self.tr("CRM client"), content)
        crm.setObjectName("crmClient")
        form = QFormLayout(crm)
        if client is None:
            form.addRow(_plain_label(self.tr("Not in the CRM yet: this contact will become a lead."), crm))
        else:
            form.addRow(self.tr("Company"), _plain_label(client.name, crm))
            form.addRow(self.tr("CNPJ"), _plain_label(client.cnpj, crm))
            form.addRow(self.tr("Company type"), _plain_label(client.company_type, crm))
            form.addRow(self.tr("Credit limit"), _plain_label(format_money(client.credit_limit_cents), crm))
            debt = _plain_label(format_money(client.debt_cents), crm)
            if client.debt_cents > 0:
                debt.setStyleSheet("color: #d93025; font-weight: bold;")
            form.addRow(self.tr("Debt"), debt)
            form.addRow(self.tr("Sales stage"), _plain_label(self._translated_stage(client.sales_stage), crm))
            form.addRow(self.tr("Responsible"), _plain_label(client.responsible, crm))
        layout.addWidget(crm)

        for heading, cases in ((self.tr("Linked cases"), linked), (self.tr("Other cases"), other_cases)):
            if not cases and heading != self.tr("Linked cases"):
                continue
            box = QGroupBox(heading, content)
            box_layout = QVBoxLayout(box)
            if not cases:
                box_layout.addWidget(_plain_label(self.tr("No linked case"), box))
            for case in cases:
                text = (
                    f"#{case.crm_id} — {case.title}\n"
                    f"{self._translated_case_status(case.status)} · {case.queue} · "
                    f"{self._translated_priority(case.priority)} · {case.assignee}"
                )
                box_layout.addWidget(_plain_label(text, box))
            layout.addWidget(box)
        self.setWidget(content)
