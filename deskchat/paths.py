"""Where DeskChat keeps its files: one profile directory per attendant profile.

The default lives in the OS's per-user data directory (platformdirs); ``--profile DIR`` or the ``DESKCHAT_PROFILE``
environment variable chooses another. The directory is created 0700 and every file DeskChat writes in it 0600.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import platformdirs

APP_NAME = "DeskChat"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def default_profile_dir() -> Path:
    override = os.environ.get("DESKCHAT_PROFILE")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "profile"


def policy_file_location(platform: str, environ: Mapping[str, str]) -> PurePath:
    """Where IT's policy file is: ``DESKCHAT_POLICY`` if set, else a system-wide path of the OS."""
    override = environ.get("DESKCHAT_POLICY")
    if override:
        return PureWindowsPath(override) if platform == "win32" else PurePosixPath(override)
    if platform == "win32":
        return PureWindowsPath(environ.get("ProgramData") or r"C:\ProgramData", APP_NAME, "policy.json")
    if platform == "darwin":
        return PurePosixPath("/Library/Application Support", APP_NAME, "policy.json")
    return PurePosixPath("/etc/deskchat/policy.json")


def policy_file() -> Path:
    """This machine's policy file location (it may not exist: then there is no policy)."""
    return Path(policy_file_location(sys.platform, os.environ))


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def make_private_file(path: Path) -> Path:
    """Create ``path`` empty if missing, 0600, without ever widening an existing file's permissions."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE_MODE)
    return path


def tighten_permissions(directory: Path) -> None:
    """Make every regular file directly in ``directory`` 0600 (SQLite creates -wal/-shm files with the umask)."""
    if os.name != "posix":
        return
    for entry in directory.iterdir():
        if entry.is_file() and stat.S_IMODE(entry.stat().st_mode) != PRIVATE_FILE_MODE:
            os.chmod(entry, PRIVATE_FILE_MODE)


@dataclass(frozen=True)
class Profile:
    """The files of one profile."""

    root: Path

    @property
    def store_file(self) -> Path:
        return self.root / "deskchat.db"

    @property
    def store_meta_file(self) -> Path:
        return self.root / "store.json"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def ui_state_file(self) -> Path:
        return self.root / "window.ini"

    @property
    def whatsapp_dir(self) -> Path:
        return self.root / "whatsapp"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> Profile:
        make_private_dir(self.root)
        return self
