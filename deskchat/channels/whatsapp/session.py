"""The whatsmeow session file of one account: private, locked, and deleted on disconnect.

The file holds the linked device's keys in plain text (whatsmeow's design), so it is created 0600 in a 0700 folder
before whatsmeow opens it, and deleted as a whole when the account is disconnected. A lock file next to it keeps a
second DeskChat (or a second adapter in this process) off the same session: two clients on one session kick each
other out forever ("stream replaced").

On Windows the Go side keeps the sqlite file open until the process exits, so a delete can fail; a
``.delete`` marker then finishes the job at the next start, before whatsmeow opens the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import IO, Final

from deskchat.paths import make_private_dir, make_private_file

log = logging.getLogger("deskchat.wa")

_SIDE_SUFFIXES: Final = ("", "-journal", "-wal", "-shm")


class SessionLocked(RuntimeError):
    """The session is already in use by another DeskChat window or process."""

    def __init__(self, path: Path, holder: str) -> None:
        who = f" (process {holder})" if holder else ""
        super().__init__(f"this WhatsApp session is already open in another DeskChat{who}: {path}")
        self.path = path
        self.holder = holder


def _lock(handle: IO[str]) -> bool:
    """Take an exclusive, non-blocking lock on ``handle``; False if someone else holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class SessionFiles:
    """The session, lock and delete-marker files of ``account_id`` in ``directory``."""

    def __init__(self, directory: Path, account_id: int) -> None:
        self.directory = directory
        self.path = directory / f"account-{account_id}.db"
        self.lock_path = directory / f"account-{account_id}.lock"
        self.delete_marker = directory / f"account-{account_id}.delete"
        self._lock_handle: IO[str] | None = None

    # -- locking -----------------------------------------------------------------------------------------------

    def acquire(self) -> None:
        """Lock the session for this adapter.

        Raises:
            SessionLocked: another DeskChat holds it.
        """
        if self._lock_handle is not None:
            return
        make_private_dir(self.directory)
        make_private_file(self.lock_path)
        handle = open(self.lock_path, "r+", encoding="ascii")  # noqa: SIM115 (held until release())
        if not _lock(handle):
            holder = ""
            with contextlib.suppress(OSError):  # Windows refuses reads of a locked range
                holder = handle.read(32).strip()
            handle.close()
            raise SessionLocked(self.path, holder)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_handle = handle

    def release(self) -> None:
        handle, self._lock_handle = self._lock_handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
        _unlock(handle)
        handle.close()

    @property
    def locked(self) -> bool:
        return self._lock_handle is not None

    # -- the session file --------------------------------------------------------------------------------------

    def prepare(self) -> str:
        """Finish a pending delete, pre-create the file 0600, and return the name to give ``NewAClient``."""
        make_private_dir(self.directory)
        if self.delete_marker.exists():
            if self._remove_files():
                self.delete_marker.unlink(missing_ok=True)
            else:
                log.warning("session file %s still in use; delete postponed", self.path)
        make_private_file(self.path)
        return database_name(self.path)

    def has_session(self) -> bool:
        """Whether the file holds a paired device (read-only check; whatsmeow need not be loaded)."""
        if not self.path.exists() or self.path.stat().st_size == 0 or self.delete_marker.exists():
            return False
        try:
            with contextlib.closing(sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)) as conn:
                row = conn.execute("SELECT count(*) FROM whatsmeow_device").fetchone()
        except sqlite3.Error:
            return False
        return bool(row and row[0])

    def delete(self) -> bool:
        """Delete the session (and sqlite side files). Returns False if it is postponed to the next start."""
        if self._remove_files():
            self.delete_marker.unlink(missing_ok=True)
            return True
        make_private_file(self.delete_marker)
        return False

    def _remove_files(self) -> bool:
        done = True
        for suffix in _SIDE_SUFFIXES:
            target = self.path.with_name(self.path.name + suffix)
            try:
                target.unlink(missing_ok=True)
            except OSError as exc:  # WinError 32: the Go side still has it open
                log.info("cannot delete %s yet: %s", target, exc)
                done = False
        return done


def database_name(path: Path) -> str:
    """``path`` as the ``name`` neonize puts into ``file:<name>?_foreign_keys=on``.

    The name is read as a URI: '%', '?' and '#' must be escaped, and Windows paths use forward slashes.
    """
    text = str(path.resolve()).replace("\\", "/")
    return text.replace("%", "%25").replace("?", "%3F").replace("#", "%23")
