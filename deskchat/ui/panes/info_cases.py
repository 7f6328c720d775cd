"""The info pane's cases: each linked case with why it is linked, its status actions (accept, close, reopen),
priority, queue and assignee editable in place, a note; the contact's other cases with "move this conversation
here"; and a form for a new case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.services.crm_desk import MAX_NOTE, MAX_SUBJECT, PRIORITIES, CrmDesk, Directory, InvalidValue
from deskchat.store.crm_records import CaseRecord
from deskchat.ui.panes.info_fields import FieldEditor, alive, plain_label, shown_text

CLOSED_STATUSES = frozenset({"encerrado"})


class CaseCard(QFrame):
    """One case; :meth:`show_case` refreshes every field that is not being edited."""

    def __init__(
        self,
        parent: QWidget,
        case: CaseRecord,
        desk: CrmDesk | None,
        directory: Directory,
        changed: Callable[[], None],
        *,
        move_here: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"case_{case.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.case_id = case.id
        self._desk = desk if case.crm_id is not None else None
        self._changed = changed
        self._directory = directory
        layout = QVBoxLayout(self)
        self.title = plain_label("", self, name="caseTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.link_reason = plain_label("", self, name="caseLinkReason")
        self.link_reason.setStyleSheet("color: #5f6368;")
        layout.addWidget(self.link_reason)
        form = QFormLayout()
        self.status = plain_label("", self, name="caseStatus")
        form.addRow(self.tr("Status"), self.status)
        editable = self._desk is not None
        self.priority = FieldEditor(
            "casePriority", self, save=self._action(self._priority) if editable else None,
            choices=[(p, self.priority_text(p)) for p in PRIORITIES],
        )  # fmt: skip
        form.addRow(self.tr("Priority"), self.priority)
        self.queue = FieldEditor(
            "caseQueue", self, save=self._action(self._transfer) if editable else None,
            choices=list(directory.queues.items()),
        )  # fmt: skip
        form.addRow(self.tr("Queue"), self.queue)
        self.assignee = FieldEditor(
            "caseAssignee", self, save=self._action(self._assign) if editable else None,
            choices=[("", self.tr("Nobody")), *directory.attendants.items()],
        )  # fmt: skip
        form.addRow(self.tr("Assignee"), self.assignee)
        self.sync_row = QWidget(self)
        self.sync_row.setObjectName("caseSyncBadge")
        QHBoxLayout(self.sync_row).setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Sync"), self.sync_row)
        form.setRowVisible(self.sync_row, False)  # until a sync badge is plugged in
        self._form = form
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.accept_button = self._button("caseAccept", self.tr("Accept"), buttons)
        self.close_button = self._button("caseClose", self.tr("Close case"), buttons)
        self.reopen_button = self._button("caseReopen", self.tr("Reopen"), buttons)
        self.move_button = QPushButton(self.tr("Move this conversation here"), self)
        self.move_button.setObjectName("caseMoveHere")
        self.move_button.setVisible(move_here is not None)
        if move_here is not None:
            self.move_button.clicked.connect(lambda: move_here(case.id))
        buttons.addWidget(self.move_button)
        layout.addLayout(buttons)
        if self._desk is not None:
            desk_ = self._desk
            self.accept_button.clicked.connect(lambda: self._run(desk_.accept_case(case.id)))
            self.close_button.clicked.connect(lambda: self._run(desk_.close_case(case.id)))
            self.reopen_button.clicked.connect(lambda: self._run(desk_.reopen_case(case.id)))
            note_row = QHBoxLayout()
            self.note_box = QLineEdit(self)
            self.note_box.setObjectName("caseNote")
            self.note_box.setMaxLength(MAX_NOTE)
            self.note_box.setPlaceholderText(self.tr("Add a note to this case"))
            note_row.addWidget(self.note_box, 1)
            self.note_button = QPushButton(self.tr("Add note"), self)
            self.note_button.setObjectName("caseAddNote")
            self.note_button.clicked.connect(self._add_note)
            self.note_box.returnPressed.connect(self._add_note)
            note_row.addWidget(self.note_button)
            layout.addLayout(note_row)
            self.note_state = plain_label("", self, name="caseNoteState")
            layout.addWidget(self.note_state)
        self.show_case(case, "")

    def _button(self, name: str, text: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setVisible(False)
        row.addWidget(button)
        return button

    def set_sync_badge(self, badge: QWidget) -> None:
        """Where the case's sync state is shown: the badge replaces the previous one."""
        layout = self.sync_row.layout()
        assert layout is not None
        while (item := layout.takeAt(0)) is not None:
            old = item.widget()
            if old is not None and old is not badge:
                old.deleteLater()
        badge.setParent(self.sync_row)
        layout.addWidget(badge)
        self._form.setRowVisible(self.sync_row, True)

    def show_case(self, case: CaseRecord, linked_by: str) -> None:
        number = case.display_number or (f"#{case.crm_id}" if case.crm_id and len(case.crm_id) <= 12 else "")
        heading = f"{number} — {case.title}" if number else case.title  # the CRM's "#123", never its record id
        self.title.setText(shown_text(heading))
        self.link_reason.setText(self.link_reason_text(linked_by, case.display_number or f"#{number}"))
        self.link_reason.setVisible(bool(linked_by))
        self.status.setText(shown_text(self.status_text(case.status)))
        self.priority.show_value(self.priority_text(case.priority), case.priority)
        self.queue.show_value(case.queue, _key_of(self._directory.queues, case.queue))
        self.assignee.show_value(case.assignee, _key_of(self._directory.attendants, case.assignee))
        closed = case.status in CLOSED_STATUSES
        editable = self._desk is not None
        self.accept_button.setVisible(editable and not closed and case.status != "em_atendimento")
        self.close_button.setVisible(editable and not closed)
        self.reopen_button.setVisible(editable and closed)

    def _action(self, act: Callable[[str], Awaitable[None]]) -> Callable[[str], Awaitable[None]]:
        async def run(value: str) -> None:
            await act(value)
            self._changed()

        return run

    async def _priority(self, value: str) -> None:
        assert self._desk is not None
        await self._desk.set_priority(self.case_id, value)

    async def _transfer(self, value: str) -> None:
        assert self._desk is not None
        await self._desk.transfer_case(self.case_id, value)

    async def _assign(self, value: str) -> None:
        assert self._desk is not None
        await self._desk.assign_case(self.case_id, value or None)

    def _run(self, action: Awaitable[None]) -> None:
        from deskchat.ui.tasks import run_async

        async def run() -> None:
            await action
            self._changed()

        run_async(run(), self)

    def _add_note(self) -> None:
        from deskchat.ui.tasks import run_async

        if self._desk is None or not self.note_box.text().strip():
            return
        desk, text = self._desk, self.note_box.text()

        async def run() -> None:
            await desk.add_note(self.case_id, text)
            if alive(self):
                self.note_box.clear()
                self.note_state.setText(self.tr("Note added; it goes to the CRM with the queue."))

        run_async(run(), self)

    def status_text(self, status: str) -> str:
        return {
            "pendente": self.tr("Pending"),
            "em_atendimento": self.tr("In progress"),
            "encerrado": self.tr("Closed"),
        }.get(status, status)

    def priority_text(self, priority: str) -> str:
        return {
            "baixa": self.tr("Low"),
            "low": self.tr("Low"),
            "normal": self.tr("Normal"),
            "alta": self.tr("High"),
            "high": self.tr("High"),
            "urgente": self.tr("Urgent"),
            "urgent": self.tr("Urgent"),
        }.get(priority, priority)

    def link_reason_text(self, reason: str, number: str = "") -> str:
        """Why the case is linked; ``number`` is the case's number as the subject carries it ("#123")."""
        if reason == "subject":
            return self.tr("linked by the subject [Case %1]").replace("%1", number.strip() or "#")
        return {
            "phone": self.tr("linked by the phone number"),
            "email": self.tr("linked by the sender"),
            "manual": self.tr("linked by hand"),
        }.get(reason, "")


def _key_of(names: dict[str, str], name: str) -> str:
    return next((key for key, value in names.items() if value == name), "")


class NewCaseForm(QGroupBox):
    """ "Novo caso": a subject and a queue; the case is linked to the conversation."""

    def __init__(
        self, parent: QWidget, desk: CrmDesk, conversation_id: int, directory: Directory, changed: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("New case"))
        self.setObjectName("newCase")
        self._desk, self._conversation_id, self._changed = desk, conversation_id, changed
        layout = QVBoxLayout(self)
        self.subject = QLineEdit(self)
        self.subject.setObjectName("newCaseSubject")
        self.subject.setMaxLength(MAX_SUBJECT)
        self.subject.setPlaceholderText(self.tr("Subject"))
        layout.addWidget(self.subject)
        self.queue = QComboBox(self)
        self.queue.setObjectName("newCaseQueue")
        for queue_id, name in directory.queues.items():
            self.queue.addItem(shown_text(name), queue_id)
        layout.addWidget(self.queue)
        self.create_button = QPushButton(self.tr("Create case"), self)
        self.create_button.setObjectName("newCaseCreate")
        self.create_button.clicked.connect(self._create)
        layout.addWidget(self.create_button)
        self.error = plain_label("", self, name="newCaseError")
        self.error.setStyleSheet("color: #d93025;")
        self.error.hide()
        layout.addWidget(self.error)

    def _create(self) -> None:
        from deskchat.ui.tasks import run_async

        queue_id = self.queue.currentData()
        subject = self.subject.text()

        async def run() -> None:
            try:
                await self._desk.create_case(self._conversation_id, subject, str(queue_id or ""))
            except InvalidValue:
                if alive(self):
                    self.error.setText(self.tr("Give the case a subject and a queue."))
                    self.error.show()
                return
            if alive(self):
                self.subject.clear()
                self.error.hide()
            self._changed()

        run_async(run(), self)
