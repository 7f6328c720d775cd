"""The interface language: --lang, else DESKCHAT_LANG, else the ui.language setting (IT may set it)."""

from __future__ import annotations

import pytest

from deskchat.app import interface_language
from deskchat.cli import parse_args
from deskchat.config import LANGUAGE, Settings


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESKCHAT_LANG", raising=False)


def test_the_setting_decides_without_options() -> None:
    assert interface_language(parse_args([]), Settings.in_memory()) == "pt_BR"
    assert interface_language(parse_args([]), Settings.in_memory({LANGUAGE: "en"})) == "en"
    assert interface_language(parse_args([]), Settings.in_memory(policy={LANGUAGE: "en"})) == "en"


def test_lang_and_the_environment_win(monkeypatch: pytest.MonkeyPatch) -> None:
    assert interface_language(parse_args(["--lang", "pt_BR"]), Settings.in_memory({LANGUAGE: "en"})) == "pt_BR"
    monkeypatch.setenv("DESKCHAT_LANG", "en")
    assert interface_language(parse_args([]), Settings.in_memory()) == "en"
    assert interface_language(parse_args(["--lang", "pt_BR"]), Settings.in_memory()) == "pt_BR"
