"""The files DeskChat writes outside its store: copies opened in a viewer, and files saved where the attendant chose.

No Qt here: ``app.py`` clears the leftovers at start before any window exists.

- Opened copies live in one DeskChat-owned private folder (0700), ``open-files`` in the profile, each in a new
  sub-folder (a viewer may still hold the previous copy), read-only. They are plaintext copies of encrypted media,
  so the folder is removed at exit and, after a crash, at the next start (:func:`remove_leftover_copies`).
- On Windows every copy and every saved file gets the Mark of the Web (a ``Zone.Identifier`` alternate data stream
  with ``ZoneId=3``, "Internet"), so Office opens it in Protected View and SmartScreen checks a program before it runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from deskchat.paths import make_private_dir

log = logging.getLogger("deskchat.files")

OPEN_COPIES_FOLDER: Final = "open-files"
ZONE_STREAM: Final = ":Zone.Identifier"
INTERNET_ZONE: Final = 3

StreamWriter = Callable[[str, bytes], None]


def open_copies_folder(profile_root: Path) -> Path:
    """Where a profile's opened copies go."""
    return profile_root / OPEN_COPIES_FOLDER


def zone_identifier(zone: int = INTERNET_ZONE) -> bytes:
    """The content of a ``Zone.Identifier`` stream, as Windows' own downloads write it."""
    return f"[ZoneTransfer]\r\nZoneId={zone}\r\n".encode("ascii")


def _write_stream(path: str, content: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(content)


def mark_from_internet(path: Path, *, platform: str = sys.platform, write: StreamWriter = _write_stream) -> bool:
    """Give ``path`` the Mark of the Web on Windows (elsewhere: nothing); False when the file system refused it.

    A file system without alternate data streams (FAT32, some network shares) refuses; the file stays usable and
    the refusal is logged.
    """
    if platform != "win32":
        return False
    try:
        write(f"{path}{ZONE_STREAM}", zone_identifier())
    except OSError as error:
        log.warning("could not mark a file as coming from the Internet: %s", error.strerror or type(error).__name__)
        return False
    return True


def write_private_copy(folder: Path, name: str, data: bytes, *, platform: str = sys.platform) -> Path:
    """Write ``data`` as ``name`` in a new private sub-folder of ``folder``, marked and read-only; returns its path."""
    make_private_dir(folder)
    target = Path(tempfile.mkdtemp(dir=folder)) / name  # mkdtemp: 0700, a fresh name every time
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(target, flags, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    mark_from_internet(target, platform=platform)  # before read-only: Windows refuses a stream on a read-only file
    target.chmod(stat.S_IREAD)
    return target


def write_saved_file(target: Path, data: bytes, *, platform: str = sys.platform) -> None:
    """Write ``data`` where the attendant chose to save it, with the Mark of the Web on Windows."""
    target.write_bytes(data)
    mark_from_internet(target, platform=platform)


def remove_private_folder(folder: Path) -> None:
    """Delete a private folder with its read-only files (files still open in a viewer may stay behind)."""
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            path.chmod(stat.S_IRWXU if path.is_dir() else stat.S_IREAD | stat.S_IWRITE)
    shutil.rmtree(folder, ignore_errors=True)


def remove_leftover_copies(profile_root: Path) -> None:
    """At start: remove the copies a previous run left behind (it crashed, or a viewer held a file at exit)."""
    folder = open_copies_folder(profile_root)
    if folder.is_symlink():  # never follow a link out of the profile
        folder.unlink()
        return
    remove_private_folder(folder)
    if folder.exists():
        log.warning("some files opened in an earlier session could not be removed (still open in a viewer?)")
