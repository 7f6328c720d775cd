"""The conflict dialog: a CRM record changed on both sides; for each such field the attendant keeps mine, uses the
CRM's or edits the value. "Send" emits :attr:`CrmConflictDialog.decided` (item id, {field: choice}); whoever opened
the dialog hands it to :class:`~deskchat.services.crm_conflicts.ConflictResolver`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from deskchat.services.crm_conflicts import Choice, Edited, KeepMine, UseTheirs
from deskchat.store.crm_queue import StoredConflict

MINE, THEIRS, EDIT = "mine", "theirs", "edit"


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


class _FieldChoice(QGroupBox):
    def __init__(self, field: str, title: str, mine: Any, theirs: Any, parent: QWidget) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"conflict_{field}")
        self.mine, self.theirs = mine, theirs
        layout = QVBoxLayout(self)
        for text in (
            self.tr("Mine: %1").replace("%1", _shown(mine)),
            self.tr("In the CRM: %1").replace("%1", _shown(theirs)),
        ):
            label = QLabel(text, self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, text in ((MINE, self.tr("Keep mine")), (THEIRS, self.tr("Use the CRM's")), (EDIT, self.tr("Edit"))):
            button = QRadioButton(text, self)
            button.setObjectName(f"{field}_{key}")
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        self.editor = QLineEdit(_shown(mine) if mine is not None else "", self)
        self.editor.setObjectName(f"{field}_editor")
        self.editor.setEnabled(False)
        layout.addWidget(self.editor)
        self.buttons[EDIT].toggled.connect(self.editor.setEnabled)
        self.buttons[MINE].setChecked(True)

    def choice(self) -> Choice:
        if self.buttons[THEIRS].isChecked():
            return UseTheirs()
        if self.buttons[EDIT].isChecked():
            text = self.editor.text().strip()
            if isinstance(self.mine, int) and not isinstance(self.mine, bool):
                try:
                    return Edited(int(text))
                except ValueError:
                    return Edited(text)
            return Edited(text)
        return KeepMine()


class CrmConflictDialog(QDialog):
    decided = Signal(int, dict)  # outbox item id, {field: Choice}

    def __init__(self, conflict: StoredConflict, label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crmConflictDialog")
        self.setWindowTitle(self.tr("CRM conflict"))
        self._item_id = conflict.item_id
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("%1 was changed in the CRM while your change waited. Choose what stays:").replace(
                "%1", label or self.tr("This record")
            ),
            self,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        titles = self._field_titles()
        self._fields: dict[str, _FieldChoice] = {}
        for field in conflict.fields:
            box = _FieldChoice(field.field, titles.get(field.field, field.field), field.mine, field.theirs, self)
            self._fields[field.field] = box
            layout.addWidget(box)
        buttons = QDialogButtonBox(self)
        self.send_button: QPushButton = buttons.addButton(self.tr("Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("conflictSend")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._send)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _field_titles(self) -> dict[str, str]:
        return {
            "status": self.tr("Status"),
            "priority": self.tr("Priority"),
            "queue_id": self.tr("Queue"),
            "assignee_id": self.tr("Assignee"),
            "subject": self.tr("Subject"),
            "name": self.tr("Name"),
            "sales_stage": self.tr("Sales stage"),
            "credit_limit_cents": self.tr("Credit limit (cents)"),
            "debt_cents": self.tr("Debt (cents)"),
            "cnpj": self.tr("CNPJ"),
            "company_type": self.tr("Company type"),
        }

    def field_names(self) -> list[str]:
        return list(self._fields)

    def choose(self, field: str, which: str, edited: str = "") -> None:
        """Pick ``mine``, ``theirs`` or ``edit`` (with ``edited``) for ``field``, as the attendant would."""
        box = self._fields[field]
        box.buttons[which].setChecked(True)
        if which == EDIT:
            box.editor.setText(edited)

    def choices(self) -> dict[str, Choice]:
        return {field: box.choice() for field, box in self._fields.items()}

    def _send(self) -> None:
        self.decided.emit(self._item_id, self.choices())
        self.accept()
