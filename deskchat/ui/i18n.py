"""Qt translations: Brazilian Portuguese by default, English (the source language) on request."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

DEFAULT_LANGUAGE = "pt_BR"
LANGUAGES = ("pt_BR", "en")

_installed: list[QTranslator] = []


def translations_dir() -> str:
    return str(resources.files("deskchat.resources") / "translations")


def install_translations(app: QCoreApplication, language: str = DEFAULT_LANGUAGE) -> bool:
    """Install DeskChat's and Qt's own translations for ``language``; returns whether DeskChat's loaded."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    qt_base = QTranslator(app)
    if qt_base.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    ours = QTranslator(app)
    loaded = ours.load(f"deskchat_{language}", translations_dir())
    if loaded:
        app.installTranslator(ours)
        _installed.append(ours)
    return loaded
