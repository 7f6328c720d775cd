"""DeskChat makes what it creates private and leaves the modes of everything else alone."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskchat.config import load_settings
from deskchat.logs import configure_logging
from deskchat.paths import Profile
from deskchat.store.database import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in set(root.handlers) - set(handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start_and_stop(profile: Profile) -> None:
    """What a start does to a profile folder: settings, logs, the store (with its WAL), and closing it."""
    profile.ensure()
    configure_logging(profile.log_dir)
    load_settings(profile)
    store = Store.open(profile)
    store.write_now(lambda conn: conn.exec_driver_sql("CREATE TEMP TABLE touch (x)"))
    store.close()


def test_an_existing_folder_given_as_profile_keeps_its_files_modes(tmp_path: Path) -> None:
    folder = tmp_path / "attendant-folder"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    script = folder / "backup.sh"
    script.write_text("#!/bin/sh\necho ok\n")
    os.chmod(script, 0o755)
    notes = folder / "notes.txt"
    notes.write_text("shared notes\n")
    os.chmod(notes, 0o644)
    logs = folder / "logs"  # a folder of the attendant's that happens to have DeskChat's name for one
    logs.mkdir()
    os.chmod(logs, 0o755)

    _start_and_stop(Profile(folder))

    assert _mode(script) == 0o755, "a script kept its execute bit"
    assert _mode(notes) == 0o644
    assert _mode(folder) == 0o755
    assert _mode(logs) == 0o755
    for created in (folder / "deskchat.db", folder / "store.json", logs / "deskchat.log"):
        assert _mode(created) == 0o600, created.name


def test_a_new_profile_is_private(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "new" / "profile")
    _start_and_stop(profile)
    assert _mode(profile.root) == 0o700
    assert _mode(profile.root.parent) == 0o700, "a parent DeskChat created is private too"
    assert _mode(profile.log_dir) == 0o700
    for path in profile.root.rglob("*"):
        if path.is_file():
            assert _mode(path) == 0o600, path.name
