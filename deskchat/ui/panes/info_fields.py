"""Pieces of the info pane: values shown as plain text whatever the CRM sends, and the inline editor of one field
(Editar → Salvar / Cancelar) that keeps what the attendant is typing when new data for the record arrives."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import phonenumbers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from deskchat.services.crm_desk import InvalidValue

MAX_SHOWN: Final = 500  # characters of one value shown; the rest is elided (a CRM may send megabytes)
MAX_TYPED: Final = 300
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def shown_text(value: object) -> str:
    """A value from outside made safe to show: control, lone-surrogate and bidi-override or isolate characters
    replaced (a right-to-left value still reads right to left, but cannot reorder the text around it), the length
    capped."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + "…"
    text = _UNSHOWABLE.sub("\ufffd", text)
    return text


def plain_label(text: str, parent: QWidget, *, name: str = "") -> QLabel:
    label = QLabel(shown_text(text), parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and subjects are data, never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(1)  # a long unbroken word wraps inside the pane instead of widening it
    if name:
        label.setObjectName(name)
    return label


def format_money(cents: int) -> str:
    """Brazilian currency: R$ 12.345,67."""
    whole, fraction = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    sign = "-" if cents < 0 else ""
    return f"{sign}R$ {grouped},{fraction:02d}"


def format_cnpj(text: str) -> str:
    """A CNPJ as people write it, 12.345.678/0001-95 (the CRM keeps the 14 digits); anything else as it is."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 14 or len(text.strip()) not in (14, 18):
        return text
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"


def format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 55:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def alive(widget: QWidget) -> bool:
    """Whether the widget still exists (the pane may have moved to another conversation while an action ran)."""
    return bool(Shiboken.isValid(widget))


Save = Callable[[str], Awaitable[None]]


class FieldEditor(QWidget):
    """One editable value: a label and "Editar"; while editing, a line edit (or a list of choices) with "Salvar" and
    "Cancelar". :meth:`show_value` while editing changes only what Cancelar returns to, never what is typed."""

    def __init__(
        self,
        name: str,
        parent: QWidget,
        *,
        save: Save | None,
        choices: Sequence[tuple[str, str]] | None = None,
        invalid_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._save = save
        self._choices = list(choices) if choices is not None else None
        self._invalid_text = invalid_text
        self._raw = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        shown_row = QHBoxLayout()
        self.value_label = plain_label("", self, name=f"{name}Value")
        shown_row.addWidget(self.value_label, 1)
        self.edit_button = QToolButton(self)
        self.edit_button.setText(self.tr("Edit"))
        self.edit_button.setAutoRaise(True)
        self.edit_button.setObjectName(f"{name}Edit")
        self.edit_button.setVisible(save is not None)
        self.edit_button.clicked.connect(self.start_editing)
        shown_row.addWidget(self.edit_button)
        layout.addLayout(shown_row)

        self.editor = QWidget(self)
        editor_row = QHBoxLayout(self.editor)
        editor_row.setContentsMargins(0, 0, 0, 0)
        self.line_edit = QLineEdit(self.editor)
        self.line_edit.setObjectName(f"{name}Input")
        self.line_edit.setMaxLength(MAX_TYPED)
        self.line_edit.returnPressed.connect(self.commit)
        self.combo = QComboBox(self.editor)
        self.combo.setObjectName(f"{name}Choice")
        for value, label in self._choices or []:
            self.combo.addItem(shown_text(label), value)
        self.line_edit.setVisible(self._choices is None)
        self.combo.setVisible(self._choices is not None)
        editor_row.addWidget(self.line_edit, 1)
        editor_row.addWidget(self.combo, 1)
        self.save_button = QPushButton(self.tr("Save"), self.editor)
        self.save_button.setObjectName(f"{name}Save")
        self.save_button.clicked.connect(self.commit)
        self.cancel_button = QPushButton(self.tr("Cancel"), self.editor)
        self.cancel_button.setObjectName(f"{name}Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        editor_row.addWidget(self.save_button)
        editor_row.addWidget(self.cancel_button)
        layout.addWidget(self.editor)
        self.error_label = plain_label("", self, name=f"{name}Error")
        self.error_label.setStyleSheet("color: #d93025;")
        layout.addWidget(self.error_label)
        self.editor.hide()
        self.error_label.hide()

    @property
    def editing(self) -> bool:
        return not self.editor.isHidden()

    def show_value(self, shown: str, raw: str = "") -> None:
        """New data for the record: the label follows it; an edit in progress is left as typed."""
        self.value_label.setText(shown_text(shown))
        self._raw = raw

    def start_editing(self) -> None:
        if self._choices is None:
            self.line_edit.setText(self._raw)
            self.line_edit.selectAll()
            self.line_edit.setFocus()
        else:
            index = self.combo.findData(self._raw)
            self.combo.setCurrentIndex(max(index, 0))
        self.error_label.hide()
        self.editor.show()
        self.edit_button.hide()

    def cancel(self) -> None:
        self.editor.hide()
        self.error_label.hide()
        self.edit_button.setVisible(self._save is not None)

    def typed(self) -> str:
        if self._choices is None:
            return self.line_edit.text()
        data = self.combo.currentData()
        return data if isinstance(data, str) else ""

    def commit(self) -> None:
        from deskchat.ui.tasks import run_async

        if self._save is None or not self.editing:
            return
        self.save_button.setEnabled(False)
        run_async(self._commit(self._save, self.typed()), self)

    async def _commit(self, save: Save, value: str) -> None:
        try:
            await save(value)
        except InvalidValue:
            if not alive(self):
                return
            self.error_label.setText(self._invalid_text or self.tr("This value cannot be saved."))
            self.error_label.show()
        else:
            if alive(self):
                self.cancel()
        finally:
            if alive(self):
                self.save_button.setEnabled(True)
