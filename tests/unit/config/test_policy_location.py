"""Where IT puts the policy file on each OS, and the environment variable that moves it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from deskchat.config import GROUPS, load_settings
from deskchat.paths import Profile, policy_file, policy_file_location


def test_linux() -> None:
    assert policy_file_location("linux", {}) == PurePosixPath("/etc/deskchat/policy.json")


def test_macos() -> None:
    assert policy_file_location("darwin", {}) == PurePosixPath("/Library/Application Support/DeskChat/policy.json")


def test_windows_uses_programdata() -> None:
    assert policy_file_location("win32", {"ProgramData": r"D:\ProgramData"}) == PureWindowsPath(
        r"D:\ProgramData\DeskChat\policy.json"
    )
    assert policy_file_location("win32", {}) == PureWindowsPath(r"C:\ProgramData\DeskChat\policy.json")


def test_the_environment_variable_wins() -> None:
    assert policy_file_location("linux", {"DESKCHAT_POLICY": "/srv/it/dc.json"}) == PurePosixPath("/srv/it/dc.json")
    assert policy_file_location("win32", {"DESKCHAT_POLICY": r"\\server\it\dc.json"}) == PureWindowsPath(
        r"\\server\it\dc.json"
    )
    assert policy_file_location("linux", {"DESKCHAT_POLICY": ""}) == PurePosixPath("/etc/deskchat/policy.json")


def test_a_profile_loads_with_the_machines_policy(
    tmp_path: Path, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{"whatsapp.groups": "ignore"}', encoding="utf-8")
    monkeypatch.setenv("DESKCHAT_POLICY", str(policy))
    assert policy_file() == policy
    settings = load_settings(profile.ensure())
    assert settings.get(GROUPS) == "ignore" and settings.is_locked(GROUPS)
    assert settings.file == profile.settings_file
