"""Where IT puts the policy file on each OS, and why the attendant's environment cannot move or switch it off."""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from deskchat.config import GROUPS, SEND_READ_RECEIPTS, load_settings
from deskchat.config.policy import choose_policy_file, system_policy_location
from deskchat.paths import Profile


def test_linux() -> None:
    assert system_policy_location("linux") == PurePosixPath("/etc/deskchat/policy.json")


def test_macos() -> None:
    assert system_policy_location("darwin") == PurePosixPath("/Library/Application Support/DeskChat/policy.json")


def test_windows_uses_programdata_as_the_shell_knows_it() -> None:
    assert system_policy_location("win32", r"D:\ProgramData") == PureWindowsPath(r"D:\ProgramData\DeskChat\policy.json")
    assert system_policy_location("win32") == PureWindowsPath(r"C:\ProgramData\DeskChat\policy.json")


@pytest.fixture
def system_policy(tmp_path: Path) -> Path:
    """The machine's policy file, as IT installed it."""
    path = tmp_path / "etc" / "deskchat" / "policy.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"whatsapp.send_read_receipts": false}', encoding="utf-8")
    return path


@pytest.mark.parametrize("override", ["/dev/null", "{tmp}/mine.json", "{tmp}/missing.json"])
def test_the_attendants_environment_cannot_switch_the_system_policy_off(
    profile: Profile,
    system_policy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    override: str,
) -> None:
    (tmp_path / "mine.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("DESKCHAT_POLICY", override.format(tmp=tmp_path))
    with caplog.at_level(logging.WARNING, logger="deskchat.config"):
        settings = load_settings(profile.ensure(), system_policy=system_policy)
    assert settings.get(SEND_READ_RECEIPTS) is False and settings.is_locked(SEND_READ_RECEIPTS)
    assert "DESKCHAT_POLICY is ignored" in caplog.text


def test_a_broken_system_policy_still_wins_over_the_environment(tmp_path: Path) -> None:
    system = tmp_path / "policy.json"
    system.mkdir()  # something IT put there: it is reported as broken, not replaced by the attendant's choice
    assert choose_policy_file(system, {"DESKCHAT_POLICY": str(tmp_path / "mine.json")}) == system


def test_without_a_system_policy_the_variable_lets_it_try_one(
    profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trial = tmp_path / "trial.json"
    trial.write_text('{"whatsapp.groups": "ignore"}', encoding="utf-8")
    monkeypatch.setenv("DESKCHAT_POLICY", str(trial))
    settings = load_settings(profile.ensure(), system_policy=tmp_path / "no-such" / "policy.json")
    assert settings.get(GROUPS) == "ignore" and settings.is_locked(GROUPS)
    assert settings.file == profile.settings_file


def test_without_any_policy_nothing_is_locked(
    profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKCHAT_POLICY", raising=False)
    missing = tmp_path / "no-such" / "policy.json"
    assert choose_policy_file(missing, {}) == missing
    assert choose_policy_file(missing, {"DESKCHAT_POLICY": ""}) == missing
    settings = load_settings(profile.ensure(), system_policy=missing)
    assert not settings.is_locked(GROUPS) and settings.problems == []


def test_mail_provider_overrides_are_read_and_not_reported_as_unknown(tmp_path: Path) -> None:
    from deskchat.config.files import read_values
    from deskchat.config.policy import mail_provider_overrides

    policy = tmp_path / "policy.json"
    policy.write_text(
        '{"mail": {"providers": {"microsoft": {"tenant": "empresa.onmicrosoft.com"}}}, "no": {"such": 1}}',
        encoding="utf-8",
    )

    assert mail_provider_overrides(policy) == {"microsoft": {"tenant": "empresa.onmicrosoft.com"}}
    assert [problem.key for problem in read_values(policy).problems] == ["no.such"]  # only the real unknown
