"""The command line as installers and IT use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskchat import __version__
from deskchat.config.policy import system_policy_file
from deskchat.ui.display_check import NO_DISPLAY_EXIT_CODE, missing_display


def _run(*arguments: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskchat", *arguments],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen") if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"DeskChat {__version__}"


def test_self_test_opens_a_store_and_paints_the_window() -> None:
    done = _run("--self-test")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "self-test ok" in done.stdout


def test_unknown_option_is_refused_in_words() -> None:
    done = _run("--no-such-option")
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


def _without_a_display() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only X11 and Wayland sessions can lack a display")
@pytest.mark.parametrize("options", [(), ("--demo",)])
def test_started_without_a_display_it_says_so_in_words(tmp_path: Path, options: tuple[str, ...]) -> None:
    done = _run("--profile", str(tmp_path / "profile"), *options, env=_without_a_display(), timeout=60)
    assert done.returncode == NO_DISPLAY_EXIT_CODE, done.stderr[-2000:]
    assert "DeskChat precisa de uma tela gráfica" in done.stderr
    assert "DeskChat needs a graphical display" in done.stderr
    assert "xcb" not in done.stderr and "core dumped" not in done.stderr  # not Qt's abort
    assert not (tmp_path / "profile").exists()  # it stopped before touching anything


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only X11 and Wayland sessions can lack a display")
def test_the_self_test_needs_no_display() -> None:
    done = _run("--self-test", env=_without_a_display())
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, True),
        ({"DISPLAY": ":0"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"DISPLAY": ""}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "minimal"}, False),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, True),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, False),
        ({"QT_QPA_PLATFORM": "xcb:dpi=96", "DISPLAY": ":1"}, False),
        ({"QT_QPA_PLATFORM": "wayland-egl", "WAYLAND_DISPLAY": "w"}, False),
    ],
)
def test_which_sessions_have_a_display(environ: dict[str, str], missing: bool) -> None:
    assert missing_display("linux", environ) is missing
    assert missing_display("win32", environ) is False
    assert missing_display("darwin", environ) is False


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes (FIFOs) are a POSIX feature")
@pytest.mark.skipif(os.path.lexists(system_policy_file()), reason="this machine has a system policy file")
def test_a_fifo_as_the_policy_does_not_stop_the_start(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.json"
    os.mkfifo(fifo)
    done = _run("--self-test", env=dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKCHAT_POLICY=str(fifo)), timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "self-test ok" in done.stdout
    assert "is not a regular file (a FIFO)" in done.stderr  # the warning is logged
