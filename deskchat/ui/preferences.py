"""The Preferences dialog: one editor per setting of the schema, IT's locked ones disabled ("definido pela TI").

OK saves settings.json and the change applies at once (read receipts, groups, reopen window); the language applies
on the next start, as the dialog says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskchat.config import SCHEMA, Setting, Settings

#: Qt context of the schema's labels and choices.
CONTEXT = "Settings"

#: The schema's labels and choices once more, for pyside6-lupdate (which reads deskchat/ui only, not deskchat/config).
#: tests/unit/config checks that every label in the schema has its Portuguese translation.
CATALOGUE = (
    QT_TRANSLATE_NOOP("Settings", "WhatsApp"),
    QT_TRANSLATE_NOOP("Settings", "Tickets"),
    QT_TRANSLATE_NOOP("Settings", "Interface"),
    QT_TRANSLATE_NOOP("Settings", "Send read receipts (blue ticks) when I open a conversation"),
    QT_TRANSLATE_NOOP("Settings", "WhatsApp groups"),
    QT_TRANSLATE_NOOP("Settings", "In their own tab (Groups)"),
    QT_TRANSLATE_NOOP("Settings", "Ignore (group messages are not stored)"),
    QT_TRANSLATE_NOOP("Settings", "Mixed with customer conversations"),
    QT_TRANSLATE_NOOP("Settings", "Reopen a closed ticket when the customer writes within (hours)"),
    QT_TRANSLATE_NOOP("Settings", "Notifications"),
    QT_TRANSLATE_NOOP("Settings", "Show a desktop notification when a customer writes"),
    QT_TRANSLATE_NOOP("Settings", "Play a sound when a customer writes"),
    QT_TRANSLATE_NOOP("Settings", "CRM"),
    QT_TRANSLATE_NOOP("Settings", "Create a CRM lead and case when an unknown customer writes"),
    QT_TRANSLATE_NOOP("Settings", "CRM address"),
    QT_TRANSLATE_NOOP("Settings", "Language"),
    QT_TRANSLATE_NOOP("Settings", "Português (Brasil)"),
    QT_TRANSLATE_NOOP("Settings", "English"),
)

SECTION_TITLES = {
    "whatsapp": "WhatsApp",
    "tickets": "Tickets",
    "notifications": "Notifications",
    "crm": "CRM",
    "ui": "Interface",
}


def translated(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _editor(setting: Setting[Any], value: Any, parent: QWidget) -> tuple[QWidget, Callable[[], Any]]:
    """A widget showing ``value`` and the function that reads the edited value back."""
    if setting.value_type is bool:
        box = QCheckBox(translated(setting.label), parent)
        box.setChecked(bool(value))
        return box, box.isChecked
    if setting.value_type is int:
        spin = QSpinBox(parent)
        spin.setRange(
            setting.minimum if setting.minimum is not None else 0,
            setting.maximum if setting.maximum is not None else 1_000_000,
        )
        spin.setValue(int(value))
        return spin, spin.value
    combo = QComboBox(parent)
    for choice in setting.choices:
        combo.addItem(translated(choice.label), choice.value)
    combo.setCurrentIndex(max(0, combo.findData(value)))
    return combo, combo.currentData


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self._settings = settings
        self._readers: dict[Setting[Any], Callable[[], Any]] = {}
        self.editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        forms: dict[str, QFormLayout] = {}
        for setting in SCHEMA:
            if not setting.in_preferences:
                continue
            form = forms.get(setting.section)
            if form is None:
                group = QGroupBox(translated(SECTION_TITLES.get(setting.section, setting.section)), self)
                form = forms[setting.section] = QFormLayout(group)
                layout.addWidget(group)
            self._add_row(form, setting)
        if settings.problems:
            problems = QLabel(
                self.tr("Some values in the settings or IT policy files were ignored; the log has the details."), self
            )
            problems.setObjectName("settingsProblems")
            problems.setWordWrap(True)
            problems.setToolTip("\n".join(str(problem) for problem in settings.problems))
            layout.addWidget(problems)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _add_row(self, form: QFormLayout, setting: Setting[Any]) -> None:
        editor, read = _editor(setting, self._settings.get(setting), self)
        editor.setObjectName(f"setting_{setting.key}")
        self.editors[setting.key] = editor
        row = QHBoxLayout()
        row.addWidget(editor, 1)
        if self._settings.is_locked(setting):
            editor.setEnabled(False)
            editor.setToolTip(self.tr("Your IT department set this value; it cannot be changed here."))
            locked = QLabel(self.tr("set by IT"), self)
            locked.setObjectName(f"locked_{setting.key}")
            locked.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
            row.addWidget(locked)
        else:
            self._readers[setting] = read
        label = "" if setting.value_type is bool else translated(setting.label)
        form.addRow(label, row)
        if setting.applies_on_restart:
            note = QLabel(self.tr("Takes effect the next time DeskChat starts."), self)
            note.setObjectName(f"restartNote_{setting.key}")
            note.setWordWrap(True)
            form.addRow("", note)

    def accept(self) -> None:
        """Save the edited values (they apply at once); on a write error, say so and stay open."""
        try:
            self._settings.change({setting: read() for setting, read in self._readers.items()})
        except OSError as error:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.windowTitle(),
                self.tr("The preferences could not be saved: %1").replace("%1", str(error)),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): a nested event loop would stall the asyncio loop
            return
        super().accept()
