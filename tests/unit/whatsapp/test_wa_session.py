"""Session files: private permissions, one DeskChat per session, deletion."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from deskchat.channels.whatsapp.session import SessionFiles, SessionLocked, database_name

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@posix_only
def test_session_file_is_created_private(tmp_path: Path) -> None:
    files = SessionFiles(tmp_path / "whatsapp", 3)
    name = files.prepare()
    assert stat.S_IMODE(os.stat(tmp_path / "whatsapp").st_mode) == 0o700
    assert stat.S_IMODE(files.path.stat().st_mode) == 0o600
    assert name.endswith("/whatsapp/account-3.db")
    assert not files.has_session()


def test_a_second_deskchat_on_the_same_session_is_refused(tmp_path: Path) -> None:
    first = SessionFiles(tmp_path, 1)
    first.acquire()
    second = SessionFiles(tmp_path, 1)
    with pytest.raises(SessionLocked, match="already open in another DeskChat") as caught:
        second.acquire()
    assert caught.value.holder == str(os.getpid())
    other_account = SessionFiles(tmp_path, 2)
    other_account.acquire()  # another account is fine
    other_account.release()
    first.release()
    second.acquire()
    second.release()


def test_has_session_reads_the_device_table(tmp_path: Path) -> None:
    files = SessionFiles(tmp_path, 1)
    files.prepare()
    with sqlite3.connect(files.path) as conn:
        conn.execute("CREATE TABLE whatsmeow_device (jid TEXT)")
        conn.execute("INSERT INTO whatsmeow_device VALUES ('5511987654321:5@s.whatsapp.net')")
    assert files.has_session()
    assert files.delete()
    assert not files.path.exists()
    assert not files.has_session()


def test_a_postponed_delete_finishes_at_the_next_prepare(tmp_path: Path) -> None:
    files = SessionFiles(tmp_path, 1)
    files.prepare()
    files.path.write_bytes(b"old keys")
    files.delete_marker.touch()
    files.prepare()
    assert files.path.read_bytes() == b""
    assert not files.delete_marker.exists()


def test_database_name_escapes_uri_characters(tmp_path: Path) -> None:
    name = database_name(tmp_path / "50% off?#1.db")
    assert name.endswith("/50%25 off%3F%231.db")
