"""Settings: defaults, the attendant's values, IT's policy on top (enforced and locked), and files that are wrong."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from deskchat.config import (
    GROUPS,
    LANGUAGE,
    REOPEN_WINDOW_HOURS,
    SCHEMA,
    SEND_READ_RECEIPTS,
    InvalidValue,
    Setting,
    SettingLocked,
    Settings,
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "profile" / "settings.json", tmp_path / "etc" / "policy.json"


def _write(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_without_files_every_setting_has_its_default(files: tuple[Path, Path]) -> None:
    settings = Settings.load(*files)
    assert settings.get(SEND_READ_RECEIPTS) is True
    assert settings.get(GROUPS) == "separate"
    assert settings.get(LANGUAGE) == "pt_BR"
    assert settings.get(REOPEN_WINDOW_HOURS) == 24
    assert settings.problems == []
    assert not any(settings.is_locked(setting) for setting in SCHEMA)


def test_the_schema_describes_every_setting() -> None:
    for setting in SCHEMA:
        assert setting.key.count(".") == 1 and setting.description and setting.label
        assert setting.check(setting.default) == setting.default
    assert [choice.value for choice in GROUPS.choices] == ["separate", "ignore", "mixed"]


def test_the_attendants_values_are_read(files: tuple[Path, Path]) -> None:
    user, policy = files
    _write(user, {"whatsapp.send_read_receipts": False, "whatsapp.groups": "mixed", "tickets.reopen_window_hours": 6})
    settings = Settings.load(user, policy)
    assert settings.get(SEND_READ_RECEIPTS) is False
    assert settings.get(GROUPS) == "mixed"
    assert settings.get(REOPEN_WINDOW_HOURS) == 6
    assert settings.get(LANGUAGE) == "pt_BR"
    assert settings.problems == []


def test_nested_objects_are_read_as_dotted_keys(files: tuple[Path, Path]) -> None:
    user, policy = files
    _write(policy, {"whatsapp": {"groups": "ignore"}, "ui": {"language": "en"}})
    settings = Settings.load(user, policy)
    assert settings.get(GROUPS) == "ignore"
    assert settings.get(LANGUAGE) == "en"


def test_the_policy_overrides_and_locks(files: tuple[Path, Path]) -> None:
    user, policy = files
    _write(user, {"whatsapp.send_read_receipts": True, "whatsapp.groups": "mixed"})
    _write(policy, {"whatsapp.send_read_receipts": False})
    settings = Settings.load(user, policy)
    assert settings.get(SEND_READ_RECEIPTS) is False
    assert settings.is_locked(SEND_READ_RECEIPTS)
    assert settings.get(GROUPS) == "mixed" and not settings.is_locked(GROUPS)
    with pytest.raises(SettingLocked):
        settings.change({SEND_READ_RECEIPTS: True})
    with pytest.raises(SettingLocked):  # all or nothing: the unlocked change is not applied either
        settings.change({GROUPS: "separate", SEND_READ_RECEIPTS: True})
    assert settings.get(GROUPS) == "mixed"


def test_a_policy_with_a_bom_is_read(files: tuple[Path, Path]) -> None:
    user, policy = files
    policy.parent.mkdir(parents=True)
    policy.write_bytes(b"\xef\xbb\xbf" + json.dumps({"whatsapp.groups": "ignore"}).encode())
    assert Settings.load(user, policy).get(GROUPS) == "ignore"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "", "null"])
def test_a_broken_file_is_reported_and_ignored(
    files: tuple[Path, Path], content: str, caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    _write(user, {"whatsapp.groups": "mixed"})
    _write(policy, content)
    with caplog.at_level(logging.WARNING, logger="deskchat.config"):
        settings = Settings.load(user, policy)
    assert settings.get(GROUPS) == "mixed"  # the attendant's file still counts
    assert [(problem.file, problem.key) for problem in settings.problems] == [(policy, None)]
    assert str(policy) in caplog.text


def test_wrong_types_and_unknown_keys_are_reported_and_ignored(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    _write(
        user,
        {
            "whatsapp.send_read_receipts": "no",
            "whatsapp.groups": "hidden",
            "tickets.reopen_window_hours": True,
            "ui.language": "en",
            "ui.theme": "dark",
        },
    )
    _write(policy, {"tickets.reopen_window_hours": -1, "tickets": {"auto_close": 3}})
    with caplog.at_level(logging.WARNING, logger="deskchat.config"):
        settings = Settings.load(user, policy)
    assert settings.get(SEND_READ_RECEIPTS) is True
    assert settings.get(GROUPS) == "separate"
    assert settings.get(REOPEN_WINDOW_HOURS) == 24 and not settings.is_locked(REOPEN_WINDOW_HOURS)
    assert settings.get(LANGUAGE) == "en"  # the valid value beside them still counts
    reported = {(problem.file.name, problem.key) for problem in settings.problems}
    assert reported == {
        ("settings.json", "whatsapp.send_read_receipts"),
        ("settings.json", "whatsapp.groups"),
        ("settings.json", "tickets.reopen_window_hours"),
        ("settings.json", "ui.theme"),
        ("policy.json", "tickets.reopen_window_hours"),
        ("policy.json", "tickets.auto_close"),
    }
    messages = {problem.key: problem.message for problem in settings.problems if problem.file == user}
    assert "true or false" in messages["whatsapp.send_read_receipts"]
    assert "'separate'" in messages["whatsapp.groups"]
    assert "unknown" in messages["ui.theme"]
    assert "ui.theme" in caplog.text and "auto_close" in caplog.text


def test_an_unreadable_file_is_reported(files: tuple[Path, Path]) -> None:
    user, policy = files
    policy.mkdir(parents=True)  # a directory where the file should be: it is not read
    settings = Settings.load(user, policy)
    assert len(settings.problems) == 1 and "not a regular file (a directory)" in settings.problems[0].message
    assert settings.get(GROUPS) == "separate"


def test_a_change_is_saved_atomically_private_and_applied(files: tuple[Path, Path]) -> None:
    user, policy = files
    _write(user, {"ui.theme": "dark", "whatsapp.groups": "mixed"})  # a newer version's key is kept, not lost
    settings = Settings.load(user, policy)
    heard: list[frozenset[Setting[Any]]] = []
    settings.subscribe(heard.append)
    changed = settings.change({SEND_READ_RECEIPTS: False, GROUPS: "mixed", REOPEN_WINDOW_HOURS: 48})
    assert changed == {SEND_READ_RECEIPTS, REOPEN_WINDOW_HOURS}
    assert heard == [changed]
    assert json.loads(user.read_text(encoding="utf-8")) == {
        "ui.theme": "dark",
        "whatsapp.groups": "mixed",
        "whatsapp.send_read_receipts": False,
        "tickets.reopen_window_hours": 48,
    }
    if os.name == "posix":
        assert stat.S_IMODE(user.stat().st_mode) == 0o600
    assert [path.name for path in user.parent.iterdir()] == ["settings.json"]  # no temporary file left behind
    again = Settings.load(user, policy)
    assert again.get(SEND_READ_RECEIPTS) is False and again.get(REOPEN_WINDOW_HOURS) == 48


def test_a_value_back_to_its_default_leaves_the_file(files: tuple[Path, Path]) -> None:
    user, policy = files
    settings = Settings.load(user, policy)
    settings.change({GROUPS: "ignore"})
    settings.change({GROUPS: "separate"})
    assert json.loads(user.read_text(encoding="utf-8")) == {}


def test_an_invalid_change_raises_and_changes_nothing(files: tuple[Path, Path]) -> None:
    user, policy = files
    settings = Settings.load(user, policy)
    with pytest.raises(InvalidValue):
        settings.change({GROUPS: "ignore", REOPEN_WINDOW_HOURS: "24"})
    assert settings.get(GROUPS) == "separate"
    assert not user.exists()


def test_a_failed_write_keeps_the_old_file_and_values(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    user, policy = files
    settings = Settings.load(user, policy)
    settings.change({GROUPS: "mixed"})
    heard: list[object] = []
    settings.subscribe(heard.append)

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        settings.change({GROUPS: "ignore"})
    assert settings.get(GROUPS) == "mixed"
    assert heard == []
    assert json.loads(user.read_text(encoding="utf-8")) == {"whatsapp.groups": "mixed"}
    assert [path.name for path in user.parent.iterdir()] == ["settings.json"]


def test_unsubscribed_listeners_hear_nothing() -> None:
    settings = Settings.in_memory()
    heard: list[object] = []
    unsubscribe = settings.subscribe(heard.append)
    unsubscribe()
    settings.change({GROUPS: "mixed"})
    assert heard == [] and settings.get(GROUPS) == "mixed"


def test_in_memory_settings_can_carry_a_policy() -> None:
    settings = Settings.in_memory({GROUPS: "mixed"}, policy={LANGUAGE: "en"})
    assert settings.get(GROUPS) == "mixed" and settings.get(LANGUAGE) == "en" and settings.is_locked(LANGUAGE)
    with pytest.raises(InvalidValue):
        Settings.in_memory({GROUPS: "everywhere"})


def test_a_file_that_is_not_text_is_reported(files: tuple[Path, Path]) -> None:
    user, policy = files
    policy.parent.mkdir(parents=True)
    policy.write_bytes(b"\xff\xfe{\x00}\x00")  # UTF-16, as some Windows editors save
    settings = Settings.load(user, policy)
    assert [problem.key for problem in settings.problems] == [None]
    assert "cannot be read" in settings.problems[0].message
