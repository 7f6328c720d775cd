"""Hostile settings and policy files: each is refused in words, logged, and DeskChat still has its settings."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskchat.config import GROUPS, REOPEN_WINDOW_HOURS, SEND_READ_RECEIPTS, Settings
from deskchat.config.bounded import MAX_FILE_BYTES


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    user = tmp_path / "profile" / "settings.json"
    policy = tmp_path / "etc" / "policy.json"
    user.parent.mkdir()
    policy.parent.mkdir()
    user.write_text(json.dumps({"whatsapp.groups": "mixed"}), encoding="utf-8")
    return user, policy


def _load(user: Path, policy: Path, caplog: pytest.LogCaptureFixture) -> Settings:
    with caplog.at_level(logging.WARNING, logger="deskchat.config"):
        return Settings.load(user, policy)


def _the_policy_was_refused(settings: Settings, policy: Path, words: str, caplog: pytest.LogCaptureFixture) -> None:
    assert settings.get(GROUPS) == "mixed"  # the attendant's file still counts
    assert not any(settings.is_locked(setting) for setting in (GROUPS, SEND_READ_RECEIPTS, REOPEN_WINDOW_HOURS))
    [problem] = settings.problems
    assert problem.file == policy and problem.key is None
    assert words in problem.message and "ignored" in problem.message
    assert str(policy) in caplog.text and words in caplog.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes (FIFOs) are a POSIX feature")
@pytest.mark.timeout(10)
def test_a_fifo_as_the_policy_does_not_hang_the_start(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    os.mkfifo(policy)  # nobody ever writes to it: a blocking open would wait for ever
    settings = _load(user, policy, caplog)
    _the_policy_was_refused(settings, policy, "not a regular file (a FIFO)", caplog)


_LOAD_DEV_ZERO = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a reader that fills memory dies here, not the machine
from deskchat.config import GROUPS, Settings
settings = Settings.load(Path(sys.argv[1]), Path("/dev/zero"))
print(settings.get(GROUPS), *(problem.message for problem in settings.problems), sep="\\n")
"""


@pytest.mark.skipif(not Path("/dev/zero").exists() or sys.platform == "darwin", reason="needs /dev/zero and RLIMIT_AS")
def test_dev_zero_as_the_policy_is_refused_without_reading_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_DEV_ZERO, str(tmp_path / "settings.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "separate",
        "is not a regular file (a character device); every value in it is ignored",
    ]


def test_a_policy_larger_than_the_limit_is_refused(files: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    user, policy = files
    padding = " " * MAX_FILE_BYTES
    policy.write_text('{"whatsapp.groups": "ignore"}' + padding, encoding="utf-8")
    settings = _load(user, policy, caplog)
    _the_policy_was_refused(settings, policy, "too large", caplog)


def test_a_policy_just_under_the_limit_is_read(files: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    user, policy = files
    content = '{"whatsapp.groups": "ignore"}'
    policy.write_text(content + " " * (MAX_FILE_BYTES - len(content)), encoding="utf-8")
    settings = _load(user, policy, caplog)
    assert settings.get(GROUPS) == "ignore" and settings.is_locked(GROUPS) and settings.problems == []


@pytest.mark.parametrize(("opening", "depth"), [("[", 100_000), ('{"":', 60_000)])
def test_nesting_100000_deep_is_refused(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture, opening: str, depth: int
) -> None:
    user, policy = files
    policy.write_text(opening * depth, encoding="utf-8")  # fits the size limit
    settings = _load(user, policy, caplog)
    _the_policy_was_refused(settings, policy, "nested too deeply", caplog)


def test_valid_json_nested_past_the_limit_is_refused(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    policy.write_text('{"whatsapp": {"groups": "ignore"}, "x": ' + "[" * 50 + "]" * 50 + "}", encoding="utf-8")
    settings = _load(user, policy, caplog)
    _the_policy_was_refused(settings, policy, "nested too deeply", caplog)


def test_a_5000_digit_number_is_refused_and_the_rest_of_the_file_counts(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    huge = "9" * 5_000
    policy.write_text(
        f'{{"tickets.reopen_window_hours": {huge}, "whatsapp.groups": "ignore", "x.y": -{huge}}}', encoding="utf-8"
    )
    settings = _load(user, policy, caplog)
    assert settings.get(GROUPS) == "ignore" and settings.is_locked(GROUPS)
    assert settings.get(REOPEN_WINDOW_HOURS) == 24 and not settings.is_locked(REOPEN_WINDOW_HOURS)
    messages = {problem.key: problem.message for problem in settings.problems}
    assert "a number of 5000 characters" in messages["tickets.reopen_window_hours"]
    assert "unknown" in messages["x.y"]
    assert huge not in caplog.text  # the log quotes it short


def test_a_5000_digit_number_in_the_attendants_file_is_not_written_back(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    user.write_text('{"whatsapp.groups": "mixed", "ui.theme": ' + "1" * 5_000 + "}", encoding="utf-8")
    settings = _load(user, policy, caplog)
    settings.change({SEND_READ_RECEIPTS: False})  # saving must not fail on the refused number
    assert json.loads(user.read_text(encoding="utf-8")) == {
        "whatsapp.groups": "mixed",
        "whatsapp.send_read_receipts": False,
    }


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_nan_and_infinity_are_refused(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture, constant: str
) -> None:
    user, policy = files
    policy.write_text(
        f'{{"tickets.reopen_window_hours": {constant}, "whatsapp.send_read_receipts": {constant}}}', encoding="utf-8"
    )
    settings = _load(user, policy, caplog)
    assert settings.get(REOPEN_WINDOW_HOURS) == 24 and settings.get(SEND_READ_RECEIPTS) is True
    assert {problem.key for problem in settings.problems} == {
        "tickets.reopen_window_hours",
        "whatsapp.send_read_receipts",
    }
    assert all(constant.lstrip("-") in problem.message for problem in settings.problems)


def test_a_long_value_is_quoted_short(files: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    user, policy = files
    long_value = "x" * 100_000
    policy.write_text(json.dumps({"whatsapp.groups": long_value}), encoding="utf-8")
    settings = _load(user, policy, caplog)
    [problem] = settings.problems
    assert len(problem.message) < 300 and "100002 characters" in problem.message
    assert long_value not in caplog.text


def test_ten_thousand_unknown_keys_are_counted_not_listed(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    user, policy = files
    policy.write_text(json.dumps({f"x.k{number}": number for number in range(10_000)}), encoding="utf-8")
    settings = _load(user, policy, caplog)
    assert len(settings.problems) == 51
    assert "9950 more problems" in settings.problems[-1].message


@pytest.mark.skipif(sys.platform == "win32", reason="a symbolic link needs privileges on Windows")
def test_a_symbolic_link_to_a_regular_file_is_read(files: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    user, policy = files
    real = policy.parent / "real-policy.json"
    real.write_text('{"whatsapp.groups": "ignore"}', encoding="utf-8")
    policy.symlink_to(real)
    assert _load(user, policy, caplog).get(GROUPS) == "ignore"
