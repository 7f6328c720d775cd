"""A store DeskChat cannot open is explained to the attendant in Portuguese words, never as a Python error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from deskchat.app import _open_store
from deskchat.paths import Profile
from deskchat.store.database import Store
from deskchat.store.keys import KeyProblem, StoreKeyError
from deskchat.ui.i18n import install_translations
from deskchat.ui.store_dialogs import DamageNotice


@pytest.fixture
def portuguese(qapp: QApplication) -> Iterator[None]:
    install_translations(qapp, "pt_BR")
    yield
    install_translations(qapp, "en")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (title, text) of every critical message box the start shows."""
    boxes: list[tuple[str, str]] = []

    def critical(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        boxes.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return boxes


def _damage(profile: Profile, case: str) -> None:
    store = Store.open(profile)
    store.close()
    if case == "missing":
        profile.store_file.unlink()
    elif case == "empty":
        profile.store_file.write_bytes(b"")
    elif case == "page one":
        with profile.store_file.open("r+b") as file:
            file.seek(100)
            value = file.read(1)[0]
            file.seek(100)
            file.write(bytes([value ^ 1]))
    elif case == "broken record":
        profile.store_meta_file.write_text('{"key_source": ["keyring"]')
    elif case == "record of wrong types":
        profile.store_meta_file.write_text(json.dumps({"key_source": "keyring", "ready": "sim"}))


EXPECTED_WORDS = {
    "missing": "não está na pasta do perfil",
    "empty": "está vazio (0 bytes)",
    "page one": "está danificado: a chave de criptografia está correta",
    "broken record": "(store.json) está danificado",
    "record of wrong types": "(store.json) está danificado",
}


@pytest.mark.allow_error_logs  # a store DeskChat cannot open is logged at ERROR
@pytest.mark.parametrize("case", EXPECTED_WORDS)
def test_each_refusal_is_told_in_portuguese(
    qtbot: Any, profile: Profile, portuguese: None, shown: list[tuple[str, str]], case: str
) -> None:
    _damage(profile, case)
    window = QWidget()
    qtbot.addWidget(window)
    assert _open_store(profile, False, window) is None
    [(title, text)] = shown
    assert title == "O DeskChat não consegue abrir seus dados"
    assert EXPECTED_WORDS[case] in text
    assert "Seus dados não foram alterados nem apagados." in text
    for raw in ("Traceback", "Error", "JSONDecode", "key_source", "store_missing", "store_empty", "record_broken"):
        assert raw not in text


@pytest.mark.allow_error_logs  # a store DeskChat cannot open is logged at ERROR
def test_an_unexpected_problem_is_told_in_words(
    qtbot: Any, profile: Profile, portuguese: None, shown: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Store:
        raise OSError(28, "No space left on device: '/home/atendente/perfil'")

    monkeypatch.setattr(Store, "open", broken)
    window = QWidget()
    qtbot.addWidget(window)
    assert _open_store(profile, False, window) is None
    [(_, text)] = shown
    assert "problema inesperado" in text and "suporte de TI" in text
    assert "No space" not in text and "OSError" not in text


def test_damage_found_later_is_told_once_without_blocking(qtbot: Any, portuguese: None) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    notice = DamageNotice(window)
    notice.report()
    notice.report()
    qtbot.waitUntil(lambda: notice.box is not None and notice.box.isVisible())
    assert notice.box is not None
    assert not notice.box.isModal()
    assert "encontrou danos" in notice.box.text()
    assert len(window.findChildren(QMessageBox)) == 1


def test_every_refusal_has_words() -> None:
    from deskchat.ui.store_dialogs import problem_text

    for problem in KeyProblem:
        assert problem_text(StoreKeyError(problem)).strip()
