"""The conflict dialog asks one question per field changed on both sides, shows both values, and hands back the
attendant's choice: keep mine, use the CRM's, or an edited value (a number stays a number)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from deskchat.services.crm_conflicts import Edited, KeepMine, UseTheirs
from deskchat.store.crm_queue import FieldConflict, StoredConflict
from deskchat.ui.crm_conflict import CrmConflictDialog


def _conflict() -> StoredConflict:
    fields = [
        FieldConflict("status", "encerrado", "em_atendimento"),
        FieldConflict("credit_limit_cents", 500_000, 750_000),
        FieldConflict("name", "Padaria Pão Quente", "<b>Padaria</b>"),
    ]
    return StoredConflict(7, "contacts:x", '"5"', {}, fields, {"op": "update"})


def test_each_field_changed_on_both_sides_is_asked_with_both_values(qtbot: QtBot) -> None:
    dialog = CrmConflictDialog(_conflict(), "Padaria")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.field_names() == ["status", "credit_limit_cents", "name"]
    assert dialog.choices() == {"status": KeepMine(), "credit_limit_cents": KeepMine(), "name": KeepMine()}

    dialog.choose("status", "theirs")
    dialog.choose("credit_limit_cents", "edit", "600000")
    dialog.choose("name", "edit", "Padaria Pão Quente Ltda")
    with qtbot.waitSignal(dialog.decided, timeout=2000) as decided:
        dialog.send_button.click()
    assert decided.args == [
        7,
        {
            "status": UseTheirs(),
            "credit_limit_cents": Edited(600_000),
            "name": Edited("Padaria Pão Quente Ltda"),
        },
    ]
    assert not dialog.isVisible()


def test_the_values_are_shown_as_plain_text_and_the_editor_opens_only_for_edit(qtbot: QtBot) -> None:
    dialog = CrmConflictDialog(_conflict(), "Padaria")
    qtbot.addWidget(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if "Padaria</b>" in label.text()]
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    editor = dialog.findChild(QLineEdit, "name_editor")
    assert editor is not None and not editor.isEnabled()
    dialog.choose("name", "edit", "novo")
    assert editor.isEnabled()
