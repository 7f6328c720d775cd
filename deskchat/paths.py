"""Where DeskChat keeps its files: one profile directory per attendant profile.

The default lives in the OS's per-user data directory (platformdirs); ``--profile DIR`` or the ``DESKCHAT_PROFILE``
environment variable chooses another. A directory DeskChat creates is 0700 and every file it creates 0600; files and
folders it did not create (an existing folder given as ``--profile``) keep their modes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "DeskChat"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def default_profile_dir() -> Path:
    override = os.environ.get("DESKCHAT_PROFILE")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "profile"


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only.

    Only folders created here get their mode set: an existing folder (``--profile`` pointed at one of the attendant's
    own folders) keeps the mode its owner gave it.
    """
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to change
        if os.name == "posix":
            os.chmod(created, PRIVATE_DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    return path


def make_private_file(path: Path) -> Path:
    """Create ``path`` empty and 0600 if missing; an existing file is left exactly as it is (content and mode)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
    except FileExistsError:
        return path
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return path


#: Files SQLite creates beside a store while it is open (with the process's umask, which may be wide).
SQLITE_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def tighten_store_companions(store_file: Path) -> None:
    """Make the files SQLite created beside ``store_file`` (-wal, -shm, -journal) 0600; no other file is touched."""
    if os.name != "posix":
        return
    for suffix in SQLITE_COMPANION_SUFFIXES:
        companion = store_file.with_name(store_file.name + suffix)
        try:
            mode = companion.lstat().st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) != PRIVATE_FILE_MODE:
            os.chmod(companion, PRIVATE_FILE_MODE)


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
