"""Every label the Preferences dialog shows from the schema has its Portuguese translation."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from deskchat.config import SCHEMA
from deskchat.ui.i18n import translations_dir
from deskchat.ui.preferences import CATALOGUE, CONTEXT, SECTION_TITLES


def test_every_label_and_choice_is_in_the_catalogue_and_translated() -> None:
    texts = {setting.label for setting in SCHEMA}
    texts |= {choice.label for setting in SCHEMA for choice in setting.choices}
    texts |= {SECTION_TITLES[setting.section] for setting in SCHEMA}
    assert texts <= set(CATALOGUE), "add the new labels to deskchat.ui.preferences.CATALOGUE"
    translator = QTranslator()
    assert translator.load("deskchat_pt_BR", translations_dir())
    untranslated = sorted(text for text in texts if not translator.translate(CONTEXT, text))
    assert untranslated == [], "run installer/update_translations.py and translate them"
    assert translator.translate(CONTEXT, "WhatsApp groups") == "Grupos do WhatsApp"
