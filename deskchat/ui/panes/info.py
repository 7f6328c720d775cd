"""The right pane: who the customer is (identities, merges with "Desfazer junção"), their CRM client record and
cases, editable where the attendant may edit.

The CRM boxes are built once per conversation and refreshed in place, so an edit in progress survives new data for
the same record (the other fields follow it). Where a record's sync state is shown: :meth:`InfoPane.set_sync_badges`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QGroupBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from deskchat.core.messages import Identity, IdentityKind
from deskchat.services.crm_desk import CrmDesk, Directory
from deskchat.store import contacts, conversations, crm_records, merges
from deskchat.store.crm_records import CaseLink, CaseRecord, ClientRecord
from deskchat.store.database import Store
from deskchat.ui.panes.info_cases import CaseCard, NewCaseForm
from deskchat.ui.panes.info_client import ClientSection
from deskchat.ui.panes.info_fields import format_money, format_phone, plain_label
from deskchat.ui.panes.info_lead import LeadSection

if TYPE_CHECKING:
    from deskchat.services.people import People

__all__ = ["InfoPane", "format_money", "format_phone"]

#: Makes the sync-state badge of one CRM record ("contacts" or "cases", its CRM id); None shows none.
SyncBadges = Callable[[str, str], QWidget | None]


@dataclass(frozen=True)
class _Seen:
    name: str
    identities: list[Identity]
    joined: list[tuple[merges.Merge, str, list[Identity]]]
    client: ClientRecord | None
    client_link: str
    linked: list[CaseLink]
    other_cases: list[CaseRecord]


class InfoPane(QScrollArea):
    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        people: People | None = None,
        desk: CrmDesk | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._people = people
        self._desk = desk
        self._sync_badges: SyncBadges | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.conversation_id: int | None = None
        self.client_section: ClientSection | None = None
        self.lead_section: LeadSection | None = None
        self.case_cards: dict[int, CaseCard] = {}
        self._built_for: int | None = None
        self.show_conversation(None)

    def set_sync_badges(self, badges: SyncBadges) -> None:
        """Plug in the per-record sync state (sincronizado / pendente / conflito …): ``badges`` is asked for the
        badge of the client and of each case each time they are shown."""
        self._sync_badges = badges
        self.refresh()

    def set_desk(self, desk: CrmDesk | None) -> None:
        """The CRM account became (un)available: rebuild the shown record with its actions (or without them)."""
        self._desk = desk
        conversation_id, self._built_for = self.conversation_id, None
        self.show_conversation(conversation_id)

    def refresh(self) -> None:
        """New data may have arrived for the shown conversation: refresh it, keeping any edit in progress."""
        self.show_conversation(self.conversation_id)

    def _identity_text(self, identity: Identity) -> tuple[str, str]:
        if identity.kind == IdentityKind.PHONE:
            return self.tr("Phone"), format_phone(identity.value)
        if identity.kind == IdentityKind.WA_PN:
            return self.tr("WhatsApp"), format_phone(f"+{identity.value}")
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
            box_layout.addWidget(plain_label(f"{who} — {self._merge_reason(merge.reason)}, {when}", box))
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
        task.add_done_callback(lambda _: self.refresh())

    def _read(self, conversation_id: int) -> _Seen | None:
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
            if row is None:
                return None
            client = crm_records.client_of_contact(conn, row.contact_id)
            linked = crm_records.case_links_of_conversation(conn, conversation_id)
            linked_ids = {link.case.id for link in linked}
            return _Seen(
                name=contacts.contact_name(conn, row.contact_id) or row.title,
                identities=contacts.identities_of(conn, row.contact_id),
                joined=[
                    (
                        merge,
                        contacts.contact_name(conn, merge.absorbed_contact_id),
                        merges.moved_identities(conn, merge.id),
                    )
                    for merge in merges.active_merges_into(conn, row.contact_id)
                ],
                client=client,
                client_link="" if client is None else crm_records.client_link_reason(conn, client.id),
                linked=linked,
                other_cases=[
                    case for case in crm_records.cases_of_contact(conn, row.contact_id) if case.id not in linked_ids
                ],
            )

    def show_conversation(self, conversation_id: int | None) -> None:
        seen = None if conversation_id is None else self._read(conversation_id)
        if conversation_id != self._built_for or seen is None:
            self._build(conversation_id, seen)
        else:
            self._fill(seen)

    def _build(self, conversation_id: int | None, seen: _Seen | None) -> None:
        self.conversation_id = self._built_for = conversation_id
        self.client_section = self.lead_section = None
        self.case_cards = {}
        content = QWidget(self)
        content.setObjectName("infoContent")
        layout = QVBoxLayout(content)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._content = content
        if conversation_id is None or seen is None:
            if conversation_id is None:
                layout.addWidget(plain_label(self.tr("No conversation selected"), content))
            self._built_for = None
            self.setWidget(content)
            return
        self._directory = self._desk.directory() if self._desk is not None else Directory({}, {})
        self._about = QWidget(content)
        QVBoxLayout(self._about).setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._about)
        self._crm_slot = QVBoxLayout()
        layout.addLayout(self._crm_slot)
        self._linked_box = QGroupBox(self.tr("Linked cases"), content)
        self._linked_box.setObjectName("linkedCases")
        QVBoxLayout(self._linked_box)
        self._no_case = plain_label(self.tr("No linked case"), self._linked_box)
        self._linked_box_layout().addWidget(self._no_case)
        layout.addWidget(self._linked_box)
        self._other_box = QGroupBox(self.tr("Other cases"), content)
        self._other_box.setObjectName("otherCases")
        QVBoxLayout(self._other_box)
        layout.addWidget(self._other_box)
        self._new_case: NewCaseForm | None = None
        self.setWidget(content)
        self._fill(seen)

    def _linked_box_layout(self) -> QVBoxLayout:
        found = self._linked_box.layout()
        assert isinstance(found, QVBoxLayout)
        return found

    def _fill(self, seen: _Seen) -> None:
        self._fill_about(seen)
        self._fill_crm(seen)
        self._fill_cases(seen)

    def _fill_about(self, seen: _Seen) -> None:
        """Name, identities and joins are read-only: rebuilt each time."""
        about_layout = self._about.layout()
        assert about_layout is not None
        while (item := about_layout.takeAt(0)) is not None:
            if (old := item.widget()) is not None:
                old.deleteLater()
        title = plain_label(seen.name, self._about, name="contactName")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        about_layout.addWidget(title)
        people = QGroupBox(self.tr("Contact"), self._about)
        form = QFormLayout(people)
        for identity in seen.identities:
            if identity.kind == IdentityKind.CRM and seen.client is not None:
                continue  # the CRM's record id means nothing to the attendant; "CRM client" below shows the record
            label, value = self._identity_text(identity)
            form.addRow(label, plain_label(value, people))
        about_layout.addWidget(people)
        if seen.joined:
            about_layout.addWidget(self._merges_box(seen.joined, self._about))

    def _fill_crm(self, seen: _Seen) -> None:
        assert self.conversation_id is not None
        if seen.client is None:
            if self.lead_section is None:
                self._clear_crm_slot()
                self.lead_section = LeadSection(self._content, self._desk, self.conversation_id, self.refresh)
                self._crm_slot.addWidget(self.lead_section)
                self.lead_section.show()
            return
        if self.client_section is None or self.client_section.client_id != seen.client.id:
            self._clear_crm_slot()
            self.client_section = ClientSection(self._content, self._desk, self._directory, self.refresh)
            self._crm_slot.addWidget(self.client_section)
            self.client_section.show()
        self.client_section.show_client(seen.client, seen.client_link)
        self._badge(self.client_section.set_sync_badge, "contacts", seen.client.crm_id)

    def _clear_crm_slot(self) -> None:
        for section in (self.client_section, self.lead_section):
            if section is not None:
                self._crm_slot.removeWidget(section)
                section.deleteLater()
        self.client_section = self.lead_section = None

    def _badge(self, place: Callable[[QWidget], None], collection: str, crm_id: str | None) -> None:
        if self._sync_badges is not None and crm_id is not None:
            badge = self._sync_badges(collection, crm_id)
            if badge is not None:
                place(badge)

    def _fill_cases(self, seen: _Seen) -> None:
        wanted = [(link.case, link.linked_by, self._linked_box) for link in seen.linked]
        wanted += [(case, "", self._other_box) for case in seen.other_cases]
        keep = {case.id for case, _, _ in wanted}
        for case_id in [case_id for case_id in self.case_cards if case_id not in keep]:
            self.case_cards.pop(case_id).deleteLater()
        for case, linked_by, box in wanted:
            card = self.case_cards.get(case.id)
            if card is not None and card.parentWidget() is not box:
                self.case_cards.pop(case.id).deleteLater()
                card = None
            if card is None:
                move = None if box is self._linked_box or self._desk is None else self._move_here
                card = CaseCard(box, case, self._desk, self._directory, self.refresh, move_here=move)
                box_layout = box.layout()
                assert box_layout is not None
                box_layout.addWidget(card)
                card.show()
                self.case_cards[case.id] = card
            card.show_case(case, linked_by)
            self._badge(card.set_sync_badge, "cases", case.crm_id)
        self._no_case.setVisible(not seen.linked)
        self._other_box.setVisible(bool(seen.other_cases))
        if self._new_case is None and self._desk is not None and seen.client is not None and self._directory.queues:
            assert self.conversation_id is not None
            self._new_case = NewCaseForm(self._content, self._desk, self.conversation_id, self._directory, self.refresh)
            content_layout = self._content.layout()
            assert content_layout is not None
            content_layout.addWidget(self._new_case)

    def _move_here(self, case_id: int) -> None:
        from deskchat.ui.tasks import run_async

        if self._desk is None or self.conversation_id is None:
            return
        desk, conversation_id = self._desk, self.conversation_id

        async def move() -> None:
            await desk.move_conversation(conversation_id, case_id)
            self.refresh()

        run_async(move(), self)
