"""The interface speaks Brazilian Portuguese by default and English on request; no string is left untranslated."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from ui_harness import App

from deskchat.ui.i18n import install_translations, translations_dir

ROOT = Path(__file__).resolve().parents[2]


def _unfinished(ts_file: Path) -> list[str]:
    tree = ET.parse(ts_file)
    return [
        message.findtext("source", "")
        for message in tree.iter("message")
        if message.find("translation") is not None and message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]


def test_every_visible_string_has_a_portuguese_translation(tmp_path: Path) -> None:
    ts_copy = tmp_path / "deskchat_pt_BR.ts"
    shutil.copy(Path(translations_dir()) / "deskchat_pt_BR.ts", ts_copy)
    sources = [str(path) for path in sorted((ROOT / "deskchat" / "ui").rglob("*.py"))] + [str(ROOT / "deskchat/app.py")]
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *sources, "-ts", str(ts_copy)], check=True, capture_output=True)
    assert _unfinished(ts_copy) == [], "run installer/update_translations.py and translate the new strings"


def test_compiled_translations_are_shipped(qapp: QApplication) -> None:
    assert install_translations(qapp, "pt_BR")
    assert QCoreApplication.translate("ConversationPane", "Pending") == "Pendentes"
    assert QCoreApplication.translate("Bubble", "failed — try again") == "falhou — tentar novamente"
    install_translations(qapp, "en")
    assert QCoreApplication.translate("ConversationPane", "Pending") == "Pending"


def test_window_in_portuguese_and_in_english(qapp: QApplication, app: App, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from deskchat.ui.main_window import MainWindow, WindowServices

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)

    install_translations(qapp, "pt_BR")
    services = WindowServices(app.store, app.runtime.bus, app.runtime.messaging, app.runtime.tickets)
    portuguese = MainWindow(services, settings)
    qtbot.addWidget(portuguese)
    assert portuguese.conversation_pane.tabs.tabText(0).startswith("Pendentes")
    assert portuguese.conversation_pane.tabs.tabText(1).startswith("Em atendimento")
    assert portuguese.chat_pane.send_button.text() == "Enviar"
    install_translations(qapp, "en")
    english = MainWindow(services, settings)
    qtbot.addWidget(english)
    assert english.conversation_pane.tabs.tabText(0).startswith("Pending")
