"""The command line as installers and IT use it."""

from __future__ import annotations

import os
import subprocess
import sys

from deskchat import __version__


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "deskchat", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
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
