"""The Preferences dialog: shows the settings, saves them to settings.json, applies them at once, obeys IT's policy."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialogButtonBox, QLabel, QMessageBox, QSpinBox
from test_groups import running_desk
from ui_harness import App

from deskchat.config import LANGUAGE, REOPEN_WINDOW_HOURS, SEND_READ_RECEIPTS
from deskchat.core.events import ConversationStatus
from deskchat.paths import Profile
from deskchat.ui.i18n import install_translations
from deskchat.ui.models.conversation_list import ConversationIdRole, ConversationRole
from deskchat.ui.preferences import PreferencesDialog
from deskchat.ui.tasks import settle


def open_preferences(app: App, qtbot: Any) -> PreferencesDialog:
    """Ctrl+, as the attendant presses it."""
    app.window.activateWindow()  # back from an earlier dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    qtbot.keyClick(app.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = app.window.preferences_dialog
    assert isinstance(dialog, PreferencesDialog) and dialog.isVisible()
    return dialog


def press(dialog: PreferencesDialog, qtbot: Any, button: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(button), Qt.MouseButton.LeftButton)


def editor(dialog: PreferencesDialog, key: str, kind: type[Any]) -> Any:
    widget = dialog.editors[key]
    assert isinstance(widget, kind)
    return widget


def open_conversation(app: App, qtbot: Any, row: int) -> tuple[int, list[tuple[str, list[str]]]]:
    """Click the ``row``-th pending conversation; returns its id and the read receipts sent for it."""
    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(row, 0)
    conversation_id = int(index.data(ConversationIdRole))
    chat_key = f"55119876500{2 - row:02d}@s.whatsapp.net"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(settle())
    pending = app.window.conversation_pane.models[ConversationStatus.PENDING]
    qtbot.waitUntil(lambda: pending.index(pending.row_of(conversation_id), 0).data(ConversationRole).unread_count == 0)
    return conversation_id, [sent for sent in app.channel.read if sent[0] == chat_key]


def test_ctrl_comma_shows_the_current_settings_and_cancel_changes_nothing(
    qtbot: Any, loop: Any, profile: Profile
) -> None:
    with running_desk(qtbot, loop, profile) as app:
        dialog = open_preferences(app, qtbot)
        assert editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox).isChecked()
        assert editor(dialog, "whatsapp.groups", QComboBox).currentData() == "separate"
        assert editor(dialog, REOPEN_WINDOW_HOURS.key, QSpinBox).value() == 24
        assert editor(dialog, LANGUAGE.key, QComboBox).currentData() == "pt_BR"
        note = dialog.findChild(QLabel, f"restartNote_{LANGUAGE.key}")
        assert note is not None and note.isVisible() and "next time" in note.text()
        assert all(widget.isEnabled() for widget in dialog.editors.values())
        assert dialog.findChild(QLabel, "settingsProblems") is None

        qtbot.mouseClick(editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox), Qt.MouseButton.LeftButton)
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Cancel)
        assert not dialog.isVisible()
        assert app.runtime.settings.get(SEND_READ_RECEIPTS) and app.runtime.reading.send_receipts
        assert not profile.settings_file.exists()


def test_read_receipts_turned_off_are_not_sent(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile) as app:
        dialog = open_preferences(app, qtbot)
        qtbot.mouseClick(editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox), Qt.MouseButton.LeftButton)
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
        assert not dialog.isVisible()
        assert json.loads(profile.settings_file.read_text(encoding="utf-8")) == {SEND_READ_RECEIPTS.key: False}
        _, receipts = open_conversation(app, qtbot, 0)
        assert receipts == []  # the badge went, the customer saw no blue ticks

        dialog = open_preferences(app, qtbot)
        assert not editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox).isChecked()
        qtbot.mouseClick(editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox), Qt.MouseButton.LeftButton)
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
        _, receipts = open_conversation(app, qtbot, 1)
        assert receipts == [("5511987650001@s.whatsapp.net", [f"IN-1-{n}" for n in range(5)])]
        assert json.loads(profile.settings_file.read_text(encoding="utf-8")) == {}  # back to the default


def test_a_setting_locked_by_it_is_disabled_and_enforced(
    qapp: QApplication, qtbot: Any, loop: Any, profile: Profile
) -> None:
    profile.ensure()
    profile.settings_file.write_text(json.dumps({SEND_READ_RECEIPTS.key: True}), encoding="utf-8")
    install_translations(qapp, "pt_BR")
    try:
        with running_desk(qtbot, loop, profile, policy={SEND_READ_RECEIPTS.key: False}) as app:
            dialog = open_preferences(app, qtbot)
            assert dialog.windowTitle() == "Preferências"
            box = editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox)
            assert not box.isEnabled() and not box.isChecked()
            assert box.text().startswith("Enviar confirmações de leitura")
            locked = dialog.findChild(QLabel, f"locked_{SEND_READ_RECEIPTS.key}")
            assert locked is not None and locked.isVisible() and locked.text() == "definido pela TI"
            assert dialog.findChild(QLabel, "locked_whatsapp.groups") is None
            assert editor(dialog, "whatsapp.groups", QComboBox).isEnabled()

            editor(dialog, REOPEN_WINDOW_HOURS.key, QSpinBox).setValue(8)
            press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)  # the locked value is not sent back
            assert not dialog.isVisible()
            saved = json.loads(profile.settings_file.read_text(encoding="utf-8"))
            assert saved == {SEND_READ_RECEIPTS.key: True, REOPEN_WINDOW_HOURS.key: 8}  # the attendant's own, kept
            _, receipts = open_conversation(app, qtbot, 0)
            assert receipts == []  # IT's value wins over the attendant's file
    finally:
        install_translations(qapp, "en")


def test_reopen_window_applies_at_once_and_language_on_the_next_start(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile) as app:
        dialog = open_preferences(app, qtbot)
        editor(dialog, REOPEN_WINDOW_HOURS.key, QSpinBox).setValue(6)
        language = editor(dialog, LANGUAGE.key, QComboBox)
        language.setCurrentIndex(language.findData("en"))
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
        assert app.runtime.ingest.reopen_window.total_seconds() == 6 * 3600
        saved = json.loads(profile.settings_file.read_text(encoding="utf-8"))
        assert saved == {REOPEN_WINDOW_HOURS.key: 6, LANGUAGE.key: "en"}


def test_ignored_problems_in_the_files_are_mentioned(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile, policy={"whatsapp.groups": "everywhere", "crm.endpoint": "x"}) as app:
        dialog = open_preferences(app, qtbot)
        problems = dialog.findChild(QLabel, "settingsProblems")
        assert problems is not None and problems.isVisible()
        assert "whatsapp.groups" in problems.toolTip() and "crm.endpoint" in problems.toolTip()
        assert editor(dialog, "whatsapp.groups", QComboBox).isEnabled()  # a wrong policy value locks nothing


def test_a_save_error_is_shown_and_nothing_changes(
    qtbot: Any, loop: Any, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_desk(qtbot, loop, profile) as app:
        dialog = open_preferences(app, qtbot)
        qtbot.mouseClick(editor(dialog, SEND_READ_RECEIPTS.key, QCheckBox), Qt.MouseButton.LeftButton)

        def disk_full(*_args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", disk_full)
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
        assert dialog.isVisible()
        [message] = [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]
        assert "No space left on device" in message.text()
        assert app.runtime.reading.send_receipts and app.runtime.settings.get(SEND_READ_RECEIPTS)
        message.close()
        press(dialog, qtbot, QDialogButtonBox.StandardButton.Cancel)
